from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.fields import NFCCharField, NFCTextField, SearchKeyField, SortKeyField
from units.text import search_key


class UnitKind(models.TextChoices):
    SO_NGANH = "so_nganh", _("Sở, ban, ngành")
    DANG = "dang", _("Cơ quan Đảng")
    DOAN_THE = "doan_the", _("Mặt trận, đoàn thể")
    TRUNG_UONG = "trung_uong", _("Cơ quan Trung ương đóng trên địa bàn")
    SU_NGHIEP = "su_nghiep", _("Đơn vị sự nghiệp, trung tâm, ban quản lý")
    DOANH_NGHIEP = "doanh_nghiep", _("Doanh nghiệp")
    DIA_PHUONG = "dia_phuong", _("Xã, phường, đặc khu")
    KHAC = "khac", _("Khác")


class Rating(models.TextChoices):
    """A unit's task-completion rating for a year (xếp loại mức độ hoàn thành nhiệm vụ)."""

    HTXSNV = "HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "HTTNV", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "HTNV", _("Hoàn thành nhiệm vụ")
    KHTNV = "KHTNV", _("Không hoàn thành nhiệm vụ")


class SearchableQuerySet(models.QuerySet):
    """For models with `search_key` and `sort_key` columns (units, blocs)."""

    def search(self, query: str):
        """Match every word of the query against the search key, ignoring diacritics and case."""
        qs = self
        for word in search_key(query).split():
            qs = qs.filter(search_key__contains=word)
        return qs

    def vietnamese_order(self):
        return self.order_by("sort_key", "pk")


class UnitQuerySet(SearchableQuerySet):
    def active(self) -> "UnitQuerySet":
        return self.filter(active=True)


