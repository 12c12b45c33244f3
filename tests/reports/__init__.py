"""Tests of the documents (reports app), and the records they are made from."""

import re
import subprocess
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025


def year_records(bloc, units, *, year=YEAR) -> dict:
    """A bloc-year with everything the year-end documents read: a scoring table with assessed scores
    (unit i scores 1 point less per criterion than unit i-1), ratings, a pledge with two targets and
    every unit's signature, the year-end meeting with everyone present, a counted award ballot (the
    first unit passes 100%) and a head election (the second unit), a nomination and the report's texts.

    `units` are members of `bloc` in `year`, the first the head.
    """
    from awards.services import nomination_create_from_ballot
    from blocs.models import (
        Criterion,
        CriterionKind,
        Pledge,
        PledgeArticle,
        PledgeSignature,
        PledgeTarget,
        Score,
    )
    from blocs.services_scoring import scoring_table_copy, scoring_template_ensure
    from blocs.services_year import bloc_year_get
    from meetings.models import Attendance, Meeting
    from meetings.services_ballots import ballot_create, ballot_record_counts
    from reports.models import ReportTexts
    from tests.factories import RoleFactory, UserFactory
    from units.models import AnnualRating, AwardType

    table = scoring_table_copy(source=scoring_template_ensure(), bloc=bloc, year=year)
    criteria = list(Criterion.objects.filter(table=table, kind=CriterionKind.NORMAL, archived=False))
    for index, unit in enumerate(units):
        for criterion in criteria:
            value = max(criterion.max_points - index, Decimal(0))
            Score.objects.create(criterion=criterion, unit=unit, self_value=value, assessed_value=value)
        AnnualRating.objects.create(unit=unit, year=year, rating="HTXSNV" if index % 2 == 0 else "HTTNV")
    pledge = Pledge.objects.create(
        bloc=bloc, year=year, title=f"Giao ước thi đua năm {year}", adopted_on=date(year, 3, 15), place="Hội trường"
    )
    PledgeArticle.objects.create(pledge=pledge, order=1, text="Thi đua hoàn thành xuất sắc nhiệm vụ được giao.")
    PledgeArticle.objects.create(pledge=pledge, order=2, text="Đẩy mạnh cải cách hành chính, chuyển đổi số.")
    PledgeTarget.objects.create(
        pledge=pledge, order=1, description="100% đơn vị ký kết giao ước thi đua", kind="percent", measure="signed"
    )
    PledgeTarget.objects.create(
        pledge=pledge, order=2, description="100% đơn vị có trang thông tin điện tử", kind="yes_no",
        target_value=Decimal(1), measure="manual", manual_value=Decimal(1),
    )  # fmt: skip
    for unit in units:
        PledgeSignature.objects.create(
            pledge=pledge, unit=unit, signed_on=date(year, 3, 15), signed_by="Nguyễn Văn Ký", signer_title="Giám đốc"
        )
    meeting = Meeting.objects.create(
        bloc=bloc,
        year=year,
        kind="year_end",
        title=f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year}",
        held_at=datetime(year, 12, 28, 14, 0, tzinfo=HCM),
        place="Hội trường Văn phòng UBND tỉnh",
        chair="Ông Nguyễn Văn Chủ, Chánh Văn phòng, Khối trưởng",
        secretary="Bà Trần Thị Thư, chuyên viên",
        content="Hội nghị nghe báo cáo tổng kết và bỏ phiếu bình xét.",
        conclusions="Hội nghị thống nhất đề nghị khen thưởng theo kết quả bỏ phiếu.",
    )
    for unit in units:
        Attendance.objects.create(meeting=meeting, unit=unit, present=True, represented_by="Lê Văn Dự, Phó Giám đốc")
    n = len(units)
    flag = ballot_create(
        meeting=meeting,
        purpose="award",
        award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="",
        seats=1,
        candidates=units[:2],
    )
    ballot_record_counts(
        ballot=flag, entitled=n, issued=n, returned=n, valid=n,
        votes={units[0].pk: n, units[1].pk: 0}, expected_version=flag.version,
    )  # fmt: skip
    head = ballot_create(meeting=meeting, purpose="head", award_type=None, title="", seats=1, candidates=[units[1]])
    ballot_record_counts(
        ballot=head, entitled=n, issued=n, returned=n, valid=n, votes={units[1].pk: n}, expected_version=head.version
    )
    author = UserFactory(username=f"lap-ho-so-{bloc.pk}")
    RoleFactory(user=author, kind="bloc_secretary", bloc=bloc)
    nomination = nomination_create_from_ballot(ballot=flag, unit=units[0], user=author)
    texts = ReportTexts.objects.create(
        bloc_year=bloc_year_get(bloc=bloc, year=year),
        activities="Các đơn vị hưởng ứng phong trào thi đua «Chuyển đổi số».",
        strengths="Các đơn vị đoàn kết, phối hợp chặt chẽ.",
        limitations="Một số đơn vị gửi báo cáo chậm.",
        lessons="Bám sát quy chế, chấm điểm công khai.",
        directions="Tiếp tục đổi mới nội dung, hình thức thi đua.",
    )
    return {
        "table": table,
        "pledge": pledge,
        "meeting": meeting,
        "flag": flag,
        "nomination": nomination,
        "texts": texts,
    }


