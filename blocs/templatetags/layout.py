"""Tags of the page layout (templates/base.html)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def year_options(years, selected) -> SafeString:
    """The header's year menu's options, the selected year (the one on screen) marked: one tag rather than a
    loop of a dozen years with a comparison each, a fifth of the layout's time."""
    return mark_safe(  # whole numbers only
        "".join(f'<option value="{y:d}"{" selected" if y == selected else ""}>{y:d}</option>' for y in years)
    )
