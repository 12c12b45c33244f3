"""Tags of the page layout (templates/base.html)."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

register = template.Library()


@register.simple_tag
def year_options(years, selected) -> SafeString:
    """The header's year menu's options, the selected year (the one on screen) marked: one tag rather than a
    loop of a dozen years with a comparison each, a fifth of the layout's time."""
    return mark_safe(  # whole numbers only
        "".join(f'<option value="{y:d}"{" selected" if y == selected else ""}>{y:d}</option>' for y in years)
    )


# The tabs of a bloc's year (templates/blocs/year/base.html): (URL name, label, the context flag that marks it
# active; None: active on its own address).
_YEAR_TABS = (
    ("blocs:year", gettext_lazy("Tổng quan"), None),
    ("blocs:pledge", gettext_lazy("Giao ước"), None),
    ("blocs:registrations", gettext_lazy("Đăng ký danh hiệu"), None),
    ("blocs:scoring_table", gettext_lazy("Bảng điểm"), None),
    ("blocs:score_grid", gettext_lazy("Chấm điểm"), None),
    ("blocs:ranking", gettext_lazy("Xếp hạng"), None),
    ("blocs:ratings", gettext_lazy("Xếp loại"), None),
    ("meetings:list", gettext_lazy("Hội nghị, bình xét"), "meetings_tab"),
    ("awards:bloc_list", gettext_lazy("Đề nghị khen thưởng"), "nominations_tab"),
    ("reports:list", gettext_lazy("Văn bản"), "documents_tab"),  # to those who may read the documents
)
_BLOC, _YEAR = 918273645, 5647  # stand-ins reversed once, each address then made by putting the real ones in


@lru_cache(maxsize=16)
def _year_tab_addresses(prefix: str) -> tuple[str, ...]:
    return tuple(
        reverse(name, args=[_BLOC, _YEAR]).replace(str(_BLOC), "{bloc}").replace(str(_YEAR), "{year}")
        for name, _label, _flag in _YEAR_TABS
    )


@register.simple_tag(takes_context=True)
def year_tabs(context, bloc, year: int) -> SafeString:
    """The tabs of a bloc's year, the page's own marked: the addresses reversed once per process, not ten
    {% url %} tags a page."""
    request = context["request"]
    reads_documents = request.user.has_perm("reports.view_documents", bloc)
    items = []
    for (name, label, flag), address in zip(_YEAR_TABS, _year_tab_addresses(get_script_prefix()), strict=True):
        if name == "reports:list" and not reads_documents:
            continue
        url = address.format(bloc=int(bloc.pk), year=int(year))
        active = context.get(flag) if flag else request.path == url
        items.append(
            f'<li class="nav-item"><a class="nav-link{" active" if active else ""}" href="{escape(url)}">'
            f"{escape(label)}</a></li>"
        )
    return mark_safe('<ul class="nav nav-tabs my-3">\n' + "\n".join(items) + "\n</ul>")  # texts escaped above


@register.simple_tag
def choice_options(field) -> SafeString:
    """A bound form field's choices as <option>s, the chosen one selected (compared as text, as the form
    sent it): one tag rather than a loop with a comparison per option (40 blocs on the review queue)."""
    chosen = str(field.value())
    return mark_safe(  # every text escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
            for value, label in field.field.choices
        )
    )
