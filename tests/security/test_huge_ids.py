"""Ids too large for any column (typed into a form or a URL) find nothing instead of failing.

SQLite cannot bind an integer beyond 64 bits; units/lookups.py makes the lookups that user-supplied
ids reach drop such a number, as PostgreSQL's comparison would find nothing for it.
"""

import pytest
from django.urls import reverse

from blocs.models import Membership

HUGE = 10**40


@pytest.mark.parametrize(
    "lookup",
    [
        {"pk": HUGE},
        {"pk__in": [HUGE]},
        {"unit": HUGE},
        {"unit_id": HUGE},
        {"unit_id__in": [HUGE]},
        {"unit__in": [HUGE]},
        {"unit__pk": HUGE},
        {"pk__gt": HUGE},
        {"pk__in": [-HUGE, HUGE]},
    ],
    ids=str,
)
def test_a_huge_id_matches_nothing(world, lookup):
    assert list(Membership.objects.filter(**lookup)) == []


def test_ids_in_range_still_match_beside_a_huge_one(world):
    unit = world["unit_a1"]
    assert Membership.objects.filter(unit_id__in=[unit.pk, HUGE]).count() == 1
    assert Membership.objects.filter(unit__in=[unit, HUGE]).count() == 1
    assert Membership.objects.filter(pk__in=[unit.memberships.get().pk, HUGE]).count() == 1
    assert Membership.objects.filter(unit=unit).count() == Membership.objects.filter(unit_id=unit.pk).count() == 1
    assert Membership.objects.exclude(unit_id=HUGE).count() == Membership.objects.exclude(pk__in=[HUGE]).count() == 5


def test_a_form_choosing_a_huge_id_says_the_choice_is_invalid(access_world, secretary_a, client_for):
    meeting = access_world["ballot_meeting"]
    response = client_for(secretary_a).post(
        reverse("meetings:ballot_add", kwargs={"meeting_pk": meeting.pk}),
        {"purpose": "other", "title": "Biểu quyết thử", "seats": "1", "candidates": [str(HUGE)]},
    )
    assert response.status_code == 200
    assert "candidates" in response.context["form"].errors


def test_a_score_cell_of_a_huge_unit_is_not_found(access_world, secretary_a, client_for):
    bloc = access_world["bloc_a"]
    response = client_for(secretary_a).post(
        reverse("blocs:score_cell", kwargs={"pk": bloc.pk, "year": 2025}),
        {"unit": str(HUGE), "criterion": access_world["criterion"].pk, "field": "assessed", "value": "1"},
    )
    assert response.status_code == 404
