"""The documents of a bloc's year: list, preview, PDF/DOCX/XLSX downloads, the report's texts, the
number and date, issuing, and the archived copies.

Read: the bloc's staff and the province-wide roles (reports.view_documents); another bloc is a 404,
a unit officer a 403. Services write; views wire.
"""

import base64

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from awards.models import Nomination
from awards.workflow import EDITABLE_STATES
from blocs.access import in_visible_blocs
from blocs.views.year import BlocYearMixin
from meetings.views.meetings import _chunks, content_disposition
from reports import services
from reports.documents import BY_SLUG, KINDS, DocumentUnavailable
from reports.forms import DraftForm, IssueForm, ReportTextsForm
from reports.models import IssuedDocument
from reports.pipeline import Built, build, docx_of, html_of, pdf_of, xlsx_of
from reports.xlsx_writer import XLSX_CONTENT_TYPE, NoTables
from units.concurrency import VersionConflict
from units.history import history_rows

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentAccess:
    """Mixed in after BlocYearMixin (which resolves the bloc): 403 unless the user reads its documents."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("reports.view_documents", self.bloc):
            raise PermissionDenied
        # A closed year is read-only: its documents are read and downloaded, not numbered nor issued.
        self.may_edit_documents = request.user.has_perm("reports.edit_documents", self.bloc) and not self.closed
        self.may_issue = request.user.has_perm("reports.issue_document", self.bloc) and not self.closed
        slug = kwargs.get("kind")
        self.kind = None
        if slug is not None:
            self.kind = BY_SLUG.get(slug)
            if self.kind is None or self.kind.scope != "bloc":
                raise Http404(_("Không có loại văn bản này."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            documents_tab=True,
            kind=self.kind,
            may_edit_documents=self.may_edit_documents,
            may_issue=self.may_issue,
        )
        return context

    def preview_url(self) -> str:
        return reverse("reports:preview", kwargs={"pk": self.bloc.pk, "year": self.year, "kind": self.kind.slug})


# --- The documents of the year -------------------------------------------------------------------


class DocumentList(BlocYearMixin, DocumentAccess, TemplateView):
    """Every kind of document with its links, and every document issued for the year; the bloc's staff
    attach an issued minutes, letter or report to the nominations the bloc still holds."""

    template_name = "reports/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issued = list(IssuedDocument.objects.filter(bloc=self.bloc, year=self.year).select_related("issued_by"))
        may_attach = self.request.user.has_perm("reports.attach_to_dossier", self.bloc)
        held = 0
        if may_attach and any(doc.kind in services.DOSSIER_KIND for doc in issued):
            held = Nomination.objects.filter(bloc=self.bloc, year=self.year, state__in=EDITABLE_STATES).count()
        context.update(
            kinds=list(KINDS.values()),
            issued=issued,
            may_attach=may_attach,
            attachable_kinds=list(services.DOSSIER_KIND),
            held_nominations=held,
        )
        return context


class DocumentPreview(BlocYearMixin, DocumentAccess, TemplateView):
    """The document as it would print now, with its number and date form and the issue button."""

    template_name = "reports/preview.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            built = build(self.kind, bloc=self.bloc, year=self.year)
        except DocumentUnavailable as exc:
            context["unavailable"] = str(exc)
            built = None
        if built is not None:
            html = html_of(built, standalone=False)
            context.update(
                built=built,
                document_html=mark_safe(html),
                has_tables='class="doc-table' in html,
                missing_texts=built.context.get("missing_texts", []),
            )
        draft = services.draft_for(self.kind, bloc=self.bloc, year=self.year)
        if form is None and self.may_edit_documents and built is not None:
            form = _draft_form(self.kind, draft, built, bloc=self.bloc, year=self.year)
        context.update(
            form=form,
            issued=list(
                IssuedDocument.objects.filter(bloc=self.bloc, year=self.year, kind=self.kind.code).select_related(
                    "issued_by"
                )
            ),
            draft_history=history_rows(draft) if draft.pk else [],
        )
        return context


def _refuse_closed(exc: ValidationError) -> None:
    """A write refused because the year was closed meanwhile: 403 with the reason, as the other year pages."""
    if getattr(exc, "code", None) == "year_closed":
        raise PermissionDenied(" ".join(exc.messages)) from None


def _draft_form(kind, draft, built: Built, *, bloc, year, data=None, form_class=DraftForm):
    """The form of the document's number and date: the stored values, or what the app proposes."""
    meta = built.meta if built else None
    initial = {}
    if draft.pk is None and meta is not None:
        initial = {
            "number": meta.number,
            "symbol": meta.symbol,
            "issued_on": meta.issued_on,
            "place": meta.place,
            "signer_name": meta.signer_name,
            "recipients": "\n".join(meta.recipients),
        }
    return form_class(
        data,
        instance=draft,
        initial=initial,
        issued_numbers=services.issued_numbers(bloc=bloc, year=year),
        signed_by_head=kind.signed_by_head,
    )


