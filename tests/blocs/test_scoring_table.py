"""The scoring table of a bloc's year: created from the template or last year, edited, and
structural changes after scoring confirmed first and never losing scores."""

from decimal import Decimal

import pytest
from django.urls import reverse

from blocs.models import Criterion, Score, ScoringTable
from blocs.services_scoring import scoring_table_copy
from blocs.services_year import year_close


def _url(name, world, year, *extra):
    return reverse(f"blocs:{name}", args=[world["bloc_a"].pk, year, *extra])


def test_template_copy_gives_the_example_table(client_for, secretary_a, world, year):
    response = client_for(secretary_a).post(_url("scoring_table_create", world, year), {"source": "template"})
    assert response.status_code == 302
    table = ScoringTable.objects.get(bloc=world["bloc_a"], year=year)
    codes = list(table.criteria.order_by("order").values_list("code", "max_points"))
    assert codes[:4] == [("I", Decimal(50)), ("I.1", Decimal(30)), ("I.2", Decimal(10)), ("I.3", Decimal(10))]
    assert len(codes) == 20
    assert table.bonus_cap == Decimal(5)


def test_copy_last_years_table(client_for, secretary_a, world, year, scoring):
    Criterion.objects.filter(table=scoring, code="I.3").update(max_points=Decimal(12))
    response = client_for(secretary_a).post(_url("scoring_table_create", world, year + 1), {"source": "previous"})
    assert response.status_code == 302
    new = ScoringTable.objects.get(bloc=world["bloc_a"], year=year + 1)
    assert new.criteria.get(code="I.3").max_points == Decimal(12)
    assert new.criteria.get(code="I.3").parent.code == "I"


def test_adding_a_criterion_before_any_score_needs_no_confirmation(client_for, secretary_a, world, year, scoring):
    group = scoring.criteria.get(code="IV")
    data = {"parent": group.pk, "code": "IV.3", "title": "Tham gia hội thao", "kind": "normal", "max_points": "2"}
    response = client_for(secretary_a).post(_url("criterion_add", world, year), data)
    assert response.status_code == 302
    assert scoring.criteria.get(code="IV.3").parent == group


def test_structure_change_after_scoring_asks_first_and_keeps_scores(client_for, secretary_a, world, year, scoring):
    criterion = scoring.criteria.get(code="I.3")
    Score.objects.create(criterion=criterion, unit=world["unit_a1"], assessed_value=Decimal(8))
    client = client_for(secretary_a)
    data = {"parent": criterion.parent_id, "code": "I.3", "title": criterion.title, "kind": "normal", "max_points": "6"}
    first = client.post(_url("criterion_edit", world, year, criterion.pk), data)
    assert first.status_code == 200
    assert first.context["needs_confirmation"] == 1
    criterion.refresh_from_db()
    assert criterion.max_points == Decimal(10)  # nothing written yet
    confirmed = client.post(_url("criterion_edit", world, year, criterion.pk), {**data, "confirm": "True"})
    assert confirmed.status_code == 302
    criterion.refresh_from_db()
    assert criterion.max_points == Decimal(6)
    assert Score.objects.get(criterion=criterion).assessed_value == Decimal(8)


def test_removing_a_scored_criterion_archives_it_after_confirmation(client_for, secretary_a, world, year, scoring):
    group = scoring.criteria.get(code="II")
    Score.objects.create(criterion=scoring.criteria.get(code="II.1"), unit=world["unit_a1"], self_value=Decimal(7))
    client = client_for(secretary_a)
    ask = client.post(_url("criterion_remove", world, year, group.pk), {"action": "remove"})
    assert (ask.status_code, ask.context["count"]) == (200, 1)
    assert not Criterion.objects.filter(archived=True).exists()
    done = client.post(_url("criterion_remove", world, year, group.pk), {"action": "remove", "confirm": "1"})
    assert done.status_code == 302
    archived = sorted(scoring.criteria.filter(archived=True).values_list("code", flat=True))
    assert archived == ["II", "II.1", "II.2", "II.3"]
    assert Score.objects.get().self_value == Decimal(7)
    client.post(_url("criterion_remove", world, year, scoring.criteria.get(code="II.1").pk), {"action": "restore"})
    assert sorted(scoring.criteria.filter(archived=True).values_list("code", flat=True)) == ["II.2", "II.3"]


