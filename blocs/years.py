"""The working year: chosen in the page header, kept in the session, shared by every page."""

from django.utils import timezone

from blocs.models import Membership, RuleSet

SESSION_KEY = "thidua_year"
MIN_YEAR, MAX_YEAR = 2000, 2100


def default_year() -> int:
    return timezone.localdate().year


def selected_year(request) -> int:
    """The year from the session, else the current calendar year."""
    value = request.session.get(SESSION_KEY)
    if isinstance(value, int) and MIN_YEAR <= value <= MAX_YEAR:
        return value
    return default_year()


def year_choices(current: int) -> list[int]:
    """Years that have a rule set or memberships, the selected one and the calendar year, newest first.

    Cached on nothing: one query per page (the years of both tables, UNION removing the repeats).
    """
    years = set(
        RuleSet.objects.order_by()
        .values_list("year", flat=True)
        .union(Membership.objects.order_by().values_list("year", flat=True))
    )
    years |= {current, default_year()}
    return sorted(years, reverse=True)
