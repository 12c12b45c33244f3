"""Award decisions (Quyết định số …/QĐ-UBND): recording them, and attaching approved nominations.

Attaching is what turns the board's approval into history: each nomination moves to `decided`
(a ReviewEvent approved → decided, by the user), points at the decision, and the unit gets a
`units.Award` row (source: decision, with the decision's number and date) that the eligibility
checks of later years read. A decided nomination is final (awards/workflow.py).

A decision is a signed paper: once nominations are attached, its number, date, signer, award type
and year stay as recorded — only the note can change (to record a correction, say), and it cannot
be deleted. Before that, everything can be corrected and the decision deleted.

Every write runs in one transaction, takes keyword arguments, and raises ValidationError with a
Vietnamese message (PermissionDenied for a user who is not on the board).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

import awards.rules_decisions  # noqa: F401  (registers the permissions asked for below)
from awards.models import AwardDecision, Nomination, ReviewEvent, State
from blocs.years import MAX_YEAR, MIN_YEAR
from units.models import Award, AwardLevel, AwardSource, AwardType
from units.text import clean_text, nfc, search_key

ISSUER_PROVINCE = "UBND"  # the provincial People's Committee (its chairman signs)
ISSUER_PRIME_MINISTER = "TTg"  # the Prime Minister: national awards (Government flag, PM's certificate)
_NUMBER = re.compile(r"^(?:so:?)?(\d{1,6})((?:/\d{4})?)/q[đd]-(ubnd|ttg)$", re.IGNORECASE)
_OFFICIAL = re.compile(r"^\d{1,6}(?:/\d{4})?/QĐ-(?:UBND|TTg)$")
_SPACE = re.compile(r"\s+")
BATCH = 500
EDITABLE_WHEN_ATTACHED = frozenset({"note"})
FIELDS = ("number", "date", "signer", "signer_title", "award_type", "year", "note")


# --- The decision number ---------------------------------------------------------------------------


def tidy_number(value: str) -> str:
    """The number as typed, NFC, without spaces; a recognised "…/QĐ-UBND" or "…/QĐ-TTg" number is
    written the official way ("125/qd-ubnd" -> "125/QĐ-UBND"). Used for imported history too, where
    older numbering (QĐ-CT …) is kept as it is."""
    compact = _SPACE.sub("", nfc(value or ""))
    if _OFFICIAL.match(compact):
        return compact  # already written the official way (most rows of an imported file)
    match = _NUMBER.match(search_key(compact).replace(" ", "")) if compact else None
    if match is None:
        return compact
    serial, year, issuer = match.groups()
    issuer = ISSUER_PROVINCE if issuer.lower() == "ubnd" else ISSUER_PRIME_MINISTER
    return f"{serial}{year}/QĐ-{issuer}"


def issuer_of(number: str) -> str | None:
    """ "UBND" or "TTg" for a well-formed decision number, None otherwise."""
    match = _NUMBER.match(search_key(number).replace(" ", ""))
    if match is None:
        return None
    return ISSUER_PROVINCE if match.group(3).lower() == "ubnd" else ISSUER_PRIME_MINISTER


def expected_issuer(award_type: AwardType) -> str:
    """National awards (the Government's flag, the Prime Minister's certificate) are decided by the
    Prime Minister; the province's own awards by the provincial People's Committee."""
    return ISSUER_PRIME_MINISTER if award_type.level == AwardLevel.NATIONAL else ISSUER_PROVINCE


def number_errors(number: str, award_type: AwardType | None) -> list[str]:
    """What is wrong with a decision number (empty: nothing), in words a user can act on."""
    if not number:
        return [_("Hãy ghi số quyết định.")]
    issuer = issuer_of(number)
    if issuer is None:
        return [
            _(
                "Số quyết định «%(number)s» không đúng dạng: ghi như 125/QĐ-UBND (quyết định của Chủ tịch "
                "UBND tỉnh) hoặc 1234/QĐ-TTg (quyết định của Thủ tướng Chính phủ)."
            )
            % {"number": number}
        ]
    if award_type is not None and issuer != expected_issuer(award_type):
        if expected_issuer(award_type) == ISSUER_PRIME_MINISTER:
            message = _("«%(award)s» do Thủ tướng Chính phủ quyết định: số quyết định phải có dạng …/QĐ-TTg.")
        else:
            message = _("«%(award)s» do Chủ tịch UBND tỉnh quyết định: số quyết định phải có dạng …/QĐ-UBND.")
        return [message % {"award": award_type.name}]
    return []


# --- Checking a decision's values ------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionValues:
    """The fields of a decision as the user left them (text not yet cleaned)."""

    number: str
    date: date
    signer: str
    award_type: AwardType
    year: int
    signer_title: str = ""
    note: str = ""

    def cleaned(self) -> "DecisionValues":
        return DecisionValues(
            number=tidy_number(self.number),
            date=self.date,
            signer=clean_text(self.signer or ""),
            signer_title=clean_text(self.signer_title or ""),
            award_type=self.award_type,
            year=self.year,
            note=nfc(self.note or "").strip(),
        )

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}


def decision_errors(values: DecisionValues, *, exclude_pk: int | None = None) -> dict[str, list[str]]:
    """Field name -> messages for a decision's values (already cleaned). One query (the number's uniqueness)."""
    errors: dict[str, list[str]] = {}
    problems = number_errors(values.number, values.award_type)
    if problems:
        errors["number"] = problems
    if not values.signer:
        errors["signer"] = [_("Hãy ghi họ tên người ký.")]
    if not MIN_YEAR <= values.year <= MAX_YEAR:
        errors["year"] = [_("Năm phải trong khoảng %(min)s–%(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}]
    today = timezone.localdate()
    if values.date > today:
        errors["date"] = [_("Ngày ký không thể sau hôm nay (%(today)s).") % {"today": f"{today:%d/%m/%Y}"}]
    elif values.date.year < values.year:
        errors["date"] = [
            _("Quyết định khen thưởng thành tích năm %(year)s phải ký từ năm %(year)s trở đi, không phải %(date)s.")
            % {"year": values.year, "date": f"{values.date:%d/%m/%Y}"}
        ]
    if "number" not in errors:
        clash = AwardDecision.objects.filter(number=values.number, date=values.date).exclude(pk=exclude_pk).first()
        if clash is not None:
            errors["number"] = [
                _("Đã có quyết định số %(number)s ký ngày %(date)s (khen thưởng «%(award)s» năm %(year)s).")
                % {
                    "number": clash.number,
                    "date": f"{clash.date:%d/%m/%Y}",
                    "award": clash.award_type.name,
                    "year": clash.year,
                }
            ]
    return errors


def _require_board(user) -> None:
    if not user.has_perm("awards.record_decision"):
        raise PermissionDenied(_("Chỉ Ban Thi đua - Khen thưởng được ghi quyết định khen thưởng."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError({name: [ValidationError(m) for m in messages] for name, messages in errors.items()})


def _duplicate_number() -> ValidationError:
    return ValidationError(
        {"number": [_("Đã có quyết định mang số này, cùng ngày ký (có thể vừa có người ghi cùng lúc).")]}
    )


# --- Creating, editing, deleting -------------------------------------------------------------------


@transaction.atomic
def decision_create(*, values: DecisionValues, user) -> AwardDecision:
    """Record a decision (no nominations yet)."""
    _require_board(user)
    values = values.cleaned()
    _raise(decision_errors(values))
    decision = AwardDecision(**values.as_dict(), created_by=user)
    decision._history_user = user
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise _duplicate_number() from None
    return decision


def attached_count(decision: AwardDecision) -> int:
    return Nomination.objects.filter(decision=decision).count()


@transaction.atomic
def decision_update(*, decision: AwardDecision, values: DecisionValues, expected_version: int, user) -> AwardDecision:
    """Change a decision. Refused if someone saved it since the form was loaded, and — once nominations
    are attached — for anything but the note (the signed paper and the awards written from it stay as
    recorded)."""
    _require_board(user)
    current = AwardDecision.objects.select_for_update().select_related("award_type").get(pk=decision.pk)
    if current.version != expected_version:
        raise ValidationError(
            _(
                "Người khác vừa lưu quyết định này trước bạn; chưa có gì được ghi. Hiện tại: số %(number)s, "
                "ngày %(date)s, người ký %(signer)s, ghi chú «%(note)s». Hãy xem lại rồi lưu lại."
            )
            % {
                "number": current.number,
                "date": f"{current.date:%d/%m/%Y}",
                "signer": current.signer,
                "note": current.note,
            },
            code="conflict",
        )
    values = values.cleaned()
    changed = {name for name, value in values.as_dict().items() if getattr(current, name) != value}
    if not changed:
        return current
    count = attached_count(current)
    if count and changed - EDITABLE_WHEN_ATTACHED:
        raise ValidationError(
            _(
                "Quyết định đã có %(count)s hồ sơ gắn vào và đã ghi vào lịch sử khen thưởng của các đơn vị: "
                "chỉ sửa được ghi chú. Nếu quyết định giấy có sai sót, hãy ghi việc đính chính vào ghi chú."
            )
            % {"count": count},
            code="attached",
        )
    if not count:
        _raise(decision_errors(values, exclude_pk=current.pk))
    for name in changed:
        setattr(current, name, getattr(values, name))
    current.version += 1
    current._history_user = user
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise _duplicate_number() from None
    return current


@transaction.atomic
def decision_delete(*, decision: AwardDecision, user) -> None:
    """Delete a decision recorded by mistake; refused once nominations are attached."""
    _require_board(user)
    current = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    count = attached_count(current)
    if count:
        raise ValidationError(
            _(
                "Không xóa được quyết định số %(number)s: đã có %(count)s hồ sơ gắn vào và đã ghi vào lịch sử "
                "khen thưởng của các đơn vị."
            )
            % {"number": current.number, "count": count},
            code="attached",
        )
    current._history_user = user
    current.delete()


# --- Attaching approved nominations ----------------------------------------------------------------


def attachable(decision: AwardDecision) -> QuerySet[Nomination]:
    """The approved nominations of the decision's year and award type that no decision names yet."""
    return (
        Nomination.objects.filter(
            state=State.APPROVED, award_type_id=decision.award_type_id, year=decision.year, decision__isnull=True
        )
        .select_related("unit", "bloc")
        .order_by("bloc__sort_key", "bloc__pk", "unit__sort_key", "unit__pk")
    )


