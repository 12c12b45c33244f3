"""The bundle of every bloc's year-end summary report of a year (Tập báo cáo tổng kết các khối, cụm), one PDF.

A contents page first (the board's header, each bloc with its report's number and date and the page it
starts on in the bundle), then each bloc's report as its own PDF: a report issued by the bloc is its
archived copy, byte for byte (checked against its SHA-256); a report not issued yet is rendered from the
records as they are now, through the same `render_pdf("summary", …)` as the bloc's page, and the contents
say so. Each report therefore starts on a new page, keeps its own page numbering (none on its first page,
then 2, 3 …) and its own header; the PDF's bookmarks name each bloc.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.storage import default_storage
from django.utils import timezone

from blocs.models import Bloc
from reports.documents.base import DocumentUnavailable
from reports.documents.board import BOARD_NAME, board_meta
from reports.models import DocumentKind, IssuedDocument


@dataclass
class Part:
    bloc: Bloc
    data: bytes
    pages: int
    issued: IssuedDocument | None
    first_page: int = 0  # in the bundle, 1-based


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def _archived(issued: IssuedDocument) -> bytes | None:
    """The issued report's archived PDF, if it is still the file that was issued."""
    from reports.services import issued_file_ok

    if not issued_file_ok(issued):
        return None
    with default_storage.open(issued.file.name, "rb") as handle:
        return handle.read()


def blocs_of(year: int) -> list[Bloc]:
    """The blocs that have member units in the year, in Vietnamese order."""
    return list(Bloc.objects.filter(memberships__year=year).distinct().order_by("sort_key", "pk"))


def compose(*, year: int, progress) -> bytes:
    from pypdf import PdfWriter

    from reports.pipeline import build, pdf_of, render_pdf

    blocs = blocs_of(year)
    if not blocs:
        raise DocumentUnavailable(f"Năm {year} chưa có khối, cụm thi đua nào có đơn vị thành viên.")
    issued: dict[int, IssuedDocument] = {}
    for document in IssuedDocument.objects.filter(year=year, kind=DocumentKind.SUMMARY).order_by("issued_at", "pk"):
        issued[document.bloc_id] = document  # the latest issued report of each bloc
    parts = []
    for index, bloc in enumerate(blocs):
        progress(5 + 85 * index // len(blocs), f"Đang lập báo cáo của {bloc.name} ({index + 1}/{len(blocs)})")
        document = issued.get(bloc.pk)
        data = _archived(document) if document else None
        if data is None:
            document = None
            data = render_pdf("summary", bloc=bloc, year=year)
        parts.append(Part(bloc=bloc, data=data, pages=_page_count(data), issued=document))

    progress(92, "Đang lập trang mục lục và ghép tập")
    cover = b""
    cover_pages = 1
    for _attempt in range(3):  # the contents' page numbers depend on how many pages the contents take
        first = cover_pages + 1
        for part in parts:
            part.first_page = first
            first += part.pages
        cover = pdf_of(build("bundle_contents", year=year, parts=parts))
        pages = _page_count(cover)
        if pages == cover_pages:
            break
        cover_pages = pages

    writer = PdfWriter()
    writer.append(BytesIO(cover), outline_item="Mục lục")
    for part in parts:
        writer.append(BytesIO(part.data), outline_item=part.bloc.name)
    writer.add_metadata({"/Title": f"Tập báo cáo tổng kết công tác thi đua, khen thưởng năm {year}"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def contents(*, year: int, parts: list[Part]) -> dict:
    """The contents page's context (a board paper without a number or signature)."""
    return {
        "title": "MỤC LỤC",
        "subject": f"Tập báo cáo tổng kết công tác thi đua, khen thưởng năm {year} của các khối, cụm thi đua",
        "year": year,
        "parts": parts,
        "board_name": BOARD_NAME,
        "issued_count": sum(1 for part in parts if part.issued),
        "total_pages": sum(part.pages for part in parts),
        "filename": f"tap-bao-cao-tong-ket-{year}",
        "meta": board_meta(issued_on=timezone.localdate(), signatures=[]),
    }
