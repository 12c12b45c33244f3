"""Nominations on the bloc side: creation, the workflow by persona, the timeline, dossier files, queries."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import DossierFile, Nomination, ReviewEvent
from blocs.models import AwardRule
from meetings.models import Attendance
from meetings.services_ballots import ballot_create, ballot_record_counts
from tests.awards import PDF
from tests.factories import AwardTypeFactory, UserFactory
from units.models import AnnualRating, Award, AwardType

PERSONAS = ["board", "head_a", "secretary_a", "viewer", "officer_a", "secretary_b"]
STATES = ["draft", "submitted", "under_review", "returned", "approved", "not_approved", "decided"]
ACTIONS = ["submit", "withdraw", "start_review", "return", "approve", "reject"]
TABLE = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "withdraw"): "draft",
    ("submitted", "start_review"): "under_review",
    ("under_review", "return"): "returned",
    ("under_review", "approve"): "approved",
    ("under_review", "reject"): "not_approved",
}
HEAD_ACTIONS = {"submit", "withdraw"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def free_award(world):
    """An award type the rule set names without conditions, so that only the dossier's completeness counts."""
    award = AwardTypeFactory(code="thu-nghiem", name="Giấy khen thử nghiệm")
    AwardRule.objects.create(rule_set=world["rule_set"], award_type=award)
    return award


def complete_dossier(nomination, user) -> None:
    """The letter, the minutes and the report (records only: the checks read their kinds)."""
    for kind in ("letter", "minutes", "report"):
        DossierFile.objects.create(
            nomination=nomination, kind=kind, name=f"{kind}.pdf", content_type="application/pdf", size=1,
            uploaded_by=user, file=f"dossiers/{nomination.pk}/{kind}.pdf",
        )  # fmt: skip


@pytest.fixture
def nomination(world, free_award, secretary_a):
    """A draft nomination of unit_a3 that passes every blocking check."""
    created = services.nomination_create(
        bloc=world["bloc_a"], year=2025, unit=world["unit_a3"], award_type=free_award, summary="", user=secretary_a
    )
    complete_dossier(created, secretary_a)
    return created


@pytest.fixture
def users(board, head_a, secretary_a, viewer, officer_a, secretary_b):
    return {
        "board": board,
        "head_a": head_a,
        "secretary_a": secretary_a,
        "viewer": viewer,
        "officer_a": officer_a,
        "secretary_b": secretary_b,
    }


def url(name, **kwargs):
    return reverse(f"awards:{name}", kwargs=kwargs)


def expected_status(persona: str, action: str) -> int:
    if persona == "secretary_b":
        return 404
    if persona == "board" and action not in HEAD_ACTIONS:
        return 302
    if persona == "head_a" and action in HEAD_ACTIONS:
        return 302
    return 403


# --- The workflow, by persona --------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_transition_by_every_persona(persona, action, state, nomination, users, client_for):
    Nomination.objects.filter(pk=nomination.pk).update(state=state)
    events_before = ReviewEvent.objects.count()

    response = client_for(users[persona]).post(
        url("transition", nomination_pk=nomination.pk), {"action": action, "reason": "Thiếu biên bản họp"}
    )

    status = expected_status(persona, action)
    moved = status == 302 and state != "decided" and (state, action) in TABLE
    assert response.status_code == status
    assert Nomination.objects.get(pk=nomination.pk).state == (TABLE[(state, action)] if moved else state)
    assert ReviewEvent.objects.count() == events_before + (1 if moved else 0)


@pytest.mark.parametrize("action", ["return", "reject"])
def test_reason_is_required_to_return_or_reject(action, nomination, board):
    Nomination.objects.filter(pk=nomination.pk).update(state="under_review")

    with pytest.raises(ValidationError) as caught:
        services.nomination_transition(nomination=nomination, action=action, user=board, reason="  ")

    assert caught.value.messages == ["Hãy ghi rõ lý do."]
    assert Nomination.objects.get(pk=nomination.pk).state == "under_review"


def test_impossible_transition_is_refused_with_a_message(nomination, board):
    with pytest.raises(ValidationError) as caught:
        services.nomination_transition(nomination=nomination, action="approve", user=board, reason="")

    assert caught.value.messages == ["Không thể «Đủ điều kiện» khi hồ sơ đang ở trạng thái «Dự thảo»."]


