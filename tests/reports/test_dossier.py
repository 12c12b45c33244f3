"""Issued documents go into the nominations' dossiers, and the meeting's minutes page leads to the
official minutes."""

import hashlib
from datetime import datetime

import pytest
from django.urls import reverse

from awards.models import DossierFile, DossierKind, Nomination, State
from blocs.services_year import year_close
from meetings.models import Meeting
from reports.models import IssuedDocument
from tests.factories import UserFactory
from tests.reports import HCM, YEAR, folded, year_records
from units.models import AwardType


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(world, media):
    """Bloc A's year: the flag proposal of Văn phòng UBND tỉnh (a draft, from the ballot); by hand, Sở Tài
    chính returned to the bloc and Sở Tư pháp submitted to the board."""
    data = year_records(world["bloc_a"], [world["unit_a1"], world["unit_a2"], world["unit_a3"]])
    certificate = AwardType.objects.get(code="bk-chu-tich-tinh")
    author = UserFactory()
    returned = Nomination.objects.create(
        bloc=world["bloc_a"], year=YEAR, unit=world["unit_a2"], award_type=certificate, created_by=author,
        state=State.RETURNED,
    )  # fmt: skip
    submitted = Nomination.objects.create(
        bloc=world["bloc_a"], year=YEAR, unit=world["unit_a3"], award_type=certificate, created_by=author,
        state=State.SUBMITTED,
    )  # fmt: skip
    return {**data, "returned": returned, "submitted": submitted}


