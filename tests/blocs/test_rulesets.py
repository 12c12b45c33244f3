"""The rule set's conditions on awards already received (AwardRulePriorAward): defaults, the edit page
(validation, one transaction, version check, history), the detail page, copying to the next year, the
data migration that adds the defaults to existing rule sets."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs import defaults, services
from blocs.models import AwardRule, AwardRulePriorAward, RuleSet
from units.models import AwardType

YEAR = 2025
SENTENCE = "Trong thời gian đó được tặng ít nhất 1 Cờ thi đua của UBND tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh"


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def conditions(rule: AwardRule) -> list[tuple[str, int]]:
    return list(rule.prior_awards.order_by("award_type__order").values_list("award_type__code", "count"))


@pytest.fixture
def rules(world):
    """The 2025 rule set with the PM's certificate (1 flag or 2 certificates) and the provincial certificate."""
    rule_set = world["rule_set"]
    pm = AwardRule.objects.create(
        rule_set=rule_set, award_type=award("bk-thu-tuong"), required_rating="HTXSNV", consecutive_years=5,
        citation="Luật Thi đua, khen thưởng 2022",
    )  # fmt: skip
    AwardRulePriorAward.objects.create(rule=pm, award_type=award("co-ubnd-tinh"), count=1)
    AwardRulePriorAward.objects.create(rule=pm, award_type=award("bk-chu-tich-tinh"), count=2)
    certificate = AwardRule.objects.create(
        rule_set=rule_set, award_type=award("bk-chu-tich-tinh"), required_rating="HTXSNV", consecutive_years=2
    )
    return {"pm": pm, "certificate": certificate, "rule_set": rule_set}


def edit_url(year=YEAR) -> str:
    return reverse("blocs:ruleset_update", kwargs={"year": year})


def page_data(response) -> dict[str, str]:
    """What the edit page posts back unchanged: every field of the rule set form, the award rules and their
    conditions, with the management forms."""
    data: dict[str, str] = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or value == "":
                continue
            data[form[name].html_name] = "on" if value is True else str(value)

    formset = response.context["formset"]
    add(response.context["form"])
    add(formset.management_form)
    for rule_form in formset:
        add(rule_form)
        add(rule_form.prior.management_form)
        for prior_form in rule_form.prior:
            add(prior_form)
    return data


def index_of(response, rule: AwardRule) -> int:
    return next(i for i, f in enumerate(response.context["formset"]) if f.instance.pk == rule.pk)


def prior_index(response, rule: AwardRule, code: str) -> int:
    forms = response.context["formset"][index_of(response, rule)].prior
    return next(i for i, f in enumerate(forms) if f.instance.pk and f.instance.award_type.code == code)


def post(client, changes: dict, *, drop=()):
    page = client.get(edit_url())
    assert page.status_code == 200
    data = page_data(page)
    for name in drop:
        data.pop(name, None)
    return client.post(edit_url(), {**data, **changes})


# --- Defaults ------------------------------------------------------------------------------------


def test_defaults_give_the_pm_certificate_its_condition(db):
    rule_set = services.ruleset_create_default(year=2024)

    rule = rule_set.award_rules.get(award_type__code="bk-thu-tuong")
    assert (rule.required_rating, rule.consecutive_years) == ("HTXSNV", 5)
    assert conditions(rule) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]
    assert AwardRulePriorAward.objects.exclude(rule=rule).count() == 0
    assert defaults.PRIOR_AWARDS == {"bk-thu-tuong": [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]}


def test_copying_to_the_next_year_copies_the_conditions_with_their_history(rules):
    new = services.ruleset_create_for_year(year=YEAR + 1)

    pm = new.award_rules.get(award_type__code="bk-thu-tuong")
    assert pm.pk != rules["pm"].pk
    assert conditions(pm) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]
    assert conditions(new.award_rules.get(award_type__code="bk-chu-tich-tinh")) == []
    copied = set(pm.prior_awards.values_list("pk", flat=True))
    assert set(AwardRulePriorAward.history.filter(history_type="+", id__in=copied).values_list("id", flat=True)) == (
        copied
    )
    # The earlier year keeps its own rows.
    assert conditions(rules["pm"]) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]