def test_decided_is_immutable(nomination, board, secretary_a):
    Nomination.objects.filter(pk=nomination.pk).update(state="decided")
    nomination.refresh_from_db()

    with pytest.raises(ValidationError) as on_transition:
        services.nomination_transition(nomination=nomination, action="start_review", user=board)
    with pytest.raises(ValidationError) as on_update:
        services.nomination_update(
            nomination=nomination, summary="x", expected_version=nomination.version, user=secretary_a
        )

    assert on_transition.value.messages == ["Hồ sơ đã có quyết định khen thưởng, không thể thay đổi."]
    assert on_update.value.messages == ["Hồ sơ đã có quyết định khen thưởng, không thể thay đổi."]


def test_timeline_records_the_round_trip(nomination, head_a, board, client_for):
    steps = [
        (head_a, "submit", ""),
        (board, "start_review", ""),
        (board, "return", "Bổ sung báo cáo thành tích"),
        (head_a, "submit", ""),
        (board, "start_review", ""),
        (board, "approve", ""),
    ]
    for user, action, reason in steps:
        services.nomination_transition(nomination=nomination, action=action, user=user, reason=reason)

    events = list(
        ReviewEvent.objects.filter(nomination=nomination).values_list(
            "from_state", "to_state", "by__username", "reason"
        )
    )
    assert events == [
        ("", "draft", "secretary_a", ""),
        ("draft", "submitted", "head_a", ""),
        ("submitted", "under_review", "board", ""),
        ("under_review", "returned", "board", "Bổ sung báo cáo thành tích"),
        ("returned", "submitted", "head_a", ""),
        ("submitted", "under_review", "board", ""),
        ("under_review", "approved", "board", ""),
    ]
    html = client_for(head_a).get(url("detail", nomination_pk=nomination.pk)).content.decode()
    assert "Bổ sung báo cáo thành tích" in html
    assert "Đang thẩm định → Trả lại để bổ sung" in html


def test_submit_is_refused_while_blocking_checks_fail(world, head_a, secretary_a):
    """The provincial certificate needs, among others, ratings of the past years: none are recorded."""
    nomination = services.nomination_create(
        bloc=world["bloc_a"], year=2025, unit=world["unit_a2"],
        award_type=AwardType.objects.get(code="bk-chu-tich-tinh"), summary="", user=secretary_a,
    )  # fmt: skip

    with pytest.raises(ValidationError) as caught:
        services.nomination_transition(nomination=nomination, action="submit", user=head_a)

    assert caught.value.messages[0] == "Chưa thể trình hồ sơ:"
    assert len(caught.value.messages) > 1
    assert Nomination.objects.get(pk=nomination.pk).state == "draft"


# --- Creating ------------------------------------------------------------------------------------


@pytest.fixture
def counted_ballot(world, year_end_meeting):
    """The year-end meeting, all three present, provincial flag ballot: unit_a1 3/3, unit_a2 and unit_a3 0/3."""
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    for unit in units:
        Attendance.objects.create(meeting=year_end_meeting, unit=unit, present=True)
    ballot = ballot_create(
        meeting=year_end_meeting, purpose="award", award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="", seats=1, candidates=units,
    )  # fmt: skip
    ballot_record_counts(
        ballot=ballot, entitled=3, issued=3, returned=3, valid=3,
        votes={units[0].pk: 3, units[1].pk: 0, units[2].pk: 0}, expected_version=ballot.version,
    )  # fmt: skip
    ballot.refresh_from_db()
    return ballot


def test_create_from_a_passed_candidate(world, counted_ballot, secretary_a, client_for):
    response = client_for(secretary_a).post(
        url("create_from_ballot", ballot_pk=counted_ballot.pk, unit_pk=world["unit_a1"].pk)
    )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", nomination_pk=nomination.pk)
    assert (nomination.unit, nomination.award_type.code, nomination.year, nomination.bloc, nomination.ballot) == (
        world["unit_a1"], "co-ubnd-tinh", 2025, world["bloc_a"], counted_ballot,
    )  # fmt: skip
    assert nomination.state == "draft"
    html = client_for(secretary_a).get(response.url).content.decode()
    assert "3/3 (100%)" in html