class DraftSave(DocumentPreview):
    """POST: store the number, date, place, signer and recipients of the document."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        if not self.may_edit_documents:
            raise PermissionDenied
        draft = services.draft_for(self.kind, bloc=self.bloc, year=self.year)
        form = _draft_form(self.kind, draft, None, bloc=self.bloc, year=self.year, data=request.POST)
        if form.is_valid():
            try:
                services.draft_save(form=form, bloc=self.bloc, year=self.year)
            except VersionConflict:
                pass  # the form carries the message and the other person's values
            except ValidationError as exc:
                _refuse_closed(exc)
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu số, ngày của văn bản."))
                return HttpResponseRedirect(self.preview_url())
        return self.render_to_response(self.get_context_data(form=form))


class DocumentIssue(DocumentPreview):
    """POST: issue the document with the number and date on the form; the PDF is archived."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        if not self.may_issue:
            raise PermissionDenied
        draft = services.draft_for(self.kind, bloc=self.bloc, year=self.year)
        form = _draft_form(
            self.kind, draft, None, bloc=self.bloc, year=self.year, data=request.POST, form_class=IssueForm
        )
        if form.is_valid():
            try:
                issued = services.document_issue(
                    kind=self.kind, bloc=self.bloc, year=self.year, form=form, user=request.user
                )
            except VersionConflict:
                pass
            except DocumentUnavailable as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(self.preview_url())
            except ValidationError as exc:
                _refuse_closed(exc)
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Đã ban hành văn bản số %(number)s; bản PDF đã được lưu trữ.") % {"number": issued.number_text},
                )
                return HttpResponseRedirect(self.preview_url() + "#da-ban-hanh")
        return self.render_to_response(self.get_context_data(form=form))


# --- Downloads -----------------------------------------------------------------------------------


# A document as a file: the format's content type and the renderer that makes it from the built document.
FORMATS = {"pdf": (PDF, pdf_of), "docx": (DOCX, docx_of), "xlsx": (XLSX_CONTENT_TYPE, xlsx_of)}


def built_response(built: Built, fmt: str) -> HttpResponse:
    """The built document rendered in `fmt` (pdf, docx, xlsx), as a private download."""
    content_type, render = FORMATS[fmt]
    try:
        data = render(built)
    except NoTables:
        raise Http404(_("Văn bản này không có bảng.")) from None
    return _file_response(data, content_type, f"{built.filename}.{fmt}")


class DocumentDownload(BlocYearMixin, DocumentAccess, View):
    """A bloc-year's document in one format (`fmt`, given in the URL table)."""

    fmt = "pdf"

    def get(self, request, *args, **kwargs):
        try:
            built = build(self.kind, bloc=self.bloc, year=self.year)
        except DocumentUnavailable as exc:
            raise Http404(str(exc)) from None
        return built_response(built, self.fmt)


def _file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class IssuedDownload(LoginRequiredMixin, View):
    """GET: the archived PDF of an issued document, byte for byte, after checking its SHA-256."""

    def get(self, request, *args, **kwargs):
        issued = get_object_or_404(
            in_visible_blocs(IssuedDocument.objects.select_related("bloc"), request.user),
            pk=kwargs["doc_pk"],
        )
        if not request.user.has_perm("reports.view_documents", issued.bloc):
            raise PermissionDenied
        if not services.issued_file_ok(issued):
            raise Http404(_("Tệp lưu trữ của văn bản này bị thiếu hoặc không còn đúng mã băm đã ghi khi ban hành."))
        response = StreamingHttpResponse(_chunks(issued.file.name), content_type=PDF)
        response["Content-Length"] = str(default_storage.size(issued.file.name))
        kind = KINDS.get(issued.kind)
        name = f"{kind.slug if kind else issued.kind}-{issued.year}-so-{issued.number:02d}.pdf"
        response["Content-Disposition"] = content_disposition(name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(issued.sha256)).decode()}:"
        return response


