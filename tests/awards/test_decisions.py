"""Award decisions: who may do what, the decision's own checks, attaching approved nominations (happy path,
refusals, two people at once), immutability after the decision, and bounded queries."""

import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards import services_decisions as decisions
from awards.models import AwardDecision, DossierFile, Nomination, ReviewEvent
from tests.awards import PDF
from tests.factories import AwardDecisionFactory, MembershipFactory, UnitFactory, UserFactory
from units.models import Award, AwardType

YEAR = 2025
SIGNED = date(2026, 1, 15)


@pytest.fixture
def certificate(world):
    return AwardType.objects.get(code="bk-chu-tich-tinh")


@pytest.fixture
def author(world):
    return UserFactory(username="nominator")


def approved(world, unit, award_type, author, year=YEAR, state="approved") -> Nomination:
    return Nomination.objects.create(
        bloc=world["bloc_a"], year=year, unit=unit, award_type=award_type, state=state, created_by=author
    )


@pytest.fixture
def nominations(world, certificate, author):
    """Bloc A's three units, each approved for the provincial certificate of 2025."""
    return [approved(world, world[key], certificate, author) for key in ("unit_a1", "unit_a2", "unit_a3")]


@pytest.fixture
def decision(certificate, board):
    return decisions.decision_create(
        values=decisions.DecisionValues(
            number="125/QĐ-UBND", date=SIGNED, signer="Nguyễn Văn Hòa", signer_title="Chủ tịch",
            award_type=certificate, year=YEAR,
        ),
        user=board,
    )  # fmt: skip


def values(award_type=None, **changes) -> decisions.DecisionValues:
    base = {"number": "125/QĐ-UBND", "date": SIGNED, "signer": "Nguyễn Văn Hòa", "signer_title": "Chủ tịch",
            "award_type": award_type, "year": YEAR, "note": ""}  # fmt: skip
    return decisions.DecisionValues(**(base | changes))


def versions(*nominations) -> dict[int, int]:
    return {n.pk: n.version for n in nominations}


def url(name, **kwargs):
    return reverse(f"awards:{name}", kwargs=kwargs)


def form_data(award_type, **changes) -> dict:
    data = {"number": "125/QĐ-UBND", "date": "2026-01-15", "signer": "Nguyễn Văn Hòa", "signer_title": "Chủ tịch",
            "award_type": str(award_type.pk), "year": str(YEAR), "note": ""}  # fmt: skip
    return data | changes


# --- Who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "read", "record"),
    [
        ("board", 200, 302),
        ("reviewer", 200, 302),
        ("viewer", 200, 403),
        ("secretary_a", 403, 403),
        ("head_a", 403, 403),
        ("officer_a", 403, 403),
    ],
)
def test_board_records_and_readers_read(persona, read, record, request, certificate, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    listed = client.get(url("decision_list"))
    created = client.post(url("decision_create"), form_data(certificate))

    assert listed.status_code == read
    assert created.status_code == record
    assert AwardDecision.objects.count() == (1 if record == 302 else 0)


def test_only_the_board_attaches(decision, nominations, viewer, secretary_a, client_for):
    for user in (viewer, secretary_a):
        response = client_for(user).post(
            url("decision_attach", decision_pk=decision.pk),
            {"nomination": [nominations[0].pk], f"version-{nominations[0].pk}": "1"},
        )
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        decisions.decision_attach(decision=decision, versions=versions(nominations[0]), user=viewer)
    assert Nomination.objects.get(pk=nominations[0].pk).state == "approved"


def test_nav_link_for_readers_only(viewer, secretary_a, client_for):
    link = url("decision_list")
    assert f'href="{link}"' in client_for(viewer).get(reverse("home")).content.decode()
    assert f'href="{link}"' not in client_for(secretary_a).get(reverse("home")).content.decode()


# --- The decision number and the other fields ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("125/QĐ-UBND", "125/QĐ-UBND"),
        ("125/qđ-ubnd", "125/QĐ-UBND"),
        (" 125 / QD-UBND ", "125/QĐ-UBND"),
        ("Số 125/QĐ-UBND", "125/QĐ-UBND"),
        ("Số: 3625/QĐ-UBND", "3625/QĐ-UBND"),
        ("125/2025/QĐ-UBND", "125/2025/QĐ-UBND"),
    ],
)
def test_number_is_written_the_official_way(typed, stored, certificate, board):
    created = decisions.decision_create(values=values(certificate, number=typed), user=board)

    assert created.number == stored


