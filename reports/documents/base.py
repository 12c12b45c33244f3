"""What every document shares: its kind (symbol, template, context builder), and the official-format
parts around its body — issuing body, number and symbol, place and date, signature, recipients —
proposed from the records or taken from what the bloc stored (reports.models.DocumentDraft).

Documents are always written in Vietnamese, whatever language the user's pages are in: they are
official papers (Nghị định 30/2020), not UI. The pipeline renders them under `translation.override("vi")`,
so text that comes from gettext elsewhere (a ballot's rule, a quorum) is Vietnamese too.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from blocs.models import Bloc, BlocKind, MemberRole, Membership
from meetings.services_meetings import date_words
from reports.models import DocumentDraft, IssuedDocument, number_text


class DocumentUnavailable(Exception):
    """The records do not hold what the document needs yet (no year-end meeting, no pledge …)."""


@dataclass(frozen=True)
class Kind:
    """A kind of document: its number symbol, its template (extending reports/shell.html) and the
    function that builds its context from the records."""

    code: str  # reports.models.DocumentKind value
    slug: str  # in URLs and file names
    label: str  # what the bloc-year page calls it
    type_symbol: str  # the Nghị định 30 abbreviation: BC, BB, TTr …
    template: str
    build: Callable[..., dict]
    signed_by_head: bool = True  # "TM. KHỐI THI ĐUA / KHỐI TRƯỞNG" and recipients; else the template signs
    has_docx: bool = True
    # "bloc": built from a bloc-year (`build(bloc=…, year=…)`, the pipeline adds the bloc's header and
    # number); "province": a board document whose `build(**params)` returns its context with its own `meta`.
    scope: str = "bloc"
    landscape: bool = False  # A4 landscape, for a wide table (Nghị định 30/2020 allows it)
    # A document assembled from other PDFs (the bundle of every bloc's report): `compose(progress=…, **params)`
    # returns the PDF itself, and there is no HTML.
    compose: Callable[..., bytes] | None = None


@dataclass(frozen=True)
class Signature:
    """One signature block: the capacity lines ("TM. KHỐI THI ĐUA", "KHỐI TRƯỞNG") and the name."""

    lines: list[str]
    name: str


@dataclass
class DocumentMeta:
    """The official-format parts around a document's body."""

    parent_body: str  # "UBND TỈNH QUẢNG TRỊ"
    issuer: str  # "KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP"
    number: int | None
    symbol: str  # "BC-KTĐ"
    place: str
    issued_on: date
    signer_name: str
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    number_label: str = ""  # a number recorded as text elsewhere ("125/QĐ-UBND" of an award decision)

    @property
    def number_text(self) -> str:
        """ "12/BC-KTĐ"; a recorded number as it was recorded; empty for a paper without a number (a
        summary sheet), whose header then has no "Số:" line."""
        if self.number_label:
            return self.number_label
        if not self.symbol:
            return ""
        return number_text(self.number, self.symbol)

    @property
    def date_text(self) -> str:
        """ "ngày 28 tháng 12 năm 2025"."""
        return date_words(self.issued_on)

    @property
    def date_line(self) -> str:
        """ "Quảng Trị, ngày 28 tháng 12 năm 2025"."""
        return f"{self.place}, {date_words(self.issued_on)}"


def bloc_word(bloc: Bloc) -> str:
    return "CỤM" if bloc.kind == BlocKind.CUM else "KHỐI"


def issuer_name(bloc: Bloc) -> str:
    """The issuing body in capitals: "Khối các cơ quan Tham mưu - Tổng hợp" is issued as
    "KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP" (the bloc has no seal of its own; the name says
    it is an emulation bloc)."""
    name = bloc.name.strip()
    lower = name.lower()
    for word in ("khối", "cụm"):
        if lower.startswith(word + " ") and "thi đua" not in lower:
            name = f"{name[: len(word)]} thi đua {name[len(word) + 1 :]}"
            break
    return name.upper()


def parent_body() -> str:
    return f"UBND TỈNH {settings.PROVINCE_NAME.upper()}"


def bloc_symbol(bloc: Bloc) -> str:
    """The issuing body's part of the symbol: KTĐ (khối thi đua) or CTĐ (cụm thi đua)."""
    return "CTĐ" if bloc.kind == BlocKind.CUM else "KTĐ"