def test_copying_from_the_page_copies_the_conditions(rules, board, client_for):
    response = client_for(board).post(reverse("blocs:ruleset_create"), {"year": YEAR + 1})

    assert response.status_code == 302
    pm = RuleSet.objects.get(year=YEAR + 1).award_rules.get(award_type__code="bk-thu-tuong")
    assert conditions(pm) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]
    assert set(AwardRulePriorAward.history.filter(id__in=pm.prior_awards.values("pk")).values_list(
        "history_user__username", flat=True)) == {"board"}  # fmt: skip


def test_data_migration_adds_the_default_to_existing_pm_rules_once(world):
    migration = importlib.import_module("blocs.migrations.0005_prior_award_defaults")
    rule_set = world["rule_set"]
    bare = AwardRule.objects.create(rule_set=rule_set, award_type=award("bk-thu-tuong"), consecutive_years=5)
    other = AwardRule.objects.create(rule_set=rule_set, award_type=award("bk-chu-tich-tinh"), consecutive_years=2)
    edited_set = RuleSet.objects.create(year=2024, name="Quy chế 2024", legal_basis="Luật")
    edited = AwardRule.objects.create(rule_set=edited_set, award_type=award("bk-thu-tuong"), consecutive_years=5)
    AwardRulePriorAward.objects.create(rule=edited, award_type=award("co-ubnd-tinh"), count=2)

    state = MigrationExecutor(connection).loader.project_state(("blocs", "0005_prior_award_defaults")).apps
    migration.add(state, None)
    migration.add(state, None)

    assert conditions(bare) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]
    assert conditions(other) == []
    assert conditions(edited) == [("co-ubnd-tinh", 2)]  # a rule that has its own condition keeps it
    history = AwardRulePriorAward.history.filter(rule_id=bare.pk)
    assert sorted(history.values_list("history_type", "count")) == [("+", 1), ("+", 2)]


# --- The detail page -----------------------------------------------------------------------------


def test_detail_page_says_the_condition_under_its_rule(rules, viewer, client_for):
    html = client_for(viewer).get(reverse("blocs:ruleset_detail", kwargs={"year": YEAR})).content.decode()

    assert f"{SENTENCE} (5 năm liên tục)." in html
    assert html.count("Trong thời gian đó được tặng ít nhất") == 1  # the provincial certificate has none


# --- The edit page -------------------------------------------------------------------------------


def test_edit_page_shows_each_rules_condition_as_a_sentence_of_fields(rules, board, client_for):
    response = client_for(board).get(edit_url())
    html = response.content.decode()

    pm = response.context["formset"][index_of(response, rules["pm"])]
    assert [(f["count"].value(), f["award_type"].value()) for f in pm.prior] == [
        (1, award("co-ubnd-tinh").pk), (2, award("bk-chu-tich-tinh").pk), (1, None),
    ]  # fmt: skip
    assert html.count('<tr class="prior-awards">') == len(response.context["formset"])
    assert html.count('<span class="pt-1">Trong thời gian đó được tặng ít nhất</span>') == 3  # 2 rules, the blank
    assert f'name="rules-{index_of(response, rules["pm"])}-prior-0-count"' in html
    assert "hoặc" in html


