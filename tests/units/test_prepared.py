"""Prepared queries give what the ORM gives, in one query, for any values of the shape they were compiled for."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from blocs.models import Membership
from tests.factories import AwardTypeFactory, UnitFactory
from units.models import AnnualRating, Award, AwardType
from units.prepared import Prepared

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"], world["unit_b1"]]
    for index, unit in enumerate(units):
        for year in (2023, 2024, 2025):
            rating = "HTXSNV" if index % 2 else "HTTNV"
            completed = None if year == 2023 else 9
            AnnualRating.objects.create(
                unit=unit, year=year, rating=rating, staff_total=10 + index, staff_completed=completed
            )
    award_type = AwardType.objects.order_by("order").first()
    Award.objects.create(unit=units[0], award_type=award_type, year=2024, decision_number="12/QĐ-UBND",
                         decision_date=date(2025, 3, 15))  # fmt: skip
    Award.objects.create(unit=units[1], award_type=award_type, year=2023, decision_number="7/QĐ-UBND")
    return units


def _ratings(unit_ids, first, last):
    return AnnualRating.objects.filter(unit_id__in=unit_ids, year__gt=first, year__lte=last).order_by("unit_id", "year")


def test_values_list_rows_are_the_orms(rows):
    prepared = Prepared(lambda unit_ids, first, last: _ratings(unit_ids, first, last).values_list(
        "unit_id", "year", "rating", "staff_total", "staff_completed"))  # fmt: skip
    for unit_ids, first, last in (([u.pk for u in rows[:2]], 2022, 2025), ([rows[3].pk, rows[0].pk], 2023, 2024)):
        expected = list(_ratings(unit_ids, first, last).values_list(
            "unit_id", "year", "rating", "staff_total", "staff_completed"))  # fmt: skip
        assert prepared(unit_ids=unit_ids, first=first, last=last) == expected
        assert expected  # the values reach the query: not an empty answer either way


def test_model_rows_are_the_orms(rows):
    prepared = Prepared(_ratings)
    unit_ids = [u.pk for u in rows]
    got = prepared(unit_ids=unit_ids, first=2023, last=2025)
    expected = list(_ratings(unit_ids, 2023, 2025))
    assert got == expected  # the same rows (model equality is by primary key)
    assert [(r.rating, r.staff_total, r.staff_completed, r.year) for r in got] == [
        (r.rating, r.staff_total, r.staff_completed, r.year) for r in expected
    ]
    assert not got[0]._state.adding
    assert got[0]._state.db == "default"
    got[0].note = "Đã sửa"
    got[0].save()  # a row read this way is saved as one read by the ORM
    assert AnnualRating.objects.get(pk=got[0].pk).note == "Đã sửa"


def test_values_are_converted_as_the_orm_converts_them(rows):
    """Dates, decimals and booleans come back typed on every database (SQLite gives text and numbers)."""
    prepared = Prepared(lambda unit_id: Award.objects.filter(unit_id=unit_id).values_list("decision_date", "year"))
    assert prepared(unit_id=rows[0].pk) == [(date(2025, 3, 15), 2024)]
    award_type = AwardTypeFactory(code="kt-x", name="Khen thưởng X")
    flags = Prepared(lambda pk: AwardType.objects.filter(pk=pk).values_list("is_title", flat=True))
    assert flags(pk=award_type.pk) == [award_type.is_title]
    shares = Prepared(lambda year: AnnualRating.objects.filter(year=year).annotate(
        share=F("staff_total") * Decimal("0.5")).values_list("share", flat=True).order_by("pk"))  # fmt: skip
    assert shares(year=2024) == list(
        AnnualRating.objects.filter(year=2024).annotate(share=F("staff_total") * Decimal("0.5"))
        .values_list("share", flat=True).order_by("pk")
    )  # fmt: skip


def test_flat_and_aggregates(rows, world):
    members = Prepared(
        lambda year: (
            Membership.objects.filter(year=year).values_list("bloc_id").annotate(n=Count("pk")).order_by("bloc_id")
        )
    )
    assert members(year=2025) == [(world["bloc_a"].pk, 3), (world["bloc_b"].pk, 2)]
    assert members(year=2024) == []
    ids = Prepared(lambda bloc_id: Membership.objects.filter(bloc_id=bloc_id).values_list("unit_id", flat=True)
                   .order_by("unit_id"))  # fmt: skip
    assert ids(bloc_id=world["bloc_b"].pk) == sorted([world["unit_b1"].pk, world["unit_b2"].pk])


def test_one_query_each_time_and_none_for_an_empty_list(rows):
    prepared = Prepared(lambda unit_ids: AnnualRating.objects.filter(unit_id__in=unit_ids).values_list("pk"))
    prepared(unit_ids=[rows[0].pk])
    with CaptureQueriesContext(connection) as queries:
        prepared(unit_ids=[rows[1].pk, rows[1].pk, rows[2].pk])  # a repeated id counts once, as `__in` has it
        prepared(unit_ids=[rows[1].pk])
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert prepared(unit_ids=[]) == []
    assert len(queries) == 0


def test_lists_of_other_lengths_compile_again(rows):
    prepared = Prepared(lambda unit_ids: AnnualRating.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", flat=True).distinct().order_by("unit_id"))  # fmt: skip
    for count in (1, 2, 3, 4, 2, 1):
        unit_ids = [u.pk for u in rows[:count]]
        assert prepared(unit_ids=unit_ids) == sorted(unit_ids)


def test_shapes_it_cannot_prepare_are_refused(rows):
    with pytest.raises(ImproperlyConfigured):  # model rows with deferred fields
        Prepared(lambda pk: Award.objects.filter(pk=pk).only("year"))(pk=1)
    with pytest.raises(ImproperlyConfigured):  # dictionaries
        Prepared(lambda pk: Award.objects.filter(pk=pk).values("pk"))(pk=1)
    with pytest.raises(ImproperlyConfigured):  # the value is not in the SQL as it was given
        Prepared(lambda year: Award.objects.filter(year=year + 1).values_list("pk"))(year=2025)
    with pytest.raises(ImproperlyConfigured):  # the SQL changes with the value
        Prepared(lambda year: Award.objects.filter(year=year) if year % 2 else Award.objects.all())(year=2025)
    with pytest.raises(TypeError):
        Prepared(lambda code: AwardType.objects.filter(code=code).values_list("pk"))(code="co-chinh-phu")


def test_units_made_after_compiling_are_read(rows):
    prepared = Prepared(lambda unit_ids: AnnualRating.objects.filter(unit_id__in=unit_ids).values_list("unit_id"))
    assert prepared(unit_ids=[rows[0].pk]) == [(rows[0].pk,)] * 3
    unit = UnitFactory(name="Sở Xây dựng", code="sxd")
    AnnualRating.objects.create(unit=unit, year=2025, rating="HTNV")
    assert prepared(unit_ids=[unit.pk]) == [(unit.pk,)]


def test_a_number_no_column_holds_matches_nothing(rows):
    """An id beyond 64 bits (typed into an address) finds nothing, as through the ORM, on SQLite too."""
    prepared = Prepared(lambda unit_ids, year: AnnualRating.objects.filter(unit_id__in=unit_ids, year=year))
    assert prepared(unit_ids=[rows[0].pk, 2**70], year=2025) == list(
        AnnualRating.objects.filter(unit=rows[0], year=2025)
    )
    by_pk = Prepared(lambda pk: AnnualRating.objects.filter(pk=pk).values_list("pk", flat=True))
    assert by_pk(pk=10**30) == []


def test_joined_rows_and_annotations_are_set_as_the_orm_sets_them(rows, world):
    """select_related rows (a required and a nullable foreign key) and annotations, as ModelIterable gives them."""
    from blocs.models import BlocYear
    from tests.factories import UserFactory

    members = Prepared(lambda bloc_id, year: Membership.objects.filter(bloc_id=bloc_id, year=year).select_related(
        "unit").annotate(ratings=Count("unit__ratings")).order_by("unit__code"))  # fmt: skip
    got = members(bloc_id=world["bloc_a"].pk, year=2025)
    expected = list(Membership.objects.filter(bloc=world["bloc_a"], year=2025).select_related("unit").annotate(
        ratings=Count("unit__ratings")).order_by("unit__code"))  # fmt: skip
    assert got == expected
    with CaptureQueriesContext(connection) as queries:
        assert [(m.unit.name, m.unit.code, m.role, m.ratings) for m in got] == [
            (m.unit.name, m.unit.code, m.role, m.ratings) for m in expected
        ]
    assert len(queries) == 0  # the units came with the rows

    closer = UserFactory(username="closer", full_name="Trần Văn Khóa")
    open_year = BlocYear.objects.create(bloc=world["bloc_a"], year=2024)
    closed_year = BlocYear.objects.create(
        bloc=world["bloc_b"], year=2024, closed_by=closer, closed_at=closer.date_joined
    )
    years = Prepared(
        lambda bloc_id, year: BlocYear.objects.filter(bloc_id=bloc_id, year=year).select_related("closed_by")
    )
    with CaptureQueriesContext(connection) as queries:
        (first,) = years(bloc_id=open_year.bloc_id, year=2024)
        (second,) = years(bloc_id=closed_year.bloc_id, year=2024)
        assert first.closed_by is None
        assert second.closed_by == closer
        assert second.closed_by.full_name == "Trần Văn Khóa"
    assert len(queries) == 2


def test_the_shapes_kept_are_bounded(rows, monkeypatch):
    """Each length of a list is a shape compiled and kept; past the limit the oldest goes, answers stay right."""
    from units import prepared as module

    monkeypatch.setattr(module, "MAX_SHAPES", 2)
    ratings = AnnualRating.objects
    query = Prepared(
        lambda unit_ids: (
            ratings.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True).distinct().order_by("unit_id")
        )
    )
    for count in (1, 2, 3, 4, 1):
        unit_ids = [u.pk for u in rows[:count]]
        assert query(unit_ids=unit_ids) == sorted(unit_ids)
        assert len(query._compiled) <= 2
