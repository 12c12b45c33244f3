from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.fields import NFCCharField, NFCTextField, SearchKeyField, SortKeyField
from units.models import AwardType, Rating, SearchableQuerySet, Unit
from units.text import fraction_text


class BlocKind(models.TextChoices):
    KHOI = "khoi", _("Khối thi đua")
    CUM = "cum", _("Cụm thi đua")


class Bloc(models.Model):
    """An emulation bloc (khối) or cluster (cụm): the same thing for the app, told apart by kind."""

    code = models.SlugField(
        _("Mã khối"),
        max_length=40,
        unique=True,
        help_text=_("Mã duy nhất, không dấu, dùng khi nhập/xuất Excel, ví dụ: tham-muu-tong-hop."),
        error_messages={"unique": _("Đã có khối dùng mã này.")},
    )
    name = NFCCharField(
        _("Tên khối, cụm"),
        max_length=255,
        unique=True,
        error_messages={"unique": _("Đã có khối, cụm mang tên này.")},
    )
    kind = models.CharField(_("Loại"), max_length=10, choices=BlocKind.choices, default=BlocKind.KHOI)
    description = NFCTextField(_("Mô tả"), blank=True)
    active = models.BooleanField(_("Đang hoạt động"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_key = SearchKeyField(sources=("name", "code"))
    sort_key = SortKeyField(sources=("name",))
    history = HistoricalRecords()

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("khối, cụm thi đua")
        verbose_name_plural = _("khối, cụm thi đua")
        ordering = ["sort_key", "pk"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    HEAD = "head", _("Khối trưởng")
    DEPUTY = "deputy", _("Khối phó")
    MEMBER = "member", _("Thành viên")


class MembershipQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "MembershipQuerySet":
        return self.filter(year=year)

    def heads(self) -> "MembershipQuerySet":
        return self.filter(role=MemberRole.HEAD)


MEMBERSHIP_UNIT_YEAR = "membership_one_bloc_per_unit_year"
MEMBERSHIP_ONE_HEAD = "membership_one_head_per_bloc_year"
MEMBERSHIP_ONE_DEPUTY = "membership_one_deputy_per_bloc_year"


class Membership(models.Model):
    """A unit's place in a bloc for one year, with its role that year (head, deputy, member)."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("Khối"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("Đơn vị"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    role = models.CharField(_("Vai trò"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    note = NFCCharField(_("Ghi chú"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên khối")
        verbose_name_plural = _("thành viên khối theo năm")
        ordering = ["year", "bloc", "unit__sort_key"]
        # The year-wide reads (the header's years, the members of every bloc in a year) use it.
        indexes = [models.Index(fields=["year", "bloc"], name="membership_year_bloc")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name=MEMBERSHIP_UNIT_YEAR,
                violation_error_message=_("Mỗi đơn vị chỉ thuộc một khối trong một năm."),
            ),
            models.UniqueConstraint(
                fields=["bloc", "year"],
                condition=Q(role="head"),
                name=MEMBERSHIP_ONE_HEAD,
                violation_error_message=_("Khối đã có khối trưởng trong năm này."),
            ),
            models.UniqueConstraint(
                fields=["bloc", "year"],
                condition=Q(role="deputy"),
                name=MEMBERSHIP_ONE_DEPUTY,
                violation_error_message=_("Khối đã có khối phó trong năm này."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="membership_year_range",
                violation_error_message=_("Năm phải trong khoảng 2000–2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.bloc} ({self.year})"


class RoleKind(models.TextChoices):
    BOARD_ADMIN = "board_admin", _("Quản trị Ban Thi đua - Khen thưởng")
    BOARD_REVIEWER = "board_reviewer", _("Chuyên viên thẩm định Ban Thi đua - Khen thưởng")
    VIEWER = "viewer", _("Xem (toàn tỉnh)")
    BLOC_SECRETARY = "bloc_secretary", _("Thư ký khối")
    BLOC_HEAD = "bloc_head", _("Khối trưởng (người ký)")
    UNIT_OFFICER = "unit_officer", _("Cán bộ phụ trách TĐKT của đơn vị")


PROVINCE_ROLES = (RoleKind.BOARD_ADMIN, RoleKind.BOARD_REVIEWER, RoleKind.VIEWER)
BLOC_ROLES = (RoleKind.BLOC_SECRETARY, RoleKind.BLOC_HEAD)


class Role(models.Model):
    """What a person may do, and where: province-wide, in one bloc, or in one unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("Người dùng")
    )
    kind = models.CharField(_("Vai trò"), max_length=20, choices=RoleKind.choices)
    bloc = models.ForeignKey(
        Bloc, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("Khối")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("Đơn vị")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[k.value for k in PROVINCE_ROLES], bloc__isnull=True, unit__isnull=True)
                    | Q(kind__in=[k.value for k in BLOC_ROLES], bloc__isnull=False, unit__isnull=True)
                    | Q(kind=RoleKind.UNIT_OFFICER.value, bloc__isnull=True, unit__isnull=False)
                ),
                name="role_scope_matches_kind",
                violation_error_message=_(
                    "Vai trò toàn tỉnh không gắn khối/đơn vị; thư ký, khối trưởng cần chọn khối; "
                    "cán bộ đơn vị cần chọn đơn vị."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(bloc__isnull=True, unit__isnull=True),
                name="role_unique_province",
                violation_error_message=_("Người dùng đã có vai trò này."),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "bloc"],
                condition=Q(bloc__isnull=False),
                name="role_unique_bloc",
                violation_error_message=_("Người dùng đã có vai trò này ở khối này."),
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=Q(unit__isnull=False),
                name="role_unique_unit",
                violation_error_message=_("Người dùng đã là cán bộ của đơn vị này."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.bloc or self.unit
        return f"{self.get_kind_display()} — {scope}" if scope else self.get_kind_display()


class VoteBase(models.TextChoices):
    ENTITLED = "entitled", _("Tổng số thành viên có quyền bỏ phiếu")
    PRESENT = "present", _("Số thành viên có mặt")
    VALID = "valid", _("Số phiếu hợp lệ")


class RuleSet(models.Model):
    """The year's rules (quy chế): thresholds, quorum, quotas and scales are data, never code."""

    year = models.PositiveSmallIntegerField(
        _("Năm"), unique=True, error_messages={"unique": _("Năm này đã có quy chế.")}
    )
    name = NFCCharField(_("Tên quy chế"), max_length=255)
    issued_by = NFCCharField(
        _("Văn bản ban hành"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Quyết định số 354/QĐ-UBND ngày 12/3/2018 của UBND tỉnh."),
    )
    legal_basis = NFCTextField(_("Căn cứ pháp lý"), help_text=_("Mỗi dòng một văn bản."))
    vote_base = models.CharField(
        _("Cơ sở tính tỷ lệ phiếu"), max_length=10, choices=VoteBase.choices, default=VoteBase.ENTITLED
    )
    vote_threshold_num = models.PositiveSmallIntegerField(_("Ngưỡng phiếu — tử số"), default=70)
    vote_threshold_den = models.PositiveSmallIntegerField(_("Ngưỡng phiếu — mẫu số"), default=100)
    vote_threshold_strict = models.BooleanField(
        _("Phải vượt ngưỡng"), default=False, help_text=_("Bật: phải lớn hơn ngưỡng; tắt: từ ngưỡng trở lên.")
    )
    quorum_num = models.PositiveSmallIntegerField(_("Số lượng tối thiểu dự họp — tử số"), default=2)
    quorum_den = models.PositiveSmallIntegerField(_("Số lượng tối thiểu dự họp — mẫu số"), default=3)
    score_max = models.DecimalField(_("Thang điểm tối đa"), max_digits=7, decimal_places=2, default=Decimal(100))
    score_step = models.DecimalField(_("Bước điểm"), max_digits=4, decimal_places=2, default=Decimal("0.5"))
    bonus_cap = models.DecimalField(_("Điểm thưởng tối đa"), max_digits=6, decimal_places=2, default=Decimal(5))
    tie_break = NFCTextField(
        _("Tiêu chí xếp hạng khi bằng điểm"),
        blank=True,
        default="Điểm nhóm I cao hơn; nếu vẫn bằng: ít điểm trừ hơn; nếu vẫn bằng: do Khối bình xét.",
    )
    note = NFCTextField(_("Ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy chế")
        verbose_name_plural = _("quy chế theo năm")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_threshold_den__gt=0) & Q(vote_threshold_num__lte=models.F("vote_threshold_den")),
                name="ruleset_threshold_fraction",
                violation_error_message=_("Ngưỡng phiếu phải là một phân số từ 0 đến 1."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_den__gt=0) & Q(quorum_num__lte=models.F("quorum_den")),
                name="ruleset_quorum_fraction",
                violation_error_message=_("Tỷ lệ dự họp tối thiểu phải là một phân số từ 0 đến 1."),
            ),
            models.CheckConstraint(
                condition=Q(score_max__gt=0) & Q(score_step__gt=0) & Q(bonus_cap__gte=0),
                name="ruleset_scores_positive",
                violation_error_message=_("Thang điểm và bước điểm phải lớn hơn 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def vote_threshold(self) -> Fraction:
        return Fraction(self.vote_threshold_num, self.vote_threshold_den)

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_num, self.quorum_den)

    def vote_rule_text(self) -> str:
        """The threshold in words, as the minutes and every check quote it."""
        share = fraction_text(self.vote_threshold)
        base = self.get_vote_base_display().lower()
        if self.vote_threshold_strict:
            return _("trên %(share)s %(base)s") % {"share": share, "base": base}
        return _("từ %(share)s %(base)s trở lên") % {"share": share, "base": base}

    def quorum_text(self) -> str:
        return _("từ %(share)s tổng số thành viên trở lên") % {"share": fraction_text(self.quorum)}

    def citations(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]


class QuotaBase(models.TextChoices):
    MEMBERS = "members", _("Tổng số đơn vị thành viên của khối")
    REMAINING = "remaining", _("Số đơn vị còn lại (trừ đơn vị dẫn đầu)")
    BLOC_LEADERS = "bloc_leaders", _("Số đơn vị dẫn đầu các khối toàn tỉnh")


class AwardRule(models.Model):
    """How the year's rule set treats one award type: quota, rating and consecutive-year conditions."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="award_rules", verbose_name=_("Quy chế")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("Hình thức khen thưởng")
    )
    quota_percent = models.DecimalField(
        _("Tỷ lệ tối đa (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Để trống nếu không giới hạn. Số lượng được làm tròn xuống."),
    )  # fmt: skip
    quota_base = models.CharField(_("Tính trên"), max_length=15, choices=QuotaBase.choices, default=QuotaBase.MEMBERS)
    quota_count = models.PositiveSmallIntegerField(
        _("Số lượng tối đa mỗi khối"), null=True, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    required_rating = models.CharField(_("Xếp loại yêu cầu"), max_length=10, choices=Rating.choices, blank=True)
    consecutive_years = models.PositiveSmallIntegerField(_("Số năm liên tục đạt xếp loại"), default=0)
    citation = NFCCharField(_("Căn cứ"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điều kiện, chỉ tiêu khen thưởng")
        verbose_name_plural = _("điều kiện, chỉ tiêu khen thưởng")
        ordering = ["award_type__order", "award_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "award_type"],
                name="awardrule_unique_per_ruleset",
                violation_error_message=_("Hình thức khen thưởng này đã có trong quy chế."),
            ),
            models.CheckConstraint(
                condition=Q(quota_percent__isnull=True) | (Q(quota_percent__gte=0) & Q(quota_percent__lte=100)),
                name="awardrule_quota_percent_range",
                violation_error_message=_("Tỷ lệ phải từ 0 đến 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type} — {self.rule_set.year}"

    def prior_awards_text(self) -> str:
        """ "Trong thời gian đó được tặng ít nhất 1 Cờ thi đua của UBND tỉnh hoặc 2 Bằng khen của Chủ tịch UBND
        tỉnh" (the prefetched `prior_awards` with their award types); empty when the rule asks for none."""
        options = [f"{row.count} {row.award_type.name}" for row in self.prior_awards.all()]
        if not options:
            return ""
        return gettext("Trong thời gian đó được tặng ít nhất %(options)s") % {
            "options": gettext(" hoặc ").join(options)
        }


class AwardRulePriorAward(models.Model):
    """One way of meeting an award rule's condition on awards already received: within the rule's consecutive
    years (the same years as its ratings), at least `count` awards of `award_type`.

    A rule with several of these is met when any one is (1 provincial flag or 2 provincial certificates);
    a rule with none has no such condition.
    """

    rule = models.ForeignKey(
        AwardRule, on_delete=models.CASCADE, related_name="prior_awards", verbose_name=_("Điều kiện khen thưởng")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("Hình thức đã được tặng")
    )
    count = models.PositiveSmallIntegerField(
        _("Số lần tối thiểu"), default=1, validators=[MinValueValidator(1, _("Số lần phải từ 1 trở lên."))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khen thưởng đã nhận trong thời gian xét")
        verbose_name_plural = _("khen thưởng đã nhận trong thời gian xét")
        ordering = ["award_type__order", "award_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "award_type"],
                name="awardrule_prior_unique_type",
                violation_error_message=_("Hình thức này đã có trong điều kiện."),
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="awardrule_prior_count_positive",
                violation_error_message=_("Số lần phải từ 1 trở lên."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.award_type} — {self.rule}"
