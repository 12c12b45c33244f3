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
    """Years that have a rule set or memberships, the current one and the next, newest first.

    Cached on nothing: two small indexed DISTINCT queries per page.
    """
    years = set(RuleSet.objects.values_list("year", flat=True))
    years |= set(Membership.objects.order_by().values_list("year", flat=True).distinct())
    years |= {current, default_year()}
    return sorted(years, reverse=True)
