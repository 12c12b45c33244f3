"""The score grid: every kind of bad value refused with its Vietnamese reason (service, cell endpoint,
no-JavaScript form), concurrent edits caught, who may write what, the closed year, query counts."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blocs.models import Criterion, CriterionKind, MemberRole, Score, ScoringTable
from blocs.services_scores import CellChange, score_set, scores_save
from blocs.services_year import year_close
from tests.factories import BlocFactory, MembershipFactory, UnitFactory, UserFactory

# (criterion code, typed, exact reason)
BAD_VALUES = [
    ("I.2", "11", "Vượt điểm tối đa: tối đa 10, đã nhập 11."),
    ("I.2", "-1", "Điểm không được âm (-1); điểm trừ nhập ở mục điểm trừ."),
    ("−.1", "1", "Điểm trừ phải là số âm hoặc 0 (ví dụ -1), không được là 1."),
    ("−.2", "-6", "Điểm trừ tối đa của mục này là -5; không được -6."),
    ("I.2", "0,3", "Điểm phải chia hết cho bước 0,5 (ví dụ 0 hoặc 0,5)."),
    ("I.2", "abc", "«abc» không phải là số."),
]
BONUS_OVER_CAP = "Tổng điểm thưởng 5 vượt mức tối đa 4 của bảng điểm."


def _c(table, code):
    return table.criteria.get(code=code)


def _grid(world, year, **params):
    url = reverse("blocs:score_grid", args=[world["bloc_a"].pk, year])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _cell_url(world, year):
    return reverse("blocs:score_cell", args=[world["bloc_a"].pk, year])


def _post_cell(client, world, year, unit, criterion, value, version=0, field="assessed"):
    data = {"unit": unit.pk, "criterion": criterion.pk, "field": field, "value": value, "version": version}
    return client.post(_cell_url(world, year), data, HTTP_HX_REQUEST="true")


def _set(unit, criterion, value, user, field="assessed", version=None):
    if version is None:
        score = Score.objects.filter(unit=unit, criterion=criterion).first()
        version = getattr(score, f"{field}_version") if score else 0
    return score_set(unit=unit, criterion=criterion, field=field, raw_value=value, expected_version=version, user=user)


def _form(client, world, year, kind="assessed"):
    """The grid form as the browser would post it, untouched: every input with its shown value."""
    return _inputs(client.get(_grid(world, year, gia_tri=kind)), kind)


def _inputs(response, kind="assessed"):
    """What the browser posts from a grid page as it was rendered."""
    context = response.context
    data = {"gia_tri": kind, "state": context["state_json"]}
    for row in context["rows"]:
        for cell in row["cells"]:
            if cell["editable"]:
                data[f"s-{cell['key']}"] = cell["shown"]
    return data


def _key(unit, criterion):
    return f"s-{unit.pk}-{criterion.pk}"


# --- The service ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "typed", "reason"), BAD_VALUES)
def test_service_refuses_bad_values_with_the_reason(code, typed, reason, secretary_a, world, scoring):
    with pytest.raises(ValidationError) as excinfo:
        _set(world["unit_a3"], _c(scoring, code), typed, secretary_a)
    assert excinfo.value.messages == [reason]
    assert not Score.objects.exists()


def test_service_refuses_bonus_over_the_cap_across_two_items(secretary_a, world, scoring):
    ScoringTable.objects.filter(pk=scoring.pk).update(bonus_cap=Decimal(4))
    unit = world["unit_a3"]
    _set(unit, _c(scoring, "+.1"), "3", secretary_a)
    with pytest.raises(ValidationError) as excinfo:
        _set(unit, _c(scoring, "+.2"), "2", secretary_a)
    assert excinfo.value.messages == [BONUS_OVER_CAP]
    assert excinfo.value.code == "bonus_cap"
    assert not Score.objects.filter(criterion__code="+.2").exists()
    # Another unit's bonus is its own; the self score of the same unit is counted apart.
    _set(world["unit_a1"], _c(scoring, "+.2"), "2", secretary_a)
    _set(unit, _c(scoring, "+.2"), "2", secretary_a, field="self")


def test_service_accepts_comma_decimals_and_empty_clears(secretary_a, world, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    score = _set(unit, criterion, "7,5", secretary_a)
    assert (score.assessed_value, score.assessed_version) == (Decimal("7.5"), 1)
    score = _set(unit, criterion, "8.5", secretary_a)
    assert (score.assessed_value, score.assessed_version) == (Decimal("8.5"), 2)
    score = _set(unit, criterion, "", secretary_a)
    score.refresh_from_db()
    assert (score.assessed_value, score.assessed_version, score.updated_by) == (None, 3, secretary_a)
    penalty = _set(unit, _c(scoring, "−.1"), "−2", secretary_a)  # a typographic minus, as Word writes it
    assert penalty.assessed_value == Decimal(-2)


def test_saving_the_same_value_writes_nothing(secretary_a, world, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    _set(unit, criterion, "20", secretary_a)
    score = _set(unit, criterion, "20,0", secretary_a, version=0)  # even from a stale screen: nothing is lost
    assert score.assessed_version == 1
    assert Score.history.count() == 1


def test_history_records_who_changed_the_score(secretary_a, world, scoring):
    _set(world["unit_a3"], _c(scoring, "I.1"), "20", secretary_a)
    record = Score.history.get()
    assert (record.history_user, record.assessed_value) == (secretary_a, Decimal(20))


def test_second_editor_is_refused_with_the_first_value(secretary_a, board, world, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    _set(unit, criterion, "20", secretary_a, version=0)
    with pytest.raises(ValidationError) as excinfo:
        _set(unit, criterion, "25", board, version=0)
    saved_at = timezone.localtime(Score.history.get().history_date).strftime("%H:%M")
    assert excinfo.value.code == "conflict"
    assert excinfo.value.messages == [
        f"Ô này vừa được {secretary_a} lưu là 20 lúc {saved_at}; giá trị bạn nhập (25) chưa được lưu."
    ]
    assert (excinfo.value.params["current"], excinfo.value.params["version"]) == (Decimal(20), 1)
    score = Score.objects.get()
    assert (score.assessed_value, score.assessed_version, score.updated_by) == (Decimal(20), 1, secretary_a)


def test_self_and_assessed_versions_are_independent(secretary_a, officer_a, world, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    _set(unit, criterion, "28", officer_a, field="self", version=0)
    _set(unit, criterion, "26", secretary_a, field="assessed", version=0)
    _set(unit, criterion, "Đã đối chiếu biên bản", secretary_a, field="note", version=0)
    score = Score.objects.get()
    assert (score.self_value, score.self_version) == (Decimal(28), 1)
    assert (score.assessed_value, score.assessed_version) == (Decimal(26), 1)
    assert (score.note, score.note_version) == ("Đã đối chiếu biên bản", 1)


def test_service_refuses_groups_archived_criteria_and_outsiders(secretary_a, world, scoring):
    unit = world["unit_a3"]
    with pytest.raises(ValidationError) as excinfo:
        _set(unit, _c(scoring, "I"), "5", secretary_a)
    assert excinfo.value.messages == ["Nhóm tiêu chí không chấm điểm trực tiếp."]
    archived = _c(scoring, "I.3")
    Criterion.objects.filter(pk=archived.pk).update(archived=True)
    archived.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        _set(unit, archived, "5", secretary_a)
    assert excinfo.value.messages == ["Tiêu chí I.3 đã bỏ khỏi bảng điểm, không nhận điểm mới."]
    with pytest.raises(ValidationError) as excinfo:
        _set(world["unit_b1"], _c(scoring, "I.1"), "5", secretary_a)
    assert excinfo.value.messages == ["Ban Tuyên giáo Tỉnh ủy không phải thành viên của khối năm 2025."]


def test_service_refuses_a_closed_year(secretary_a, head_a, world, year, scoring):
    year_close(bloc=world["bloc_a"], year=year, user=head_a)
    with pytest.raises(ValidationError) as excinfo:
        _set(world["unit_a3"], _c(scoring, "I.1"), "5", secretary_a)
    assert excinfo.value.code == "year_closed"
    with pytest.raises(ValidationError) as excinfo:
        scores_save(
            table=scoring,
            field="assessed",
            changes=[CellChange(world["unit_a3"].pk, _c(scoring, "I.1").pk, "5", 0)],
            user=secretary_a,
        )
    assert excinfo.value.code == "year_closed"
    assert not Score.objects.exists()


def test_the_years_rule_set_gives_the_step(secretary_a, world, scoring):
    world["rule_set"].score_step = Decimal("0.25")
    world["rule_set"].save()
    assert _set(world["unit_a3"], _c(scoring, "I.1"), "7,25", secretary_a).assessed_value == Decimal("7.25")


def test_batch_is_all_or_nothing_and_reports_every_cell(secretary_a, world, scoring):
    a1, a3 = world["unit_a1"], world["unit_a3"]
    i1, i2 = _c(scoring, "I.1"), _c(scoring, "I.2")
    result = scores_save(
        table=scoring,
        field="assessed",
        changes=[
            CellChange(a1.pk, i1.pk, "25", 0),
            CellChange(a3.pk, i2.pk, "12", 0),
            CellChange(a3.pk, i1.pk, "x", 0),
        ],
        user=secretary_a,
    )
    assert {k: e.messages for k, e in result.errors.items()} == {
        (a3.pk, i2.pk): ["Vượt điểm tối đa: tối đa 10, đã nhập 12."],
        (a3.pk, i1.pk): ["«x» không phải là số."],
    }
    assert not Score.objects.exists()
    result = scores_save(table=scoring, field="assessed", changes=[CellChange(a1.pk, i1.pk, "25", 0)], user=secretary_a)
    assert (result.ok, result.written) == (True, 1)


def test_batch_checks_the_bonus_cap_with_the_new_values(secretary_a, world, scoring):
    ScoringTable.objects.filter(pk=scoring.pk).update(bonus_cap=Decimal(4))
    scoring.refresh_from_db()
    unit = world["unit_a3"]
    b1, b2 = _c(scoring, "+.1"), _c(scoring, "+.2")
    _set(unit, b1, "3", secretary_a)
    changes = [CellChange(unit.pk, b1.pk, "2", 1), CellChange(unit.pk, b2.pk, "2", 0)]
    assert scores_save(table=scoring, field="assessed", changes=changes, user=secretary_a).ok
    changes = [CellChange(unit.pk, b1.pk, "2,5", 2)]
    result = scores_save(table=scoring, field="assessed", changes=changes, user=secretary_a)
    assert [e.messages for e in result.errors.values()] == [["Tổng điểm thưởng 4,5 vượt mức tối đa 4 của bảng điểm."]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_creating_the_same_cell_at_once():
    """The first insert holds its transaction open; the second blocks on the unique index, then is
    refused as a conflict instead of failing with a database error."""
    bloc = BlocFactory()
    unit = UnitFactory()
    MembershipFactory(bloc=bloc, unit=unit, year=2025)
    table = ScoringTable.objects.create(bloc=bloc, year=2025, name="Bảng")
    criterion = Criterion.objects.create(table=table, code="1", title="Tiêu chí", max_points=10)
    first_user, second_user = UserFactory(), UserFactory()
    inserted, outcome = threading.Event(), {}

    def first():
        with transaction.atomic():
            score_set(
                unit=unit, criterion=criterion, field="assessed", raw_value="5", expected_version=0, user=first_user
            )
            inserted.set()
            threading.Event().wait(0.5)
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    inserted.wait(5)
    try:
        _set(unit, criterion, "7", second_user, version=0)
    except ValidationError as error:
        outcome["code"] = error.code
    thread.join()
    assert outcome == {"code": "conflict"}
    assert Score.objects.get().assessed_value == Decimal(5)


# --- The grid page ----------------------------------------------------------------------------------


def test_grid_without_table_links_to_the_scoring_table(client_for, secretary_a, world, year):
    response = client_for(secretary_a).get(_grid(world, year))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Khối chưa có bảng chấm điểm năm 2025" in page
    assert reverse("blocs:scoring_table", args=[world["bloc_a"].pk, year]) in page


def test_grid_shows_groups_criteria_values_and_totals(client_for, secretary_a, world, year, scoring):
    unit = world["unit_a3"]
    for code, value in (("I.1", "28"), ("I.2", "7,5"), ("+.1", "3"), ("+.2", "2"), ("−.1", "-1")):
        _set(unit, _c(scoring, code), value, secretary_a)
    response = client_for(secretary_a).get(_grid(world, year))
    page = response.content.decode()
    assert "I. Thực hiện nhiệm vụ chính trị, chuyên môn (50)" in page
    assert '<span class="crit-code">I.2</span>' in page
    assert "≤ 10" in page
    row = next(r for r in response.context["rows"] if r["unit"] == unit)
    assert row["totals"] == {"base": "35,5", "bonus": "5", "penalty": "-1", "total": "39,5"}
    assert [c["shown"] for c in row["cells"][:2]] == ["28", "7,5"]
    assert f'id="t-{unit.pk}-total"' in page
    assert 'inputmode="decimal"' in page
    # Head first, then deputy, then the others.
    assert [r["unit"] for r in response.context["rows"]] == [world["unit_a1"], world["unit_a2"], unit]


def test_grid_defaults_and_toggle(client_for, secretary_a, officer_a, viewer, world, year, scoring):
    assert client_for(secretary_a).get(_grid(world, year)).context["kind"] == "assessed"
    assert client_for(officer_a).get(_grid(world, year)).context["kind"] == "self"
    assert client_for(viewer).get(_grid(world, year)).context["kind"] == "assessed"
    page = client_for(secretary_a).get(_grid(world, year, gia_tri="self"))
    assert page.context["kind"] == "self"
    assert "Điểm tự chấm" in page.content.decode()


def test_officer_edits_only_their_units_self_score(client_for, officer_a, world, year, scoring):
    rows = client_for(officer_a).get(_grid(world, year)).context["rows"]
    assert [(r["unit"], r["editable"]) for r in rows] == [
        (world["unit_a1"], False),
        (world["unit_a2"], False),
        (world["unit_a3"], True),
    ]
    assessed = client_for(officer_a).get(_grid(world, year, gia_tri="assessed")).context["rows"]
    assert not any(r["editable"] for r in assessed)


def test_viewer_and_closed_year_see_no_inputs(client_for, viewer, secretary_a, head_a, world, year, scoring):
    assert (
        'class="form-control form-control-sm score-input'
        not in client_for(viewer).get(_grid(world, year)).content.decode()
    )
    year_close(bloc=world["bloc_a"], year=year, user=head_a)
    page = client_for(secretary_a).get(_grid(world, year)).content.decode()
    assert "score-input" not in page
    assert "Năm đã khóa sổ: bảng điểm chỉ xem." in page


def test_grid_shows_the_years_step(client_for, secretary_a, world, year, scoring):
    world["rule_set"].score_step = Decimal("0.25")
    world["rule_set"].save()
    assert "Bước điểm 0,25;" in client_for(secretary_a).get(_grid(world, year)).content.decode()
    world["rule_set"].delete()  # a year without a rule set: the default step
    assert "Bước điểm 0,5;" in client_for(secretary_a).get(_grid(world, year)).content.decode()


def test_grid_of_a_table_without_criteria_yet(client_for, secretary_a, world, year):
    ScoringTable.objects.create(bloc=world["bloc_a"], year=year, name="Bảng mới", bonus_cap=Decimal(5))
    world["rule_set"].score_step = Decimal("0.25")
    world["rule_set"].save()
    response = client_for(secretary_a).get(_grid(world, year))
    page = response.content.decode()
    assert response.context["table"].name == "Bảng mới"
    assert "Bước điểm 0,25;" in page
    assert 'class="form-control form-control-sm score-input' not in page
    assert [len(r["cells"]) for r in response.context["rows"]] == [0, 0, 0]


def test_grid_cells_carry_only_their_own_attributes(client_for, secretary_a, world, year, scoring):
    """htmx's request attributes are on the table, once; each input has its name, value, version and labels."""
    unit, criterion = world["unit_a3"], _c(scoring, "I.2")
    _set(unit, criterion, "7,5", secretary_a)
    page = client_for(secretary_a).get(_grid(world, year)).content.decode()
    key = f"{unit.pk}-{criterion.pk}"
    assert (
        f'<td class="gc"><input inputmode="decimal" class="form-control form-control-sm score-input" id="s-{key}"'
        f' name="s-{key}" value="7,5" data-saved="7,5" data-version="1" aria-label="Sở Tư pháp — I.2"'
        f' aria-describedby="st-{key}"><span id="st-{key}" class="cell-status"></span></td>'
    ) in page
    cell_url = reverse("blocs:score_cell", args=[world["bloc_a"].pk, year])
    assert page.count(f'hx-post="{cell_url}"') == 1
    assert 'hx-trigger="change target:.score-input"' in page
    assert 'hx-sync="this:queue all"' in page
    assert 'hx-swap="none"' in page
    counts = {attribute: page.count(attribute) for attribute in ("hx-vals", "hx-sync", "hx-target", "hx-include")}
    assert counts == {"hx-vals": 1, "hx-sync": 1, "hx-target": 0, "hx-include": 0}
    assert f'<td id="t-{unit.pk}-base" class="tot tot-base">7,5</td>' in page