def test_decomposed_text_is_stored_composed(certificate, board):
    """Some Vietnamese keyboard tools send decomposed (NFD) text."""
    signer = unicodedata.normalize("NFD", "Nguyễn Văn Hòa")
    created = decisions.decision_create(
        values=values(certificate, number=unicodedata.normalize("NFD", "126/QĐ-UBND"), signer=signer), user=board
    )

    assert created.number == "126/QĐ-UBND"
    assert created.signer == "Nguyễn Văn Hòa"
    assert unicodedata.is_normalized("NFC", created.signer)


@pytest.mark.parametrize("typed", ["125", "125/QĐ-CT", "QĐ-UBND", "/QĐ-UBND", "abc/QĐ-UBND", "125/QĐ-UBND tỉnh"])
def test_malformed_number_is_refused(typed, certificate, board):
    with pytest.raises(ValidationError) as caught:
        decisions.decision_create(values=values(certificate, number=typed), user=board)

    assert list(caught.value.message_dict) == ["number"]
    assert "không đúng dạng: ghi như 125/QĐ-UBND" in caught.value.message_dict["number"][0]
    assert AwardDecision.objects.count() == 0


def test_national_award_needs_the_prime_minister(board, world):
    pm = AwardType.objects.get(code="bk-thu-tuong")

    with pytest.raises(ValidationError) as caught:
        decisions.decision_create(values=values(pm, number="125/QĐ-UBND"), user=board)
    created = decisions.decision_create(values=values(pm, number="1234/qđ-ttg"), user=board)

    assert caught.value.message_dict == {
        "number": ["«Bằng khen của Thủ tướng Chính phủ» do Thủ tướng Chính phủ quyết định: số quyết định phải có "
                   "dạng …/QĐ-TTg."]
    }  # fmt: skip
    assert created.number == "1234/QĐ-TTg"


def test_provincial_award_is_not_signed_by_the_prime_minister(certificate, board):
    with pytest.raises(ValidationError) as caught:
        decisions.decision_create(values=values(certificate, number="1234/QĐ-TTg"), user=board)

    assert caught.value.message_dict["number"] == [
        "«Bằng khen của Chủ tịch UBND tỉnh» do Chủ tịch UBND tỉnh quyết định: số quyết định phải có dạng …/QĐ-UBND."
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": date(2099, 1, 1)}, "date", "Ngày ký không thể sau hôm nay"),
        ({"date": date(2024, 12, 30)}, "date", "phải ký từ năm 2025 trở đi, không phải 30/12/2024"),
        ({"signer": "  "}, "signer", "Hãy ghi họ tên người ký."),
        ({"year": 1999}, "year", "Năm phải trong khoảng 2000–2100."),
    ],
)
def test_bad_fields_are_refused_with_a_message(changes, field, message, certificate, board):
    with pytest.raises(ValidationError) as caught:
        decisions.decision_create(values=values(certificate, **changes), user=board)

    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]
    assert AwardDecision.objects.count() == 0


def test_same_number_and_date_twice_is_refused(decision, certificate, board):
    with pytest.raises(ValidationError) as caught:
        decisions.decision_create(values=values(certificate, number="125/qđ-ubnd"), user=board)

    assert caught.value.message_dict["number"] == [
        "Đã có quyết định số 125/QĐ-UBND ký ngày 15/01/2026 (khen thưởng «Bằng khen của Chủ tịch UBND tỉnh» năm 2025)."
    ]


def test_form_shows_the_message_next_to_the_number(certificate, board, client_for):
    response = client_for(board).post(url("decision_create"), form_data(certificate, number="125/QĐ-XYZ"))

    assert response.status_code == 200
    assert "không đúng dạng" in response.context["form"].errors["number"][0]
    assert "không đúng dạng" in response.content.decode()
    assert AwardDecision.objects.count() == 0


def test_create_page_is_prefilled_from_the_waiting_list(nominations, certificate, board, client_for):
    listing = client_for(board).get(url("decision_list")).content.decode()
    prefilled = client_for(board).get(url("decision_create") + f"?nam=2025&hinh_thuc={certificate.pk}")

    assert f"?nam=2025&amp;hinh_thuc={certificate.pk}" in listing
    assert prefilled.context["form"].initial == {"year": 2025, "award_type": certificate.pk}


