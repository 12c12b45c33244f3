"""The provincial board's review queue: every nomination of a year from every bloc, filtered, sorted and
paginated, with the quotas per award type above it, bulk actions on the selected rows, and a side-by-side
page for one nomination with "previous / next in the queue".

Province-wide readers (board admin, board reviewer, viewer) read; the board acts (`awards/rules.py`).
Bloc staff and unit officers get 403. The page runs a fixed number of queries whatever the number of
nominations: `awards.checks.assess` reads a whole list at once (a Government-flag proposal adds the look-up of
its bloc's leading unit), and the vote shares and quota figures are drawn from what it read. Services write.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, lru_cache

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from awards import eligibility, workflow
from awards.checks import Assessment, CheckSummary, _ballot_facts, assess, every_award_type, summarize
from awards.models import Nomination, ReviewEvent, State
from awards.services import roles_of
from awards.services_review import BOARD_ACTIONS, nominations_transition, reason_required
from awards.views.nominations import HISTORY_YEARS, ballot_lines, history_rows, timeline
from blocs.models import AwardRule, Bloc, Membership, QuotaBase
from blocs.views.mixins import YearMixin
from meetings import voting
from units.models import AnnualRating, Award, AwardType
from units.prepared import Prepared
from units.text import search_key

PER_PAGE = 50
PENDING = "cho_xu_ly"  # submitted or under review: what waits for the board
BLOCKING, WARNING, OK = "chua_dat", "canh_bao", "dat"
OUTCOMES = {BLOCKING: eligibility.BLOCKING, WARNING: eligibility.WARNING, OK: eligibility.OK}
FILTER_KEYS = ("khoi", "hinh_thuc", "trang_thai", "kiem_tra", "q", "sap_xep")

STATE_RANK = Case(
    *[When(state=value, then=Value(rank)) for rank, value in enumerate(State.values)], output_field=IntegerField()
)
# Sort keys of the queue's columns: the column first, then a stable order (bloc, award type, unit).
SORTS = {
    "khoi": ("bloc__sort_key", "award_type__order", "unit__sort_key"),
    "don_vi": ("unit__sort_key", "award_type__order"),
    "hinh_thuc": ("award_type__order", "award_type__name", "bloc__sort_key", "unit__sort_key"),
    "trang_thai": ("state_rank", "bloc__sort_key", "award_type__order", "unit__sort_key"),
    "ngay_trinh": ("submitted_at", "bloc__sort_key", "award_type__order", "unit__sort_key"),
}
DEFAULT_SORT = "khoi"


# --- Filters -------------------------------------------------------------------------------------


class QueueFilter(django_filters.FilterSet):
    """The queue's filters. `kiem_tra` (the checks' outcome) is applied after the checks are computed."""

    khoi = django_filters.ModelChoiceFilter(
        field_name="bloc", queryset=Bloc.objects.order_by("sort_key", "pk"), label=gettext_lazy("Khối, cụm"),
        empty_label=gettext_lazy("Mọi khối, cụm"),
    )  # fmt: skip
    hinh_thuc = django_filters.ModelChoiceFilter(
        field_name="award_type", queryset=AwardType.objects.order_by("order", "name"),
        label=gettext_lazy("Hình thức"), empty_label=gettext_lazy("Mọi hình thức"),
    )  # fmt: skip
    trang_thai = django_filters.ChoiceFilter(
        choices=[(PENDING, gettext_lazy("Chờ Ban xử lý (đã trình, đang thẩm định)")), *State.choices],
        method="filter_state", label=gettext_lazy("Trạng thái"), empty_label=gettext_lazy("Mọi trạng thái"),
    )  # fmt: skip
    kiem_tra = django_filters.ChoiceFilter(
        choices=[
            (BLOCKING, gettext_lazy("Có điều kiện chưa đạt")),
            (WARNING, gettext_lazy("Chỉ có cảnh báo")),
            (OK, gettext_lazy("Đạt mọi điều kiện")),
        ],
        method="filter_later", label=gettext_lazy("Kết quả kiểm tra"), empty_label=gettext_lazy("Mọi kết quả"),
    )  # fmt: skip
    q = django_filters.CharFilter(method="filter_search", label=gettext_lazy("Tìm đơn vị"))

    class Meta:
        model = Nomination
        fields: list[str] = []

    def __init__(self, *args, award_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.award_types = award_types  # () -> every award type by id, read once for the page

    @property
    def form(self):
        """The form, whose bloc and award-type menus read their choices once, when shown (a model choice field
        counts its queryset, then reads it through a cursor)."""
        if not hasattr(self, "_form"):
            form = super().form
            blocs, types = form.fields["khoi"], form.fields["hinh_thuc"]
            _lazy_choices(blocs, lambda: Bloc.objects.order_by("sort_key", "pk").values_list("pk", "name"))
            if self.award_types is not None:
                _lazy_choices(types, lambda: [
                    (t.pk, t.name) for t in sorted(self.award_types().values(), key=lambda t: (t.order, t.name))
                ])  # fmt: skip
        return self._form

    def filter_state(self, queryset, name, value):
        if value == PENDING:
            return queryset.filter(state__in=[State.SUBMITTED, State.UNDER_REVIEW])
        return queryset.filter(state=value)

    def filter_later(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        """Every word of the query in the unit's name or code, without diacritics ("so tu phap")."""
        for word in search_key(value).split():
            queryset = queryset.filter(unit__search_key__contains=word)
        return queryset


