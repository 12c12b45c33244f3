"""Audit: every change to scores, ratings, ballots, nominations, decisions and rule sets is in the history
with who made it and when — through the pages, through the Django admin, and through Excel imports.

Each form is submitted the way a browser would: the page is fetched, its form's fields read from the
HTML, one value changed, the form posted. The history row must name the signed-in user.
"""

from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from awards.models import AwardDecision, Nomination
from blocs.models import AwardRule, RuleSet, Score
from blocs.services_scores import score_set
from meetings.models import Ballot, BallotCandidate
from tests.factories import UserFactory
from units.models import AnnualRating, Award, AwardType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The model families the audit covers, and which of them the Django admin can edit.
AUDITED = [Score, AnnualRating, Ballot, BallotCandidate, Nomination, AwardDecision, Award, RuleSet, AwardRule]
EDITABLE_IN_ADMIN = {Ballot, BallotCandidate, RuleSet, AwardRule}
RATING_HEADERS = ["Năm", "Mã đơn vị", "Tên đơn vị", "Xếp loại", "Tổng số người", "Số hoàn thành nhiệm vụ",
                  "Số Lao động tiên tiến", "Số Chiến sĩ thi đua cơ sở", "Ghi chú"]  # fmt: skip
AWARD_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Năm", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định",
                 "Người ký"]  # fmt: skip


class _Forms(HTMLParser):
    """The forms of a page as a browser would submit them: [{"action", "attrs", "fields": [(name, value)]}]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea, self._options = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "attrs": attrs, "fields": []})
        elif not self.forms or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and attrs.get("name"):
            self._select, self._options = attrs, []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and "multiple" not in self._select:
                chosen = [self._options[0][0]]
            self.forms[-1]["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.forms[-1]["fields"].append((name, text.removeprefix("\n")))
            self._textarea = None


def form_data(response, *, having: str, changes: dict) -> dict:
    """The data of the page's form that has a field named `having`, with `changes` applied."""
    parser = _Forms()
    parser.feed(response.content.decode())
    form = next(f for f in parser.forms if any(name == having for name, _ in f["fields"]))
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = [str(value)]
    return data


def submit(client, url: str, *, having: str, changes: dict):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, having=having, changes=changes))


def workbook(headers: list[str], rows: list[list], title: str = "Xep loai") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def assert_recorded_by(model, user, *, pk=None, kind=None):
    """The newest history row of `model` (of the object `pk`) names `user`, now."""
    rows = model.history.all()
    if pk is not None:
        rows = rows.filter(id=pk)
    latest = rows.order_by("-history_date", "-history_id").first()
    assert latest is not None, f"no history for {model.__name__}"
    assert latest.history_user == user
    assert timezone.now() - latest.history_date < timedelta(minutes=1)
    if kind is not None:
        assert latest.history_type == kind
    return latest


@pytest.fixture
def admin_user(world):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


def admin_change(client, obj, *, changes: dict):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, having=next(iter(changes)), changes=changes)
    data["_save"] = ["Lưu"]
    response = client.post(url, data)
    assert response.status_code == 302, _admin_errors(response)
    return response


def _admin_errors(response) -> str:
    context = response.context or {}
    errors = context.get("errors")
    inline = [fs.formset.errors for fs in context.get("inline_admin_formsets", [])]
    return f"{errors} {inline}"


def test_the_admin_edits_exactly_the_audited_models_tested_here():
    """A model of the audit newly opened to the admin needs its own admin test below."""
    registered = {model for model in AUDITED if admin.site.is_registered(model)}
    inlines = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if inline.model in AUDITED
    }
    assert registered | inlines == EDITABLE_IN_ADMIN


# --- Scores ----------------------------------------------------------------------------------------


def test_score_cell_saved_on_the_grid(client_for, secretary_a, world, year, scoring):
    criterion, unit = scoring.criteria.get(code="I.1"), world["unit_a3"]
    url = reverse("blocs:score_cell", args=[world["bloc_a"].pk, year])
    data = {"unit": unit.pk, "criterion": criterion.pk, "field": "assessed", "value": "20", "version": 0}

    response = client_for(secretary_a).post(url, data, HTTP_HX_REQUEST="true")

    assert response.context["state"] == "saved"
    assert_recorded_by(Score, secretary_a, kind="+")


def test_scores_imported_from_excel(client_for, secretary_a, board, world, year, scoring):
    """A changed cell (one bulk UPDATE and bulk history INSERT) and a new cell, both recorded for the uploader."""
    unit = world["unit_a3"]
    earlier = score_set(
        unit=unit, criterion=scoring.criteria.get(code="I.1"), field="assessed", raw_value="20",
        expected_version=0, user=board,
    )  # fmt: skip
    client = client_for(secretary_a)
    download = client.get(reverse("blocs:score_xlsx", args=[world["bloc_a"].pk, year]), {"gia_tri": "assessed"})
    book = load_workbook(BytesIO(download.content))
    book["Cham diem"]["C6"] = 28.5  # unit_a3, I.1: changed
    book["Cham diem"]["D6"] = 7.5  # unit_a3, I.2: new
    out = BytesIO()
    book.save(out)

    response = client.post(
        reverse("blocs:score_xlsx_upload", args=[world["bloc_a"].pk, year]),
        {"file": SimpleUploadedFile("cham-diem.xlsx", out.getvalue(), content_type=XLSX)},
    )

    assert response.status_code == 302
    changed = assert_recorded_by(Score, secretary_a, pk=earlier.pk, kind="~")
    assert str(changed.assessed_value) == "28.50"
    created = Score.objects.get(unit=unit, criterion__code="I.2")
    assert str(assert_recorded_by(Score, secretary_a, pk=created.pk, kind="+").assessed_value) == "7.50"
    assert Score.history.get(id=earlier.pk, history_type="+").history_user == board