def test_create_from_ballot_refuses_a_candidate_that_did_not_pass(world, counted_ballot, secretary_a, client_for):
    response = client_for(secretary_a).post(
        url("create_from_ballot", ballot_pk=counted_ballot.pk, unit_pk=world["unit_a2"].pk), follow=True
    )

    assert Nomination.objects.count() == 0
    assert "Sở Tài chính không được đề nghị theo kết quả phiếu bình xét này." in response.content.decode()


def test_duplicate_is_refused(world, counted_ballot, secretary_a):
    services.nomination_create_from_ballot(ballot=counted_ballot, unit=world["unit_a1"], user=secretary_a)

    with pytest.raises(ValidationError) as caught:
        services.nomination_create_from_ballot(ballot=counted_ballot, unit=world["unit_a1"], user=secretary_a)

    assert caught.value.messages == ["Văn phòng UBND tỉnh đã có hồ sơ đề nghị «Cờ thi đua của UBND tỉnh» năm 2025."]
    assert Nomination.objects.count() == 1


def test_create_by_hand_refuses_a_unit_outside_the_bloc(world, free_award, secretary_a, client_for):
    response = client_for(secretary_a).post(
        url("create", pk=world["bloc_a"].pk, year=2025),
        {"unit": world["unit_b1"].pk, "award_type": free_award.pk, "summary": ""},
    )

    assert response.status_code == 200
    assert Nomination.objects.count() == 0


def test_create_by_hand(world, free_award, secretary_a, client_for):
    response = client_for(secretary_a).post(
        url("create", pk=world["bloc_a"].pk, year=2025),
        {"unit": world["unit_a2"].pk, "award_type": free_award.pk, "summary": "Hoàn thành xuất sắc"},
    )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.unit, nomination.summary, nomination.ballot) == (world["unit_a2"], "Hoàn thành xuất sắc", None)


# --- Editing -------------------------------------------------------------------------------------


def test_update_version_conflict_shows_the_other_text(nomination, secretary_a, head_a, client_for):
    version = nomination.version
    client_for(head_a).post(
        url("update", nomination_pk=nomination.pk), {"summary": "Bản của khối trưởng", "version": version}
    )

    response = client_for(secretary_a).post(
        url("update", nomination_pk=nomination.pk), {"summary": "Bản của thư ký", "version": version}
    )

    assert response.status_code == 200
    assert "Bản của khối trưởng" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).summary == "Bản của khối trưởng"


def test_update_refused_once_submitted(nomination, secretary_a):
    Nomination.objects.filter(pk=nomination.pk).update(state="submitted")

    with pytest.raises(ValidationError) as caught:
        services.nomination_update(
            nomination=nomination, summary="x", expected_version=nomination.version, user=secretary_a
        )

    assert caught.value.messages == ["Hồ sơ đang ở trạng thái «Đã trình»: chỉ sửa được khi là dự thảo hoặc bị trả lại."]


# --- Dossier files -------------------------------------------------------------------------------


def test_upload_and_download(nomination, secretary_a, officer_a, media, client_for):
    upload = SimpleUploadedFile("Báo cáo thành tích.pdf", PDF)
    response = client_for(secretary_a).post(
        url("dossier_add", nomination_pk=nomination.pk), {"kind": "report", "file": upload, "name": ""}
    )
    dossier = DossierFile.objects.latest("pk")

    download = client_for(officer_a).get(url("dossier_download", nomination_pk=nomination.pk, file_pk=dossier.pk))

    assert response.status_code == 302
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == (
        'attachment; filename="Bao cao thanh tich.pdf"; '
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A0nh%20t%C3%ADch.pdf"
    )


def test_renamed_executable_is_refused(nomination, secretary_a, media, client_for):
    upload = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 100)

    response = client_for(secretary_a).post(
        url("dossier_add", nomination_pk=nomination.pk), {"kind": "report", "file": upload}
    )

    assert response.status_code == 200
    assert "không đúng định dạng cho phép" in response.content.decode()
    assert DossierFile.objects.count() == 3  # the complete dossier only


