"""The board's papers: the review sheet of a year (preview; PDF and Excel rendered in the background),
the draft of an award decision with its appendix (preview, PDF, DOCX, XLSX), and the background jobs
that render the long documents (start, status polled every 2 s, download).

Read: the review sheet and a decision's draft by the province-wide readers (as the review queue and
the decisions); jobs are started by the board, and a job is seen and downloaded by the one who asked
and by the board (anyone else: 404, the job is not theirs). Services write (reports.jobs).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from awards.models import AwardDecision
from blocs.views.mixins import YearMixin
from blocs.years import MAX_YEAR, MIN_YEAR, selected_year
from meetings.views.meetings import _chunks, content_disposition
from reports import jobs
from reports.documents import PROVINCE_KINDS, DocumentUnavailable
from reports.models import RenderJob
from reports.pipeline import build, html_of
from reports.views import built_response

STALE_QUEUE_SECONDS = 60  # a job still waiting after this long: say the worker may not be running


class _Signed(LoginRequiredMixin):
    """Anonymous users go to the sign-in page; others need `permission` (no object) or get 403."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- Previews of the board's papers ----------------------------------------------------------------


class _BoardPreview(_Signed, TemplateView):
    template_name = "reports/board_preview.html"
    kind_code = ""

    def params(self) -> dict:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = PROVINCE_KINDS[self.kind_code]
        try:
            built = build(kind, **self.params())
        except DocumentUnavailable as exc:
            context.update(unavailable=str(exc), built=None)
        else:
            context.update(built=built, document_html=mark_safe(html_of(built, standalone=False)))
        context.update(kind=kind)
        return context


class ReviewSheet(YearMixin, _BoardPreview):
    """The year's review sheet as it would print now; the PDF and Excel are made in the background."""

    permission = "awards.view_review_queue"
    kind_code = "review"

    def params(self) -> dict:
        return {"year": self.get_year()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        context.update(
            year=year,
            selected_year=year,
            can_start=self.request.user.has_perm("reports.start_job"),
            start_form=JobStartForm(initial={"year": year, "document": "review-pdf"}),
        )
        return context


class _DecisionMixin:
    def get_decision(self) -> AwardDecision:
        if not hasattr(self, "_decision"):
            self._decision = get_object_or_404(
                AwardDecision.objects.select_related("award_type"), pk=self.kwargs["decision_pk"]
            )
        return self._decision


class DecisionDraft(_DecisionMixin, _BoardPreview):
    """The draft of the decision with its appendix, as the decision records it now."""

    permission = "awards.view_decision"
    kind_code = "decision"

    def params(self) -> dict:
        return {"decision": self.get_decision()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision"] = self.get_decision()
        return context


class DecisionDownload(_DecisionMixin, _Signed, View):
    """The decision draft in one format (`fmt`, given in the URL table)."""

    permission = "awards.view_decision"
    fmt = "pdf"

    def get(self, request, *args, **kwargs):
        try:
            built = build("decision", decision=self.get_decision())
        except DocumentUnavailable as exc:
            raise Http404(str(exc)) from None
        return built_response(built, self.fmt)


# --- Background jobs ------------------------------------------------------------------------------


class JobStartForm(forms.Form):
    document = forms.ChoiceField(label=gettext_lazy("Văn bản"), choices=())
    year = forms.IntegerField(
        label=gettext_lazy("Năm"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"invalid": gettext_lazy("Nhập năm là một số, ví dụ 2025.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [(key, d.label) for key, d in jobs.JOB_DOCUMENTS.items()]


class JobList(_Signed, TemplateView):
    """GET: the form that starts a job and the latest jobs. POST: start one, then its status page."""

    permission = "reports.start_job"
    template_name = "reports/jobs.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        year = selected_year(self.request)
        context.update(
            form=form or JobStartForm(initial={"year": year, "document": self.request.GET.get("van_ban", "")}),
            rows=[
                job_context(job)
                for job in RenderJob.objects.select_related("requested_by").order_by("-created_at", "-pk")[:30]
            ],
            year=year,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = JobStartForm(request.POST)
        if form.is_valid():
            try:
                job = jobs.job_start(
                    document=form.cleaned_data["document"], year=form.cleaned_data["year"], user=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã gửi yêu cầu lập văn bản; trang này tự cập nhật tiến độ."))
                return HttpResponseRedirect(reverse("reports:job", kwargs={"job_pk": job.pk}))
        return self.render_to_response(self.get_context_data(form=form))


def _job_or_404(request, pk: int) -> RenderJob:
    job = get_object_or_404(RenderJob.objects.select_related("requested_by"), pk=pk)
    if not request.user.has_perm("reports.view_job", job):
        raise Http404(_("Không có văn bản lập nền này."))
    return job


def job_context(job: RenderJob) -> dict:
    document = jobs.JOB_DOCUMENTS.get(f"{job.kind}-{job.fmt}")
    waiting = (timezone.now() - job.created_at).total_seconds()
    return {
        "job": job,
        "label": document.label if document else job.kind,
        "year": job.params.get("year"),
        "stale": job.status == "queued" and waiting > STALE_QUEUE_SECONDS,
    }


class JobDetail(LoginRequiredMixin, TemplateView):
    """The job's status; htmx asks for the status block alone every 2 s until the job has finished."""

    template_name = "reports/job.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["reports/_job_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job_context(_job_or_404(self.request, kwargs["job_pk"])))
        return context


class JobDownload(LoginRequiredMixin, View):
    """GET: the job's file, after checking its SHA-256."""

    def get(self, request, *args, **kwargs):
        job = _job_or_404(request, kwargs["job_pk"])
        if not jobs.job_file_ok(job):
            raise Http404(_("Văn bản chưa lập xong, hoặc tệp đã lập bị thiếu hay không còn đúng mã băm."))
        response = StreamingHttpResponse(_chunks(job.file.name), content_type=jobs.CONTENT_TYPES[job.fmt])
        response["Content-Length"] = str(default_storage.size(job.file.name))
        response["Content-Disposition"] = content_disposition(job.filename or f"van-ban.{job.fmt}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


_Q = "van-ban/quyet-dinh/<int:decision_pk>/"
_J = "van-ban/lap-nen/"
urls = [
    path("van-ban/tong-hop-tham-dinh/", ReviewSheet.as_view(), name="review_sheet"),
    path(_Q, DecisionDraft.as_view(), name="decision"),
    path(_Q + "pdf/", DecisionDownload.as_view(fmt="pdf"), name="decision_pdf"),
    path(_Q + "docx/", DecisionDownload.as_view(fmt="docx"), name="decision_docx"),
    path(_Q + "xlsx/", DecisionDownload.as_view(fmt="xlsx"), name="decision_xlsx"),
    path(_J, JobList.as_view(), name="jobs"),
    path(_J + "<int:job_pk>/", JobDetail.as_view(), name="job"),
    path(_J + "<int:job_pk>/tai-ve/", JobDownload.as_view(), name="job_download"),
]