def head_membership(bloc: Bloc, year: int) -> Membership | None:
    return Membership.objects.filter(bloc=bloc, year=year, role=MemberRole.HEAD).select_related("unit").first()


def head_signature(bloc: Bloc, name: str) -> Signature:
    word = bloc_word(bloc)
    return Signature(lines=[f"TM. {word} THI ĐUA", f"{word} TRƯỞNG"], name=name)


def next_number(*, bloc: Bloc, year: int, kind: str) -> int:
    """One more than the highest number issued for this kind of document by the bloc in the year."""
    numbers = IssuedDocument.objects.filter(bloc=bloc, year=year, kind=kind).values_list("number", flat=True)
    return max(numbers, default=0) + 1


def default_recipients(kind: Kind, bloc: Bloc, head: Membership | None) -> list[str]:
    keeper = head.unit.short_name or head.unit.name if head else bloc_word(bloc).capitalize()
    board = "Ban Thi đua - Khen thưởng tỉnh"
    if kind.code == "submission":
        return ["Như trên;", f"{board};", f"Lưu: VT, {keeper}."]
    return [f"{board};", f"Các đơn vị thành viên {bloc_word(bloc).capitalize()};", f"Lưu: VT, {keeper}."]


def proposed_meta(kind: Kind, *, bloc: Bloc, year: int, proposed_date: date | None = None) -> DocumentMeta:
    """What the app proposes: the next number, the province as place, the given date (else today),
    the head unit's leader as signer."""
    head = head_membership(bloc, year)
    return DocumentMeta(
        parent_body=parent_body(),
        issuer=issuer_name(bloc),
        number=next_number(bloc=bloc, year=year, kind=kind.code),
        symbol=f"{kind.type_symbol}-{bloc_symbol(bloc)}",
        place=settings.PROVINCE_NAME,
        issued_on=proposed_date or timezone.localdate(),
        signer_name=head.unit.leader_name if head else "",
        recipients=default_recipients(kind, bloc, head),
    )


def document_meta(kind: Kind, *, bloc: Bloc, year: int, proposed_date: date | None = None) -> DocumentMeta:
    """The stored number, date, place, signer and recipients if the bloc saved them, else the proposal."""
    meta = proposed_meta(kind, bloc=bloc, year=year, proposed_date=proposed_date)
    draft = DocumentDraft.objects.filter(bloc=bloc, year=year, kind=kind.code).first()
    if draft is not None:
        meta.number = draft.number
        meta.symbol = draft.symbol
        meta.place = draft.place
        meta.issued_on = draft.issued_on
        meta.signer_name = draft.signer_name
        meta.recipients = recipient_lines(draft.recipients)
    if kind.signed_by_head:
        meta.signatures = [head_signature(bloc, meta.signer_name)]
    else:
        meta.recipients = []  # minutes and pledges are signed by those present, and sent with a letter
    return meta


def recipient_lines(text: str) -> list[str]:
    """Recipients as typed, one a line; a leading "-" is the document's own and is added when printed."""
    lines = []
    for raw in (text or "").splitlines():
        line = raw.strip().lstrip("-–").strip()
        if line:
            lines.append(line)
    return lines


def paragraphs(text: str) -> list[str]:
    """Free text cut into paragraphs, one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def person_name(text: str) -> str:
    """ "Ông Lê Quang Thắng, Giám đốc Sở" -> "Lê Quang Thắng": a signature prints the name alone."""
    name = (text or "").partition(",")[0].strip()
    for title in ("Ông ", "Bà ", "ông ", "bà ", "Đồng chí ", "đồng chí "):
        if name.startswith(title):
            return name[len(title) :].strip()
    return name


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class Numbering:
    """Section numerals handed out in order, so a section left out leaves no gap (I, II, III …)."""

    def __init__(self, numerals=None):
        self._numerals = list(numerals or ROMAN)
        self._next = 0

    def __call__(self) -> str:
        value = self._numerals[self._next] if self._next < len(self._numerals) else str(self._next + 1)
        self._next += 1
        return value


def arabic() -> Numbering:
    return Numbering([str(n) for n in range(1, 100)])
