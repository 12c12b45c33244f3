"""Meetings of a bloc-year: recording, editing, deleting, the list and meeting pages, attached files,
closed years, and query counts."""

import io
import struct
import zipfile
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import MemberRole
from blocs.services_year import year_close
from meetings import uploads
from meetings.models import Attendance, Meeting, MeetingAttachment
from meetings.services_ballots import ballot_create, ballot_record_counts
from meetings.services_meetings import (
    attachment_add,
    attendance_rows,
    date_words,
    datetime_words,
    meeting_delete,
    proposed_title,
    year_meeting_summary,
)
from tests.factories import BlocFactory, MembershipFactory, UnitFactory
from units.models import AwardType

YEAR = 2025
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


# --- Helpers shared by the meetings tests --------------------------------------------------------


def make_meeting(bloc, year=YEAR, **values) -> Meeting:
    defaults = {
        "kind": "year_end",
        "title": proposed_title("year_end", year),
        "held_at": datetime(year, 12, 28, 14, 0, tzinfo=HCM),
        "place": "Hội trường Thanh tra tỉnh",
        "chair": "Ông Võ Văn Dũng, Chánh Thanh tra tỉnh, Khối trưởng",
        "secretary": "Bà Phạm Thị Thu Trang, chuyên viên Thanh tra tỉnh",
    }
    defaults.update(values)
    return Meeting.objects.create(bloc=bloc, year=year, **defaults)


def bloc_with_members(count: int, year=YEAR, name="Khối thử nghiệm"):
    """A bloc with `count` member units in `year` (the first is head, the second deputy)."""
    bloc = BlocFactory(name=f"{name} {count}")
    units = []
    for index in range(count):
        unit = UnitFactory(name=f"Đơn vị {name} số {index + 1:02d}")
        role = MemberRole.HEAD if index == 0 else MemberRole.DEPUTY if index == 1 else MemberRole.MEMBER
        MembershipFactory(bloc=bloc, unit=unit, year=year, role=role)
        units.append(unit)
    return bloc, units


def mark_attendance(meeting, units, present: int):
    """The first `present` units attended; the others sent their apologies."""
    for index, unit in enumerate(units):
        Attendance.objects.create(
            meeting=meeting,
            unit=unit,
            present=index < present,
            represented_by="Nguyễn Văn An, Phó Giám đốc" if index < present else "",
            note="" if index < present else "Đi công tác",
        )


def counted_ballot(meeting, units, *, award="bk-chu-tich-tinh", votes=None, seats=1):
    """A ballot on `units`, counted: everyone present voted, valid ballots = issued."""
    present = sum(1 for a in meeting.attendance.all() if a.present)
    ballot = ballot_create(
        meeting=meeting,
        purpose="award",
        award_type=AwardType.objects.get(code=award),
        title="",
        seats=seats,
        candidates=units,
    )
    votes = votes or {unit.pk: present for unit in units[:seats]} | {unit.pk: 0 for unit in units[seats:]}
    return ballot_record_counts(
        ballot=ballot,
        entitled=ballot.entitled,
        issued=present,
        returned=present,
        valid=present,
        votes=votes,
        expected_version=ballot.version,
    )


def form_data(**values):
    data = {
        "kind": "year_end",
        "title": "",
        "held_at_0": "2025-12-28",
        "held_at_1": "14:00",
        "place": "Hội trường Văn phòng UBND tỉnh",
        "chair": "Ông Nguyễn Văn Hải, Chánh Văn phòng UBND tỉnh, Khối trưởng",
        "secretary": "Bà Trần Thị Bình, chuyên viên Văn phòng UBND tỉnh",
        "agenda": "",
        "content": "",
        "conclusions": "",
    }
    data.update(values)
    return data


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def meeting_world(meeting, *, settings, media) -> dict:
    """For the access table: bloc A's year-end meeting and a PDF attached to it, stored under `media`."""
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = media
    upload = SimpleUploadedFile("Biên bản họp.pdf", PDF)
    attachment = attachment_add(meeting=meeting, upload=upload, user=UserFactory(username="uploader"))
    return {"meeting": meeting, "attachment": attachment}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs=kwargs)