def issue(client, bloc, slug, symbol, number=4):
    url = reverse("reports:issue", kwargs={"pk": bloc.pk, "year": YEAR, "kind": slug})
    response = client.post(
        url,
        {"number": str(number), "symbol": symbol, "issued_on": "2025-12-30", "place": "Quảng Trị",
         "signer_name": "Nguyễn Văn Chủ", "recipients": "Lưu: VT.", "version": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return IssuedDocument.objects.get(bloc=bloc, symbol=symbol, number=number)


def attach(client, issued):
    return client.post(reverse("reports:attach", kwargs={"doc_pk": issued.pk}), follow=True)


def test_each_issued_document_goes_into_the_dossiers_the_bloc_holds(records, world, media, client_for, head_a):
    client = client_for(head_a)
    documents = {
        DossierKind.MINUTES: issue(client, world["bloc_a"], "bien-ban", "BB-KTĐ"),
        DossierKind.LETTER: issue(client, world["bloc_a"], "to-trinh", "TTr-KTĐ"),
        DossierKind.REPORT: issue(client, world["bloc_a"], "bao-cao-tong-ket", "BC-KTĐ"),
    }
    held = [records["nomination"], records["returned"]]
    for kind, issued in documents.items():
        page = folded(attach(client, issued).content.decode())
        assert "Đã đính kèm" in page
        assert "vào 2 hồ sơ đề nghị" in page
        assert "Bỏ qua: Sở Tư pháp — Bằng khen của Chủ tịch UBND tỉnh (Đã trình)" in page
        files = DossierFile.objects.filter(kind=kind)
        assert sorted(f.nomination_id for f in files) == sorted(n.pk for n in held)
        for dossier in files:
            assert dossier.name == f"{issued.get_kind_display()} số {issued.number_text} ngày 30/12/2025"
            assert dossier.content_type == "application/pdf"
            assert dossier.uploaded_by == head_a
            stored = (media / dossier.file.name).read_bytes()
            assert hashlib.sha256(stored).hexdigest() == issued.sha256  # the archived copy, byte for byte
    assert not DossierFile.objects.filter(nomination=records["submitted"]).exists()
    # The flag proposal now has its letter, minutes and report: the dossier check no longer misses them.
    from awards.checks import checks_for

    dossier_check = next(c for c in checks_for([records["nomination"]])[records["nomination"].pk] if "Hồ sơ" in c.label)
    assert dossier_check.outcome == "ok"


def test_attaching_twice_adds_nothing_and_says_so(records, world, media, client_for, secretary_a, head_a):
    issued = issue(client_for(head_a), world["bloc_a"], "bien-ban", "BB-KTĐ")
    client = client_for(secretary_a)
    attach(client, issued)
    before = sorted(DossierFile.objects.values_list("pk", flat=True))
    page = folded(attach(client, issued).content.decode())
    assert "Chưa đính kèm: không có hồ sơ đề nghị nào khối đang giữ" in page
    assert "Văn phòng UBND tỉnh — Cờ thi đua của UBND tỉnh (đã có văn bản này)" in page
    assert sorted(DossierFile.objects.values_list("pk", flat=True)) == before


def test_attaching_is_all_or_nothing(records, world, media, client_for, head_a, monkeypatch):
    from awards import services as awards_services
    from reports import services

    issued = issue(client_for(head_a), world["bloc_a"], "bien-ban", "BB-KTĐ")
    files_before = sorted(p.name for p in media.rglob("*") if p.is_file())
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["nomination"].pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return awards_services.dossier_add(**kwargs)

    monkeypatch.setattr(services, "dossier_add", failing)
    with pytest.raises(RuntimeError):
        attach(client_for(head_a), issued)
    assert len(calls) == 2
    assert not DossierFile.objects.exists()
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == files_before  # the first file removed too


def test_who_may_attach(records, world, media, client_for, head_a, board, viewer, secretary_b, officer_a):
    issued = issue(client_for(head_a), world["bloc_a"], "bien-ban", "BB-KTĐ")
    for user, status in ((board, 403), (viewer, 403), (officer_a, 403), (secretary_b, 404)):
        assert client_for(user).post(reverse("reports:attach", kwargs={"doc_pk": issued.pk})).status_code == status
    assert not DossierFile.objects.exists()
    list_url = reverse("reports:list", kwargs={"pk": world["bloc_a"].pk, "year": YEAR})
    assert "Đính kèm vào hồ sơ đề nghị" in client_for(head_a).get(list_url).content.decode()
    assert "Đính kèm vào hồ sơ đề nghị" not in client_for(board).get(list_url).content.decode()


def test_a_pledge_is_not_part_of_a_dossier(records, world, media, client_for, head_a):
    issued = issue(client_for(head_a), world["bloc_a"], "giao-uoc", "GƯTĐ-KTĐ")
    page = client_for(head_a).get(reverse("reports:list", kwargs={"pk": world["bloc_a"].pk, "year": YEAR}))
    assert reverse("reports:attach", kwargs={"doc_pk": issued.pk}) not in page.content.decode()
    response = attach(client_for(head_a), issued)
    assert "Loại văn bản này không thuộc hồ sơ đề nghị khen thưởng." in response.content.decode()
    assert not DossierFile.objects.exists()


def test_dossier_work_goes_on_after_the_year_is_closed(records, world, media, client_for, head_a, board):
    issued = issue(client_for(head_a), world["bloc_a"], "bao-cao-tong-ket", "BC-KTĐ")
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    assert "vào 2 hồ sơ đề nghị" in folded(attach(client_for(head_a), issued).content.decode())
    assert DossierFile.objects.filter(kind=DossierKind.REPORT).count() == 2


# --- The meeting's minutes page ----------------------------------------------------------------------


def test_the_minutes_page_links_to_the_official_minutes(records, world, client_for, secretary_a, officer_a):
    minutes_url = reverse("meetings:minutes", kwargs={"meeting_pk": records["meeting"].pk})
    page = client_for(secretary_a).get(minutes_url).content.decode()
    for name in ("preview", "pdf", "docx"):
        assert reverse(f"reports:{name}", kwargs={"pk": world["bloc_a"].pk, "year": YEAR, "kind": "bien-ban"}) in page
    assert "sẽ có ở phần văn bản" not in page
    officer = client_for(officer_a).get(minutes_url).content.decode()  # reads meetings, not the bloc's documents
    assert "/van-ban/" not in officer
    mid_year = Meeting.objects.create(
        bloc=world["bloc_a"], year=YEAR, kind="mid_year", title="Hội nghị sơ kết 6 tháng",
        held_at=datetime(YEAR, 7, 10, 8, 0, tzinfo=HCM), place="Sở Tư pháp", chair="Ông A", secretary="Bà B",
    )  # fmt: skip
    other = client_for(secretary_a).get(reverse("meetings:minutes", kwargs={"meeting_pk": mid_year.pk}))
    text = folded(other.content.decode())
    assert "Biên bản chính thức (PDF, DOCX) của năm được lập cho hội nghị tổng kết, bình xét gần nhất" in text
    assert reverse("reports:pdf", kwargs={"pk": world["bloc_a"].pk, "year": YEAR, "kind": "bien-ban"}) not in text