def pdf_pages(data: bytes, *, layout: bool = False) -> list[str]:
    """The PDF's text per page (pdftotext): in the order it was drawn (a table cell's lines together, the
    header's left column before its right), or with `layout` as the page shows it line by line."""
    mode = "-layout" if layout else "-raw"
    result = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True)
    assert result.returncode == 0, result.stderr
    pages = result.stdout.decode("utf-8").split("\f")
    return [page for page in pages if page.strip()]


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_fonts(data: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]


def docx_text(data: bytes) -> str:
    """Every paragraph of the DOCX, body and table cells, in order, one a line."""
    import docx

    document = docx.Document(BytesIO(data))
    lines = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
    return "\n".join(lines)


def issued_document(bloc, *, year=YEAR, number=1):
    """Issue bloc's year-end report of `year` as a board administrator would (MEDIA_ROOT must be temporary)."""
    from reports.documents import get_kind
    from reports.forms import IssueForm
    from reports.models import DocumentDraft
    from reports.services import document_issue
    from tests.factories import RoleFactory, UserFactory

    issuer = UserFactory(username=f"ban-hanh-{bloc.pk}-{number}")
    RoleFactory(user=issuer, kind="board_admin")
    form = IssueForm(
        {"number": str(number), "symbol": "BC-KTĐ", "issued_on": f"{year}-12-30", "place": "Quảng Trị",
         "signer_name": "Nguyễn Văn Chủ", "recipients": "Lưu: VT."},
        instance=DocumentDraft(bloc=bloc, year=year, kind="summary"),
    )  # fmt: skip
    assert form.is_valid(), form.errors
    return document_issue(kind=get_kind("summary"), bloc=bloc, year=year, form=form, user=issuer)


def done_job(user, *, data: bytes = b"%PDF-1.4\n%%EOF\n", kind="review", fmt="pdf", year=YEAR):
    """A finished background job of `user` with its stored file (MEDIA_ROOT must be temporary)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import JobStatus, RenderJob

    job = RenderJob.objects.create(kind=kind, fmt=fmt, params={"year": year}, requested_by=user)
    job.file.save(f"ket-qua.{fmt}", ContentFile(data), save=False)
    job.status, job.progress, job.finished_at = JobStatus.DONE, 100, timezone.now()
    job.filename, job.size, job.sha256 = f"tong-hop-tham-dinh-{year}.{fmt}", len(data), hashlib.sha256(data).hexdigest()
    job.save()
    return job
