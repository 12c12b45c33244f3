"""The working year: chosen in the page header, kept in the session, shared by every page."""

from django.db import connection
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

    Cached on nothing: one query on every page. Memberships hold thousands of rows for a handful of years, so
    their years are read by skipping through the (year, bloc) index, one probe per distinct year (a recursive
    query) rather than by reading every row; rule sets are one row a year.
    """
    with connection.cursor() as cursor:
        cursor.execute(_YEARS_SQL)
        years = {year for (year,) in cursor.fetchall()}
    years |= {current, default_year()}
    return sorted(years, reverse=True)


_YEARS_SQL = f"""
WITH RECURSIVE membership_year(year) AS (
    SELECT MIN(year) FROM {Membership._meta.db_table}
    UNION ALL
    SELECT (SELECT MIN(m.year) FROM {Membership._meta.db_table} m WHERE m.year > membership_year.year)
    FROM membership_year WHERE membership_year.year IS NOT NULL
)
SELECT year FROM membership_year WHERE year IS NOT NULL
UNION
SELECT year FROM {RuleSet._meta.db_table}
"""
