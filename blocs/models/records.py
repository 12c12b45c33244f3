"""The year's records of a bloc: the bloc-year itself (open/closed), pledge, title registrations,
scoring table and scores."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blocs.models.registry import Bloc
from units.fields import NFCCharField, NFCTextField
from units.models import AwardType, Unit

YEAR_RANGE = Q(year__gte=2000) & Q(year__lte=2100)


class BlocYearQuerySet(models.QuerySet):
    def closed(self) -> "BlocYearQuerySet":
        return self.filter(closed_at__isnull=False)


class BlocYear(models.Model):
    """A bloc's year: whether it is closed, and the free-text parts of its year-end report.

    Closing makes every record of the bloc-year read-only; the board can reopen with a reason,
    which the history keeps.
    """

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="years", verbose_name=_("Khối"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    closed_at = models.DateTimeField(_("Khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Người khóa sổ"),
    )
    reopen_reason = NFCTextField(_("Lý do mở lại"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = BlocYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("năm của khối")
        verbose_name_plural = _("năm của khối")
        ordering = ["-year", "bloc__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year"], name="blocyear_unique", violation_error_message=_("Khối đã có năm này.")
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="blocyear_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.bloc} — {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Pledge(models.Model):
    """The bloc's emulation pledge (giao ước thi đua) for a year."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("Khối"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    title = NFCCharField(_("Tiêu đề"), max_length=255)
    adopted_on = models.DateField(_("Ngày ký kết"), null=True, blank=True)
    place = NFCCharField(_("Địa điểm ký kết"), max_length=255, blank=True)
    note = NFCTextField(_("Ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")
        ordering = ["-year", "bloc__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year"],
                name="pledge_one_per_bloc_year",
                violation_error_message=_("Khối đã có giao ước của năm này."),
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="pledge_year_range"),
        ]

    def __str__(self) -> str:
        return self.title