def test_saving_adds_changes_and_deletes_conditions_with_history(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    pm, certificate = index_of(page, rules["pm"]), index_of(page, rules["certificate"])
    flag = prior_index(page, rules["pm"], "co-ubnd-tinh")
    certificates = prior_index(page, rules["pm"], "bk-chu-tich-tinh")
    version = rules["rule_set"].version

    response = post(client, {
        f"rules-{pm}-prior-{flag}-DELETE": "on",  # no longer the flag
        f"rules-{pm}-prior-{certificates}-count": "3",  # three certificates
        f"rules-{certificate}-prior-0-count": "1",  # the provincial certificate: a flag within its 2 years
        f"rules-{certificate}-prior-0-award_type": str(award("co-ubnd-tinh").pk),
    })  # fmt: skip

    assert response.status_code == 302
    assert conditions(rules["pm"]) == [("bk-chu-tich-tinh", 3)]
    assert conditions(rules["certificate"]) == [("co-ubnd-tinh", 1)]
    rules["rule_set"].refresh_from_db()
    assert rules["rule_set"].version == version + 1
    kinds = AwardRulePriorAward.history.filter(history_user__username="board").values_list("history_type", "count")
    assert sorted(kinds) == [("+", 1), ("-", 1), ("~", 3)]

    html = client.get(reverse("blocs:ruleset_detail", kwargs={"year": YEAR})).content.decode()
    assert "Trong thời gian đó được tặng ít nhất 3 Bằng khen của Chủ tịch UBND tỉnh (5 năm liên tục)." in html
    assert "Trong thời gian đó được tặng ít nhất 1 Cờ thi đua của UBND tỉnh (2 năm liên tục)." in html
    history = client.get(reverse("blocs:ruleset_detail", kwargs={"year": YEAR})).context["history"]
    changes = [
        (row.action, row.changes) for row in history if row.changes and "Khen thưởng đã nhận" in row.changes[0][0]
    ]
    pm_label = "Khen thưởng đã nhận — Bằng khen của Thủ tướng Chính phủ"
    certificate_label = "Khen thưởng đã nhận — Bằng khen của Chủ tịch UBND tỉnh"
    assert sorted(changes) == [
        (
            "Sửa",
            [(pm_label, "ít nhất 2 Bằng khen của Chủ tịch UBND tỉnh", "ít nhất 3 Bằng khen của Chủ tịch UBND tỉnh")],
        ),
        ("Tạo mới", [(certificate_label, "—", "ít nhất 1 Cờ thi đua của UBND tỉnh")]),
        ("Tạo mới", [(pm_label, "—", "ít nhất 1 Cờ thi đua của UBND tỉnh")]),  # the fixture's rows, with no user
        ("Tạo mới", [(pm_label, "—", "ít nhất 2 Bằng khen của Chủ tịch UBND tỉnh")]),
        ("Xóa", [(pm_label, "ít nhất 1 Cờ thi đua của UBND tỉnh", "—")]),
    ]
    assert {row.who for row in history if row.changes and row.changes[0][0] in (pm_label, certificate_label)} == {
        str(board), "Hệ thống"
    }  # fmt: skip


def test_a_new_rule_and_its_condition_are_saved_together(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    new = len(page.context["formset"]) - 1  # the blank row

    response = post(client, {
        f"rules-{new}-award_type": str(award("co-chinh-phu").pk),
        f"rules-{new}-consecutive_years": "2",
        f"rules-{new}-quota_base": "members",
        f"rules-{new}-prior-0-count": "2",
        f"rules-{new}-prior-0-award_type": str(award("co-ubnd-tinh").pk),
    })  # fmt: skip

    assert response.status_code == 302
    rule = AwardRule.objects.get(rule_set=rules["rule_set"], award_type__code="co-chinh-phu")
    assert conditions(rule) == [("co-ubnd-tinh", 2)]


def test_deleting_a_rule_deletes_its_conditions_with_history(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    rows = list(rules["pm"].prior_awards.values_list("pk", flat=True))

    response = post(client, {f"rules-{index_of(page, rules['pm'])}-DELETE": "on"})

    assert response.status_code == 302
    assert not AwardRule.objects.filter(pk=rules["pm"].pk).exists()
    assert not AwardRulePriorAward.objects.filter(pk__in=rows).exists()
    assert AwardRulePriorAward.history.filter(id__in=rows, history_type="-").count() == 2


def _refused(client, changes: dict, *, field_errors: dict | None = None, non_field: str | None = None):
    """The page comes back with the message; nothing is written, not even the rule set's other fields."""
    before = (RuleSet.objects.get(year=YEAR).version, sorted(AwardRulePriorAward.objects.values_list(
        "rule_id", "award_type_id", "count")))  # fmt: skip
    response = post(client, {"name": "Quy chế đã sửa", **changes})
    assert response.status_code == 200
    assert (RuleSet.objects.get(year=YEAR).version, sorted(AwardRulePriorAward.objects.values_list(
        "rule_id", "award_type_id", "count"))) == before  # fmt: skip
    assert RuleSet.objects.get(year=YEAR).name != "Quy chế đã sửa"
    return response


def test_a_count_below_one_is_refused_next_to_the_field(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    pm = index_of(page, rules["pm"])
    flag = prior_index(page, rules["pm"], "co-ubnd-tinh")

    response = _refused(client, {f"rules-{pm}-prior-{flag}-count": "0"})

    prior = response.context["formset"][pm].prior[flag]
    assert prior.errors["count"] == ["Số lần phải từ 1 trở lên."]
    assert "Số lần phải từ 1 trở lên." in response.content.decode()


def test_the_same_award_type_twice_in_a_rule_is_refused(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    pm = index_of(page, rules["pm"])
    blank = len(page.context["formset"][pm].prior) - 1

    response = _refused(client, {
        f"rules-{pm}-prior-{blank}-count": "3",
        f"rules-{pm}-prior-{blank}-award_type": str(award("co-ubnd-tinh").pk),
    })  # fmt: skip

    errors = [f.errors.get("award_type") for f in response.context["formset"][pm].prior if f.errors]
    assert errors == [["«Cờ thi đua của UBND tỉnh» đã có trong điều kiện này."]]
    assert "«Cờ thi đua của UBND tỉnh» đã có trong điều kiện này." in response.content.decode()


def test_the_same_award_type_in_two_rules_is_allowed(rules, board, client_for):
    client = client_for(board)
    certificate = index_of(client.get(edit_url()), rules["certificate"])

    response = post(client, {
        f"rules-{certificate}-prior-0-count": "1",
        f"rules-{certificate}-prior-0-award_type": str(award("bk-chu-tich-tinh").pk),
    })  # fmt: skip

    assert response.status_code == 302
    assert conditions(rules["certificate"]) == [("bk-chu-tich-tinh", 1)]


def test_a_condition_under_the_blank_rule_needs_its_award_type(rules, board, client_for):
    client = client_for(board)
    new = len(client.get(edit_url()).context["formset"]) - 1

    response = _refused(client, {
        f"rules-{new}-prior-0-count": "2",
        f"rules-{new}-prior-0-award_type": str(award("co-ubnd-tinh").pk),
    })  # fmt: skip

    assert response.context["formset"][new].non_field_errors() == [
        "Chọn hình thức khen thưởng trước khi nhập khen thưởng đã nhận."
    ]


def test_a_condition_needs_the_rules_consecutive_years(rules, board, client_for):
    client = client_for(board)
    pm = index_of(client.get(edit_url()), rules["pm"])

    response = _refused(client, {f"rules-{pm}-consecutive_years": "0"})

    assert response.context["formset"][pm].errors["consecutive_years"] == [
        "Nhập số năm liên tục: khen thưởng đã nhận được tính trong các năm đó."
    ]
    # Without its conditions the rule may go without consecutive years.
    page = client.get(edit_url())
    response = post(client, {
        f"rules-{pm}-consecutive_years": "0",
        **{f"rules-{pm}-prior-{i}-DELETE": "on" for i in range(2)},
    })  # fmt: skip
    assert response.status_code == 302
    assert page.status_code == 200
    assert conditions(rules["pm"]) == []


def test_a_stale_version_saves_nothing(rules, board, client_for):
    client = client_for(board)
    page = client.get(edit_url())
    data = page_data(page)
    pm = index_of(page, rules["pm"])
    RuleSet.objects.filter(pk=rules["rule_set"].pk).update(version=rules["rule_set"].version + 1)  # someone saved

    response = client.post(edit_url(), {**data, f"rules-{pm}-prior-0-count": "4"})

    assert response.status_code == 200
    assert "vừa được người khác lưu" in response.content.decode()
    assert conditions(rules["pm"]) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]


def test_only_the_board_edits_conditions(rules, secretary_a, viewer, client_for):
    for user in (secretary_a, viewer):
        response = client_for(user).post(edit_url(), {"rules-0-prior-0-count": "9"})
        assert response.status_code == 403
    assert conditions(rules["pm"]) == [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]


def add_rules_with_conditions(rule_set, codes=("co-ubnd-tinh", "ttldxs", "ttldtt")):
    for code in codes:
        rule = AwardRule.objects.create(rule_set=rule_set, award_type=award(code), consecutive_years=2)
        AwardRulePriorAward.objects.create(rule=rule, award_type=award("bk-chu-tich-tinh"), count=1)
        AwardRulePriorAward.objects.create(rule=rule, award_type=award("co-ubnd-tinh"), count=1)


@pytest.mark.parametrize("name", ["blocs:ruleset_update", "blocs:ruleset_detail"])
def test_page_queries_do_not_grow_with_rules_and_conditions(name, rules, board, client_for, django_assert_num_queries):
    client = client_for(board)
    url = reverse(name, kwargs={"year": YEAR})
    client.get(url)
    with CaptureQueriesContext(connection) as two_rules:
        assert client.get(url).status_code == 200
    add_rules_with_conditions(rules["rule_set"])

    with django_assert_num_queries(len(two_rules)):
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    if name == "blocs:ruleset_update":  # every rule's row, and the blank one
        assert html.count('<tr class="prior-awards">') == 6
    else:  # the rules that have a condition
        assert html.count("Trong thời gian đó được tặng ít nhất") == 4