def list_url(bloc, year=YEAR):
    return url("list", pk=bloc.pk, year=year)


def _history_rows() -> int:
    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


# --- Words -----------------------------------------------------------------------------------------


def test_proposed_titles_follow_the_kind_and_year():
    assert proposed_title("year_end", 2025) == "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025"
    assert proposed_title("pledge", 2026) == "Hội nghị ký kết giao ước thi đua năm 2026"
    assert proposed_title("mid_year", 2025) == "Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025"


def test_dates_in_words_as_official_documents_write_them():
    from datetime import date

    assert date_words(date(2025, 12, 28)) == "ngày 28 tháng 12 năm 2025"
    assert date_words(date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert date_words(date(2025, 3, 15)) == "ngày 15 tháng 3 năm 2025"
    # stored in UTC, told in Vietnam's time: 07:30 UTC is 14:30 in Hà Nội
    assert datetime_words(datetime(2025, 12, 28, 7, 30, tzinfo=ZoneInfo("UTC"))) == (
        "14 giờ 30 phút, ngày 28 tháng 12 năm 2025"
    )


# --- Recording a meeting ---------------------------------------------------------------------------


def test_secretary_records_a_meeting_then_goes_to_attendance(client_for, secretary_a, world):
    bloc = world["bloc_a"]
    response = client_for(secretary_a).post(
        url("create", pk=bloc.pk, year=YEAR), form_data(content="Khối đánh giá kết quả năm.")
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == url("attendance", meeting_pk=meeting.pk)
    assert (meeting.bloc, meeting.year, meeting.kind) == (bloc, YEAR, "year_end")
    assert meeting.title == "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025"  # proposed from the kind
    assert meeting.held_at == datetime(2025, 12, 28, 14, 0, tzinfo=HCM)
    assert meeting.content == "Khối đánh giá kết quả năm."


def test_create_form_proposes_the_title_and_accepts_a_typed_vietnamese_date(client_for, secretary_a, world):
    client = client_for(secretary_a)
    page = client.get(url("create", pk=world["bloc_a"].pk, year=YEAR) + "?loai=pledge").content.decode()
    assert 'value="Hội nghị ký kết giao ước thi đua năm 2025"' in page
    client.post(
        url("create", pk=world["bloc_a"].pk, year=YEAR),
        form_data(kind="pledge", title="Hội nghị  ký kết giao ước", held_at_0="05/03/2025", held_at_1="8h30"),
    )
    meeting = Meeting.objects.get()
    assert meeting.title == "Hội nghị ký kết giao ước"
    assert meeting.held_at == datetime(2025, 3, 5, 8, 30, tzinfo=HCM)


def test_create_refuses_bad_input_with_vietnamese_messages_next_to_the_fields(client_for, secretary_a, world):
    response = client_for(secretary_a).post(
        url("create", pk=world["bloc_a"].pk, year=YEAR),
        form_data(place="", held_at_0="31/02/2025", chair=""),
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["place"] == ["Trường này là bắt buộc."]
    assert form.errors["chair"] == ["Trường này là bắt buộc."]
    assert form.errors["held_at"] == ["Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 28/12/2025."]
    assert Meeting.objects.count() == 0


def test_a_meeting_must_be_held_around_its_year(client_for, secretary_a, world):
    response = client_for(secretary_a).post(
        url("create", pk=world["bloc_a"].pk, year=YEAR), form_data(held_at_0="2020-12-28")
    )
    assert response.context["form"].errors["held_at"] == [
        "Hội nghị của năm 2025 phải họp trong khoảng từ năm 2024 đến năm 2026."
    ]
    assert Meeting.objects.count() == 0


def test_update_saves_and_keeps_history(client_for, secretary_a, year_end_meeting):
    meeting = year_end_meeting
    response = client_for(secretary_a).post(
        url("update", meeting_pk=meeting.pk),
        form_data(
            title=meeting.title,
            place="Hội trường Sở Tài chính",
            conclusions="Thống nhất đề nghị khen thưởng.",
            version="1",
        ),
    )
    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.place, meeting.conclusions, meeting.version) == (
        "Hội trường Sở Tài chính",
        "Thống nhất đề nghị khen thưởng.",
        2,
    )
    assert meeting.history.count() == 2


def test_update_refuses_to_overwrite_a_concurrent_edit(client_for, secretary_a, head_a, year_end_meeting):
    meeting = year_end_meeting
    first = client_for(head_a).post(
        url("update", meeting_pk=meeting.pk), form_data(title=meeting.title, place="Phòng họp số 1", version="1")
    )
    second = client_for(secretary_a).post(
        url("update", meeting_pk=meeting.pk), form_data(title=meeting.title, place="Phòng họp số 2", version="1")
    )
    meeting.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert meeting.place == "Phòng họp số 1"
    errors = second.context["form"].non_field_errors()
    assert "vừa được người khác lưu" in errors[0]
    assert "Địa điểm: «Phòng họp số 1»" in errors[0]
    assert second.context["form"]["version"].value() == "2"  # saving again is now deliberate


def test_update_refuses_bad_input(client_for, secretary_a, year_end_meeting):
    response = client_for(secretary_a).post(
        url("update", meeting_pk=year_end_meeting.pk), form_data(secretary="", held_at_1="25:99", version="1")
    )
    form = response.context["form"]
    assert form.errors["secretary"] == ["Trường này là bắt buộc."]
    assert form.errors["held_at"] == ["Giờ không hợp lệ: nhập theo dạng giờ:phút, ví dụ 14:00."]
    year_end_meeting.refresh_from_db()
    assert year_end_meeting.version == 1


def test_delete_removes_a_meeting_without_ballots(client_for, secretary_a, year_end_meeting, world):
    response = client_for(secretary_a).post(url("delete", meeting_pk=year_end_meeting.pk))
    assert response.status_code == 302
    assert response.url == list_url(world["bloc_a"])
    assert Meeting.objects.count() == 0


def test_delete_is_refused_when_the_meeting_has_ballots(client_for, secretary_a, year_end_meeting, world):
    mark_attendance(year_end_meeting, [world["unit_a1"], world["unit_a2"], world["unit_a3"]], present=3)
    counted_ballot(year_end_meeting, [world["unit_a2"]])
    response = client_for(secretary_a).post(url("delete", meeting_pk=year_end_meeting.pk), follow=True)
    assert Meeting.objects.count() == 1
    assert [str(m) for m in response.context["messages"]] == [
        "Không xóa được hội nghị «Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025» vì đã có kết quả "
        "bỏ phiếu; hãy xóa các phiếu bầu trước."
    ]


# --- Pages -----------------------------------------------------------------------------------------


def test_list_shows_each_meeting_with_attendance_and_ballots(client_for, viewer, secretary_a, year_end_meeting, world):
    mark_attendance(year_end_meeting, [world["unit_a1"], world["unit_a2"], world["unit_a3"]], present=2)
    make_meeting(world["bloc_a"], kind="pledge", title="Hội nghị ký kết giao ước thi đua năm 2025",
                 held_at=datetime(2025, 3, 5, 8, 0, tzinfo=HCM))  # fmt: skip
    page = client_for(viewer).get(list_url(world["bloc_a"]))
    html = page.content.decode()
    rows = page.context["meetings"]
    assert [(m.title, m.present, m.attendance_taken, m.ballot_count) for m in rows] == [
        ("Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025", 2, 3, 0),
        ("Hội nghị ký kết giao ước thi đua năm 2025", 0, 0, 0),
    ]
    assert "2/3" in html
    assert "Ghi hội nghị mới" not in html  # a viewer only reads
    assert page.context["meetings_tab"] is True
    assert "Ghi hội nghị mới" in client_for(secretary_a).get(list_url(world["bloc_a"])).content.decode()


def test_meeting_page_shows_header_attendance_quorum_and_links(client_for, secretary_a, year_end_meeting, world):
    mark_attendance(year_end_meeting, [world["unit_a1"], world["unit_a2"], world["unit_a3"]], present=2)
    html = client_for(secretary_a).get(url("detail", meeting_pk=year_end_meeting.pk)).content.decode()
    assert "14 giờ 00 phút, ngày 28 tháng 12 năm 2025" in html
    assert "Hội trường Văn phòng UBND tỉnh" in html
    assert (
        "Có mặt 2/3 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 2): đủ số lượng."
        in html
    )
    assert url("attendance", meeting_pk=year_end_meeting.pk) in html
    assert url("minutes", meeting_pk=year_end_meeting.pk) in html
    assert reverse("meetings:ballot_add", kwargs={"meeting_pk": year_end_meeting.pk}) in html
    assert "Đi công tác" in html


def test_meeting_page_is_read_only_for_viewers_and_officers(client_for, viewer, officer_a, year_end_meeting):
    for user in (viewer, officer_a):
        html = client_for(user).get(url("detail", meeting_pk=year_end_meeting.pk)).content.decode()
        assert url("update", meeting_pk=year_end_meeting.pk) not in html
        assert url("attachment_add", meeting_pk=year_end_meeting.pk) not in html


def test_year_meeting_summary_for_the_overview(year_end_meeting, world):
    mark_attendance(year_end_meeting, [world["unit_a1"], world["unit_a2"], world["unit_a3"]], present=3)
    counted_ballot(year_end_meeting, [world["unit_a2"]])
    counted_ballot(year_end_meeting, [world["unit_a3"]])
    make_meeting(world["bloc_a"], kind="pledge", held_at=datetime(2025, 3, 5, 8, 0, tzinfo=HCM))
    summary = year_meeting_summary(world["bloc_a"], YEAR)
    assert (summary.meetings, summary.year_end_held, summary.ballots) == (2, True, 2)
    assert summary.text() == "2 hội nghị, 2 lần bỏ phiếu"
    assert year_meeting_summary(world["bloc_b"], YEAR).text() == "chưa có"


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_the_same_queries_for_1_or_8_meetings(client_for, board):
    small, _small_units = bloc_with_members(3, name="Khối nhỏ")
    large, large_units = bloc_with_members(30, name="Khối lớn")
    make_meeting(small)
    for day in range(1, 9):
        m = make_meeting(large, held_at=datetime(2025, 12, day, 8, 0, tzinfo=HCM))
        mark_attendance(m, large_units, present=20)
    client = client_for(board)
    assert _queries(client, list_url(small)) == _queries(client, list_url(large))


def _detail_world(members: int, ballots: int):
    bloc, units = bloc_with_members(members, name=f"Khối {members}-{ballots}")
    meeting = make_meeting(bloc)
    mark_attendance(meeting, units, present=members)
    for index in range(ballots):
        counted_ballot(meeting, units[index % members : index % members + 2], seats=1)
    return meeting


@pytest.mark.parametrize("page", ["detail", "minutes"])
def test_meeting_pages_run_the_same_queries_whatever_the_size(page, client_for, board, media):
    small = _detail_world(3, 1)
    large = _detail_world(30, 5)
    client = client_for(board)
    assert _queries(client, url(page, meeting_pk=small.pk)) == _queries(client, url(page, meeting_pk=large.pk))


# --- Files -----------------------------------------------------------------------------------------


def _upload(client, meeting, filename, content, **extra):
    return client.post(
        url("attachment_add", meeting_pk=meeting.pk), {"file": SimpleUploadedFile(filename, content), **extra}
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Biên bản kiểm phiếu.pdf", PDF, "application/pdf"),
        ("Ảnh hội nghị.png", png_bytes(), "image/png"),
        ("Báo cáo tổng kết.docx", docx_bytes(), uploads.DOCX.content_type),
        ("Bảng tổng hợp điểm.xlsx", xlsx_bytes(), uploads.XLSX.content_type),
        ("Ảnh.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg"),
    ],
)
def test_real_files_are_accepted_and_stored(
    name, content, content_type, client_for, secretary_a, year_end_meeting, media
):
    response = _upload(client_for(secretary_a), year_end_meeting, name, content)
    attachment = MeetingAttachment.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", meeting_pk=year_end_meeting.pk) + "#tai-lieu"
    assert (attachment.name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert attachment.uploaded_by == secretary_a
    assert attachment.file.name.startswith(f"meetings/{year_end_meeting.pk}/")
    assert (media / attachment.file.name).read_bytes() == content


def test_a_text_file_named_pdf_is_refused_with_a_vietnamese_message(client_for, secretary_a, year_end_meeting, media):
    response = _upload(client_for(secretary_a), year_end_meeting, "Biên bản.pdf", b"Day khong phai PDF\n")
    assert response.status_code == 200
    assert response.context["attachment_form"].errors["file"] == [
        "Tệp «Biên bản.pdf» không đúng định dạng cho phép (PDF, Word (.docx), Excel (.xlsx), JPG, PNG): hệ thống "
        "kiểm tra theo nội dung tệp, không theo tên tệp."
    ]
    assert MeetingAttachment.objects.count() == 0
    assert not (media / "meetings").exists()


def test_a_zip_that_is_not_an_office_file_is_refused(client_for, secretary_a, year_end_meeting, media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "xin chao")
    response = _upload(client_for(secretary_a), year_end_meeting, "Tài liệu.docx", buffer.getvalue())
    assert "không đúng định dạng cho phép" in response.context["attachment_form"].errors["file"][0]
    assert MeetingAttachment.objects.count() == 0


def test_a_png_named_pdf_is_refused(client_for, secretary_a, year_end_meeting, media):
    response = _upload(client_for(secretary_a), year_end_meeting, "Biên bản.pdf", png_bytes())
    assert response.context["attachment_form"].errors["file"] == [
        "Tệp «Biên bản.pdf» có nội dung là PNG nhưng tên tệp không có đuôi .png: hãy đổi tên tệp rồi gửi lại."
    ]


def test_an_oversized_file_is_refused(client_for, secretary_a, year_end_meeting, media, settings):
    settings.UPLOAD_MAX_MB = 1
    content = PDF + b"0" * (1024 * 1024)
    response = _upload(client_for(secretary_a), year_end_meeting, "Hồ sơ.pdf", content)
    assert response.context["attachment_form"].errors["file"] == [
        "Tệp «Hồ sơ.pdf» dung lượng 1,0 MB, vượt quá mức tối đa 1 MB."
    ]
    assert MeetingAttachment.objects.count() == 0


def test_uploading_without_a_file_says_so(client_for, secretary_a, year_end_meeting, media):
    response = client_for(secretary_a).post(url("attachment_add", meeting_pk=year_end_meeting.pk), {})
    assert response.context["attachment_form"].errors["file"] == ["Hãy chọn tệp cần tải lên."]


def test_the_document_name_can_be_given(client_for, secretary_a, year_end_meeting, media):
    _upload(client_for(secretary_a), year_end_meeting, "scan001.pdf", PDF, name="Biên bản kiểm phiếu")
    attachment = MeetingAttachment.objects.get()
    assert attachment.name == "Biên bản kiểm phiếu"
    response = client_for(secretary_a).get(
        url("attachment_download", meeting_pk=year_end_meeting.pk, attachment_pk=attachment.pk)
    )
    response.close()
    assert response["Content-Disposition"] == (
        'attachment; filename="Bien ban kiem phieu.pdf"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20ki%E1%BB%83m%20phi%E1%BA%BFu.pdf"
    )


@pytest.fixture
def stored(year_end_meeting, secretary_a, media):
    upload = SimpleUploadedFile("Biên bản họp Khối – Đợt 1.pdf", PDF)
    return attachment_add(meeting=year_end_meeting, upload=upload, user=secretary_a)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_a", 200), ("viewer", 200), ("board", 200), ("secretary_a", 200), ("secretary_b", 404)],
)
def test_download_only_for_those_who_may_see_the_meeting(persona, status, stored, personas, client_for):
    response = client_for(personas[persona]).get(
        url("attachment_download", meeting_pk=stored.meeting_id, attachment_pk=stored.pk)
    )
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        response.close()
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            'attachment; filename="Bien ban hop Khoi _ Dot 1.pdf"; '
            "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20Kh%E1%BB%91i%20%E2%80%93%20%C4%90%E1%BB%A3t%201.pdf"
        )