def test_grid_escapes_names_and_typed_values(client_for, secretary_a, world, year, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    unit.name = 'Sở <b>"Tư pháp"</b> & Co'
    unit.save()
    client = client_for(secretary_a)
    data = _form(client, world, year)
    data[_key(unit, criterion)] = '"><script>x</script>'
    page = _save(client, world, year, data).content.decode()
    assert "<script>x" not in page
    assert "<b>" not in page
    assert 'aria-label="Sở &lt;b&gt;&quot;Tư pháp&quot;&lt;/b&gt; &amp; Co — I.1"' in page
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in page


def _big_bloc(units: int, criteria: int, year: int):
    bloc = BlocFactory()
    table = ScoringTable.objects.create(bloc=bloc, year=year, name="Bảng", bonus_cap=Decimal(5))
    group = Criterion.objects.create(table=table, code="I", title="Nhóm", kind=CriterionKind.GROUP, max_points=100)
    made = [
        Criterion.objects.create(
            table=table, parent=group, code=f"I.{n}", title=f"Tiêu chí {n}", max_points=10, order=n
        )
        for n in range(1, criteria + 1)
    ]
    for n in range(units):
        unit = UnitFactory()
        MembershipFactory(bloc=bloc, unit=unit, year=year, role=MemberRole.HEAD if n == 0 else MemberRole.MEMBER)
        Score.objects.bulk_create(Score(unit=unit, criterion=c, assessed_value=5, self_value=6) for c in made)
    return bloc


def test_grid_queries_do_not_grow_with_the_grid(client_for, board, year, django_assert_num_queries):
    small, large = _big_bloc(3, 5, year), _big_bloc(15, 40, year)
    client = client_for(board)
    client.get(reverse("blocs:score_grid", args=[small.pk, year]))  # the first request of a session does more
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("blocs:score_grid", args=[small.pk, year]))
    assert len(captured) <= 20
    with django_assert_num_queries(len(captured)):
        response = client.get(reverse("blocs:score_grid", args=[large.pk, year]))
    assert (len(response.context["rows"]), len(response.context["criteria"])) == (15, 40)