class PledgeArticle(models.Model):
    """One article of the pledge's content, in order."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="articles", verbose_name=_("Giao ước"))
    order = models.PositiveSmallIntegerField(_("Thứ tự"), default=1)
    text = NFCTextField(_("Nội dung"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung giao ước")
        verbose_name_plural = _("nội dung giao ước")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class TargetKind(models.TextChoices):
    PERCENT_UNITS = "percent", _("Tỷ lệ % đơn vị")
    COUNT = "count", _("Số lượng")
    YES_NO = "yes_no", _("Có/Không")


class TargetMeasure(models.TextChoices):
    """Where a target's achieved value comes from: the year's records, or typed by hand."""

    MANUAL = "manual", _("Nhập tay")
    SIGNED = "signed", _("Đơn vị đã ký giao ước")
    RATED_HTXSNV = "htxsnv", _("Đơn vị xếp loại Hoàn thành xuất sắc nhiệm vụ")
    RATED_HTTNV_OR_BETTER = "httnv_plus", _("Đơn vị hoàn thành tốt nhiệm vụ trở lên")
    REGISTERED = "registered", _("Đơn vị đã đăng ký danh hiệu")
    TITLE_TTLDXS = "ttldxs", _("Đơn vị đăng ký danh hiệu Tập thể lao động xuất sắc")


class PledgeTarget(models.Model):
    """A measurable target of the pledge, and how its achievement is measured."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="targets", verbose_name=_("Giao ước"))
    order = models.PositiveSmallIntegerField(_("Thứ tự"), default=1)
    description = NFCCharField(_("Chỉ tiêu"), max_length=500)
    kind = models.CharField(
        _("Loại chỉ tiêu"), max_length=10, choices=TargetKind.choices, default=TargetKind.PERCENT_UNITS
    )
    target_value = models.DecimalField(_("Giá trị chỉ tiêu"), max_digits=9, decimal_places=2, default=Decimal(100))
    measure = models.CharField(
        _("Cách đo kết quả"), max_length=12, choices=TargetMeasure.choices, default=TargetMeasure.MANUAL
    )
    manual_value = models.DecimalField(
        _("Kết quả nhập tay"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Chỉ dùng khi kết quả không tính được từ dữ liệu. Có/Không: 1 là có, 0 là không."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu giao ước")
        verbose_name_plural = _("chỉ tiêu giao ước")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__gte=0),
                name="pledgetarget_value_nonnegative",
                violation_error_message=_("Giá trị chỉ tiêu không được âm."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(target_value__lte=100),
                name="pledgetarget_percent_le_100",
                violation_error_message=_("Chỉ tiêu tỷ lệ không được vượt quá 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class PledgeSignature(models.Model):
    """That a member unit signed the pledge: when, and by whom."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("Giao ước"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pledge_signatures", verbose_name=_("Đơn vị"))
    signed_on = models.DateField(_("Ngày ký"))
    signed_by = NFCCharField(_("Người ký"), max_length=150)
    signer_title = NFCCharField(_("Chức vụ người ký"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "unit"],
                name="pledgesignature_once_per_unit",
                violation_error_message=_("Đơn vị đã ký giao ước này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.signed_on}"


class TitleRegistration(models.Model):
    """A unit's registration, early in the year, of a title or award it aims for (đăng ký danh hiệu)."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Khối"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Đơn vị"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Danh hiệu, hình thức")
    )
    registered_on = models.DateField(_("Ngày đăng ký"))
    note = NFCCharField(_("Ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký danh hiệu")
        verbose_name_plural = _("đăng ký danh hiệu")
        ordering = ["unit__sort_key", "award_type__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "award_type"],
                name="registration_once_per_unit_year_award",
                violation_error_message=_("Đơn vị đã đăng ký danh hiệu này trong năm."),
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="registration_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.award_type} ({self.year})"


class ScoringTable(models.Model):
    """A scoring table (bảng chấm điểm): a bloc's for one year, or a province template (no bloc, no year)."""

    bloc = models.ForeignKey(
        Bloc, on_delete=models.PROTECT, null=True, blank=True, related_name="scoring_tables", verbose_name=_("Khối")
    )
    year = models.PositiveSmallIntegerField(_("Năm"), null=True, blank=True)
    name = NFCCharField(_("Tên bảng điểm"), max_length=255)
    is_template = models.BooleanField(_("Là bảng mẫu của tỉnh"), default=False)
    bonus_cap = models.DecimalField(_("Tổng điểm thưởng tối đa"), max_digits=7, decimal_places=2, default=Decimal(5))
    note = NFCTextField(_("Ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bảng chấm điểm")
        verbose_name_plural = _("bảng chấm điểm")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year"],
                condition=Q(bloc__isnull=False),
                name="scoringtable_one_per_bloc_year",
                violation_error_message=_("Khối đã có bảng chấm điểm của năm này."),
            ),
            models.CheckConstraint(
                condition=(Q(is_template=True, bloc__isnull=True, year__isnull=True))
                | (Q(is_template=False, bloc__isnull=False) & YEAR_RANGE),
                name="scoringtable_template_or_bloc_year",
                violation_error_message=_("Bảng mẫu không gắn khối, năm; bảng của khối phải có khối và năm."),
            ),
            models.CheckConstraint(condition=Q(bonus_cap__gte=0), name="scoringtable_bonus_cap_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.name


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Nhóm tiêu chí")
    NORMAL = "normal", _("Tiêu chí")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class Criterion(models.Model):
    """A node of the scoring table: a group, or a criterion scored from 0 to its maximum.

    Bonus items score 0..max and their sum is capped by the table's bonus cap; penalty items score
    from -max to 0. Archived criteria keep their scores but take no new ones and count for nothing.
    """

    table = models.ForeignKey(
        ScoringTable, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("Bảng điểm")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("Thuộc nhóm")
    )
    code = NFCCharField(_("Mã, số thứ tự"), max_length=20)
    title = NFCTextField(_("Nội dung tiêu chí"))
    kind = models.CharField(_("Loại"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.NORMAL)
    max_points = models.DecimalField(_("Điểm tối đa"), max_digits=7, decimal_places=2, default=Decimal(0))
    order = models.PositiveIntegerField(_("Thứ tự"), default=0)
    tie_break_rank = models.PositiveSmallIntegerField(
        _("Thứ tự ưu tiên khi bằng điểm"),
        null=True,
        blank=True,
        help_text=_("Nhóm có số nhỏ hơn được so trước khi hai đơn vị bằng tổng điểm."),
    )
    archived = models.BooleanField(_("Đã bỏ khỏi bảng"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí chấm điểm")
        verbose_name_plural = _("tiêu chí chấm điểm")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="criterion_max_nonnegative",
                violation_error_message=_("Điểm tối đa không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:60]}"

    @property
    def is_scored(self) -> bool:
        """Groups hold other criteria; everything else takes a score."""
        return self.kind != CriterionKind.GROUP


class Score(models.Model):
    """A unit's score on one criterion: its own (tự chấm) and the bloc's assessment (thẩm định).

    Each value has its own version, so two people saving the same cell are caught, while the officer's
    self score and the secretary's assessment of the same criterion never block each other.
    """

    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("Tiêu chí")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="scores", verbose_name=_("Đơn vị"))
    self_value = models.DecimalField(_("Điểm tự chấm"), max_digits=7, decimal_places=2, null=True, blank=True)
    assessed_value = models.DecimalField(_("Điểm thẩm định"), max_digits=7, decimal_places=2, null=True, blank=True)
    note = NFCCharField(_("Ghi chú"), max_length=500, blank=True)
    self_version = models.PositiveIntegerField(default=0, editable=False)
    assessed_version = models.PositiveIntegerField(default=0, editable=False)
    note_version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit"],
                name="score_one_per_unit_criterion",
                violation_error_message=_("Đơn vị đã có điểm cho tiêu chí này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.criterion.code}"
