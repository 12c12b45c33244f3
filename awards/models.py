"""Nominations (đề nghị khen thưởng), their dossier files, the board's review events and award decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blocs.models import Bloc
from meetings.models import Ballot
from units.fields import NFCCharField, NFCTextField
from units.models import AwardType, Unit


class State(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    APPROVED = "approved", _("Đủ điều kiện")
    NOT_APPROVED = "not_approved", _("Không đủ điều kiện")
    DECIDED = "decided", _("Đã có quyết định")

    @classmethod
    def display_names(cls) -> dict[str, str]:
        """Each state's name in the active language, for a list that shows many (`get_state_display` translates
        every choice on each call)."""
        return {value: str(label) for value, label in cls.choices}


class AwardDecision(models.Model):
    """A decision of the provincial chairman (Quyết định số …/QĐ-UBND) awarding one award type."""

    number = NFCCharField(_("Số quyết định"), max_length=100, help_text=_("Ví dụ: 125/QĐ-UBND"))
    date = models.DateField(_("Ngày ký"))
    signer = NFCCharField(_("Người ký"), max_length=150)
    signer_title = NFCCharField(_("Chức vụ người ký"), max_length=150, blank=True)
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("Hình thức")
    )
    year = models.PositiveSmallIntegerField(_("Năm thành tích"))
    note = NFCTextField(_("Ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date"], name="decision_unique_number_date",
                violation_error_message=_("Đã có quyết định mang số này, cùng ngày ký."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class Nomination(models.Model):
    """A bloc's proposal of one unit for one award type in one year."""

    year = models.PositiveSmallIntegerField(_("Năm thành tích"))
    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("Khối"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("Đơn vị"))
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("Hình thức đề nghị")
    )
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations",
        verbose_name=_("Phiếu bình xét"),
    )  # fmt: skip
    summary = NFCTextField(_("Tóm tắt thành tích"), blank=True)
    state = models.CharField(_("Trạng thái"), max_length=15, choices=State.choices, default=State.DRAFT)
    decision = models.ForeignKey(
        AwardDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations",
        verbose_name=_("Quyết định"),
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["-year", "bloc__sort_key", "award_type__order", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "award_type", "year"], name="nomination_once_per_unit_award_year",
                violation_error_message=_("Đơn vị đã có hồ sơ đề nghị hình thức này trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | Q(state="decided"), name="nomination_decision_only_when_decided",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="nomination_year_range"),
        ]  # fmt: skip
        # The review queue and the quotas read a year's nominations, by state.
        indexes = [models.Index(fields=["year", "state"], name="nomination_year_state")]

    def __str__(self) -> str:
        return f"{self.award_type} — {self.unit} ({self.year})"


class ReviewEvent(models.Model):
    """One transition of a nomination: who, when, from which state to which, and why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events", verbose_name=_("Hồ sơ"))
    from_state = models.CharField(_("Từ trạng thái"), max_length=15, choices=State.choices, blank=True)
    to_state = models.CharField(_("Sang trạng thái"), max_length=15, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người thực hiện")
    )
    at = models.DateTimeField(_("Thời điểm"), auto_now_add=True)
    reason = NFCTextField(_("Lý do, ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("các bước xử lý hồ sơ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.from_state} → {self.to_state}"


class DossierKind(models.TextChoices):
    LETTER = "letter", _("Tờ trình đề nghị")
    MINUTES = "minutes", _("Biên bản họp bình xét")
    REPORT = "report", _("Báo cáo thành tích")
    OTHER = "other", _("Tài liệu khác")


def dossier_path(instance, filename: str) -> str:
    return f"dossiers/{instance.nomination_id}/{filename}"


class DossierFile(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files", verbose_name=_("Hồ sơ"))
    kind = models.CharField(_("Loại tài liệu"), max_length=10, choices=DossierKind.choices)
    file = models.FileField(_("Tệp"), upload_to=dossier_path, max_length=500)
    name = NFCCharField(_("Tên tài liệu"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