def test_cell_queries_do_not_grow_with_the_grid(client_for, board, year, django_assert_num_queries):
    client = client_for(board)
    counts = []
    for bloc in (_big_bloc(3, 5, year), _big_bloc(15, 40, year)):
        unit = bloc.memberships.order_by("pk").last().unit
        criterion = Criterion.objects.filter(table__bloc=bloc, kind="normal").order_by("order").last()
        url = reverse("blocs:score_cell", args=[bloc.pk, year])
        data = {"unit": unit.pk, "criterion": criterion.pk, "field": "assessed", "value": "7", "version": 0}
        client.post(url, {**data, "value": "6"})  # warm up, and leave version 1
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url, {**data, "version": 1}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[1] <= 25


# --- The cell endpoint (htmx) ----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "typed", "reason"), BAD_VALUES)
def test_cell_shows_the_reason_and_keeps_nothing(code, typed, reason, client_for, secretary_a, world, year, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, code)
    response = _post_cell(client_for(secretary_a), world, year, unit, criterion, typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["state"] == "invalid"
    assert response.context["message"] == reason
    status = f'<span id="st-{unit.pk}-{criterion.pk}" class="cell-status cell-status-invalid" role="status"'
    assert f'{status} data-state="invalid"' in page
    assert f'<span class="cell-msg">{reason}</span>' in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert f'title="{reason}"' in page.replace("&quot;", '"')
    assert f'data-version="0" title="{reason}" hx-swap-oob="true">' in page.replace("&quot;", '"').replace(
        "&#x27;", "'"
    )  # the version comes back (unchanged), totals do not
    assert f'id="t-{unit.pk}-total"' not in page
    assert not Score.objects.exists()


def test_cell_refuses_bonus_over_the_cap(client_for, secretary_a, world, year, scoring):
    ScoringTable.objects.filter(pk=scoring.pk).update(bonus_cap=Decimal(4))
    client, unit = client_for(secretary_a), world["unit_a3"]
    assert _post_cell(client, world, year, unit, _c(scoring, "+.1"), "3").context["state"] == "saved"
    response = _post_cell(client, world, year, unit, _c(scoring, "+.2"), "2")
    assert (response.context["state"], response.context["message"]) == ("invalid", BONUS_OVER_CAP)


def test_cell_saves_and_sends_the_new_totals(client_for, secretary_a, world, year, scoring):
    client, unit = client_for(secretary_a), world["unit_a3"]
    _post_cell(client, world, year, unit, _c(scoring, "I.1"), "28")
    response = _post_cell(client, world, year, unit, _c(scoring, "I.2"), "7,5")
    page = response.content.decode()
    key = f"{unit.pk}-{_c(scoring, 'I.2').pk}"
    assert response.status_code == 200
    assert 'data-state="saved" data-value="7,5" data-version="1"' in page  # grid.js copies the version to the input
    assert f'<span id="st-{key}" class="cell-status cell-status-saved"' in page
    assert page.index(f'id="st-{key}"') < page.index('hx-swap-oob="true"')  # the status is swapped out of band
    assert f'<td id="t-{unit.pk}-total" class="tot tot-total tot-changed" hx-swap-oob="true">35,5</td>' in page
    assert "<template>" in page  # table cells travel inside a template, where htmx parses them
    assert Score.objects.get(criterion__code="I.2").assessed_value == Decimal("7.5")


def test_cell_accepts_the_grid_input_names(client_for, secretary_a, world, year, scoring):
    """htmx posts the input's own name (s-<unit>-<criterion>) and the hidden version input."""
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    key = f"{unit.pk}-{criterion.pk}"
    data = {"unit": unit.pk, "criterion": criterion.pk, "field": "assessed", f"s-{key}": "20", "version": "0"}
    response = client_for(secretary_a).post(_cell_url(world, year), data)
    assert response.context["state"] == "saved"
    assert Score.objects.get().assessed_value == Decimal(20)


def test_cell_empty_value_clears(client_for, secretary_a, world, year, scoring):
    client, unit, criterion = client_for(secretary_a), world["unit_a3"], _c(scoring, "I.1")
    _post_cell(client, world, year, unit, criterion, "20")
    response = _post_cell(client, world, year, unit, criterion, "", version=1)
    assert (response.context["state"], response.context["shown"]) == ("saved", "")
    assert Score.objects.get().assessed_value is None


def test_cell_conflict_shows_the_other_value(client_for, secretary_a, board, world, year, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    key = f"{unit.pk}-{criterion.pk}"
    assert _post_cell(client_for(secretary_a), world, year, unit, criterion, "20").context["state"] == "saved"
    response = _post_cell(client_for(board), world, year, unit, criterion, "25", version=0)
    page = response.content.decode()
    saved_at = timezone.localtime(Score.history.get().history_date).strftime("%H:%M")
    message = f"Ô này vừa được {secretary_a} lưu là 20 lúc {saved_at}; giá trị bạn nhập (25) chưa được lưu."
    assert (response.context["state"], response.context["message"]) == ("conflict", message)
    # grid.js copies the version to the input: saving again is now a deliberate choice
    status = f'<span id="st-{key}" class="cell-status cell-status-conflict" role="status" data-state="conflict"'
    assert f'{status} data-value="20" data-version="1"' in page
    assert Score.objects.get().assessed_value == Decimal(20)
    again = _post_cell(client_for(board), world, year, unit, criterion, "25", version=1)
    assert again.context["state"] == "saved"
    assert Score.objects.get().assessed_value == Decimal(25)


def test_officer_writes_only_their_units_self_score(client_for, officer_a, world, year, scoring):
    client, criterion = client_for(officer_a), _c(scoring, "I.1")
    ok = _post_cell(client, world, year, world["unit_a3"], criterion, "27", field="self")
    assert (ok.status_code, ok.context["state"]) == (200, "saved")
    assert _post_cell(client, world, year, world["unit_a1"], criterion, "27", field="self").status_code == 403
    assert _post_cell(client, world, year, world["unit_a3"], criterion, "27", field="assessed").status_code == 403
    assert _post_cell(client, world, year, world["unit_a3"], criterion, "x", field="note").status_code == 403
    score = Score.objects.get()
    assert (score.unit, score.self_value, score.assessed_value) == (world["unit_a3"], Decimal(27), None)


@pytest.mark.parametrize(("persona", "field", "status"), [
    ("viewer", "assessed", 403), ("viewer", "self", 403), ("secretary_b", "assessed", 404),
    ("board", "assessed", 200), ("secretary_a", "self", 200),
])  # fmt: skip
def test_cell_rights(persona, field, status, personas, client_for, world, year, scoring):
    response = _post_cell(
        client_for(personas[persona]), world, year, world["unit_a3"], _c(scoring, "I.1"), "5", field=field
    )
    assert response.status_code == status


def test_cell_note(client_for, secretary_a, world, year, scoring):
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    response = _post_cell(client_for(secretary_a), world, year, unit, criterion, "  Có  minh chứng ", field="note")
    assert (response.context["state"], response.context["shown"]) == ("saved", "Có minh chứng")
    assert Score.objects.get().note == "Có minh chứng"


def test_cell_of_another_bloc_or_table_is_not_found(client_for, secretary_a, world, year, scoring):
    client = client_for(secretary_a)
    assert _post_cell(client, world, year, world["unit_b1"], _c(scoring, "I.1"), "5").status_code == 404
    other = ScoringTable.objects.create(bloc=world["bloc_b"], year=year, name="Khác")
    foreign = Criterion.objects.create(table=other, code="X", title="X", max_points=5)
    assert _post_cell(client, world, year, world["unit_a3"], foreign, "5").status_code == 404


# --- The closed year ---------------------------------------------------------------------------------


def test_closed_year_refuses_every_write_path(client_for, secretary_a, officer_a, board, head_a, world, year, scoring):
    client = client_for(secretary_a)
    form = _form(client, world, year)
    form[_key(world["unit_a3"], _c(scoring, "I.1"))] = "20"
    year_close(bloc=world["bloc_a"], year=year, user=head_a)
    unit, criterion = world["unit_a3"], _c(scoring, "I.1")
    assert _post_cell(client, world, year, unit, criterion, "20").status_code == 403
    assert _post_cell(client_for(officer_a), world, year, unit, criterion, "20", field="self").status_code == 403
    assert _post_cell(client_for(board), world, year, unit, criterion, "20").status_code == 403
    assert client.post(reverse("blocs:score_grid_save", args=[world["bloc_a"].pk, year]), form).status_code == 403
    upload = reverse("blocs:score_xlsx_upload", args=[world["bloc_a"].pk, year])
    assert client.post(upload, {}).status_code == 403
    assert not Score.objects.exists()


# --- The whole grid as one form (no JavaScript) ------------------------------------------------------


def _save(client, world, year, data):
    return client.post(reverse("blocs:score_grid_save", args=[world["bloc_a"].pk, year]), data)


def test_form_saves_changed_cells_in_one_go(client_for, secretary_a, world, year, scoring):
    client = client_for(secretary_a)
    _set(world["unit_a1"], _c(scoring, "I.3"), "9", secretary_a)
    data = _form(client, world, year)
    data[_key(world["unit_a3"], _c(scoring, "I.1"))] = "28,5"
    data[_key(world["unit_a1"], _c(scoring, "I.2"))] = "9.5"
    data[_key(world["unit_a1"], _c(scoring, "I.3"))] = ""
    response = _save(client, world, year, data)
    assert response.status_code == 302
    assert response.url == _grid(world, year, gia_tri="assessed")
    values = dict(Score.objects.values_list("criterion__code", "assessed_value").filter(unit=world["unit_a3"]))
    assert values == {"I.1": Decimal("28.5")}
    assert Score.objects.get(unit=world["unit_a1"], criterion__code="I.2").assessed_value == Decimal("9.5")
    assert Score.objects.get(unit=world["unit_a1"], criterion__code="I.3").assessed_value is None
    assert Score.history.count() == 4  # three writes and the first value: untouched cells are not written
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Đã lưu 2 ô điểm, xóa 1 ô."]


@pytest.mark.parametrize(("code", "typed", "reason"), BAD_VALUES)
def test_form_with_a_bad_cell_saves_nothing_and_keeps_everything(
    code, typed, reason, client_for, secretary_a, world, year, scoring
):
    client = client_for(secretary_a)
    data = _form(client, world, year)
    good, bad = _key(world["unit_a1"], _c(scoring, "I.1")), _key(world["unit_a3"], _c(scoring, code))
    data[good], data[bad] = "25", typed
    response = _save(client, world, year, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Score.objects.exists()
    assert f'name="{good}" value="25"' in page
    assert f'name="{bad}" value="{typed}"' in page
    assert f'<span class="cell-msg">{reason}</span>' in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert [e["message"] for e in response.context["error_list"]] == [reason]
    assert "Có 1 ô chưa lưu được nên chưa có gì được ghi." in page


def test_form_refuses_bonus_over_the_cap(client_for, secretary_a, world, year, scoring):
    ScoringTable.objects.filter(pk=scoring.pk).update(bonus_cap=Decimal(4))
    client = client_for(secretary_a)
    data = _form(client, world, year)
    data[_key(world["unit_a3"], _c(scoring, "+.1"))] = "3"
    data[_key(world["unit_a3"], _c(scoring, "+.2"))] = "2"
    response = _save(client, world, year, data)
    assert [e["message"] for e in response.context["error_list"]] == [BONUS_OVER_CAP, BONUS_OVER_CAP]
    assert not Score.objects.exists()


def test_form_conflict_is_reported_and_other_cells_are_not_overwritten(
    client_for, secretary_a, board, world, year, scoring
):
    client = client_for(secretary_a)
    data = _form(client, world, year)
    i1, i2 = _c(scoring, "I.1"), _c(scoring, "I.2")
    _set(world["unit_a3"], i1, "20", board, version=0)  # meanwhile, in another office
    _set(world["unit_a1"], i2, "8", board, version=0)
    data[_key(world["unit_a3"], i1)] = "22"  # same cell: a conflict
    response = _save(client, world, year, data)
    assert response.status_code == 200
    [error] = response.context["error_list"]
    assert error["message"].startswith(f"Ô này vừa được {board} lưu là 20 lúc ")
    assert error["message"].endswith("; giá trị bạn nhập (22) chưa được lưu.")
    assert Score.objects.get(unit=world["unit_a3"]).assessed_value == Decimal(20)
    # The page now shows the other person's value in the untouched cell, and saving again is deliberate.
    page = response.content.decode()
    assert f'name="{_key(world["unit_a1"], i2)}" value="8"' in page
    assert _save(client, world, year, _inputs(response)).status_code == 302
    assert Score.objects.get(unit=world["unit_a3"]).assessed_value == Decimal(22)
    assert Score.objects.get(unit=world["unit_a1"]).assessed_value == Decimal(8)  # left as the other person saved it


def test_form_rights(client_for, viewer, officer_a, secretary_b, world, year, scoring):
    officer = client_for(officer_a)
    data = _form(officer, world, year, kind="self")
    assert {k for k in data if k.startswith("s-")} == {
        _key(world["unit_a3"], c) for c in scoring.criteria.exclude(kind="group")
    }
    data[_key(world["unit_a3"], _c(scoring, "I.1"))] = "27"
    assert _save(officer, world, year, data).status_code == 302
    assert Score.objects.get().self_value == Decimal(27)
    forged = {**data, _key(world["unit_a1"], _c(scoring, "I.1")): "27"}
    assert _save(officer, world, year, forged).status_code == 403
    assert _save(officer, world, year, {**data, "gia_tri": "assessed"}).status_code == 403
    assert _save(client_for(viewer), world, year, data).status_code == 403
    assert _save(client_for(secretary_b), world, year, data).status_code == 404
    assert Score.objects.count() == 1
