"""The documents pages: preview, number and date, issuing and the archive, the report's texts."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import MemberRole, Score
from blocs.services_year import year_close
from reports.models import DocumentDraft, IssuedDocument, ReportTexts
from reports.pipeline import render_pdf
from tests.factories import BlocFactory, MembershipFactory, RoleFactory, UnitFactory
from tests.reports import YEAR, folded, pdf_pages, year_records

KIND = "bao-cao-tong-ket"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(world):
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    return year_records(world["bloc_a"], units)


def url(name, bloc, **extra):
    return reverse(f"reports:{name}", kwargs={"pk": bloc.pk, "year": YEAR, **extra})


def number_form(number=12, **values) -> dict:
    data = {
        "number": str(number),
        "symbol": "BC-KTĐ",
        "issued_on": "2025-12-30",
        "place": "Quảng Trị",
        "signer_name": "Nguyễn Văn Chủ",
        "recipients": "Ban Thi đua - Khen thưởng tỉnh;\nLưu: VT.",
        "version": "",
    }
    data.update(values)
    return data


def test_preview_shows_the_document_and_the_proposed_number(records, world, client_for, secretary_a):
    page = client_for(secretary_a).get(url("preview", world["bloc_a"], kind=KIND))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="doc doc-bao-cao-tong-ket"' in html
    assert "Số: 01/BC-KTĐ" in html
    assert 'name="number" value="1"' in html
    assert reverse("reports:pdf", kwargs={"pk": world["bloc_a"].pk, "year": YEAR, "kind": KIND}) in html
    assert "Ban hành</button>" not in html  # the secretary prepares; the head issues


def test_preview_runs_the_same_queries_for_three_units_and_for_twelve(world, client_for, board):
    small = world["bloc_a"]
    year_records(small, [world["unit_a1"], world["unit_a2"], world["unit_a3"]])
    large = BlocFactory(name="Khối thử nghiệm mười hai")
    units = []
    for index in range(12):
        unit = UnitFactory(name=f"Đơn vị thử nghiệm {index:02d}")
        role = MemberRole.HEAD if index == 0 else MemberRole.DEPUTY if index == 1 else MemberRole.MEMBER
        MembershipFactory(bloc=large, unit=unit, year=YEAR, role=role)
        units.append(unit)
    year_records(large, units)
    client = client_for(board)
    client.get(url("preview", small, kind=KIND))  # sessions, caches
    counts = []
    for bloc in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("preview", bloc, kind=KIND)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 60


def test_saved_number_and_date_print_on_the_document(records, world, client_for, secretary_a):
    client = client_for(secretary_a)
    response = client.post(url("draft", world["bloc_a"], kind=KIND), number_form(number=7))
    assert response.status_code == 302
    draft = DocumentDraft.objects.get(bloc=world["bloc_a"], year=YEAR, kind="summary")
    assert (draft.number, draft.issued_on, draft.recipients) == (
        7,
        date(2025, 12, 30),
        "Ban Thi đua - Khen thưởng tỉnh;\nLưu: VT.",
    )
    text = folded(" ".join(pdf_pages(render_pdf("summary", bloc=world["bloc_a"].pk, year=YEAR))))
    assert "Số: 07/BC-KTĐ" in text
    assert "Quảng Trị, ngày 30 tháng 12 năm 2025" in text
    assert "- Lưu: VT." in text
    assert "Nguyễn Văn Chủ" in text


def test_a_bad_number_is_explained_next_to_the_field(records, world, client_for, secretary_a):
    response = client_for(secretary_a).post(url("draft", world["bloc_a"], kind=KIND), number_form(number="mười"))
    assert response.status_code == 200
    assert "Nhập số văn bản là một số nguyên, ví dụ 12." in response.content.decode()
    assert not DocumentDraft.objects.exists()


def test_two_people_saving_the_number_at_once(records, world, client_for, secretary_a, head_a):
    first, second = client_for(secretary_a), client_for(head_a)
    first.post(url("draft", world["bloc_a"], kind=KIND), number_form(number=3))
    draft = DocumentDraft.objects.get()
    first.post(url("draft", world["bloc_a"], kind=KIND), number_form(number=4, version=str(draft.version)))
    stale = second.post(url("draft", world["bloc_a"], kind=KIND), number_form(number=5, version=str(draft.version)))
    assert stale.status_code == 200
    assert "vừa được người khác lưu" in stale.content.decode()
    assert DocumentDraft.objects.get().number == 4


def issue(client, bloc, **values):
    return client.post(url("issue", bloc, kind=KIND), number_form(**values))


def test_issuing_archives_the_exact_pdf_which_stays_the_same_after_the_records_change(
    records, world, media, client_for, head_a
):
    bloc = world["bloc_a"]
    client = client_for(head_a)
    response = issue(client, bloc, number=12)
    assert response.status_code == 302
    issued = IssuedDocument.objects.get()
    assert (issued.number_text, issued.issued_on, issued.issued_by) == ("12/BC-KTĐ", date(2025, 12, 30), head_a)
    assert issued.title == (
        "Báo cáo tổng kết công tác thi đua, khen thưởng năm 2025 và phương hướng, nhiệm vụ năm 2026"
    )
    stored = (media / issued.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == issued.sha256
    assert "Số: 12/BC-KTĐ" in folded(" ".join(pdf_pages(stored)))

    download = client.get(reverse("reports:issued_download", kwargs={"doc_pk": issued.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored

    # The records change: a unit is renamed, a score is corrected.
    unit = world["unit_a3"]
    unit.name = "Sở Tư pháp (đã đổi tên)"
    unit.save()
    Score.objects.filter(unit=unit).update(assessed_value=0)
    live = render_pdf("summary", bloc=bloc.pk, year=YEAR)
    assert "Sở Tư pháp (đã đổi tên)" in folded(" ".join(pdf_pages(live)))

    again = client.get(reverse("reports:issued_download", kwargs={"doc_pk": issued.pk}))
    archived = b"".join(again.streaming_content)
    assert archived == stored
    assert hashlib.sha256(archived).hexdigest() == issued.sha256
    assert "Sở Tư pháp (đã đổi tên)" not in folded(" ".join(pdf_pages(archived)))
    # The next document of the kind is proposed the next number.
    assert DocumentDraft.objects.get().number == 13


def test_a_number_is_issued_once(records, world, media, client_for, head_a):
    client = client_for(head_a)
    assert issue(client, world["bloc_a"], number=12).status_code == 302
    draft = DocumentDraft.objects.get()
    again = issue(client, world["bloc_a"], number=12, version=str(draft.version))
    assert again.status_code == 200
    assert "Số 12/BC-KTĐ đã dùng cho văn bản ban hành ngày 30/12/2025" in again.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_a_tampered_archive_is_not_served(records, world, media, client_for, head_a):
    client = client_for(head_a)
    issue(client, world["bloc_a"], number=1)
    issued = IssuedDocument.objects.get()
    (media / issued.file.name).write_bytes(b"%PDF-1.7 altered")
    assert client.get(reverse("reports:issued_download", kwargs={"doc_pk": issued.pk})).status_code == 404


def test_only_the_head_and_the_board_admin_issue(records, world, media, client_for, secretary_a, board):
    assert issue(client_for(secretary_a), world["bloc_a"]).status_code == 403
    assert issue(client_for(board), world["bloc_a"]).status_code == 302
    assert IssuedDocument.objects.get().issued_by == board


def test_a_closed_year_refuses_issuing_and_its_number_and_date(records, world, media, client_for, head_a, board):
    """A closed year is read-only: its documents are issued before closing (the overview lists them)."""
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    for user in (head_a, board):
        client = client_for(user)
        assert issue(client, world["bloc_a"]).status_code == 403
        assert client.post(url("draft", world["bloc_a"], kind=KIND), number_form()).status_code == 403
    assert not IssuedDocument.objects.exists()
    assert not DocumentDraft.objects.exists()
    assert not list(media.rglob("*.pdf")) if media.exists() else True
    page = client_for(head_a).get(url("preview", world["bloc_a"], kind=KIND)).content.decode()
    assert "Năm đã khóa sổ: văn bản chỉ còn xem và tải về" in page
    assert 'name="number"' not in page
    assert "Ban hành</button>" not in page
    assert client_for(head_a).get(url("pdf", world["bloc_a"], kind=KIND)).status_code == 200  # still read


def test_a_year_closed_while_the_form_was_open_refuses_the_issue(records, world, media, client_for, head_a, board):
    """The service checks the year again inside its transaction: 403 with the reason, nothing archived."""
    from reports import services
    from reports.documents import get_kind
    from reports.forms import IssueForm

    form = IssueForm(number_form(), instance=DocumentDraft(bloc=world["bloc_a"], year=YEAR, kind="summary"))
    assert form.is_valid(), form.errors
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    with pytest.raises(ValidationError) as refused:
        services.document_issue(kind=get_kind("summary"), bloc=world["bloc_a"], year=YEAR, form=form, user=head_a)
    assert refused.value.code == "year_closed"
    assert "đã khóa sổ" in refused.value.messages[0]
    assert not IssuedDocument.objects.exists()


def test_the_submission_letter_is_issued_like_the_report_and_the_minutes(records, world, media, client_for, head_a):
    client = client_for(head_a)
    for slug, symbol in (("to-trinh", "TTr-KTĐ"), ("bien-ban", "BB-KTĐ"), (KIND, "BC-KTĐ")):
        response = client.post(url("issue", world["bloc_a"], kind=slug), number_form(number=3, symbol=symbol))
        assert response.status_code == 302, slug
    issued = {d.kind: d.number_text for d in IssuedDocument.objects.all()}
    assert issued == {"submission": "03/TTr-KTĐ", "minutes": "03/BB-KTĐ", "summary": "03/BC-KTĐ"}
    letter = IssuedDocument.objects.get(kind="submission")
    assert letter.title == "Tờ trình về việc đề nghị khen thưởng thành tích công tác thi đua năm 2025"


def test_the_overview_says_whether_the_report_and_the_minutes_were_issued(records, world, media, client_for, head_a):
    year_url = reverse("blocs:year", kwargs={"pk": world["bloc_a"].pk, "year": YEAR})
    page = folded(client_for(head_a).get(year_url).content.decode())
    assert page.count("chưa ban hành") == 2
    issue(client_for(head_a), world["bloc_a"], number=12)
    page = folded(client_for(head_a).get(year_url).content.decode())
    assert 'Báo cáo tổng kết đã ban hành</a></span> <span class="subtle">số 12/BC-KTĐ ngày 30/12/2025' in page
    assert page.count("chưa ban hành") == 1  # the minutes
    assert url("list", world["bloc_a"]) + "#da-ban-hanh" in page


def test_issued_documents_are_listed_on_the_years_documents_page(records, world, media, client_for, head_a, viewer):
    issue(client_for(head_a), world["bloc_a"], number=12)
    page = client_for(viewer).get(url("list", world["bloc_a"])).content.decode()
    assert "12/BC-KTĐ" in page
    assert IssuedDocument.objects.get().sha256[:12] in page
    assert reverse("reports:issued_download", kwargs={"doc_pk": IssuedDocument.objects.get().pk}) in page


TEXTS = {
    "activities": "Phát động phong trào «Dân vận khéo».",
    "strengths": "Đoàn kết.\nPhối hợp tốt.",
    "limitations": "Báo cáo chậm.",
    "lessons": "Bám sát quy chế.",
    "directions": "Đổi mới hình thức thi đua.",
}


def test_texts_are_kept_with_the_bloc_year_and_printed(world, client_for, secretary_a):
    client = client_for(secretary_a)
    response = client.post(url("texts", world["bloc_a"]), {**TEXTS, "version": ""})
    assert response.status_code == 302
    texts = ReportTexts.objects.get()
    assert (texts.bloc_year.bloc, texts.bloc_year.year, texts.strengths) == (world["bloc_a"], YEAR, TEXTS["strengths"])
    text = folded(" ".join(pdf_pages(render_pdf("summary", bloc=world["bloc_a"].pk, year=YEAR))))
    assert "1. Ưu điểm Đoàn kết. Phối hợp tốt." in text
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026 Đổi mới hình thức thi đua." in text
    stale = client.post(url("texts", world["bloc_a"]), {**TEXTS, "lessons": "Khác", "version": "0"})
    assert "vừa được người khác lưu" in stale.content.decode()
    assert ReportTexts.objects.get().lessons == TEXTS["lessons"]


def test_texts_of_a_closed_year_are_read_only(world, client_for, secretary_a, board):
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    client = client_for(secretary_a)
    assert client.post(url("texts", world["bloc_a"]), {**TEXTS, "version": ""}).status_code == 403
    assert not ReportTexts.objects.exists()
    page = client.get(url("texts", world["bloc_a"])).content.decode()
    assert "Năm đã khóa sổ" in page
    assert "<textarea" not in page


def test_an_unknown_kind_is_not_found(world, client_for, board):
    assert client_for(board).get(url("preview", world["bloc_a"], kind="khong-co")).status_code == 404


def test_the_year_tabs_show_documents_to_those_who_read_them(world, client_for, secretary_a, officer_a):
    year_url = reverse("blocs:year", kwargs={"pk": world["bloc_a"].pk, "year": YEAR})
    assert url("list", world["bloc_a"]) in client_for(secretary_a).get(year_url).content.decode()
    assert url("list", world["bloc_a"]) not in client_for(officer_a).get(year_url).content.decode()


def test_a_bloc_head_of_another_bloc_cannot_issue_here(records, world, media, client_for):
    from tests.factories import UserFactory

    other_head = UserFactory(username="head_b")
    RoleFactory(user=other_head, kind="bloc_head", bloc=world["bloc_b"])
    assert issue(client_for(other_head), world["bloc_a"]).status_code == 404