# --- The list ------------------------------------------------------------------------------------


def test_list_filters_by_year_and_award_type(certificate, board, client_for, world):
    flag = AwardType.objects.get(code="co-ubnd-tinh")
    AwardDecisionFactory(number="10/QĐ-UBND", award_type=certificate, year=2024, date=date(2025, 2, 1))
    AwardDecisionFactory(number="11/QĐ-UBND", award_type=certificate, year=2025)
    AwardDecisionFactory(number="12/QĐ-UBND", award_type=flag, year=2025)
    client = client_for(board)

    def numbers(query):
        return [d.number for d in client.get(url("decision_list") + query).context["decisions"]]

    assert sorted(numbers("")) == ["10/QĐ-UBND", "11/QĐ-UBND", "12/QĐ-UBND"]
    assert sorted(numbers("?nam=2025")) == ["11/QĐ-UBND", "12/QĐ-UBND"]
    assert numbers(f"?nam=2025&hinh_thuc={flag.pk}") == ["12/QĐ-UBND"]
    assert numbers(f"?hinh_thuc={certificate.pk}&nam=2024") == ["10/QĐ-UBND"]


# --- Attaching -----------------------------------------------------------------------------------


def test_attach_decides_and_writes_the_award_history(decision, nominations, board, client_for):
    first, second, third = nominations
    page = client_for(board).get(url("decision_detail", decision_pk=decision.pk))
    assert [n.pk for n in page.context["candidates"]] == [
        n.pk for n in sorted(nominations, key=lambda n: n.unit.sort_key)
    ]

    response = client_for(board).post(
        url("decision_attach", decision_pk=decision.pk),
        {"nomination": [first.pk, second.pk], f"version-{first.pk}": "1", f"version-{second.pk}": "1",
         f"version-{third.pk}": "1"},
    )  # fmt: skip

    assert response.status_code == 302
    decided = {n.pk: n for n in Nomination.objects.filter(pk__in=[first.pk, second.pk])}
    assert {n.state for n in decided.values()} == {"decided"}
    assert {n.decision_id for n in decided.values()} == {decision.pk}
    assert {n.version for n in decided.values()} == {2}
    assert Nomination.objects.get(pk=third.pk).state == "approved"
    events = list(
        ReviewEvent.objects.filter(nomination__in=decided).values_list(
            "from_state", "to_state", "by__username", "reason"
        )
    )
    assert events == [("approved", "decided", "board", "Quyết định số 125/QĐ-UBND ngày 15/01/2026")] * 2
    awards = list(Award.objects.order_by("unit__code").values_list("unit__code", "year", "decision_number",
                                                                   "decision_date", "source"))  # fmt: skip
    assert awards == [
        ("stc", 2025, "125/QĐ-UBND", SIGNED, "decision"),
        ("vp-ubnd", 2025, "125/QĐ-UBND", SIGNED, "decision"),
    ]
    assert {h.history_user.username for h in Award.history.all()} == {"board"}
    assert {h.history_user.username for h in Nomination.history.filter(state="decided")} == {"board"}
    page = client_for(board).get(url("decision_detail", decision_pk=decision.pk))
    assert [n.pk for n in page.context["attached"]] == [second.pk, first.pk]  # Sở Tài chính, Văn phòng UBND tỉnh
    assert [n.pk for n in page.context["candidates"]] == [third.pk]


def test_unit_page_and_later_nominations_show_the_award(decision, nominations, board, client_for, world, author):
    decisions.decision_attach(decision=decision, versions=versions(nominations[1]), user=board)
    MembershipFactory(bloc=world["bloc_a"], unit=world["unit_a2"], year=2026)
    later = approved(world, world["unit_a2"], AwardType.objects.get(code="bk-thu-tuong"), author, year=2026,
                     state="draft")  # fmt: skip

    unit_page = client_for(board).get(reverse("blocs:unit_detail", args=[world["unit_a2"].pk])).content.decode()
    nomination_page = client_for(board).get(url("detail", nomination_pk=later.pk)).content.decode()

    assert "Số 125/QĐ-UBND, 15/01/2026" in unit_page
    assert "Quyết định khen thưởng trong phần mềm" in unit_page
    assert "2025: Bằng khen của Chủ tịch UBND tỉnh (125/QĐ-UBND)" in nomination_page