# --- Ratings ---------------------------------------------------------------------------------------


def test_ratings_saved_on_the_bloc_page(client_for, secretary_a, world, year):
    url = reverse("blocs:ratings", args=[world["bloc_a"].pk, year])
    page = client_for(secretary_a).get(url)
    data = form_data(page, having="xl-TOTAL_FORMS", changes={})
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-unit") and v == [str(world["unit_a3"].pk)])
    data[f"xl-{index}-rating"] = ["HTXSNV"]

    response = client_for(secretary_a).post(url, data)

    assert response.status_code == 302
    assert_recorded_by(AnnualRating, secretary_a, kind="+")


def test_ratings_imported_from_excel(client_for, board, world, year):
    data = workbook(RATING_HEADERS, [[year - 1, "stp", None, "Hoàn thành tốt nhiệm vụ", None, None, None, None, None]])

    response = client_for(board).post(
        reverse("blocs:ratings_import"), {"file": SimpleUploadedFile("xl.xlsx", data, content_type=XLSX)}
    )

    assert response.status_code == 200
    assert "Đã nhập xong tệp." in response.content.decode()
    row = assert_recorded_by(AnnualRating, board, kind="+")
    assert (row.year, row.rating) == (year - 1, "HTTNV")


# --- Ballots ---------------------------------------------------------------------------------------


@pytest.fixture
def ballot(world, year_end_meeting):
    ballot = Ballot.objects.create(
        meeting=year_end_meeting,
        purpose="award",
        award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="Suy tôn đơn vị dẫn đầu",
        entitled=3,
        vote_base="entitled",
        threshold_num=70,
        threshold_den=100,
    )
    BallotCandidate.objects.create(ballot=ballot, unit=world["unit_a1"])
    return ballot


def test_ballot_counts_saved_on_the_meeting_page(client_for, secretary_a, ballot, world):
    url = reverse("meetings:ballot_counts", kwargs={"meeting_pk": ballot.meeting_id, "ballot_pk": ballot.pk})
    votes = f"votes_{world['unit_a1'].pk}"

    response = submit(
        client_for(secretary_a), url, having="entitled", changes={"issued": 3, "returned": 3, "valid": 3, votes: 3}
    )

    assert response.status_code == 302
    assert_recorded_by(Ballot, secretary_a, pk=ballot.pk, kind="~")
    assert assert_recorded_by(BallotCandidate, secretary_a, kind="~").votes == 3


def test_ballot_and_candidate_changed_in_the_admin(client_for, admin_user, ballot):
    candidate = ballot.candidates.get()
    changes = {"title": "Suy tôn (sửa trong trang quản trị)", "candidates-0-votes": 2}  # the inline: `candidates`

    response = admin_change(client_for(admin_user), ballot, changes=changes)

    assert response.status_code == 302
    assert assert_recorded_by(Ballot, admin_user, pk=ballot.pk, kind="~").title.endswith("(sửa trong trang quản trị)")
    assert assert_recorded_by(BallotCandidate, admin_user, pk=candidate.pk, kind="~").votes == 2
    # An edit form opened before the admin's change notices it: the version moved on.
    assert Ballot.objects.get(pk=ballot.pk).version == ballot.version + 1


# --- Nominations -----------------------------------------------------------------------------------


def test_nomination_created_and_edited_on_the_bloc_pages(client_for, secretary_a, head_a, world, year):
    page = client_for(secretary_a).get(reverse("awards:bloc_list", kwargs={"pk": world["bloc_a"].pk, "year": year}))
    award = AwardType.objects.get(code="bk-chu-tich-tinh")
    changes = {"unit": world["unit_a3"].pk, "award_type": award.pk, "summary": "Thành tích nổi bật"}

    response = client_for(secretary_a).post(
        reverse("awards:create", kwargs={"pk": world["bloc_a"].pk, "year": year}),
        form_data(page, having="award_type", changes=changes),
    )

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert_recorded_by(Nomination, secretary_a, pk=nomination.pk, kind="+")

    detail = client_for(head_a).get(reverse("awards:detail", kwargs={"nomination_pk": nomination.pk}))
    edit = reverse("awards:update", kwargs={"nomination_pk": nomination.pk})
    data = form_data(detail, having="summary", changes={"summary": "Thành tích (khối trưởng sửa)"})
    response = client_for(head_a).post(edit, data)

    assert response.status_code == 302
    assert_recorded_by(Nomination, head_a, pk=nomination.pk, kind="~")


