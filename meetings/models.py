"""Meetings of a bloc, who attended, the secret ballots held there and their counts.

A ballot keeps a copy of the rule it was counted under (base, threshold, quota), taken from the
year's rule set when the ballot was created, so its result never changes when the rule set is
edited later: the minutes and the nominations read the same numbers for ever.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blocs.models import Bloc, VoteBase
from units.fields import NFCCharField, NFCTextField
from units.models import AwardType, Unit


class MeetingKind(models.TextChoices):
    PLEDGE = "pledge", _("Hội nghị ký kết giao ước thi đua")
    MID_YEAR = "mid_year", _("Hội nghị sơ kết 6 tháng")
    YEAR_END = "year_end", _("Hội nghị tổng kết, bình xét thi đua")
    OTHER = "other", _("Cuộc họp khác")


class Meeting(models.Model):
    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("Khối"))
    year = models.PositiveSmallIntegerField(_("Năm công tác"))
    kind = models.CharField(
        _("Loại hội nghị"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.YEAR_END
    )
    title = NFCCharField(_("Tên hội nghị"), max_length=255)
    held_at = models.DateTimeField(_("Thời gian"))
    place = NFCCharField(_("Địa điểm"), max_length=255)
    chair = NFCCharField(_("Chủ trì"), max_length=255, help_text=_("Họ tên, chức vụ, đơn vị."))
    secretary = NFCCharField(_("Thư ký hội nghị"), max_length=255)
    agenda = NFCTextField(_("Chương trình"), blank=True)
    content = NFCTextField(_("Nội dung, diễn biến"), blank=True)
    conclusions = NFCTextField(_("Kết luận"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hội nghị")
        verbose_name_plural = _("hội nghị")
        ordering = ["-held_at"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="meeting_year_range"),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether a member unit attended, and who represented it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("Hội nghị")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("Đơn vị"))
    present = models.BooleanField(_("Có mặt"), default=True)
    represented_by = NFCCharField(_("Người dự"), max_length=255, blank=True)
    note = NFCCharField(_("Ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành phần dự họp")
        verbose_name_plural = _("thành phần dự họp")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit"], name="attendance_once_per_unit",
                violation_error_message=_("Đơn vị đã có trong danh sách dự họp."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit} — {self.meeting}"


def attachment_path(instance, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{filename}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Hội nghị")
    )
    file = models.FileField(_("Tệp"), upload_to=attachment_path, max_length=500)
    name = NFCCharField(_("Tên tài liệu"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu hội nghị")
        verbose_name_plural = _("tài liệu hội nghị")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class BallotPurpose(models.TextChoices):
    AWARD = "award", _("Bình xét, suy tôn đề nghị khen thưởng")
    HEAD = "head", _("Bầu đơn vị khối trưởng năm sau")
    DEPUTY = "deputy", _("Bầu đơn vị khối phó năm sau")
    OTHER = "other", _("Biểu quyết khác")


class Ballot(models.Model):
    """One secret ballot: what it decides, how many may be chosen, the counts, and the rule it is counted under."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("Hội nghị"))
    order = models.PositiveSmallIntegerField(_("Thứ tự"), default=1)
    purpose = models.CharField(_("Mục đích"), max_length=10, choices=BallotPurpose.choices, default=BallotPurpose.AWARD)
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots",
        verbose_name=_("Hình thức khen thưởng đề nghị"),
    )  # fmt: skip
    title = NFCCharField(_("Nội dung bỏ phiếu"), max_length=255)
    seats = models.PositiveSmallIntegerField(_("Số được chọn tối đa"), default=1)
    entitled = models.PositiveSmallIntegerField(_("Số thành viên có quyền bỏ phiếu"))
    issued = models.PositiveSmallIntegerField(_("Số phiếu phát ra"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("Số phiếu thu về"), null=True, blank=True)
    valid = models.PositiveSmallIntegerField(_("Số phiếu hợp lệ"), null=True, blank=True)
    # The rule, copied from the year's rule set when the ballot is created.
    vote_base = models.CharField(_("Cơ sở tính tỷ lệ"), max_length=10, choices=VoteBase.choices)
    threshold_num = models.PositiveSmallIntegerField(_("Ngưỡng — tử số"))
    threshold_den = models.PositiveSmallIntegerField(_("Ngưỡng — mẫu số"))
    threshold_strict = models.BooleanField(_("Phải vượt ngưỡng"), default=False)
    rule_citation = NFCCharField(_("Căn cứ"), max_length=500, blank=True)
    quota_limit = models.PositiveSmallIntegerField(
        _("Số lượng tối đa được đề nghị"), null=True, blank=True,
        help_text=_("Theo chỉ tiêu của quy chế (làm tròn xuống); để trống nếu không giới hạn."),
    )  # fmt: skip
    quota_text = NFCCharField(_("Chỉ tiêu áp dụng"), max_length=255, blank=True)
    applied_at = models.DateTimeField(_("Đã ghi kết quả bầu vào thành viên năm sau lúc"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued__isnull=True) | Q(issued__lte=F("entitled")),
                name="ballot_issued_le_entitled",
                violation_error_message=_("Số phiếu phát ra không được lớn hơn số thành viên có quyền bỏ phiếu."),
            ),
            models.CheckConstraint(
                condition=Q(returned__isnull=True) | Q(issued__isnull=True) | Q(returned__lte=F("issued")),
                name="ballot_returned_le_issued",
                violation_error_message=_("Số phiếu thu về không được lớn hơn số phiếu phát ra."),
            ),
            models.CheckConstraint(
                condition=Q(valid__isnull=True) | Q(returned__isnull=True) | Q(valid__lte=F("returned")),
                name="ballot_valid_le_returned",
                violation_error_message=_("Số phiếu hợp lệ không được lớn hơn số phiếu thu về."),
            ),
            models.CheckConstraint(
                condition=Q(threshold_den__gt=0) & Q(threshold_num__lte=F("threshold_den")) & Q(seats__gte=1),
                name="ballot_threshold_fraction",
                violation_error_message=_("Ngưỡng phải là phân số từ 0 đến 1 và số được chọn ít nhất là 1."),
            ),
            models.CheckConstraint(
                condition=Q(award_type__isnull=False) | ~Q(purpose="award"),
                name="ballot_award_has_type",
                violation_error_message=_("Phiếu bình xét khen thưởng phải ghi hình thức khen thưởng."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BallotCandidate(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("Phiếu bầu"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("Đơn vị"))
    votes = models.PositiveSmallIntegerField(_("Số phiếu bầu"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("Thứ tự"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "unit"], name="candidate_once_per_ballot",
                violation_error_message=_("Đơn vị đã có trong danh sách bầu của phiếu này."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit} — {self.votes}"