def _refusals(decision: AwardDecision, versions: dict[int, int], found: dict[int, Nomination]) -> list[str]:
    problems = []
    for pk, expected in versions.items():
        n = found.get(pk)
        if n is None:
            problems.append(_("Hồ sơ số %(pk)s không còn trong phần mềm.") % {"pk": pk})
            continue
        name = {"unit": n.unit.name, "award": n.award_type.name, "year": n.year}
        if n.state == State.DECIDED:
            problems.append(
                _("%(unit)s: hồ sơ đã có quyết định khen thưởng số %(number)s.")
                % {**name, "number": n.decision.number if n.decision else "—"}
            )
        elif n.state != State.APPROVED:
            problems.append(
                _("%(unit)s: hồ sơ đang ở trạng thái «%(state)s»; chỉ gắn được hồ sơ «%(approved)s».")
                % {**name, "state": n.get_state_display(), "approved": State.APPROVED.label}
            )
        elif n.award_type_id != decision.award_type_id:
            problems.append(
                _("%(unit)s: hồ sơ đề nghị «%(award)s», quyết định này khen thưởng «%(decided)s».")
                % {**name, "decided": decision.award_type.name}
            )
        elif n.year != decision.year:
            problems.append(
                _("%(unit)s: hồ sơ là thành tích năm %(year)s, quyết định này khen thưởng năm %(decided)s.")
                % {**name, "decided": decision.year}
            )
        elif n.version != expected:
            problems.append(
                _("%(unit)s: hồ sơ vừa được thay đổi sau khi bạn mở trang; hãy tải lại trang rồi chọn lại.") % name
            )
    return problems