class IssuedAttach(LoginRequiredMixin, View):
    """POST: attach an issued minutes, submission letter or report to every nomination of its bloc-year that
    the bloc still holds (draft or returned); the others are named in the message."""

    def post(self, request, *args, **kwargs):
        issued = get_object_or_404(
            in_visible_blocs(IssuedDocument.objects.select_related("bloc"), request.user),
            pk=kwargs["doc_pk"],
        )
        if not request.user.has_perm("reports.attach_to_dossier", issued.bloc):
            raise PermissionDenied
        back = reverse("reports:list", kwargs={"pk": issued.bloc_id, "year": issued.year}) + "#da-ban-hanh"
        try:
            result = services.issued_attach(issued=issued, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(back)
        skipped = "; ".join(f"{n.unit.name} — {n.award_type.name} ({why})" for n, why in result.skipped)
        if not result.added:
            messages.error(
                request,
                _("Chưa đính kèm: không có hồ sơ đề nghị nào khối đang giữ (dự thảo hoặc bị trả lại) cần văn bản này.")
                + (" " + _("Các hồ sơ khác: %(list)s.") % {"list": skipped} if skipped else ""),
            )
            return HttpResponseRedirect(back)
        message = _("Đã đính kèm «%(name)s» vào %(count)s hồ sơ đề nghị: %(units)s.") % {
            "name": services.dossier_name(issued),
            "count": len(result.added),
            "units": ", ".join(f"{n.unit.name} — {n.award_type.name}" for n in result.added),
        }
        if skipped:
            message += " " + _("Bỏ qua: %(list)s.") % {"list": skipped}
        messages.success(request, message)
        return HttpResponseRedirect(back)


# --- The year-end report's texts ------------------------------------------------------------------


class TextsEdit(BlocYearMixin, DocumentAccess, TemplateView):
    """The free texts of the year-end report, kept with the bloc-year; read-only once the year is closed."""

    template_name = "reports/texts_form.html"

    def get(self, request, *args, **kwargs):
        texts = services.texts_for(bloc=self.bloc, year=self.year)
        return self.render_to_response(self.get_context_data(form=ReportTextsForm(instance=texts), texts=texts))

    def post(self, request, *args, **kwargs):
        if not self.may_edit_documents or self.closed:
            raise PermissionDenied
        texts = services.texts_for(bloc=self.bloc, year=self.year)
        form = ReportTextsForm(request.POST, instance=texts)
        if form.is_valid():
            try:
                services.report_texts_save(form=form, bloc=self.bloc, year=self.year)
            except VersionConflict:
                pass
            except ValidationError as exc:
                if getattr(exc, "code", None) == "year_closed":
                    raise PermissionDenied(" ".join(exc.messages)) from None
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu nội dung báo cáo tổng kết."))
                return HttpResponseRedirect(
                    reverse(
                        "reports:preview", kwargs={"pk": self.bloc.pk, "year": self.year, "kind": "bao-cao-tong-ket"}
                    )
                )
        return self.render_to_response(self.get_context_data(form=form, texts=texts))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        texts = context["texts"]
        context.update(
            can_write=self.may_edit_documents and not self.closed,
            history=history_rows(texts) if texts.pk else [],
        )
        return context


_Y = "khoi/<int:pk>/nam/<int:year>/van-ban/"
_K = _Y + "<slug:kind>/"
urls = [
    path(_Y, DocumentList.as_view(), name="list"),
    path(_Y + "noi-dung-bao-cao/", TextsEdit.as_view(), name="texts"),
    path(_K, DocumentPreview.as_view(), name="preview"),
    path(_K + "pdf/", DocumentDownload.as_view(fmt="pdf"), name="pdf"),
    path(_K + "docx/", DocumentDownload.as_view(fmt="docx"), name="docx"),
    path(_K + "xlsx/", DocumentDownload.as_view(fmt="xlsx"), name="xlsx"),
    path(_K + "so-ngay/", DraftSave.as_view(), name="draft"),
    path(_K + "ban-hanh/", DocumentIssue.as_view(), name="issue"),
    path("van-ban/da-ban-hanh/<int:doc_pk>/", IssuedDownload.as_view(), name="issued_download"),
    path("van-ban/da-ban-hanh/<int:doc_pk>/dinh-kem/", IssuedAttach.as_view(), name="attach"),
]