def _lazy_choices(field, choices) -> None:
    """Show a model choice field's choices from `choices()`, called when the menu is shown (validation still
    reads the chosen row). Django's own setter: django-filter's wraps the value in its model iterator."""
    forms.ChoiceField.choices.fset(field, lambda: [("", field.empty_label), *choices()])


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteShare:
    """The unit's share on its ballot, as a list cell shows it."""

    share: str
    rule: str
    met: bool


def vote_shares(nominations, ballots: dict[int, eligibility.BallotFact] | None = None) -> dict[int, VoteShare]:
    """nomination pk -> its vote share, for the nominations that have a ballot: from their ballot facts when
    given (`Assessment.ballots`), else read (two queries)."""
    shares = {}
    nominations = list(nominations)
    if ballots is None:
        ballots = _ballot_facts(nominations)
    for pk, fact in ((n.pk, ballots.get(n.pk)) for n in nominations):
        if fact is None:
            continue
        met = bool(
            fact.same_award
            and fact.votes is not None
            and fact.base
            and voting.meets_threshold(votes=fact.votes, base=fact.base, threshold=fact.threshold, strict=fact.strict)
        )
        rule = voting.rule_text(vote_base=fact.vote_base, base=fact.base, threshold=fact.threshold, strict=fact.strict)
        shares[pk] = VoteShare(voting.share_text(fact.votes, fact.base), f"{fact.title}. {rule}", met)
    return shares


