"""Ballots at a meeting: creating one under the year's rule, recording its counts, reading its result,
and writing an election's result into next year's membership.

Every write runs in one transaction and calls `ensure_year_open` for the meeting's bloc-year first
(an election also for next year's): a closed year is read-only. The arithmetic is in
meetings/voting.py; here is only what reads and writes the database.
"""

from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from blocs.models import AwardRule, Bloc, MemberRole, Membership, QuotaBase, RuleSet
from blocs.services import membership_add, membership_change
from blocs.services_year import ensure_year_open
from meetings import voting
from meetings.models import Attendance, Ballot, BallotCandidate, BallotPurpose, Meeting
from units.models import AwardType, Unit
from units.text import clean_text

ELECTIONS = (BallotPurpose.HEAD, BallotPurpose.DEPUTY)


# --- Reading -------------------------------------------------------------------------------------


def member_count(*, bloc: Bloc | int, year: int) -> int:
    bloc_id = bloc if isinstance(bloc, int) else bloc.pk
    return Membership.objects.filter(bloc_id=bloc_id, year=year).count()


def meeting_quorum(meeting: Meeting, *, rule_set: RuleSet | None = None) -> voting.QuorumResult:
    """The meeting's quorum from its attendance and the year's rule set (three queries at most).

    Present = member units of the bloc-year recorded as present; attendance not recorded at all
    (no row) gives `present=None`: "Chưa ghi danh sách dự họp".
    """
    members = set(
        Membership.objects.filter(bloc_id=meeting.bloc_id, year=meeting.year).values_list("unit_id", flat=True)
    )
    rows = list(Attendance.objects.filter(meeting=meeting).values_list("unit_id", "present"))
    if rule_set is None:
        rule_set = RuleSet.objects.filter(year=meeting.year).first()
    return voting.attendance_quorum(members=members, attendance=rows, quorum=rule_set.quorum if rule_set else None)


def ballot_candidates(ballot: Ballot) -> list[voting.Candidate]:
    """The ballot's candidates in its order (uses the prefetched `candidates` with units if there)."""
    return [voting.Candidate(key=c.unit_id, name=c.unit.name, votes=c.votes) for c in ballot.candidates.all()]


def ballot_result(ballot: Ballot, *, quorum: voting.QuorumResult | None = None) -> voting.BallotResult:
    """What the ballot decided under the rule copied into it."""
    if quorum is None:
        quorum = meeting_quorum(ballot.meeting)
    return voting.ballot_result(
        candidates=ballot_candidates(ballot),
        entitled=ballot.entitled,
        issued=ballot.issued,
        returned=ballot.returned,
        valid=ballot.valid,
        seats=ballot.seats,
        vote_base=ballot.vote_base,
        threshold=Fraction(ballot.threshold_num, ballot.threshold_den),
        strict=ballot.threshold_strict,
        quorum=quorum,
        quota=ballot.quota_limit,
    )


@dataclass(frozen=True)
class BallotView:
    """A ballot with its result, as `templates/meetings/ballot_result.html` shows it."""

    ballot: Ballot
    result: voting.BallotResult

    @property
    def is_election(self) -> bool:
        return self.ballot.purpose in ELECTIONS

    @property
    def next_year(self) -> int:
        return self.ballot.meeting.year + 1

    @property
    def can_apply(self) -> bool:
        """An election whose result may be written into next year's membership now."""
        return (
            self.is_election and self.ballot.applied_at is None and self.result.valid and len(self.result.chosen) == 1
        )

    @property
    def proposals(self) -> list[voting.CandidateResult]:
        """Award ballots: the units proposed (chosen, within the quota, on a valid ballot)."""
        if self.ballot.purpose != BallotPurpose.AWARD or not self.result.valid or not self.result.quota_ok:
            return []
        return self.result.chosen


def ballots_queryset():
    return Ballot.objects.select_related("award_type", "applied_by", "meeting").prefetch_related(
        Prefetch("candidates", queryset=BallotCandidate.objects.select_related("unit").order_by("order", "pk"))
    )


def meeting_ballots(meeting: Meeting, *, quorum: voting.QuorumResult | None = None) -> list[BallotView]:
    """Every ballot of the meeting with its result, in order: five queries whatever their number."""
    if quorum is None:
        quorum = meeting_quorum(meeting)
    ballots = list(ballots_queryset().filter(meeting=meeting).order_by("order", "pk"))
    return [BallotView(ballot, ballot_result(ballot, quorum=quorum)) for ballot in ballots]


