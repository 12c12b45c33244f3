"""Writes of the documents pages: the report's texts, a document's number and date, issuing, and
attaching an issued document to the bloc's nominations.

Each runs in one transaction. A closed year is read-only (`ensure_year_open`): its report's texts,
its documents' numbers and dates, and issuing are refused, so a bloc issues its year-end report,
minutes and submission letter before the year is closed (the year's overview lists them). Attaching
an issued copy to a nomination's dossier is dossier work (awards.services.dossier_add), which goes on
after the year is closed, as the board's review does.
"""

import hashlib
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import DossierFile, DossierKind, Nomination
from awards.services import dossier_add
from awards.workflow import is_editable
from blocs.models import Bloc, BlocYear
from blocs.services_year import bloc_year_get, ensure_year_open
from reports.documents import KINDS, Kind
from reports.documents.base import next_number
from reports.forms import DraftForm, IssueForm, ReportTextsForm
from reports.models import DocumentDraft, DocumentKind, IssuedDocument, ReportTexts
from reports.pipeline import build, pdf_of


def texts_for(*, bloc: Bloc, year: int) -> ReportTexts:
    """The bloc-year's texts, or a new unsaved row to fill in."""
    texts = ReportTexts.objects.filter(bloc_year__bloc=bloc, bloc_year__year=year).first()
    return texts or ReportTexts()


@transaction.atomic
def report_texts_save(*, form: ReportTextsForm, bloc: Bloc, year: int) -> ReportTexts:
    """Save the year-end report's texts; units.concurrency.VersionConflict if someone saved meanwhile."""
    ensure_year_open(bloc=bloc, year=year)
    if form.instance.pk is None:
        form.instance.bloc_year = bloc_year_get(bloc=bloc, year=year)
    return form.save()


def draft_for(kind: Kind, *, bloc: Bloc, year: int) -> DocumentDraft:
    """The stored number and date of the document, or a new unsaved row for the form."""
    draft = DocumentDraft.objects.filter(bloc=bloc, year=year, kind=kind.code).first()
    return draft or DocumentDraft(bloc=bloc, year=year, kind=kind.code)


def issued_numbers(*, bloc: Bloc, year: int) -> dict[tuple[str, int], IssuedDocument]:
    return {(d.symbol, d.number): d for d in IssuedDocument.objects.filter(bloc=bloc, year=year)}


@transaction.atomic
def draft_save(*, form: DraftForm, bloc: Bloc, year: int) -> DocumentDraft:
    """Store the number, date, place, signer and recipients shown on the preview and used when issuing."""
    ensure_year_open(bloc=bloc, year=year)
    return form.save()


@transaction.atomic
def document_issue(*, kind: Kind, bloc: Bloc, year: int, form: IssueForm, user) -> IssuedDocument:
    """Issue the document: save the form's number and date, render the PDF from the records as they are
    now, and archive that exact file with its number, date, issuer and SHA-256.

    One issue at a time per bloc-year (the bloc-year row is locked), and a number is issued once: the
    database refuses a second document with the same number and symbol. Afterwards the document's
    next proposal is the next number.
    """
    bloc_year = bloc_year_get(bloc=bloc, year=year)
    BlocYear.objects.select_for_update().filter(pk=bloc_year.pk).first()
    ensure_year_open(bloc=bloc, year=year)
    draft = form.save()
    taken = IssuedDocument.objects.filter(bloc=bloc, year=year, symbol=draft.symbol, number=draft.number).first()
    if taken is not None:
        raise ValidationError(
            {
                "number": _("Số %(number)s đã dùng cho văn bản ban hành ngày %(date)s; hãy chọn số khác.")
                % {"number": taken.number_text, "date": taken.issued_on.strftime("%d/%m/%Y")}
            }
        )
    built = build(kind, bloc=bloc, year=year)
    pdf = pdf_of(built)
    issued = IssuedDocument(
        bloc=bloc,
        year=year,
        kind=kind.code,
        number=draft.number,
        symbol=draft.symbol,
        title=built.title_line[:500],
        place=draft.place,
        issued_on=draft.issued_on,
        signer_name=built.meta.signatures[0].name if built.meta.signatures else "",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=user,
    )
    issued.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    try:  # every write after the file's, so that a failure of any of them removes the file too
        issued.full_clean(exclude=["file", "bloc", "issued_by"])
        issued.save()
        draft.number = next_number(bloc=bloc, year=year, kind=kind.code)
        draft.version += 1
        draft._change_reason = _("Đã ban hành văn bản số %(number)s") % {"number": issued.number_text}
        draft.save()
    except Exception:
        default_storage.delete(issued.file.name)
        raise
    return issued