def queue_queryset(year: int):
    """The year's nominations with what the queue sorts on: the state's rank and the last submission."""
    submitted = (
        ReviewEvent.objects.filter(nomination=OuterRef("pk"), to_state=State.SUBMITTED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return (
        Nomination.objects.filter(year=year)
        .select_related("bloc", "unit", "award_type")
        .annotate(state_rank=STATE_RANK, submitted_at=Subquery(submitted))
    )


def sort_param(value: str) -> str:
    """A known sort key (optionally "-" for descending), else the default."""
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def ordered(queryset, sort: str):
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    first, *rest = SORTS[key]
    if key == "ngay_trinh":  # not submitted yet: always last
        head = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
    else:
        head = F(first).desc() if descending else F(first).asc()
    return queryset.order_by(head, *rest, "pk")


def narrows(params) -> bool:
    """Whether the request's filters narrow the queue (its sort and page do not)."""
    return any(params.get(key) for key in FILTER_KEYS if key != "sap_xep")


_QUEUE_SIZE = Prepared(
    lambda year: Nomination.objects.filter(year=year).order_by().values("year").annotate(n=Count("pk"))
    .values_list("n", flat=True)
)  # fmt: skip


@lru_cache(maxsize=16)
def _queue_ids(sort: str) -> Prepared:
    """The ids of the year's whole queue in the order `sort`: a prepared query per order."""
    return Prepared(lambda year: ordered(queue_queryset(year), sort).values_list("pk", flat=True))


@lru_cache(maxsize=256)
def _queue_page(sort: str, start: int, stop: int) -> Prepared:
    """One page of the year's whole queue in the order `sort`: a prepared query per order and page (a page's
    bounds are part of its SQL)."""
    return Prepared(lambda year: ordered(queue_queryset(year), sort)[start:stop])


class WholeQueue:
    """Every nomination of the year in the queue's order, for the paginator: its size and its pages read
    through prepared queries, the same rows in the same order as `ordered(queue_queryset(year), sort)`."""

    def __init__(self, year: int, sort: str):
        self.year, self.sort = year, sort

    def count(self) -> int:
        return next(iter(_QUEUE_SIZE(year=self.year)), 0)

    def ids(self) -> list[int]:
        return _queue_ids(self.sort)(year=self.year)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None or index.start is None or index.stop is None:
            raise TypeError("WholeQueue gives pages: [start:stop]")
        if index.stop <= index.start:  # the one page of an empty queue
            return []
        return _queue_page(self.sort, index.start, index.stop)(year=self.year)


@dataclass
class Queue:
    """The filtered, sorted queue of one year. `rows` is a queryset, a list once filtered by outcome, or a
    WholeQueue when nothing narrows it."""

    filterset: QueueFilter
    sort: str
    outcome: str
    rows: object
    award_types: object  # () -> every award type by id (read once)
    checks: dict[int, list[eligibility.Check]] = field(default_factory=dict)  # by nomination pk, computed so far
    ballots: dict[int, eligibility.BallotFact] = field(default_factory=dict)  # by nomination pk, read so far
    assessment: Assessment | None = None  # the last one: the year's rules and counts

    def assess(self, nominations, **kwargs) -> Assessment | None:
        """Assess the nominations whose checks are not known yet (in one `assess`), keeping what it read."""
        missing = [n for n in nominations if n.pk not in self.checks]
        if missing:
            self.assessment = assess(missing, award_types=self.award_types(), **kwargs)
            self.checks.update(self.assessment.checks)
            self.ballots.update(self.assessment.ballots)
        return self.assessment

    def checks_of(self, nominations) -> dict[int, list[eligibility.Check]]:
        """The checks of `nominations`, computing those not known yet."""
        self.assess(nominations)
        return self.checks

    def summaries_of(self, nominations) -> dict[int, CheckSummary]:
        checks = self.checks_of(nominations)
        return {n.pk: summarize(checks[n.pk]) for n in nominations}


def build_queue(year: int, params) -> Queue:
    award_types = cache(every_award_type)
    sort = sort_param(params.get("sap_xep", ""))
    if not narrows(params):
        # Nothing narrows the queue: its pages are read through prepared queries (WholeQueue); the filter set
        # only shows the filters' form.
        filterset = QueueFilter(params, queryset=Nomination.objects.none(), award_types=award_types)
        filterset.is_valid()  # an empty form: every filter is optional
        return Queue(filterset, sort, "", WholeQueue(year, sort), award_types)
    filterset = QueueFilter(params, queryset=queue_queryset(year), award_types=award_types)
    rows = ordered(filterset.qs, sort)
    outcome = filterset.form.cleaned_data.get("kiem_tra") or ""
    queue = Queue(filterset, sort, outcome, rows, award_types)
    if outcome:
        nominations = list(rows)
        checks = queue.checks_of(nominations)
        queue.rows = [n for n in nominations if eligibility.summary(checks[n.pk]) == OUTCOMES[outcome]]
    return queue


def filter_query(params) -> str:
    """The queue's filters and sort from `params`, as a query string (other keys dropped)."""
    return urlencode([(key, params[key]) for key in FILTER_KEYS if params.get(key)])


# --- Quotas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Nominations counted against a quota (all but "not approved"), the limit (None: none) and what is left."""

    used: int
    limit: int | None
    province_wide: bool = False  # a bloc's figures when only the province-wide cap limits the award type

    @property
    def left(self) -> int | None:
        return None if self.limit is None else self.limit - self.used

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit

    @property
    def excess(self) -> int:
        return self.used - self.limit if self.over else 0


@dataclass(frozen=True)
class QuotaRow:
    award_type: AwardType
    rule_text: str  # empty: the year's rule set says nothing of the award type
    province: Figures
    approved: int  # approved or decided, province-wide
    bloc: Figures | None = None


def _percent(value) -> str:
    return voting.percent_text(Fraction(value) / 100)


def quota_rule_text(rule, *, province_blocs: int) -> str:
    """The quota of an award rule (an AwardRule or its `eligibility.RuleFact`) in words, as the rule set says it."""
    parts = []
    if rule.quota_percent is not None:
        if rule.quota_base == QuotaBase.BLOC_LEADERS:
            parts.append(
                _("Toàn tỉnh tối đa %(percent)s số đơn vị dẫn đầu các khối (%(blocs)s khối), làm tròn xuống.")
                % {"percent": _percent(rule.quota_percent), "blocs": province_blocs}
            )
        else:
            parts.append(
                _("Mỗi khối tối đa %(percent)s %(base)s, làm tròn xuống.")
                % {"percent": _percent(rule.quota_percent), "base": QuotaBase(rule.quota_base).label.lower()}
            )
    if rule.quota_count is not None:
        parts.append(_("Mỗi khối không quá %(count)s đơn vị.") % {"count": rule.quota_count})
    return " ".join(parts) or _("Không giới hạn số lượng.")


@dataclass(frozen=True)
class YearCounts:
    """What the quotas of a year are figured from."""

    rules: dict[int, eligibility.RuleFact]  # by award type id: the year's rule set's award rules
    members: dict[int, int]  # member units of each active bloc with members, by bloc id
    nominated: dict[tuple[int, int], tuple[int, int]]  # (bloc id, award type id) -> (not rejected, approved)
    award_types: dict[int, AwardType]  # those of the rules and of the nominations at least


def year_counts(year: int, assessment: Assessment | None = None) -> YearCounts:
    """The year's quota facts: drawn from an assessment of some of the year's nominations (which read them),
    else read (four queries at most)."""
    if assessment is not None and year in assessment.years:
        return YearCounts(
            rules={type_id: rule for (y, type_id), rule in assessment.rules.items() if y == year},
            members={b: n for (b, y), n in assessment.members.items() if y == year and b in assessment.active_blocs},
            nominated={(b, t): counts for (b, t, y), counts in assessment.nominated.items() if y == year},
            award_types=assessment.award_types,
        )
    rules = {
        r.award_type_id: r
        for r in AwardRule.objects.filter(rule_set__year=year).select_related("award_type").order_by()
    }
    members = dict(
        Membership.objects.filter(year=year, bloc__active=True)
        .values_list("bloc_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    nominated = {
        (bloc_id, type_id): (n_used, n_approved)
        for bloc_id, type_id, n_used, n_approved in Nomination.objects.filter(year=year)
        .values_list("bloc_id", "award_type_id")
        .annotate(
            used=Count("pk", filter=~Q(state=State.NOT_APPROVED)),
            approved=Count("pk", filter=Q(state__in=[State.APPROVED, State.DECIDED])),
        )
        .order_by()
    }
    award_types = {r.award_type_id: r.award_type for r in rules.values()}
    missing = {type_id for _bloc_id, type_id in nominated} - award_types.keys()
    if missing:
        award_types.update(AwardType.objects.in_bulk(missing))
    facts = {
        type_id: eligibility.RuleFact(quota_percent=r.quota_percent, quota_base=r.quota_base, quota_count=r.quota_count)
        for type_id, r in rules.items()
    }
    return YearCounts(facts, members, nominated, award_types)


def quota_rows(year: int, *, bloc: Bloc | None = None, assessment: Assessment | None = None) -> list[QuotaRow]:
    """Per award type named by the year's rule set (or nominated this year): the quota used and left,
    province-wide and, when `bloc` is given, for that bloc. From `assessment` (of some of the year's nominations)
    when given, else four queries."""
    counts = year_counts(year, assessment)
    rules, members = counts.rules, counts.members
    used: dict[tuple[int, int], int] = {}
    approved: dict[int, int] = {}
    type_ids = set(rules)
    for (bloc_id, type_id), (n_used, n_approved) in counts.nominated.items():
        used[bloc_id, type_id] = n_used
        approved[type_id] = approved.get(type_id, 0) + n_approved
        type_ids.add(type_id)
    types = {type_id: counts.award_types[type_id] for type_id in type_ids}
    province_blocs = len(members)
    rows = []
    for type_id, award_type in sorted(types.items(), key=lambda item: (item[1].order, item[1].name)):
        rule = rules.get(type_id)
        province_used = sum(n for (_b, t), n in used.items() if t == type_id)
        bloc_figures = None
        if rule is None:
            province = Figures(province_used, None)
            if bloc is not None:
                bloc_figures = Figures(used.get((bloc.pk, type_id), 0), None)
            rows.append(QuotaRow(award_type, "", province, approved.get(type_id, 0), bloc_figures))
            continue
        limits = {bloc_id: eligibility.bloc_quota_limit(rule, members=m) for bloc_id, m in members.items()}
        cap = eligibility.province_cap(rule, province_blocs=province_blocs)
        if cap is not None:
            province_limit = cap
        elif limits and all(limit is not None for limit in limits.values()):
            province_limit = sum(limits.values())
        else:
            province_limit = None
        if bloc is not None:
            bloc_limit = eligibility.bloc_quota_limit(rule, members=members.get(bloc.pk, 0))
            bloc_figures = Figures(used.get((bloc.pk, type_id), 0), bloc_limit, bloc_limit is None and cap is not None)
        rows.append(
            QuotaRow(
                award_type,
                quota_rule_text(rule, province_blocs=province_blocs),
                Figures(province_used, province_limit),
                approved.get(type_id, 0),
                bloc_figures,
            )
        )
    return rows


# --- Access --------------------------------------------------------------------------------------


class ReviewAccess(LoginRequiredMixin):
    """Province-wide readers only (403 for everyone else); `self.can_act` for the board."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("awards.view_review_queue"):
            raise PermissionDenied
        self.can_act = request.user.has_perm("awards.review_nominations")
        return super().dispatch(request, *args, **kwargs)

    def require_act(self) -> None:
        if not self.can_act:
            raise PermissionDenied


def _selected(values) -> dict[int, int]:
    """The bulk form's checkboxes ("pk:version") as {pk: version}; malformed values are dropped."""
    selected = {}
    for value in values:
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            selected[int(pk)] = int(version)
    return selected


def _action_choices():
    return [(action, workflow.ACTION_LABELS[action]) for action in BOARD_ACTIONS]


# --- The queue -----------------------------------------------------------------------------------


# The badge of each state (awards/_state.html).
STATE_BADGES = {
    State.APPROVED: "text-bg-success",
    State.DECIDED: "text-bg-success",
    State.NOT_APPROVED: "text-bg-danger",
    State.RETURNED: "text-bg-warning",
    State.DRAFT: "text-bg-secondary",
}


def queue_rows(nominations, summaries: dict[int, CheckSummary], shares: dict[int, VoteShare], chosen, query: str):
    """The page's rows: (nomination, check summary, vote share, selected, state's name, cells), where `cells` are
    the texts the row shows, worked out here once per page (its link, labels, counts, badge, date) rather than by
    template tags in each of the 50 rows. The same texts as those tags: `{% url %}`, `blocktranslate`, `|date`."""
    states = State.display_names()
    # The review page's address around a stand-in id, reversed once: each row puts its own id in between.
    marker = 999999999
    link = reverse("awards:review", kwargs={"nomination_pk": marker}).split(str(marker))
    suffix = f"?{query}" if query else ""
    select = _("Chọn %(unit)s — %(award)s")
    passed, direct = _("Đạt"), _("Lập trực tiếp")
    rows = []
    for n in nominations:
        summary = summaries[n.pk]
        blocking, warnings = len(summary.blocking), len(summary.warnings)
        unit, award = n.unit.name, n.award_type.name
        submitted = getattr(n, "submitted_at", None)
        cell = {
            "pk": n.pk,
            "choice": f"{n.pk}:{n.version}",
            "select": mark_safe(select % {"unit": escape(unit), "award": escape(award)}),
            "bloc": n.bloc.name,
            "unit": unit,
            "award": award,
            "url": f"{link[0]}{n.pk}{link[1]}{suffix}",
            "state_class": STATE_BADGES.get(n.state, "text-bg-primary"),
            "submitted": localtime(submitted).strftime("%d/%m/%Y") if submitted else "",
            "title": summary.title,
            "blocking": ngettext("%(n)s chưa đạt", "%(n)s chưa đạt", blocking) % {"n": blocking} if blocking else "",
            "warnings": ngettext("%(n)s cảnh báo", "%(n)s cảnh báo", warnings) % {"n": warnings} if warnings else "",
            "ok": "" if blocking or warnings else passed,
            "ballot": n.ballot_id is not None,
            "direct": direct,
        }
        rows.append((n, summary, shares.get(n.pk), n.pk in chosen, states[n.state], cell))
    return rows


def queue_rows_html(rows, *, can_act: bool) -> SafeString:
    """The queue's rows (from `queue_rows`) as the table shows them, written here rather than by the template:
    its twenty tags a row made a third of the page's time. Every text is escaped (the selection label is
    already safe, escaped by `queue_rows`)."""
    html = []
    for _n, _summary, share, checked, state_label, cell in rows:
        select = ""
        if can_act:
            select = (
                f'<td><input class="form-check-input js-select" type="checkbox" name="chon"'
                f' value="{escape(cell["choice"])}" id="chon-{cell["pk"]}"{" checked" if checked else ""}'
                f' aria-label="{conditional_escape(cell["select"])}"></td>'
            )
        submitted = escape(cell["submitted"]) if cell["submitted"] else '<span class="subtle">—</span>'
        title = escape(cell["title"])
        badges = "".join(
            f'<span class="badge text-bg-{kind}">{escape(cell[key])}</span>\n'
            for key, kind in (("blocking", "danger"), ("warnings", "warning"), ("ok", "success"))
            if cell[key]
        )
        if share:
            danger = "" if share.met else ' class="text-danger"'
            vote = f'<span title="{escape(share.rule)}"{danger}>{escape(share.share)}</span>'
        else:
            vote = "—" if cell["ballot"] else f'<span class="subtle">{escape(cell["direct"])}</span>'
        html.append(
            f"<tr>{select}"
            f'<td class="small">{escape(cell["bloc"])}</td>'
            f'<td><a href="{escape(cell["url"])}">{escape(cell["unit"])}</a></td>'
            f'<td class="small">{escape(cell["award"])}</td>'
            f'<td><span class="badge {cell["state_class"]}">{escape(state_label)}</span></td>'
            f'<td class="small text-nowrap">{submitted}</td>'
            f'<td><span class="d-inline-flex flex-wrap gap-1" title="{title}" tabindex="0">\n{badges}'
            f'<span class="visually-hidden">{title}</span>\n</span></td>'
            f'<td class="small text-nowrap">{vote}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every text in it is escaped above


class ReviewQueue(ReviewAccess, YearMixin, TemplateView):
    """GET: the queue. POST (the board): one action with one reason on the selected nominations."""

    template_name = "awards/review/queue.html"

    def get_context_data(self, bulk=None, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        params = self.request.GET
        queue = build_queue(year, params)
        paginator = Paginator(queue.rows, PER_PAGE)
        page = paginator.get_page(params.get("page"))
        nominations = list(page.object_list)
        summaries = queue.summaries_of(nominations)
        shares = vote_shares(nominations, queue.ballots)
        bloc = queue.filterset.form.cleaned_data.get("khoi")
        query = filter_query(params)
        bulk = bulk or {}
        chosen = bulk.get("selected", {})
        context.update(
            year=year,
            selected_year=year,
            filter=queue.filterset,
            form=queue.filterset.form,
            sort=queue.sort,
            sort_links=self._sort_links(params, queue.sort),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            total=paginator.count,
            rows=(rows := queue_rows(nominations, summaries, shares, chosen, query)),
            rows_html=queue_rows_html(rows, can_act=self.can_act),
            quotas=quota_rows(year, bloc=bloc, assessment=queue.assessment),
            quota_bloc=bloc,
            query=query,
            can_act=self.can_act,
            actions=_action_choices(),
            bulk_action=bulk.get("action", ""),
            bulk_reason=bulk.get("reason", ""),
            bulk_errors=bulk.get("errors", []),
            reason_actions=[a for a in BOARD_ACTIONS if reason_required(a)],
        )
        return context

    def _sort_links(self, params, sort: str) -> dict[str, dict]:
        """Per column: the link that sorts by it (a second click reverses), and the current direction."""
        links = {}
        kept = [(k, params[k]) for k in FILTER_KEYS if k != "sap_xep" and params.get(k)]
        if params.get("nam"):
            kept.append(("nam", params["nam"]))
        for key in SORTS:
            current = sort.lstrip("-") == key
            target = key if not current or sort.startswith("-") else f"-{key}"
            links[key] = {
                "url": "?" + urlencode([*kept, ("sap_xep", target)]),
                "current": current,
                "descending": current and sort.startswith("-"),
            }
        return links

    def post(self, request, *args, **kwargs):
        self.require_act()
        selected = _selected(request.POST.getlist("chon"))
        action = request.POST.get("thao_tac", "")
        reason = request.POST.get("ly_do", "")
        try:
            done = nominations_transition(
                versions=selected, action=action, user=request.user, reason=reason, year=self.get_year()
            )
        except ValidationError as exc:
            bulk = {"selected": selected, "action": action, "reason": reason, "errors": exc.messages}
            return self.render_to_response(self.get_context_data(bulk=bulk))
        messages.success(
            request,
            ngettext(
                "Đã «%(action)s» %(n)s hồ sơ.",
                "Đã «%(action)s» %(n)s hồ sơ.",
                len(done),
            )
            % {"action": workflow.ACTION_LABELS[action], "n": len(done)},
        )
        return HttpResponseRedirect(request.get_full_path())


# --- One nomination, side by side ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryYear:
    year: int
    rating: AnnualRating | None
    awards: list[Award]


def history_years(nomination: Nomination, assessment: Assessment | None = None) -> list[HistoryYear]:
    """The unit's rating and awards in each of the last five years up to the nomination's, newest first: from
    the rows its assessment read (`records=True`), else read (two queries)."""
    first = nomination.year - HISTORY_YEARS + 1
    ratings, awards_of = history_rows(nomination, assessment)
    rated = {r.year: r for r in ratings}
    awards: dict[int, list[Award]] = {}
    for award in sorted(awards_of, key=lambda a: (a.award_type.order, a.award_type.name)):
        awards.setdefault(award.year, []).append(award)
    return [HistoryYear(y, rated.get(y), awards.get(y, [])) for y in range(nomination.year, first - 1, -1)]


class ReviewDetail(ReviewAccess, TemplateView):
    """GET: the nomination on the left, the unit's five years, the timeline and the board's actions on the
    right, with "previous / next" in the queue as filtered. POST (the board): one action on it."""

    template_name = "awards/review/detail.html"

    def get_nomination(self) -> Nomination:
        if not hasattr(self, "_nomination"):
            # The ballot and its meeting come from `ballot_lines`, a decision (decided ones only) when shown.
            self._nomination = get_object_or_404(
                Nomination.objects.select_related("bloc", "unit", "award_type"), pk=self.kwargs["nomination_pk"]
            )
        return self._nomination

    def neighbours(self, nomination: Nomination) -> tuple[dict, list[eligibility.Check], Assessment | None]:
        """Where the nomination sits in the queue as filtered (position, previous, next, the list's page), and
        its checks: computed with the queue's when the queue is filtered by their outcome, else by an assessment
        of its own that keeps the rows it read (the unit's history, the dossier), returned too."""
        params = self.request.GET
        if narrows(params):
            queue = build_queue(nomination.year, params)
            if isinstance(queue.rows, list):
                ids = [n.pk for n in queue.rows]
            else:
                ids = list(queue.rows.values_list("pk", flat=True))
            checks, award_types = queue.checks.get(nomination.pk), queue.award_types()
        else:  # the year's whole queue in the order asked for: a prepared query
            ids = WholeQueue(nomination.year, sort_param(params.get("sap_xep", ""))).ids()
            checks = award_types = None
        assessment = None
        if checks is None:
            assessment = assess([nomination], records=True, award_types=award_types)
            checks = assessment.checks[nomination.pk]
        if nomination.pk not in ids:
            return {"position": None, "total": len(ids), "previous": None, "next": None, "page": 1}, checks, assessment
        index = ids.index(nomination.pk)
        around = {
            "position": index + 1,
            "total": len(ids),
            "previous": ids[index - 1] if index > 0 else None,
            "next": ids[index + 1] if index + 1 < len(ids) else None,
            "page": index // PER_PAGE + 1,
        }
        return around, checks, assessment

    def get_context_data(self, errors=None, action="", reason="", **kwargs):
        context = super().get_context_data(**kwargs)
        n = self.get_nomination()
        query = filter_query(self.request.GET)
        around, checks, assessment = self.neighbours(n)
        queue_params = [("nam", n.year), *[(k, self.request.GET[k]) for k in FILTER_KEYS if self.request.GET.get(k)]]
        if around["page"] > 1:
            queue_params.append(("page", around["page"]))
        roles = roles_of(self.request.user, n.bloc_id) if self.can_act else set()
        citations = list(dict.fromkeys(c.citation for c in checks if c.citation))
        actions = [t for t in workflow.actions_for(n.state, roles) if t.who == workflow.BOARD]
        context.update(
            nomination=n,
            year=n.year,
            selected_year=n.year,
            checks=checks,
            shared_citation=citations[0] if len(citations) == 1 else "",
            summary=summarize(checks),
            ballot_line=ballot_lines([n]).get(n.pk),
            files=assessment.files.get(n.pk, []) if assessment else list(n.files.all()),
            history=history_years(n, assessment),
            history_from=n.year - HISTORY_YEARS + 1,
            events=timeline(n),
            actions=sorted(actions, key=lambda t: t.reason_required),  # approving first, then return and reject
            can_act=self.can_act,
            around=around,
            query=query,
            queue_url=reverse("awards:review_queue") + "?" + urlencode(queue_params),
            errors=errors or [],
            posted_action=action,
            posted_reason=reason,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_act()
        n = self.get_nomination()
        action = request.POST.get("thao_tac", "")
        reason = request.POST.get("ly_do", "")
        version = request.POST.get("version", "")
        versions = {n.pk: int(version)} if version.isdigit() else {n.pk: -1}
        try:
            nominations_transition(versions=versions, action=action, user=request.user, reason=reason)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages, action=action, reason=reason))
        messages.success(
            request,
            _("Đã «%(action)s»: %(unit)s — %(award)s.")
            % {"action": workflow.ACTION_LABELS[action], "unit": n.unit.name, "award": n.award_type.name},
        )
        target = n.pk
        following = request.POST.get("tiep", "")
        if request.POST.get("mo_tiep") and following.isdigit():
            target = int(following)
        query = filter_query(request.GET)
        return HttpResponseRedirect(
            reverse("awards:review", kwargs={"nomination_pk": target}) + (f"?{query}" if query else "")
        )


urls = [
    path("tham-dinh/", ReviewQueue.as_view(), name="review_queue"),
    path("tham-dinh/<int:nomination_pk>/", ReviewDetail.as_view(), name="review"),
]