def _refused(decision, chosen: dict[int, int], user) -> list[str]:
    events, awards = ReviewEvent.objects.count(), Award.objects.count()
    with pytest.raises(ValidationError) as caught:
        decisions.decision_attach(decision=decision, versions=chosen, user=user)
    assert ReviewEvent.objects.count() == events
    assert Award.objects.count() == awards
    return caught.value.messages


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "returned", "not_approved"])
def test_nomination_not_approved_is_refused(state, decision, nominations, board):
    Nomination.objects.filter(pk=nominations[0].pk).update(state=state)
    label = Nomination(state=state).get_state_display()

    messages = _refused(decision, versions(*nominations), board)

    assert messages == [f"Văn phòng UBND tỉnh: hồ sơ đang ở trạng thái «{label}»; chỉ gắn được hồ sơ «Đủ điều kiện»."]
    assert set(Nomination.objects.values_list("state", flat=True)) == {state, "approved"}


def test_other_award_type_or_year_is_refused(decision, nominations, board, world, author):
    flag = approved(world, world["unit_b1"], AwardType.objects.get(code="co-ubnd-tinh"), author)
    older = approved(world, world["unit_b2"], decision.award_type, author, year=2024)

    messages = _refused(decision, versions(flag, older, nominations[0]), board)

    assert messages == [
        "Ban Tuyên giáo Tỉnh ủy: hồ sơ đề nghị «Cờ thi đua của UBND tỉnh», quyết định này khen thưởng "
        "«Bằng khen của Chủ tịch UBND tỉnh».",
        "Ban Dân vận Tỉnh ủy: hồ sơ là thành tích năm 2024, quyết định này khen thưởng năm 2025.",
    ]
    assert Nomination.objects.get(pk=nominations[0].pk).state == "approved"


def test_changed_since_the_page_was_loaded_is_refused(decision, nominations, board):
    stale = versions(*nominations)
    Nomination.objects.filter(pk=nominations[2].pk).update(version=5)

    messages = _refused(decision, stale, board)

    assert messages == ["Sở Tư pháp: hồ sơ vừa được thay đổi sau khi bạn mở trang; hãy tải lại trang rồi chọn lại."]
    assert Nomination.objects.filter(state="decided").count() == 0


def test_empty_selection_and_vanished_nomination(decision, board):
    assert _refused(decision, {}, board) == ["Hãy chọn ít nhất một hồ sơ để gắn vào quyết định."]
    assert _refused(decision, {987654: 1}, board) == ["Hồ sơ số 987654 không còn trong phần mềm."]


def test_two_board_members_attach_the_same_nomination(decision, nominations, certificate, board, reviewer, client_for):
    """Both loaded their decision page with the same versions; the second one to save is refused."""
    other = decisions.decision_create(values=values(certificate, number="130/QĐ-UBND"), user=reviewer)
    chosen = {"nomination": [nominations[0].pk], f"version-{nominations[0].pk}": "1"}

    first = client_for(board).post(url("decision_attach", decision_pk=decision.pk), chosen)
    second = client_for(reviewer).post(url("decision_attach", decision_pk=other.pk), chosen, follow=True)

    assert first.status_code == 302
    assert Nomination.objects.get(pk=nominations[0].pk).decision_id == decision.pk
    assert "Văn phòng UBND tỉnh: hồ sơ đã có quyết định khen thưởng số 125/QĐ-UBND." in second.content.decode()
    assert other.nominations.count() == 0
    assert Award.objects.count() == 1


def test_award_already_imported_with_another_decision_is_refused(decision, nominations, board, certificate, world):
    Award.objects.create(unit=world["unit_a1"], award_type=certificate, year=YEAR, decision_number="99/QĐ-UBND",
                         decision_date=date(2026, 1, 2), source="import")  # fmt: skip

    messages = _refused(decision, versions(nominations[0]), board)

    assert messages == [
        "Văn phòng UBND tỉnh đã được ghi nhận «Bằng khen của Chủ tịch UBND tỉnh» năm 2025 theo quyết định số "
        "99/QĐ-UBND (nhập từ dữ liệu các năm trước); không ghi thêm được."
    ]


def test_award_imported_from_the_same_decision_becomes_the_decisions(decision, nominations, board, certificate, world):
    imported = Award.objects.create(unit=world["unit_a1"], award_type=certificate, year=YEAR,
                                    decision_number="125/QĐ-UBND", decision_date=SIGNED, source="import")  # fmt: skip

    decisions.decision_attach(decision=decision, versions=versions(nominations[0]), user=board)

    imported.refresh_from_db()
    assert imported.source == "decision"
    assert Award.objects.count() == 1