def issued_file_ok(issued: IssuedDocument) -> bool:
    """Whether the archived file is still the one issued (its SHA-256)."""
    name = issued.file.name
    if not name or not default_storage.exists(name):
        return False
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest() == issued.sha256


# --- Attaching issued documents to the dossiers ------------------------------------------------------

# Which part of a nomination's dossier an issued document is (awards.models.DossierKind).
DOSSIER_KIND = {
    DocumentKind.MINUTES: DossierKind.MINUTES,
    DocumentKind.SUBMISSION: DossierKind.LETTER,
    DocumentKind.SUMMARY: DossierKind.REPORT,
}


def dossier_name(issued: IssuedDocument) -> str:
    """ "Biên bản họp bình xét, suy tôn số 05/BB-KTĐ ngày 28/12/2025": how the dossier lists it."""
    kind = KINDS.get(issued.kind)
    label = kind.label if kind else issued.get_kind_display()
    return f"{label} số {issued.number_text} ngày {issued.issued_on:%d/%m/%Y}"


@dataclass
class Attached:
    added: list[Nomination]
    skipped: list[tuple[Nomination, str]]  # the nomination and why


@transaction.atomic
def issued_attach(*, issued: IssuedDocument, user) -> Attached:
    """Attach the archived PDF of an issued minutes, submission letter or report to every nomination of its
    bloc-year that the bloc still holds (draft or returned), as the matching part of the dossier, through
    awards.services.dossier_add. All or nothing; the others are listed with the reason they were skipped
    (a nomination that already holds this document is skipped too). Nothing added: `added` is empty."""
    dossier_kind = DOSSIER_KIND.get(issued.kind)
    if dossier_kind is None:
        raise ValidationError(_("Loại văn bản này không thuộc hồ sơ đề nghị khen thưởng."))
    if not issued_file_ok(issued):
        raise ValidationError(_("Tệp lưu trữ của văn bản này bị thiếu hoặc không còn đúng mã băm đã ghi khi ban hành."))
    with default_storage.open(issued.file.name, "rb") as handle:
        data = handle.read()
    name = dossier_name(issued)
    kind = KINDS.get(issued.kind)
    filename = f"{kind.slug if kind else issued.kind}-{issued.year}-so-{issued.number:02d}.pdf"
    nominations = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(bloc_id=issued.bloc_id, year=issued.year)
        .select_related("unit", "award_type")
        .order_by("award_type__order", "unit__sort_key", "pk")
    )
    holding = set(
        DossierFile.objects.filter(nomination__in=nominations, kind=dossier_kind, name=name).values_list(
            "nomination_id", flat=True
        )
    )
    result = Attached(added=[], skipped=[])
    stored: list[str] = []
    try:
        for nomination in nominations:
            if not is_editable(nomination.state):
                result.skipped.append((nomination, nomination.get_state_display()))
            elif nomination.pk in holding:
                result.skipped.append((nomination, _("đã có văn bản này")))
            else:
                dossier = dossier_add(
                    nomination=nomination, upload=ContentFile(data, name=filename), kind=dossier_kind, user=user,
                    name=name,
                )  # fmt: skip
                stored.append(dossier.file.name)
                result.added.append(nomination)
    except Exception:
        for stored_name in stored:  # the rows roll back with the transaction; the files are removed here
            default_storage.delete(stored_name)
        raise
    return result
