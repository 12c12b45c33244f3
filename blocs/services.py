"""Writes with rules: each a function, keyword-only, in one transaction, raising ValidationError."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from blocs import defaults
from blocs.models import (
    MEMBERSHIP_ONE_DEPUTY,
    MEMBERSHIP_ONE_HEAD,
    MEMBERSHIP_UNIT_YEAR,
    AwardRule,
    AwardRulePriorAward,
    Bloc,
    MemberRole,
    Membership,
    RuleSet,
)
from units.models import AwardType, Unit

_CONSTRAINT_MESSAGES = {
    MEMBERSHIP_UNIT_YEAR: _("Mỗi đơn vị chỉ thuộc một khối trong một năm."),
    MEMBERSHIP_ONE_HEAD: _("Khối đã có khối trưởng trong năm này."),
    MEMBERSHIP_ONE_DEPUTY: _("Khối đã có khối phó trong năm này."),
}


def _membership_conflict(membership: Membership) -> str | None:
    """Explain, in the user's words, why this membership would break a constraint (None if it would not)."""
    others = Membership.objects.exclude(pk=membership.pk).filter(year=membership.year)
    clash = others.filter(unit=membership.unit).select_related("bloc").first()
    if clash:
        return _("%(unit)s đã thuộc %(bloc)s trong năm %(year)s.") % {
            "unit": membership.unit,
            "bloc": clash.bloc,
            "year": membership.year,
        }
    if membership.role in (MemberRole.HEAD, MemberRole.DEPUTY):
        holder = others.filter(bloc=membership.bloc, role=membership.role).select_related("unit").first()
        if holder:
            return _("%(unit)s đang là %(role)s của khối trong năm %(year)s; hãy đổi vai trò đơn vị đó trước.") % {
                "unit": holder.unit,
                "role": holder.get_role_display().lower(),
                "year": membership.year,
            }
    return None


def _save_membership(membership: Membership) -> Membership:
    problem = _membership_conflict(membership)
    if problem:
        raise ValidationError(problem)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent write got there first; the database is the last line
        text = str(exc)
        for name, message in _CONSTRAINT_MESSAGES.items():
            if name in text:
                raise ValidationError(message) from exc
        raise ValidationError(_("Không lưu được: dữ liệu trùng với một bản ghi khác.")) from exc
    return membership


@transaction.atomic
def membership_add(*, bloc: Bloc, unit: Unit, year: int, role: str = MemberRole.MEMBER, note: str = "") -> Membership:
    return _save_membership(Membership(bloc=bloc, unit=unit, year=year, role=role, note=note))


@transaction.atomic
def membership_change(*, membership: Membership, role: str, note: str, version: int) -> Membership:
    """Change a member's role for the year; refuses if someone changed it since it was loaded."""
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if current.version != version:
        raise ValidationError(
            _("Vai trò của %(unit)s vừa được người khác đổi thành «%(role)s». Hãy xem lại trước khi lưu.")
            % {"unit": current.unit, "role": current.get_role_display()}
        )
    current.role, current.note = role, note
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    _save_membership(current)
    current.refresh_from_db()
    return current


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()


@transaction.atomic
def membership_copy_year(*, from_year: int, to_year: int, blocs: list[Bloc] | None = None) -> tuple[int, list[str]]:
    """Set up `to_year` from `from_year`: each unit keeps its bloc and role, active blocs and units only.

    Units that already have a bloc in `to_year`, and heads/deputies whose place is taken, are left
    as they are and reported. Returns (how many copied, what was skipped and why).
    """
    if from_year == to_year:
        raise ValidationError(_("Năm nguồn và năm đích phải khác nhau."))
    source = Membership.objects.filter(year=from_year, bloc__active=True, unit__active=True).select_related(
        "bloc", "unit"
    )
    if blocs is not None:
        source = source.filter(bloc__in=blocs)
    target = Membership.objects.filter(year=to_year)
    taken_units = dict(target.values_list("unit_id", "bloc__name"))
    taken_roles = set(target.exclude(role=MemberRole.MEMBER).values_list("bloc_id", "role"))
    if not source.exists():
        raise ValidationError(_("Năm %(year)s chưa có thành viên nào để sao chép.") % {"year": from_year})
    created, skipped = [], []
    for old in source:
        if old.unit_id in taken_units:
            skipped.append(
                _("%(unit)s đã thuộc %(bloc)s năm %(year)s.")
                % {"unit": old.unit, "bloc": taken_units[old.unit_id], "year": to_year}
            )
            continue
        role = old.role
        if role != MemberRole.MEMBER and (old.bloc_id, role) in taken_roles:
            skipped.append(
                _("%(bloc)s đã có %(role)s năm %(year)s: %(unit)s được chép là thành viên.")
                % {"bloc": old.bloc, "role": old.get_role_display().lower(), "year": to_year, "unit": old.unit}
            )
            role = MemberRole.MEMBER
        created.append(Membership(bloc=old.bloc, unit=old.unit, year=to_year, role=role, note=old.note))
    for membership in created:
        membership.save()
    return len(created), skipped


@transaction.atomic
def ruleset_create_default(*, year: int) -> RuleSet:
    """A rule set with the defaults of DOMAIN.md, for a province's first year in the app."""
    rule_set = RuleSet.objects.create(
        year=year, name=defaults.RULE_SET_NAME, legal_basis=defaults.LEGAL_BASIS, **defaults.RULE_SET_VALUES
    )
    codes = set(defaults.AWARD_RULES) | {code for rows in defaults.PRIOR_AWARDS.values() for code, _count in rows}
    award_types = {a.code: a for a in AwardType.objects.filter(code__in=codes)}
    for code, values in defaults.AWARD_RULES.items():
        if code in award_types:
            rule = AwardRule.objects.create(rule_set=rule_set, award_type=award_types[code], **values)
            for prior_code, count in defaults.PRIOR_AWARDS.get(code, ()):
                if prior_code in award_types:
                    AwardRulePriorAward.objects.create(rule=rule, award_type=award_types[prior_code], count=count)
    return rule_set


@transaction.atomic
def ruleset_create_for_year(*, year: int) -> RuleSet:
    """Start a year's rule set from the latest earlier one, award rules included (the defaults if none)."""
    if RuleSet.objects.filter(year=year).exists():
        raise ValidationError(_("Năm %(year)s đã có quy chế.") % {"year": year})
    previous = RuleSet.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return ruleset_create_default(year=year)
    rules = list(previous.award_rules.all())
    priors = list(AwardRulePriorAward.objects.filter(rule__rule_set=previous))
    type_of_rule = {rule.pk: rule.award_type_id for rule in rules}
    new = RuleSet.objects.get(pk=previous.pk)
    new.pk = None
    new.year = year
    new.version = 1
    new.save()
    for rule in rules:
        rule.pk = None
        rule.rule_set = new
    # With their history rows (the user comes from the request), like every other change to a rule set.
    copied = {rule.award_type_id: rule for rule in bulk_create_with_history(rules, AwardRule)}
    for prior in priors:
        prior.pk = None
        prior.rule = copied[type_of_rule[prior.rule_id]]
    bulk_create_with_history(priors, AwardRulePriorAward)
    return new