class Unit(models.Model):
    """A member unit (đơn vị): an agency, a commune, a company, that belongs to a bloc each year."""

    name = NFCCharField(_("Tên đơn vị"), max_length=255)
    short_name = NFCCharField(_("Tên viết tắt"), max_length=100, blank=True)
    code = models.SlugField(
        _("Mã đơn vị"),
        max_length=40,
        unique=True,
        help_text=_("Mã duy nhất, không dấu, dùng khi nhập/xuất Excel, ví dụ: STC."),
        error_messages={"unique": _("Đã có đơn vị dùng mã này.")},
    )
    kind = models.CharField(_("Loại hình"), max_length=20, choices=UnitKind.choices, default=UnitKind.SO_NGANH)
    address = NFCCharField(_("Địa chỉ"), max_length=255, blank=True)
    leader_name = NFCCharField(_("Thủ trưởng đơn vị"), max_length=150, blank=True)
    leader_title = NFCCharField(_("Chức vụ thủ trưởng"), max_length=150, blank=True)
    note = NFCTextField(_("Ghi chú"), blank=True)
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_key = SearchKeyField(sources=("name", "short_name", "code"))
    sort_key = SortKeyField(sources=("name",))
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["sort_key", "pk"]

    def __str__(self) -> str:
        return self.name


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("Nhà nước, Chính phủ")
    PROVINCIAL = "provincial", _("Tỉnh")
    BASE = "base", _("Cơ sở")


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class AwardType(models.Model):
    """A title or award a unit can register for, be proposed for and receive.

    It lives here, beside the units, because a unit's award history and a bloc's title
    registrations and rule sets all refer to it; the nomination workflow builds on it.
    """

    code = models.SlugField(
        _("Mã"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Đã có hình thức khen thưởng dùng mã này.")},
    )
    name = NFCCharField(_("Tên danh hiệu, hình thức khen thưởng"), max_length=255, unique=True)
    short_name = NFCCharField(_("Tên viết tắt"), max_length=50, blank=True)
    level = models.CharField(_("Cấp"), max_length=20, choices=AwardLevel.choices)
    nominee_kind = models.CharField(
        _("Đối tượng"), max_length=20, choices=NomineeKind.choices, default=NomineeKind.COLLECTIVE
    )
    is_title = models.BooleanField(
        _("Là danh hiệu thi đua"),
        default=False,
        help_text=_("Danh hiệu thi đua (đăng ký đầu năm) hay hình thức khen thưởng."),
    )
    order = models.PositiveSmallIntegerField(_("Thứ tự"), default=100)
    active = models.BooleanField(_("Đang dùng"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AnnualRating(models.Model):
    """A unit's task-completion rating for one year, with the staff counts the labour titles need.

    Kept for every year, earlier ones imported: award checks look back two to five years.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("Đơn vị"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    rating = models.CharField(_("Xếp loại"), max_length=10, choices=Rating.choices)
    staff_total = models.PositiveIntegerField(
        _("Tổng số cán bộ, công chức, viên chức, người lao động"), null=True, blank=True
    )
    staff_completed = models.PositiveIntegerField(_("Số hoàn thành nhiệm vụ trở lên"), null=True, blank=True)
    staff_advanced = models.PositiveIntegerField(_("Số đạt «Lao động tiên tiến»"), null=True, blank=True)
    staff_emulation_fighters = models.PositiveIntegerField(_("Số đạt «Chiến sĩ thi đua cơ sở»"), null=True, blank=True)
    note = NFCCharField(_("Ghi chú"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xếp loại năm")
        verbose_name_plural = _("xếp loại hằng năm")
        ordering = ["-year", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="rating_one_per_unit_year",
                violation_error_message=_("Đơn vị đã có xếp loại của năm này."),
            ),
            models.CheckConstraint(
                condition=models.Q(staff_completed__lte=models.F("staff_total"))
                | models.Q(staff_completed__isnull=True)
                | models.Q(staff_total__isnull=True),
                name="rating_completed_le_total",
                violation_error_message=_("Số hoàn thành nhiệm vụ không được lớn hơn tổng số người."),
            ),
            models.CheckConstraint(
                condition=models.Q(staff_advanced__lte=models.F("staff_total"))
                | models.Q(staff_advanced__isnull=True)
                | models.Q(staff_total__isnull=True),
                name="rating_advanced_le_total",
                violation_error_message=_("Số «Lao động tiên tiến» không được lớn hơn tổng số người."),
            ),
            models.CheckConstraint(
                condition=models.Q(staff_emulation_fighters__lte=models.F("staff_advanced"))
                | models.Q(staff_emulation_fighters__isnull=True)
                | models.Q(staff_advanced__isnull=True),
                name="rating_fighters_le_advanced",
                violation_error_message=_("Số «Chiến sĩ thi đua cơ sở» không được lớn hơn số «Lao động tiên tiến»."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100),
                name="rating_year_range",
                violation_error_message=_("Năm phải trong khoảng 2000–2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}: {self.rating}"


class AwardSource(models.TextChoices):
    DECISION = "decision", _("Quyết định khen thưởng trong phần mềm")
    IMPORT = "import", _("Nhập từ dữ liệu các năm trước")


class Award(models.Model):
    """An award a unit received: the history that consecutive-year checks read.

    Written when the board records a decision, or imported for the years before the app.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="awards", verbose_name=_("Đơn vị"))
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="awards", verbose_name=_("Hình thức khen thưởng")
    )
    year = models.PositiveSmallIntegerField(_("Năm thành tích"))
    decision_number = NFCCharField(_("Số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    source = models.CharField(_("Nguồn"), max_length=10, choices=AwardSource.choices, default=AwardSource.DECISION)
    note = NFCCharField(_("Ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("lịch sử khen thưởng")
        ordering = ["-year", "award_type__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "award_type", "year"],
                name="award_once_per_unit_type_year",
                violation_error_message=_("Đơn vị đã được ghi nhận hình thức khen thưởng này trong năm."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100), name="award_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type} — {self.unit} ({self.year})"
