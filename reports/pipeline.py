"""The document pipeline: records -> context -> HTML (preview, and the source of every other format)
-> PDF (WeasyPrint), DOCX (python-docx), XLSX (openpyxl, one sheet per table).

Every format is rendered from the same HTML, which extends one official-format shell
(templates/reports/shell.html + static/css/print.css), so a format fix is made once. The functions
take plain values (`render_pdf("summary", bloc=3, year=2025)`, `render_pdf("review", year=2025)`,
`render_pdf("decision", decision=7)`), so a background task calls exactly what a view calls and gets
the same bytes; a task passes `progress=callable(percent, message)` to hear how far it has got.

A bloc's documents (scope "bloc") get the bloc's header, number and signature from the pipeline; a
board document (scope "province") builds its own; the bundle of every bloc's report is assembled
from PDFs (`Kind.compose`) and has no HTML of its own.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from blocs.models import Bloc
from reports.documents import Kind, get_kind
from reports.documents.base import DocumentMeta, bloc_word, document_meta

PRINT_CSS = "css/print.css"


Progress = Callable[[int, str], None]


def _silent(percent: int, message: str) -> None:
    """The progress of a rendering nobody watches."""


@dataclass
class Built:
    """A document ready to render: its kind, its context (records, meta) and its official-format parts."""

    kind: Kind
    bloc: Bloc | None
    year: int | None
    context: dict
    meta: DocumentMeta

    @property
    def filename(self) -> str:
        """ "bao-cao-tong-ket-2025-khoi-tham-muu" (without extension); a board document names itself."""
        if self.bloc is None:
            return self.context["filename"]
        return f"{self.kind.slug}-{self.year}-{self.bloc.code}"

    @property
    def title_line(self) -> str:
        """The document as the archive lists it: "Báo cáo tổng kết …" (title and subject)."""
        subject = self.context.get("subject", "")
        title = self.context.get("title", "").capitalize()
        return f"{title} {subject[:1].lower()}{subject[1:]}".strip() if subject else title


def build(kind: str | Kind, **params) -> Built:
    """Read the records and assemble the document's context. Raises DocumentUnavailable when the
    records do not hold what the document needs yet."""
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if kind.compose is not None:
        raise TypeError(f"{kind.code} is assembled from PDFs: use render_pdf")
    if kind.scope == "bloc":
        return _build_bloc(kind, **params)
    with translation.override("vi"):
        context = kind.build(**params)
    meta = context.pop("meta")
    context.update(kind=kind, meta=meta)
    return Built(kind=kind, bloc=None, year=context.get("year"), context=context, meta=meta)


def _build_bloc(kind: Kind, *, bloc: Bloc | int, year: int) -> Built:
    if not isinstance(bloc, Bloc):
        bloc = Bloc.objects.get(pk=bloc)
    with translation.override("vi"):
        context = kind.build(bloc=bloc, year=year)
        proposed_date = context.pop("proposed_date", None)
        meta = document_meta(kind, bloc=bloc, year=year, proposed_date=proposed_date)
        if "signatures" in context:
            meta.signatures = context.pop("signatures")
    context.update(kind=kind, meta=meta, word=bloc_word(bloc).capitalize())
    return Built(kind=kind, bloc=bloc, year=year, context=context, meta=meta)


def html_of(built: Built, *, standalone: bool = True) -> str:
    """The document's HTML: standalone (a whole page, for the PDF) or the <article> alone (for the preview)."""
    with translation.override("vi"):
        return render_to_string(built.kind.template, {**built.context, "standalone": standalone, "css_href": PRINT_CSS})


def render_html(kind: str | Kind, **params) -> str:
    return html_of(build(kind, **params))


def render_pdf(kind: str | Kind, *, progress: Progress | None = None, **params) -> bytes:
    """The document as PDF: what a view sends, what a task stores, what issuing archives."""
    kind = get_kind(kind) if isinstance(kind, str) else kind
    progress = progress or _silent
    if kind.compose is not None:
        return kind.compose(progress=progress, **params)
    progress(5, gettext_noop("Đang đọc dữ liệu"))
    built = build(kind, **params)
    progress(40, gettext_noop("Đang dàn trang PDF"))
    return pdf_of(built)


def render_docx(kind: str | Kind, **params) -> bytes:
    return docx_of(build(kind, **params))


def render_xlsx(kind: str | Kind, *, progress: Progress | None = None, **params) -> bytes:
    progress = progress or _silent
    progress(5, gettext_noop("Đang đọc dữ liệu"))
    built = build(kind, **params)
    progress(60, gettext_noop("Đang ghi các bảng"))
    return xlsx_of(built)


def pdf_of(built: Built) -> bytes:
    return html_to_pdf(html_of(built))


def docx_of(built: Built) -> bytes:
    from reports.docx_writer import html_to_docx

    return html_to_docx(html_of(built, standalone=False))


def xlsx_of(built: Built) -> bytes:
    from reports.xlsx_writer import tables_to_xlsx

    return tables_to_xlsx(html_of(built, standalone=False))


def static_root() -> Path:
    """The folder print.css and the fonts are read from (on disk: never fetched over HTTP)."""
    found = finders.find(PRINT_CSS)
    if not found:
        raise RuntimeError(f"{PRINT_CSS} not found by the static files finders")
    return Path(found).resolve().parent.parent


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, with only the bundled stylesheet and fonts within reach. The output depends only on
    the HTML: no date or random identifier is written, so the same records give the same bytes."""
    import weasyprint  # slow to import: only when a PDF is made

    root = static_root()
    fetcher = _static_fetcher_class()(root)
    document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf()


@functools.cache
def _static_fetcher_class():
    import weasyprint

    class StaticOnly(weasyprint.URLFetcher):
        """Fetches the bundled files under the static folder and nothing else (no network, no other
        file); anything else stops the rendering rather than print with a fallback font."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("file",), fail_on_errors=True)
            self.root = root

        def fetch(self, url, headers=None):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError(f"not a bundled static file: {url}")
            return super().fetch(url, headers)

    return StaticOnly