@dataclass(frozen=True)
class PassedCandidate:
    """A unit a ballot proposes for an award: what the nominations read."""

    unit: Unit
    award_type: AwardType
    votes: int
    share: Fraction
    share_text: str
    rule_text: str
    meeting: Meeting


def passed_candidates(ballot: Ballot) -> list[PassedCandidate]:
    """The units this award ballot proposes: passed the threshold, within the seats (a tie at the last
    place proposes none of the tied), on a valid ballot (quorum, counts) within the quota. Empty for
    any other ballot."""
    if ballot.purpose != BallotPurpose.AWARD:
        return []
    ballot = ballots_queryset().get(pk=ballot.pk)
    view = BallotView(ballot, ballot_result(ballot))
    units = {c.unit_id: c.unit for c in ballot.candidates.all()}
    return [
        PassedCandidate(
            unit=units[row.key],
            award_type=ballot.award_type,
            votes=row.votes,
            share=row.share,
            share_text=row.share_text,
            rule_text=view.result.rule_text,
            meeting=ballot.meeting,
        )
        for row in view.proposals
    ]


# --- Words ---------------------------------------------------------------------------------------


def proposed_ballot_title(*, purpose: str, award_type: AwardType | None, year: int) -> str:
    if purpose == BallotPurpose.AWARD and award_type is not None:
        return _("Bình xét đề nghị tặng %(award)s") % {"award": award_type.name}
    if purpose == BallotPurpose.HEAD:
        return _("Bầu đơn vị khối trưởng năm %(year)s") % {"year": year + 1}
    if purpose == BallotPurpose.DEPUTY:
        return _("Bầu đơn vị khối phó năm %(year)s") % {"year": year + 1}
    return ""


def _percent_words(value) -> str:
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}%"


def quota_for(*, award_rule: AwardRule | None, bloc: Bloc, year: int, members: int) -> tuple[int | None, str]:
    """The quota an award rule sets for this bloc-year: (limit, the sentence that explains it)."""
    if award_rule is None or (award_rule.quota_percent is None and award_rule.quota_count is None):
        return None, ""
    parts = []
    base_size = 0
    if award_rule.quota_percent is not None:
        if award_rule.quota_base == QuotaBase.REMAINING:
            base_size = max(members - 1, 0)
        elif award_rule.quota_base == QuotaBase.BLOC_LEADERS:
            base_size = (
                Bloc.objects.filter(active=True, memberships__year=year).distinct().count()
            )  # one leading unit per active bloc of the year
        else:
            base_size = members
        parts.append(
            _("%(percent)s %(base)s (%(size)s)")
            % {
                "percent": _percent_words(award_rule.quota_percent),
                "base": award_rule.get_quota_base_display().lower(),
                "size": base_size,
            }
        )
    if award_rule.quota_count is not None:
        parts.append(_("%(count)s đơn vị mỗi khối") % {"count": award_rule.quota_count})
    limit = voting.quota_limit(award_rule.quota_percent, award_rule.quota_count, base_size)
    text = _("tối đa %(parts)s: %(limit)s đơn vị") % {"parts": _(" và không quá ").join(parts), "limit": limit}
    return limit, text[:255]


def rule_citation(*, rule_set: RuleSet, award_rule: AwardRule | None) -> str:
    """The rule set's name, the document that issued it, its legal basis and the award rule's citation."""
    head = rule_set.name + (f" ({rule_set.issued_by})" if rule_set.issued_by else "")
    lines = [head, *rule_set.citations()]
    if award_rule is not None and award_rule.citation:
        lines.append(award_rule.citation)
    text = "; ".join(lines)
    return text if len(text) <= 500 else text[:499] + "…"


REASON_LENGTH = 100  # django-simple-history's change reason column


def _fit(template: str, values: dict, *, stretch: str, limit: int) -> str:
    """`template % values`, shortening values[stretch] with "…" so that the text fits in `limit`."""
    text = template % values
    if len(text) <= limit:
        return text
    room = len(values[stretch]) - (len(text) - limit) - 1
    cut = values[stretch][: max(room, 0)]
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]  # at a word boundary
    cut = cut.rstrip(" ,;:")
    if cut:
        return template % {**values, stretch: cut + "…"}
    return text[: limit - 1] + "…"