# --- Immutability --------------------------------------------------------------------------------


@pytest.fixture
def decided(decision, nominations, board, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    nomination = nominations[2]  # unit_a3
    dossier = DossierFile(nomination=nomination, kind="report", name="Báo cáo.pdf", content_type="application/pdf",
                          size=len(PDF), uploaded_by=board)  # fmt: skip
    dossier.file.save("bao-cao.pdf", SimpleUploadedFile("bao-cao.pdf", PDF), save=True)
    decisions.decision_attach(decision=decision, versions=versions(nomination), user=board)
    nomination.refresh_from_db()
    return nomination


DECIDED_MESSAGE = "Hồ sơ đã có quyết định khen thưởng, không thể thay đổi."


@pytest.mark.parametrize("action", ["submit", "withdraw", "start_review", "return", "approve", "reject"])
def test_decided_nomination_refuses_every_transition(action, decided, board, head_a, client_for):
    user = head_a if action in ("submit", "withdraw") else board

    response = client_for(user).post(url("transition", nomination_pk=decided.pk), {"action": action, "reason": "x"},
                                     follow=True)  # fmt: skip

    assert DECIDED_MESSAGE in response.content.decode()
    assert Nomination.objects.get(pk=decided.pk).state == "decided"
    assert Nomination.objects.get(pk=decided.pk).version == decided.version


def test_decided_nomination_refuses_edits_and_files(decided, secretary_a, client_for):
    client = client_for(secretary_a)
    dossier = decided.files.get()

    summary = client.post(
        url("update", nomination_pk=decided.pk), {"summary": "Sửa sau quyết định", "version": "2"}, follow=True
    )
    upload = client.post(url("dossier_add", nomination_pk=decided.pk),
                         {"kind": "letter", "file": SimpleUploadedFile("To trinh.pdf", PDF)}, follow=True)  # fmt: skip
    removal = client.post(url("dossier_delete", nomination_pk=decided.pk, file_pk=dossier.pk), follow=True)

    # Each refusal comes back as a message on the nomination page (the forms are not drawn any more).
    for response in (summary, upload, removal):
        assert response.redirect_chain
        assert DECIDED_MESSAGE in response.content.decode()
    current = Nomination.objects.get(pk=decided.pk)
    assert (current.state, current.summary, current.version) == ("decided", "", decided.version)
    assert list(current.files.values_list("pk", flat=True)) == [dossier.pk]


def test_decided_nomination_refuses_services_too(decided, secretary_a, board):
    dossier = decided.files.get()
    with pytest.raises(ValidationError) as on_add:
        services.dossier_add(nomination=decided, upload=SimpleUploadedFile("a.pdf", PDF), kind="other",
                             user=secretary_a)  # fmt: skip
    with pytest.raises(ValidationError) as on_remove:
        services.dossier_remove(dossier=dossier, user=secretary_a)

    assert on_add.value.messages == [DECIDED_MESSAGE]
    assert on_remove.value.messages == [DECIDED_MESSAGE]
    assert decided.files.count() == 1


def test_attached_decision_keeps_its_number_date_and_award(decided, decision, board):
    current = AwardDecision.objects.get(pk=decision.pk)
    flag = AwardType.objects.get(code="co-ubnd-tinh")
    for change in ({"number": "126/QĐ-UBND"}, {"date": date(2026, 1, 16)}, {"award_type": flag},
                   {"signer": "Trần Văn Bình"}, {"year": 2024}):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            decisions.decision_update(decision=current, values=values(**({"award_type": decision.award_type} | change)),
                                      expected_version=current.version, user=board)  # fmt: skip
        assert caught.value.messages[0].startswith("Quyết định đã có 1 hồ sơ gắn vào")

    saved = decisions.decision_update(
        decision=current, values=values(decision.award_type, note="Đính chính tên người ký theo công văn 12/UBND"),
        expected_version=current.version, user=board,
    )  # fmt: skip

    assert (saved.number, saved.date, saved.note) == (
        "125/QĐ-UBND", SIGNED, "Đính chính tên người ký theo công văn 12/UBND",
    )  # fmt: skip
    assert Award.objects.get().decision_number == "125/QĐ-UBND"


def test_attached_decision_edit_page_offers_only_the_note(decided, decision, board, client_for):
    client = client_for(board)
    page = client.get(url("decision_update", decision_pk=decision.pk))
    posted = {"note": "Ghi chú mới", "version": str(decision.version), "number": "999/QĐ-UBND"}
    response = client.post(url("decision_update", decision_pk=decision.pk), posted)

    assert list(page.context["form"].fields) == ["note", "version"]
    assert response.status_code == 302
    current = AwardDecision.objects.get(pk=decision.pk)
    assert (current.number, current.note) == ("125/QĐ-UBND", "Ghi chú mới")


def test_attached_decision_cannot_be_deleted(decided, decision, board, client_for):
    response = client_for(board).post(url("decision_delete", decision_pk=decision.pk), follow=True)

    assert "Không xóa được quyết định số 125/QĐ-UBND: đã có 1 hồ sơ gắn vào" in response.content.decode()
    assert AwardDecision.objects.filter(pk=decision.pk).exists()


def test_decision_without_nominations_is_edited_or_deleted(decision, certificate, board, client_for):
    client = client_for(board)
    edited = client.post(url("decision_update", decision_pk=decision.pk),
                         form_data(certificate, number="127/QĐ-UBND", version=str(decision.version)))  # fmt: skip
    assert edited.status_code == 302
    assert AwardDecision.objects.get(pk=decision.pk).number == "127/QĐ-UBND"

    deleted = client.post(url("decision_delete", decision_pk=decision.pk))

    assert deleted.status_code == 302
    assert not AwardDecision.objects.filter(pk=decision.pk).exists()


def test_edit_over_someone_elses_save_is_refused(decision, certificate, board, client_for):
    loaded = decision.version
    decisions.decision_update(decision=decision, values=values(certificate, signer="Trần Văn Bình"),
                              expected_version=loaded, user=board)  # fmt: skip

    response = client_for(board).post(url("decision_update", decision_pk=decision.pk),
                                      form_data(certificate, signer="Lê Văn Cường", version=str(loaded)))  # fmt: skip

    assert response.status_code == 200
    assert "Người khác vừa lưu quyết định này trước bạn" in response.content.decode()
    assert AwardDecision.objects.get(pk=decision.pk).signer == "Trần Văn Bình"


# --- Bounded queries -----------------------------------------------------------------------------


def _many(world, author, certificate, count, prefix, state="approved"):
    made = []
    for index in range(count):
        unit = UnitFactory(name=f"Đơn vị thử {prefix} {index:03d}", code=f"thu-{prefix}-{index}")
        made.append(approved(world, unit, certificate, author, state=state))
    return made


def _queries(client, target) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(target).status_code == 200
    return len(context.captured_queries)


def test_decision_page_queries_do_not_grow(decision, board, world, author, certificate, client_for):
    client = client_for(board)
    page = url("decision_detail", decision_pk=decision.pk)
    small = _many(world, author, certificate, 2, "a")
    decisions.decision_attach(decision=decision, versions=versions(small[0]), user=board)
    few = _queries(client, page)

    big = _many(world, author, certificate, 40, "b")
    decisions.decision_attach(decision=decision, versions={n.pk: n.version for n in big[:30]}, user=board)
    many = _queries(client, page)

    assert decision.nominations.count() == 31
    assert few == many


def test_list_queries_do_not_grow(board, world, client_for, certificate):
    client = client_for(board)
    AwardDecisionFactory(number="1/QĐ-UBND")
    few = _queries(client, url("decision_list"))
    for index in range(30):
        AwardDecisionFactory(number=f"{index + 2}/QĐ-UBND")

    assert _queries(client, url("decision_list")) == few


def test_attach_queries_do_not_grow(board, world, author, certificate):
    def attach(count: int, number: str) -> int:
        decision = AwardDecisionFactory(number=number, created_by=board)
        chosen = _many(world, author, certificate, count, number.split("/")[0])
        with CaptureQueriesContext(connection) as context:
            decisions.decision_attach(decision=decision, versions=versions(*chosen), user=board)
        return len(context.captured_queries)

    assert board.has_perm("awards.record_decision")  # the user's roles are read once, then kept on the user
    few = attach(2, "300/QĐ-UBND")
    many = attach(60, "301/QĐ-UBND")

    assert few == many
