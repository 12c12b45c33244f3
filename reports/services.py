"""Writes of the documents pages: the report's texts, a document's number and date, and issuing.

Each runs in one transaction. The report's texts belong to the year's records, so a closed year
refuses them (`ensure_year_open`). Issuing does not change the records: it freezes a document made
from them, so it is allowed on a closed year too — that is usually when the final report is issued.
"""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear
from blocs.services_year import bloc_year_get, ensure_year_open
from reports.documents import Kind
from reports.documents.base import next_number
from reports.forms import DraftForm, IssueForm, ReportTextsForm
from reports.models import DocumentDraft, IssuedDocument, ReportTexts
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
def draft_save(*, form: DraftForm) -> DocumentDraft:
    """Store the number, date, place, signer and recipients shown on the preview and used when issuing."""
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
