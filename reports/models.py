"""The official documents' stored parts: the free texts of the year-end report, the number/date/signer
chosen for a document before it is issued, and the archived copy of every issued document."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blocs.models import Bloc, BlocYear
from units.fields import NFCCharField, NFCTextField


class DocumentKind(models.TextChoices):
    """The documents a bloc issues (reports.documents has what each holds and how it is drawn)."""

    SUMMARY = "summary", _("Báo cáo tổng kết công tác thi đua, khen thưởng")
    MINUTES = "minutes", _("Biên bản họp bình xét, suy tôn")
    SUBMISSION = "submission", _("Tờ trình đề nghị khen thưởng")
    PLEDGE = "pledge", _("Bản giao ước thi đua")


class ReportTexts(models.Model):
    """The parts of the year-end report that people write: what was done, how well, what next."""

    bloc_year = models.OneToOneField(
        BlocYear, on_delete=models.PROTECT, related_name="report_texts", verbose_name=_("Năm của khối")
    )
    activities = NFCTextField(
        _("Các hoạt động, phong trào thi đua đã triển khai"),
        blank=True,
        help_text=_("Mỗi đoạn một dòng. Danh sách hội nghị của năm được đưa vào báo cáo tự động."),
    )
    strengths = NFCTextField(_("Ưu điểm"), blank=True)
    limitations = NFCTextField(_("Hạn chế, tồn tại và nguyên nhân"), blank=True)
    lessons = NFCTextField(_("Bài học kinh nghiệm"), blank=True)
    directions = NFCTextField(_("Phương hướng, nhiệm vụ năm sau"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung báo cáo tổng kết")
        verbose_name_plural = _("nội dung báo cáo tổng kết")

    def __str__(self) -> str:
        return str(self.bloc_year)


class DocumentDraft(models.Model):
    """The number, date, place, signer and recipients of a document not yet issued: proposed by the
    app, corrected by the bloc, printed on the preview and used when the document is issued."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="document_drafts", verbose_name=_("Khối"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    kind = models.CharField(_("Loại văn bản"), max_length=20, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("Số"), null=True, blank=True)
    symbol = NFCCharField(_("Ký hiệu"), max_length=40, help_text=_("Ví dụ: BC-KTĐ"))
    place = NFCCharField(_("Địa danh"), max_length=100)
    issued_on = models.DateField(_("Ngày ban hành"))
    signer_name = NFCCharField(_("Người ký"), max_length=150, blank=True)
    recipients = NFCTextField(_("Nơi nhận"), blank=True, help_text=_("Mỗi nơi nhận một dòng."))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thông tin văn bản chưa ban hành")
        verbose_name_plural = _("thông tin văn bản chưa ban hành")
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year", "kind"],
                name="documentdraft_one_per_bloc_year_kind",
                violation_error_message=_("Văn bản này của khối đã có thông tin số, ngày."),
            ),
            models.CheckConstraint(condition=Q(number__isnull=True) | Q(number__gte=1), name="documentdraft_number"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.bloc} ({self.year})"


def issued_path(instance, filename: str) -> str:
    return f"documents/{instance.bloc_id}/{instance.year}/{filename}"


class IssuedDocument(models.Model):
    """A document as it was issued: the exact PDF, its number, date, issuer and SHA-256. Never changed;
    downloads give back the same bytes whatever happens to the records afterwards."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="issued_documents", verbose_name=_("Khối"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    kind = models.CharField(_("Loại văn bản"), max_length=20, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("Số"))
    symbol = NFCCharField(_("Ký hiệu"), max_length=40)
    title = NFCCharField(_("Trích yếu"), max_length=500)
    place = NFCCharField(_("Địa danh"), max_length=100)
    issued_on = models.DateField(_("Ngày ban hành"))
    signer_name = NFCCharField(_("Người ký"), max_length=150, blank=True)
    file = models.FileField(_("Tệp PDF"), upload_to=issued_path, max_length=500)
    size = models.PositiveIntegerField(_("Dung lượng"))
    sha256 = models.CharField(_("Mã băm SHA-256"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người ban hành")
    )
    issued_at = models.DateTimeField(_("Thời điểm ban hành"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year", "symbol", "number"],
                name="issueddocument_number_once",
                violation_error_message=_("Số văn bản này đã được dùng cho một văn bản đã ban hành."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="issueddocument_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number_text} — {self.title}"

    @property
    def number_text(self) -> str:
        return number_text(self.number, self.symbol)


def number_text(number: int | None, symbol: str) -> str:
    """ "12/BC-KTĐ"; below 10 the number takes a leading zero, as Nghị định 30/2020 asks ("05/BB-KTĐ").
    Without a number yet, the dots an office leaves to fill in by hand: "   /BC-KTĐ"."""
    if number is None:
        return f"\u00a0\u00a0\u00a0\u00a0\u00a0/{symbol}"
    return f"{number:02d}/{symbol}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không lập được")


class JobFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"


def job_path(instance, filename: str) -> str:
    return f"render-jobs/{instance.pk}/{filename}"


class RenderJob(models.Model):
    """A long document rendered in the background (the board's review sheet, the bundle of every bloc's
    report): what was asked, by whom, how far it has got, and the file when it is done (private storage,
    downloaded through the app by the requester or the board). The task calls the same `render_pdf` /
    `render_xlsx` as the direct downloads."""

    kind = models.CharField(_("Văn bản"), max_length=30)  # a reports.documents.PROVINCE_KINDS code
    fmt = models.CharField(_("Định dạng"), max_length=10, choices=JobFormat.choices, default=JobFormat.PDF)
    params = models.JSONField(_("Tham số"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="render_jobs", verbose_name=_("Người yêu cầu")
    )
    status = models.CharField(_("Trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Tiến độ (%)"), default=0)
    message = NFCCharField(_("Đang làm"), max_length=300, blank=True)
    error = NFCTextField(_("Lý do không lập được"), blank=True)
    file = models.FileField(_("Tệp"), upload_to=job_path, max_length=500, blank=True)
    filename = NFCCharField(_("Tên tệp"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("Dung lượng"), null=True, blank=True)
    sha256 = models.CharField(_("Mã băm SHA-256"), max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("Thời điểm yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("Bắt đầu lập"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Xong lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản lập nền")
        verbose_name_plural = _("văn bản lập nền")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="renderjob_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.params} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def progress_step(self) -> int:
        """The progress rounded down to a 5 % step: the bar's width class (no inline style under the CSP)."""
        return min(100, max(0, self.progress)) // 5 * 5