def test_oversized_file_is_refused(nomination, secretary_a, media, settings, client_for):
    settings.UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("bao-cao.pdf", PDF + b"0" * (1024 * 1024))

    response = client_for(secretary_a).post(
        url("dossier_add", nomination_pk=nomination.pk), {"kind": "report", "file": upload}
    )

    assert response.status_code == 200
    assert "vượt quá mức tối đa 1 MB" in response.content.decode()
    assert DossierFile.objects.count() == 3  # the complete dossier only


def test_outsider_gets_404_for_a_file(nomination, secretary_a, secretary_b, media, client_for):
    dossier = services.dossier_add(
        nomination=nomination, upload=SimpleUploadedFile("a.pdf", PDF), kind="letter", user=secretary_a
    )

    response = client_for(secretary_b).get(url("dossier_download", nomination_pk=nomination.pk, file_pk=dossier.pk))

    assert response.status_code == 404


def test_file_of_another_nomination_is_404(world, nomination, free_award, secretary_a, media, client_for):
    other = services.nomination_create(
        bloc=world["bloc_a"], year=2025, unit=world["unit_a2"], award_type=free_award, summary="", user=secretary_a
    )
    dossier = services.dossier_add(
        nomination=other, upload=SimpleUploadedFile("a.pdf", PDF), kind="letter", user=secretary_a
    )

    response = client_for(secretary_a).get(url("dossier_download", nomination_pk=nomination.pk, file_pk=dossier.pk))

    assert response.status_code == 404


def test_dossier_remove_deletes_the_file_on_commit(nomination, secretary_a, media, django_capture_on_commit_callbacks):
    dossier = services.dossier_add(
        nomination=nomination, upload=SimpleUploadedFile("a.pdf", PDF), kind="letter", user=secretary_a
    )
    path = media / dossier.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_remove(dossier=dossier, user=secretary_a)

    assert (DossierFile.objects.count(), path.exists()) == (3, False)


def test_dossier_refused_once_submitted(nomination, secretary_a, media):
    Nomination.objects.filter(pk=nomination.pk).update(state="submitted")

    with pytest.raises(ValidationError):
        services.dossier_add(
            nomination=nomination, upload=SimpleUploadedFile("a.pdf", PDF), kind="letter", user=secretary_a
        )

    assert DossierFile.objects.count() == 3  # the complete dossier only


# --- Queries -------------------------------------------------------------------------------------


def _nominations(world, count, user):
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    for index in range(count):
        award = AwardTypeFactory(code=f"kt-{index}", name=f"Khen thưởng {index}")
        services.nomination_create(
            bloc=world["bloc_a"], year=2025, unit=units[index % 3], award_type=award, summary="", user=user
        )


@pytest.mark.parametrize("count", [1, 20])
def test_bloc_list_queries_are_bounded(count, world, secretary_a, client_for, django_assert_num_queries):
    _nominations(world, count, secretary_a)
    client = client_for(secretary_a)

    # 12 for the page and 7 for the eligibility summary column, whatever the number of nominations.
    with django_assert_num_queries(19):
        response = client.get(url("bloc_list", pk=world["bloc_a"].pk, year=2025))

    assert response.status_code == 200
    assert response.content.decode().count("Dự thảo") == count


