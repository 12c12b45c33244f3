"""The header's year menu: the years of rule sets and of memberships, the selected year and the calendar year,
newest first, in one query on every page."""

from blocs.models import Membership
from blocs.years import default_year, year_choices
from tests.factories import MembershipFactory, RuleSetFactory, UnitFactory


def test_the_years_of_rule_sets_and_memberships_in_one_query(world, django_assert_num_queries):
    RuleSetFactory(year=2030)  # a rule set, no members yet
    MembershipFactory(bloc=world["bloc_a"], unit=UnitFactory(code="cu"), year=2012)  # members, no rule set
    assert Membership.objects.filter(year=2025).count() == 5  # the same year many times: offered once

    with django_assert_num_queries(1):
        years = year_choices(2001)

    assert years == sorted({2030, 2025, 2012, 2001, default_year()}, reverse=True)


def test_the_selected_and_calendar_years_without_any_data(db):
    assert year_choices(2040) == sorted({2040, default_year()}, reverse=True)