def election_note(ballot: Ballot, *, limit: int = 255) -> str:
    """ "Được bầu làm khối trưởng năm 2026 tại Hội nghị tổng kết … ngày 28/12/2025": the membership's note
    (255 characters) and, shortened to 100, its history's change reason."""
    meeting = ballot.meeting
    values = {
        "role": MemberRole(ballot.purpose).label.lower(),
        "year": meeting.year + 1,
        "meeting": meeting.title,
        "date": timezone.localtime(meeting.held_at).strftime("%d/%m/%Y"),
    }
    return _fit(_("Được bầu làm %(role)s năm %(year)s tại %(meeting)s ngày %(date)s"), values, stretch="meeting",
                limit=limit)  # fmt: skip


# --- Writing -------------------------------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    meeting: Meeting,
    purpose: str,
    award_type: AwardType | None,
    title: str,
    seats: int,
    candidates: list[Unit],
) -> Ballot:
    """A new ballot with its candidates, counted under a copy of the year's rule (and quota).

    The threshold, base and citations are copied from the year's rule set, the quota from its award
    rule for the award type, so the result never changes when the rule set is edited later.
    Elections choose one unit. Errors name the field they belong to.
    """
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    rule_set = RuleSet.objects.filter(year=meeting.year).first()
    if rule_set is None:
        raise ValidationError(
            _("Năm %(year)s chưa có quy chế: Ban Thi đua - Khen thưởng cần tạo quy chế trước khi bỏ phiếu.")
            % {"year": meeting.year}
        )
    errors: dict[str, list[str]] = {}
    if purpose not in BallotPurpose.values:
        errors.setdefault("purpose", []).append(_("Chọn mục đích bỏ phiếu."))
    if purpose == BallotPurpose.AWARD and award_type is None:
        errors.setdefault("award_type", []).append(_("Phiếu bình xét khen thưởng phải ghi hình thức khen thưởng."))
    if purpose != BallotPurpose.AWARD:
        award_type = None
    if purpose in ELECTIONS:
        seats = 1
    if seats is None or seats < 1:
        errors.setdefault("seats", []).append(_("Số được chọn tối đa ít nhất là 1."))
    members = {m.unit_id: m.unit for m in Membership.objects.filter(bloc_id=meeting.bloc_id, year=meeting.year)
               .select_related("unit")}  # fmt: skip
    chosen_ids = list(dict.fromkeys(unit.pk for unit in candidates))
    outsiders = [unit.name for unit in candidates if unit.pk not in members]
    if not chosen_ids:
        errors.setdefault("candidates", []).append(_("Chọn ít nhất một đơn vị được bỏ phiếu."))
    elif outsiders:
        errors.setdefault("candidates", []).append(
            _("Không phải thành viên của khối năm %(year)s: %(units)s.")
            % {"year": meeting.year, "units": ", ".join(outsiders)}
        )
    award_rule = None
    if award_type is not None:
        award_rule = AwardRule.objects.filter(rule_set=rule_set, award_type=award_type).first()
    limit, quota_text = quota_for(award_rule=award_rule, bloc=meeting.bloc, year=meeting.year, members=len(members))
    if limit is not None and seats and seats > limit:
        errors.setdefault("seats", []).append(
            _("Theo quy chế, khối được đề nghị %(quota)s; số được chọn không được vượt chỉ tiêu.")
            % {"quota": quota_text}
        )
    title = clean_text(title or "") or proposed_ballot_title(purpose=purpose, award_type=award_type, year=meeting.year)
    if not title and "award_type" not in errors:
        errors.setdefault("title", []).append(_("Nhập nội dung bỏ phiếu."))
    if not members:
        errors.setdefault("candidates", []).append(_("Khối chưa có thành viên năm %(year)s.") % {"year": meeting.year})
    if errors:
        raise ValidationError(errors)
    order = (Ballot.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0) + 1
    ballot = Ballot(
        meeting=meeting,
        order=order,
        purpose=purpose,
        award_type=award_type,
        title=title[:255],
        seats=seats,
        entitled=len(members),
        vote_base=rule_set.vote_base,
        threshold_num=rule_set.vote_threshold_num,
        threshold_den=rule_set.vote_threshold_den,
        threshold_strict=rule_set.vote_threshold_strict,
        rule_citation=rule_citation(rule_set=rule_set, award_rule=award_rule),
        quota_limit=limit,
        quota_text=quota_text,
    )
    ballot.full_clean(exclude=["meeting", "award_type", "applied_by"])
    ballot.save()
    ordered = sorted((members[pk] for pk in chosen_ids), key=lambda unit: (unit.sort_key, unit.pk))
    for index, unit in enumerate(ordered, start=1):
        BallotCandidate(ballot=ballot, unit=unit, order=index).save()
    return ballot


