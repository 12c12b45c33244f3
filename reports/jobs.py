"""Long documents rendered in the background: starting a job, running it (called by the task), and
what each job may render.

The task calls `reports.pipeline.render_pdf` / `render_xlsx` with the job's plain parameters — exactly
what a direct download calls — so the stored file is the same bytes. Progress is written with
`update()` as the rendering goes (the status page polls it); a failure is kept as a Vietnamese message.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from blocs.years import MAX_YEAR, MIN_YEAR
from reports.documents import DocumentUnavailable
from reports.models import JobFormat, JobStatus, RenderJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobDocument:
    kind: str  # a reports.documents.PROVINCE_KINDS code
    fmt: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.fmt}"


JOB_DOCUMENTS = {
    d.key: d
    for d in (
        JobDocument("review", JobFormat.PDF, gettext_lazy("Bảng tổng hợp kết quả thẩm định (PDF, khổ ngang)")),
        JobDocument("review", JobFormat.XLSX, gettext_lazy("Bảng tổng hợp kết quả thẩm định (Excel)")),
        JobDocument("bundle", JobFormat.PDF, gettext_lazy("Tập báo cáo tổng kết của mọi khối, cụm thi đua (PDF)")),
    )
}
CONTENT_TYPES = {
    JobFormat.PDF: "application/pdf",
    JobFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_NAMES = {"review": "tong-hop-tham-dinh-{year}", "bundle": "tap-bao-cao-tong-ket-{year}"}


@transaction.atomic
def job_start(*, document: str, year: int, user) -> RenderJob:
    """Queue the rendering of `document` (a JOB_DOCUMENTS key) for `year`; the board only."""
    if not user.has_perm("reports.start_job"):
        raise PermissionDenied
    chosen = JOB_DOCUMENTS.get(document)
    if chosen is None:
        raise ValidationError({"document": _("Hãy chọn một văn bản trong danh sách.")})
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}})
    job = RenderJob.objects.create(
        kind=chosen.kind,
        fmt=chosen.fmt,
        params={"year": year},
        requested_by=user,
        message=gettext_noop("Đang chờ bộ xử lý nền"),
    )
    # Queued once the job's row is committed: the task (run at once by the tests' backend, later by the
    # worker) is a unit of work of its own, and a failed start leaves no task behind. A queue that never
    # got the task shows on the status page as a job waiting too long.
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from reports.tasks import render_job

    result = render_job.enqueue(job_id)
    RenderJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def _progress(job_id: int):
    def report(percent: int, message: str) -> None:
        RenderJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            progress=max(1, min(99, int(percent))), message=message[:300]
        )

    return report


@transaction.atomic
def _fail(job: RenderJob, error: str) -> None:
    job.status = JobStatus.FAILED
    job.error = error
    job.message = ""
    job.finished_at = timezone.now()
    job.save()


def render(job: RenderJob, progress) -> bytes:
    from reports.pipeline import render_pdf, render_xlsx

    render_format = render_xlsx if job.fmt == JobFormat.XLSX else render_pdf
    return render_format(job.kind, progress=progress, **job.params)


def job_run(job_id: int) -> None:
    """Run a queued job once (a second delivery of the task finds it claimed and does nothing)."""
    with translation.override("vi"):
        claimed = RenderJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), progress=1, message=_("Bắt đầu lập văn bản")
        )
        if not claimed:
            return
        job = RenderJob.objects.get(pk=job_id)
        try:
            data = render(job, _progress(job_id))
        except DocumentUnavailable as exc:
            _fail(job, str(exc))
            return
        except Exception:
            logger.exception("render job %s failed", job_id)
            _fail(job, _("Lỗi hệ thống khi lập văn bản; hãy thử lại sau, hoặc báo quản trị hệ thống nếu vẫn lỗi."))
            return
        job.refresh_from_db()
        extension = "xlsx" if job.fmt == JobFormat.XLSX else "pdf"
        job.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        try:
            with transaction.atomic():  # the job's row and its history row: both or neither
                job.filename = FILE_NAMES.get(job.kind, job.kind).format(**job.params) + f".{extension}"
                job.size = len(data)
                job.sha256 = hashlib.sha256(data).hexdigest()
                job.status = JobStatus.DONE
                job.progress = 100
                job.message = _("Đã xong")
                job.finished_at = timezone.now()
                job.save()
        except Exception:
            default_storage.delete(job.file.name)
            raise


def job_file_ok(job: RenderJob) -> bool:
    """Whether the stored file is still the one the job wrote (its SHA-256)."""
    name = job.file.name
    if job.status != JobStatus.DONE or not name or not default_storage.exists(name):
        return False
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest() == job.sha256