def test_download_sends_anonymous_users_to_sign_in(stored, client_for):
    response = client_for(None).get(url("attachment_download", meeting_pk=stored.meeting_id, attachment_pk=stored.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_attachment_is_only_reached_through_its_own_meeting(stored, client_for, board, world):
    other = make_meeting(world["bloc_a"], kind="pledge", held_at=datetime(2025, 3, 5, 8, 0, tzinfo=HCM))
    response = client_for(board).get(url("attachment_download", meeting_pk=other.pk, attachment_pk=stored.pk))
    assert response.status_code == 404


def test_deleting_an_attachment_removes_the_file_after_commit(
    stored, client_for, secretary_a, media, django_capture_on_commit_callbacks
):
    path = media / stored.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(secretary_a).post(
            url("attachment_delete", meeting_pk=stored.meeting_id, attachment_pk=stored.pk)
        )
    assert response.status_code == 302
    assert MeetingAttachment.objects.count() == 0
    assert path.exists()  # not before the deletion has committed
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_deleting_a_meeting_removes_its_files(stored, media, django_capture_on_commit_callbacks):
    path = media / stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        meeting_delete(meeting=stored.meeting)
    assert not path.exists()
    assert Meeting.objects.count() == 0


def test_meeting_page_lists_attachments_with_download_links(stored, client_for, viewer):
    html = client_for(viewer).get(url("detail", meeting_pk=stored.meeting_id)).content.decode()
    assert url("attachment_download", meeting_pk=stored.meeting_id, attachment_pk=stored.pk) in html
    assert "Biên bản họp Khối – Đợt 1.pdf" in html


def test_a_missing_stored_file_is_a_404(stored, client_for, board):
    default_storage.delete(stored.file.name)
    response = client_for(board).get(url("attachment_download", meeting_pk=stored.meeting_id, attachment_pk=stored.pk))
    assert response.status_code == 404


# --- A closed year is read-only --------------------------------------------------------------------


@pytest.fixture
def closed_world(year_end_meeting, stored, board, world):
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    return {"meeting": year_end_meeting, "attachment": stored, "bloc": world["bloc_a"]}


WRITES = [
    ("create", lambda w: {"pk": w["bloc"].pk, "year": YEAR}, "get", lambda w: None),
    ("create", lambda w: {"pk": w["bloc"].pk, "year": YEAR}, "post", lambda w: form_data()),
    ("update", lambda w: {"meeting_pk": w["meeting"].pk}, "get", lambda w: None),
    ("update", lambda w: {"meeting_pk": w["meeting"].pk}, "post", lambda w: form_data(place="Nơi khác", version="1")),
    ("delete", lambda w: {"meeting_pk": w["meeting"].pk}, "post", lambda w: {}),
    (
        "attendance",
        lambda w: {"meeting_pk": w["meeting"].pk},
        "post",
        lambda w: {"dh-TOTAL_FORMS": "0", "dh-INITIAL_FORMS": "0", "all_present": "1", "state": ""},
    ),
    (
        "attachment_add",
        lambda w: {"meeting_pk": w["meeting"].pk},
        "post",
        lambda w: {"file": SimpleUploadedFile("Tài liệu.pdf", PDF)},
    ),
    (
        "attachment_delete",
        lambda w: {"meeting_pk": w["meeting"].pk, "attachment_pk": w["attachment"].pk},
        "post",
        lambda w: {},
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "method", "data"), WRITES, ids=[f"{w[0]}-{w[2]}" for w in WRITES])
def test_closed_year_refuses_every_write(name, kwargs, method, data, closed_world, client_for, board, media):
    client = client_for(board)
    client.get("/")  # sign-in side effects (last_login history) before counting
    before = (_history_rows(), Meeting.objects.count(), MeetingAttachment.objects.count())
    path = url(name, **kwargs(closed_world))
    response = client.get(path) if method == "get" else client.post(path, data(closed_world))
    assert response.status_code == 403
    assert (_history_rows(), Meeting.objects.count(), MeetingAttachment.objects.count()) == before
    assert (media / closed_world["attachment"].file.name).exists()


def test_closed_year_pages_stay_readable_without_edit_links(closed_world, client_for, board):
    meeting = closed_world["meeting"]
    response = client_for(board).get(url("detail", meeting_pk=meeting.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Năm đã khóa sổ lúc" in html
    assert url("update", meeting_pk=meeting.pk) not in html
    assert "Ghi hội nghị mới" not in client_for(board).get(list_url(closed_world["bloc"])).content.decode()


def test_closed_year_services_refuse(closed_world, secretary_a):
    meeting = closed_world["meeting"]
    with pytest.raises(ValidationError) as exc:
        attachment_add(meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF), user=secretary_a)
    assert exc.value.code == "year_closed"
    with pytest.raises(ValidationError):
        meeting_delete(meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_attendance_rows_follow_member_order(year_end_meeting, world):
    assert [row.unit for row in attendance_rows(year_end_meeting)] == [
        world["unit_a1"],
        world["unit_a2"],
        world["unit_a3"],
    ]


# --- The demo --------------------------------------------------------------------------------------


def test_demo_meetings_elect_the_memberships_already_seeded_and_count_validly(world, board):
    from blocs.models import Membership
    from meetings.demo import seed_meetings
    from meetings.services_ballots import meeting_ballots

    MembershipFactory(bloc=world["bloc_a"], unit=world["unit_a2"], year=2026, role=MemberRole.HEAD)
    MembershipFactory(bloc=world["bloc_a"], unit=world["unit_a3"], year=2026, role=MemberRole.DEPUTY)
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)  # the demo writes closed years too
    memberships_before = list(Membership.objects.order_by("pk").values_list("unit_id", "year", "role", "version"))

    counts = seed_meetings(years=(YEAR,), applied_by=board)

    meeting = Meeting.objects.get(bloc=world["bloc_a"])
    views = meeting_ballots(meeting)
    assert counts == {"meetings": 2, "ballots": 8}  # bloc B: three award ballots, no election (no 2026 roles)
    assert [(a.unit, a.present) for a in meeting.attendance.order_by("unit__sort_key")] == [
        (world["unit_a2"], True),
        (world["unit_a3"], True),
        (world["unit_a1"], True),
    ]
    assert [v.ballot.purpose for v in views] == ["award", "award", "award", "head", "deputy"]
    assert all(v.result.valid and v.result.quota_ok for v in views)
    assert [[r.key for r in v.result.chosen] for v in views[3:]] == [[world["unit_a2"].pk], [world["unit_a3"].pk]]
    assert [v.ballot.applied_by for v in views[3:]] == [board, board]
    assert list(Membership.objects.order_by("pk").values_list("unit_id", "year", "role", "version")) == (
        memberships_before
    )
    assert seed_meetings(years=(YEAR,)) == {"meetings": 0, "ballots": 0}  # a second run adds nothing