def _counts_summary(ballot: Ballot) -> str:
    def show(value):
        return "—" if value is None else str(value)

    parts = [
        _("có quyền bỏ phiếu %(n)s") % {"n": show(ballot.entitled)},
        _("phát ra %(n)s") % {"n": show(ballot.issued)},
        _("thu về %(n)s") % {"n": show(ballot.returned)},
        _("hợp lệ %(n)s") % {"n": show(ballot.valid)},
    ]
    parts += [f"{c.unit.name} {show(c.votes)}" for c in ballot.candidates.select_related("unit")]
    return "; ".join(parts)


@transaction.atomic
def ballot_record_counts(
    *,
    ballot: Ballot,
    entitled: int,
    issued: int | None,
    returned: int | None,
    valid: int | None,
    votes: dict[int, int | None],
    expected_version: int,
) -> Ballot:
    """Record the counts of a ballot; impossible counts are refused with every problem and nothing saved.

    `votes` maps each candidate's unit id to its votes (None: not counted yet). Errors are keyed by
    field: "entitled", "issued", "returned", "valid", "votes_<unit id>", "votes" (the total), and
    "__all__" for a version conflict (code "conflict"), whose message shows what the other person saved.
    """
    meeting = ballot.meeting
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    current = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if current.version != expected_version:
        raise ValidationError(
            _(
                "Số liệu của phiếu này vừa được người khác lưu trong lúc bạn đang nhập; chưa có gì được ghi. "
                "Số liệu họ đã lưu: %(values)s. Những gì bạn nhập vẫn còn dưới đây; bấm Lưu lần nữa nếu vẫn muốn "
                "ghi đè."
            )
            % {"values": _counts_summary(current)},
            code="conflict",
        )
    rows = list(current.candidates.select_related("unit"))
    if set(votes) != {c.unit_id for c in rows}:
        raise ValidationError(
            _("Danh sách đơn vị của phiếu đã thay đổi từ khi mở trang: chưa lưu gì, hãy tải lại trang."),
            code="candidates_changed",
        )
    candidates = [voting.Candidate(key=c.unit_id, name=c.unit.name, votes=votes[c.unit_id]) for c in rows]
    problems = voting.check_counts(
        entitled=entitled,
        issued=issued,
        returned=returned,
        valid=valid,
        candidates=candidates,
        seats=current.seats,
        present=meeting_quorum(meeting).present,
    )
    if entitled is None:
        problems.insert(0, voting.Problem("entitled", _("Nhập số thành viên có quyền bỏ phiếu.")))
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(ValidationError(problem.message, code="impossible"))
        raise ValidationError(errors)
    for candidate in rows:
        if candidate.votes != votes[candidate.unit_id]:
            candidate.votes = votes[candidate.unit_id]
            candidate.save()
    current.entitled, current.issued, current.returned, current.valid = entitled, issued, returned, valid
    current.version += 1
    current.save()
    return current


@transaction.atomic
def ballot_delete(*, ballot: Ballot) -> None:
    """Delete a ballot recorded by mistake (with its candidates). An election already written into next
    year's membership is kept: it is where that membership came from."""
    ensure_year_open(bloc=ballot.meeting.bloc_id, year=ballot.meeting.year)
    current = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if current.applied_at is not None:
        raise ValidationError(
            _("Kết quả bầu của phiếu «%(title)s» đã được ghi vào thành viên năm %(year)s; không xóa được phiếu này.")
            % {"title": current.title, "year": ballot.meeting.year + 1},
            code="applied",
        )
    current.delete()


@dataclass(frozen=True)
class ElectionPlan:
    """What writing an election's result would do, for the confirmation page."""

    ballot: Ballot
    unit: Unit | None
    role: str
    next_year: int
    holder: Membership | None  # another unit holding the role next year: becomes a member
    current: Membership | None  # the elected unit's own membership next year, in this bloc
    problems: list[str]

    @property
    def role_label(self) -> str:
        return MemberRole(self.role).label.lower()

    @property
    def question(self) -> str:
        values = {"unit": self.unit, "role": self.role_label, "year": self.next_year}
        return _("Ghi %(unit)s là %(role)s năm %(year)s?") % values

    @property
    def consequence(self) -> str:
        if self.holder is None:
            return ""
        return _("Hiện %(other)s đang được ghi là %(role)s năm %(year)s và sẽ chuyển thành thành viên.") % {
            "other": self.holder.unit,
            "role": self.role_label,
            "year": self.next_year,
        }