# --- Decisions and the award history ----------------------------------------------------------------


def test_decision_recorded_and_attached_by_the_board(client_for, board, world, year):
    award = AwardType.objects.get(code="bk-chu-tich-tinh")
    author = UserFactory(username="nominator")
    nomination = Nomination.objects.create(
        bloc=world["bloc_a"], year=year, unit=world["unit_a3"], award_type=award, state="approved", created_by=author
    )
    client = client_for(board)
    data = {"number": "125/QĐ-UBND", "date": "2026-01-15", "signer": "Nguyễn Văn Hòa", "signer_title": "Chủ tịch"}

    response = submit(
        client, reverse("awards:decision_create"), having="number", changes=data | {"award_type": award.pk}
    )

    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    assert_recorded_by(AwardDecision, board, pk=decision.pk, kind="+")

    attach = reverse("awards:decision_attach", kwargs={"decision_pk": decision.pk})
    detail = client.get(reverse("awards:decision_detail", kwargs={"decision_pk": decision.pk}))
    response = client.post(
        attach, form_data(detail, having=f"version-{nomination.pk}", changes={"nomination": nomination.pk})
    )

    assert response.status_code == 302
    assert assert_recorded_by(Nomination, board, pk=nomination.pk, kind="~").state == "decided"
    assert_recorded_by(Award, board, kind="+")


def test_award_history_imported_from_excel(client_for, board, world):
    data = workbook(
        AWARD_HEADERS,
        [["stp", "Sở Tư pháp", 2022, "bk-chu-tich-tinh", "99/QĐ-UBND", "28/12/2022", "Nguyễn Văn Hòa"]],
        title="Khen thuong",
    )

    response = client_for(board).post(
        reverse("awards:history_import"), {"file": SimpleUploadedFile("khen-thuong.xlsx", data, content_type=XLSX)}
    )

    assert response.status_code == 200
    assert response.context["result"].errors == []
    assert assert_recorded_by(Award, board, kind="+").year == 2022


# --- Rule sets -------------------------------------------------------------------------------------


@pytest.fixture
def rule_set(world):
    """The year's rule set with the conditions of two award types."""
    rule_set = world["rule_set"]
    for code in ("co-ubnd-tinh", "bk-chu-tich-tinh"):
        AwardRule.objects.create(rule_set=rule_set, award_type=AwardType.objects.get(code=code), citation="Điều 4")
    return rule_set


def test_rule_set_edited_and_copied_to_a_new_year_by_the_board(client_for, board, rule_set, year):
    client = client_for(board)

    response = submit(
        client, reverse("blocs:ruleset_update", args=[year]), having="vote_threshold_num", changes={"name": "Quy chế"}
    )

    assert response.status_code == 302
    assert_recorded_by(RuleSet, board, pk=rule_set.pk, kind="~")

    response = client.post(reverse("blocs:ruleset_create"), {"year": year + 1})

    assert response.status_code == 302
    new = RuleSet.objects.get(year=year + 1)
    assert_recorded_by(RuleSet, board, pk=new.pk, kind="+")
    copied = list(new.award_rules.values_list("pk", flat=True))
    assert copied
    assert sorted(AwardRule.history.filter(id__in=copied, history_user=board).values_list("id", flat=True)) == sorted(
        copied
    )


def test_rule_set_and_award_rule_changed_in_the_admin(client_for, admin_user, rule_set):
    rule = rule_set.award_rules.order_by("pk").first()
    index = list(rule_set.award_rules.all()).index(rule)

    admin_change(
        client_for(admin_user),
        rule_set,
        changes={"tie_break": "Do Khối bình xét.", f"award_rules-{index}-citation": "Điều 5 Quy chế"},
    )

    assert assert_recorded_by(RuleSet, admin_user, pk=rule_set.pk, kind="~").tie_break == "Do Khối bình xét."
    assert assert_recorded_by(AwardRule, admin_user, pk=rule.pk, kind="~").citation == "Điều 5 Quy chế"
    assert RuleSet.objects.get(pk=rule_set.pk).version == rule_set.version + 1


def test_an_inline_changed_in_the_admin_gets_a_new_version(client_for, admin_user, world, year):
    """A membership edited inline on its bloc's admin page: an open membership form would otherwise save over it."""
    bloc = world["bloc_a"]
    memberships = list(bloc.memberships.all())  # in the order of the inline
    index = next(n for n, m in enumerate(memberships) if m.role == "member")
    membership = memberships[index]

    admin_change(client_for(admin_user), bloc, changes={f"memberships-{index}-note": "Sửa trong trang quản trị"})

    changed = type(membership).objects.get(pk=membership.pk)
    assert (changed.note, changed.version) == ("Sửa trong trang quản trị", membership.version + 1)
    untouched = [m for n, m in enumerate(memberships) if n != index]
    assert [type(m).objects.get(pk=m.pk).version for m in untouched] == [m.version for m in untouched]