@transaction.atomic
def decision_attach(*, decision: AwardDecision, versions: dict[int, int], user) -> list[Nomination]:
    """Attach the nominations `versions` names (pk -> the version the page showed) to the decision.

    All or nothing: any nomination not approved, of another award type or year, already decided, or
    changed since the page was loaded refuses the whole action, with every reason. Queries do not grow
    with the number of nominations (bulk writes in batches of BATCH).
    """
    _require_board(user)
    if not versions:
        raise ValidationError(_("Hãy chọn ít nhất một hồ sơ để gắn vào quyết định."), code="empty")
    current = AwardDecision.objects.select_for_update().select_related("award_type").get(pk=decision.pk)
    found = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=list(versions))
        .select_related("unit", "award_type", "decision")
    }
    problems = _refusals(current, versions, found)
    nominations = sorted(found.values(), key=lambda n: (n.unit.sort_key, n.pk))
    awards = {
        a.unit_id: a
        for a in Award.objects.select_for_update().filter(
            unit_id__in=[n.unit_id for n in nominations], award_type_id=current.award_type_id, year=current.year
        )
    }
    to_relabel = []
    for n in nominations if not problems else ():
        award = awards.get(n.unit_id)
        if award is None:
            continue
        if (award.decision_number, award.decision_date) == (current.number, current.date):
            to_relabel.append(award)  # the same fact, imported earlier: now backed by the decision
            continue
        problems.append(
            _(
                "%(unit)s đã được ghi nhận «%(award)s» năm %(year)s theo quyết định số %(number)s (%(source)s); "
                "không ghi thêm được."
            )
            % {
                "unit": n.unit.name,
                "award": current.award_type.name,
                "year": current.year,
                "number": award.decision_number or "—",
                "source": award.get_source_display().lower(),
            }
        )
    if problems:
        raise ValidationError(problems, code="refused")

    reason = _("Quyết định số %(number)s ngày %(date)s") % {
        "number": current.number,
        "date": f"{current.date:%d/%m/%Y}",
    }
    ReviewEvent.objects.bulk_create(
        [
            ReviewEvent(nomination=n, from_state=State.APPROVED, to_state=State.DECIDED, by=user, reason=reason)
            for n in nominations
        ],
        batch_size=BATCH,
    )
    for n in nominations:
        n.state = State.DECIDED
        n.decision = current
        n.version += 1
    bulk_update_with_history(
        nominations,
        Nomination,
        ["state", "decision", "version"],
        batch_size=BATCH,
        default_user=user,
        default_change_reason=reason[:100],
    )
    new_awards = [
        Award(
            unit_id=n.unit_id,
            award_type_id=current.award_type_id,
            year=current.year,
            decision_number=current.number,
            decision_date=current.date,
            source=AwardSource.DECISION,
        )
        for n in nominations
        if n.unit_id not in awards
    ]
    bulk_create_with_history(new_awards, Award, batch_size=BATCH, default_user=user, default_change_reason=reason[:100])
    for award in to_relabel:
        award.source = AwardSource.DECISION
    if to_relabel:
        bulk_update_with_history(
            to_relabel, Award, ["source"], batch_size=BATCH, default_user=user, default_change_reason=reason[:100]
        )
    return nominations