def election_plan(ballot: Ballot) -> ElectionPlan:
    """Who the election chose and what writing it would change; `problems` say why it cannot be written."""
    meeting = ballot.meeting
    next_year = meeting.year + 1
    role = ballot.purpose
    problems: list[str] = []
    if role not in ELECTIONS:
        problems.append(_("Phiếu này không phải là phiếu bầu khối trưởng, khối phó."))
        return ElectionPlan(ballot, None, MemberRole.MEMBER, next_year, None, None, problems)
    if ballot.applied_at is not None:
        problems.append(
            _("Kết quả bầu đã được ghi vào thành viên năm %(year)s lúc %(when)s.")
            % {"year": next_year, "when": timezone.localtime(ballot.applied_at).strftime("%H:%M %d/%m/%Y")}
        )
    result = ballot_result(ballot)
    unit = None
    if not result.valid:
        problems.append(_("Phiếu bầu chưa hợp lệ: %(reasons)s") % {"reasons": " ".join(result.reasons)})
    elif result.tied:
        problems.append(result.tie_text)
    elif len(result.chosen) != 1:
        problems.append(_("Chưa có đơn vị nào trúng cử (đạt ngưỡng theo quy chế)."))
    else:
        unit = next(c.unit for c in ballot.candidates.all() if c.unit_id == result.chosen[0].key)
    holder = current = None
    if unit is not None:
        elsewhere = (
            Membership.objects.filter(unit=unit, year=next_year).exclude(bloc_id=meeting.bloc_id).select_related("bloc")
        ).first()
        if elsewhere is not None:
            problems.append(
                _("%(unit)s đã thuộc %(bloc)s trong năm %(year)s: không ghi được là %(role)s của khối này.")
                % {"unit": unit, "bloc": elsewhere.bloc, "year": next_year, "role": MemberRole(role).label.lower()}
            )
        current = Membership.objects.filter(unit=unit, year=next_year, bloc_id=meeting.bloc_id).first()
        holder = (
            Membership.objects.filter(bloc_id=meeting.bloc_id, year=next_year, role=role)
            .exclude(unit=unit)
            .select_related("unit")
            .first()
        )
    return ElectionPlan(ballot, unit, role, next_year, holder, current, problems)


@transaction.atomic
def election_apply(*, ballot: Ballot, user, confirmed: bool) -> Membership:
    """Write the head or deputy a ballot elected into next year's membership of the bloc.

    The unit gets the role (a membership is created if it has none next year in this bloc); the
    unit holding that role next year, if another, becomes a member. The membership's note and its
    history's change reason say which meeting elected it.
    """
    meeting = ballot.meeting
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year + 1)
    if not confirmed:
        raise ValidationError(_("Hãy xác nhận trước khi ghi kết quả bầu."), code="unconfirmed")
    ballot = ballots_queryset().select_for_update(of=("self",)).get(pk=ballot.pk)
    plan = election_plan(ballot)
    if plan.problems:
        raise ValidationError(plan.problems, code="cannot_apply")
    note, reason = election_note(ballot), election_note(ballot, limit=REASON_LENGTH)
    if plan.holder is not None:
        demoted = membership_change(
            membership=plan.holder, role=MemberRole.MEMBER, note=plan.holder.note, version=plan.holder.version
        )
        update_change_reason(
            demoted,
            _fit(
                _("Chuyển thành thành viên: %(unit)s được bầu làm %(role)s năm %(year)s tại %(meeting)s"),
                {"unit": plan.unit.name, "role": plan.role_label, "year": plan.next_year, "meeting": meeting.title},
                stretch="meeting",
                limit=REASON_LENGTH,
            ),
        )
    if plan.current is not None:
        membership = membership_change(membership=plan.current, role=plan.role, note=note, version=plan.current.version)
    else:
        membership = membership_add(bloc=meeting.bloc, unit=plan.unit, year=plan.next_year, role=plan.role, note=note)
    update_change_reason(membership, reason)
    ballot.applied_at = timezone.now()
    ballot.applied_by = user
    ballot.version += 1
    ballot._change_reason = reason
    ballot.save()
    return membership