def test_removing_an_unscored_criterion_deletes_it(client_for, secretary_a, world, year, scoring):
    criterion = scoring.criteria.get(code="IV.2")
    response = client_for(secretary_a).post(_url("criterion_remove", world, year, criterion.pk), {"action": "remove"})
    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_group_cannot_be_put_inside_itself(client_for, secretary_a, world, year, scoring):
    group = scoring.criteria.get(code="I")
    child_group = Criterion.objects.create(table=scoring, parent=group, code="I.9", title="Nhóm con", kind="group")
    data = {"parent": child_group.pk, "code": "I", "title": group.title, "kind": "group", "max_points": "50"}
    response = client_for(secretary_a).post(_url("criterion_edit", world, year, group.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["Một nhóm không thể nằm trong chính nó."]


def test_bad_criterion_input_is_reported_at_the_field(client_for, secretary_a, world, year, scoring):
    data = {"code": "V", "title": "", "kind": "normal", "max_points": "-3"}
    response = client_for(secretary_a).post(_url("criterion_add", world, year), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == ["Trường này là bắt buộc."]
    assert errors["max_points"] == ["Giá trị phải lớn hơn hoặc bằng 0."]


def test_table_settings_are_versioned(client_for, secretary_a, board, world, year, scoring):
    url = _url("scoring_table_settings", world, year)
    client_for(board).post(url, {"name": "Bảng A", "bonus_cap": "6", "note": "", "version": 1})
    client_for(secretary_a).post(url, {"name": "Bảng B", "bonus_cap": "4", "note": "", "version": 1})
    scoring.refresh_from_db()
    assert (scoring.name, scoring.bonus_cap, scoring.version) == ("Bảng A", Decimal(6), 2)


@pytest.mark.parametrize("persona", ["viewer", "officer_a"])
def test_readers_cannot_change_the_table(persona, personas, client_for, world, year, scoring):
    client = client_for(personas[persona])
    assert client.get(_url("scoring_table", world, year)).status_code == 200
    assert client.post(_url("criterion_add", world, year), {"code": "X"}).status_code == 403
    assert client.get(_url("criterion_add", world, year)).status_code == 403


def test_closed_year_refuses_every_table_write(client_for, board, secretary_a, world, year, scoring):
    year_close(bloc=world["bloc_a"], year=year, user=board)
    client = client_for(secretary_a)
    criterion = scoring.criteria.get(code="I.1")
    posts = [
        (_url("scoring_table_create", world, year), {"source": "template"}),
        (_url("scoring_table_settings", world, year), {"name": "X", "bonus_cap": "1", "version": 1}),
        (_url("criterion_add", world, year), {"code": "V", "title": "X", "kind": "normal", "max_points": "1"}),
        (_url("criterion_edit", world, year, criterion.pk), {"code": "I.1", "title": "X", "kind": "normal"}),
        (_url("criterion_remove", world, year, criterion.pk), {"action": "remove"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    before = list(scoring.criteria.values_list("code", "title", "max_points"))
    with pytest.raises(Exception, match="khóa sổ"):
        scoring_table_copy(source=scoring, bloc=world["bloc_a"], year=year)
    assert list(scoring.criteria.values_list("code", "title", "max_points")) == before


def test_table_page_queries_are_bounded(client_for, viewer, world, year, scoring, django_assert_max_num_queries):
    for i in range(40):
        Criterion.objects.create(table=scoring, code=f"X.{i}", title=f"Tiêu chí {i}", max_points=1)
    client = client_for(viewer)
    with django_assert_max_num_queries(16):
        response = client.get(_url("scoring_table", world, year))
    assert len(response.context["rows"]) == 60


def test_scored_criteria_skip_children_of_an_archived_group(scoring):
    from blocs.services_scoring import scored_criteria

    Criterion.objects.filter(table=scoring, code="II").update(archived=True)  # a direct edit, children left as is
    codes = [c.code for c in scored_criteria(scoring)]
    assert "II.1" not in codes
    assert codes[:3] == ["I.1", "I.2", "I.3"]