@pytest.mark.parametrize("events", [1, 20])
def test_detail_queries_are_bounded(events, nomination, head_a, media, client_for, django_assert_num_queries):
    for _ in range(events // 2):
        services.nomination_transition(nomination=nomination, action="submit", user=head_a)
        services.nomination_transition(nomination=nomination, action="withdraw", user=head_a)
    for index in range(events):
        services.dossier_add(
            nomination=nomination, upload=SimpleUploadedFile(f"t{index}.pdf", PDF), kind="other", user=head_a
        )
    client = client_for(head_a)

    # 9 for the page and 7 for its eligibility checks, which read the unit's ratings and awards and the files
    # the page lists too, whatever the number of events and files.
    with django_assert_num_queries(16):
        response = client.get(url("detail", nomination_pk=nomination.pk))

    assert response.status_code == 200


def test_someone_without_a_role_is_404(nomination, client_for):
    response = client_for(UserFactory(username="nobody")).get(url("detail", nomination_pk=nomination.pk))

    assert response.status_code == 404


def test_meeting_page_offers_the_button_to_editors_only(world, counted_ballot, secretary_a, viewer, client_for):
    meeting_url = reverse("meetings:detail", kwargs={"meeting_pk": counted_ballot.meeting_id})
    action = url("create_from_ballot", ballot_pk=counted_ballot.pk, unit_pk=world["unit_a1"].pk)

    for_secretary = client_for(secretary_a).get(meeting_url).content.decode()
    for_viewer = client_for(viewer).get(meeting_url).content.decode()

    assert (f'action="{action}"' in for_secretary, f'action="{action}"' in for_viewer) == (True, False)


def test_detail_shows_the_eligibility_checks_with_their_rules(nomination, head_a, client_for):
    response = client_for(head_a).get(url("detail", nomination_pk=nomination.pk))
    checks = response.context["checks"]
    assert checks
    page = response.content.decode()
    assert "Điều kiện khen thưởng" in page
    for check in checks:
        assert str(check.label) in page


def test_detail_shows_five_years_and_the_files_its_checks_read(nomination, world, head_a, media, client_for):
    """The checks read the unit's ratings and awards and the dossier: the page shows those rows, newest first,
    the five years up to the nomination's only."""
    unit = world["unit_a3"]
    for year, rating in ((2025, "HTXSNV"), (2023, "HTTNV"), (2020, "HTNV")):  # 2020: before the five years
        AnnualRating.objects.create(unit=unit, year=year, rating=rating)
    flag, certificate = AwardType.objects.get(code="co-ubnd-tinh"), AwardType.objects.get(code="bk-chu-tich-tinh")
    Award.objects.create(unit=unit, award_type=certificate, year=2022, decision_number="7/QĐ-UBND")
    Award.objects.create(unit=unit, award_type=flag, year=2024, decision_number="9/QĐ-UBND")
    Award.objects.create(unit=unit, award_type=flag, year=2019)
    services.dossier_add(nomination=nomination, upload=SimpleUploadedFile("bb.pdf", PDF), kind="minutes", user=head_a)

    response = client_for(head_a).get(url("detail", nomination_pk=nomination.pk))

    context = response.context
    assert [(r.year, r.rating) for r in context["ratings"]] == [(2025, "HTXSNV"), (2023, "HTTNV")]
    assert [(a.year, a.award_type.code, a.decision_number) for a in context["awards"]] == [
        (2024, "co-ubnd-tinh", "9/QĐ-UBND"), (2022, "bk-chu-tich-tinh", "7/QĐ-UBND"),
    ]  # fmt: skip
    assert [f.kind for f in context["files"]] == sorted(f.kind for f in nomination.files.all())
    assert "minutes" in [f.kind for f in context["files"]]
    assert "2024: Cờ thi đua của UBND tỉnh (9/QĐ-UBND)" in response.content.decode().replace("\n", " ")


def test_timeline_names_each_person_as_their_account_does(nomination, head_a, board, client_for):
    """Full name, else first and last name, else the user name: what User.get_full_name shows, in order."""
    from awards.views.nominations import timeline

    head_a.full_name, board.full_name, board.first_name, board.last_name = "Nguyễn Văn Khối", "", "Lê", "Thị Ban"
    head_a.save()
    board.save()
    services.nomination_transition(nomination=nomination, action="submit", user=head_a)
    services.nomination_transition(nomination=nomination, action="start_review", user=board)
    services.nomination_transition(nomination=nomination, action="return", user=board, reason="Thiếu biên bản")

    entries = timeline(nomination)
    assert [(e.by, e.from_state, e.to_state, e.reason) for e in entries[1:]] == [
        ("Nguyễn Văn Khối", "Dự thảo", "Đã trình", ""),
        ("Lê Thị Ban", "Đã trình", "Đang thẩm định", ""),
        ("Lê Thị Ban", "Đang thẩm định", "Trả lại để bổ sung", "Thiếu biên bản"),
    ]
    assert entries[0].by == str(nomination.events.order_by("pk").first().by)
    assert entries[0].from_state == ""
    html = client_for(board).get(url("detail", nomination_pk=nomination.pk)).content.decode()
    assert "Lê Thị Ban" in html
    assert "Thiếu biên bản" in html
