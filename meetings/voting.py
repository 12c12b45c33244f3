"""The arithmetic of a secret ballot. Pure functions, no database.

Shares are exact fractions (`fractions.Fraction`): 6 of 9 is 2/3, never 0.66, so a unit exactly
at the threshold is judged exactly. Quotas round down (20% of 9 units allows 1). Every check
says which rule and which base it used, in Vietnamese, so the minutes can quote it.
"""

import math
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from units.text import fraction_text

ENTITLED, PRESENT, VALID = "entitled", "present", "valid"
COUNT_FIELDS = ("entitled", "issued", "returned", "valid")
TOTAL = "votes"  # the field a problem with the candidates' votes taken together belongs to


# --- Numbers as the minutes write them -----------------------------------------------------------


def percent_text(value: Fraction | Decimal, places: int = 1) -> str:
    """2/3 -> "66,7%", 7/10 -> "70%": one decimal (half up) unless the percentage is whole."""
    percent = Fraction(value) * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    quantum = Decimal(1).scaleb(-places)
    rounded = (Decimal(percent.numerator) / Decimal(percent.denominator)).quantize(quantum, ROUND_HALF_UP)
    return f"{rounded.normalize():f}".replace(".", ",") + "%"


def share_text(votes: int | None, base: int | None) -> str:
    """ "7/9 (77,8%)"; a dash when there is nothing to divide."""
    if votes is None or not base:
        return "—"
    return f"{votes}/{base} ({percent_text(Fraction(votes, base))})"


def threshold_text(threshold: Fraction, strict: bool) -> str:
    share = fraction_text(threshold)
    if strict:
        return _("trên %(share)s") % {"share": share}
    return _("từ %(share)s trở lên") % {"share": share}


def base_label(vote_base: str) -> str:
    return {
        ENTITLED: _("tổng số thành viên có quyền bỏ phiếu"),
        PRESENT: _("số thành viên có mặt"),
        VALID: _("số phiếu hợp lệ"),
    }[vote_base]


def rule_text(*, vote_base: str, base: int | None, threshold: Fraction, strict: bool) -> str:
    """ "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên"."""
    return _rule_text(get_language(), vote_base, base, threshold, strict)


@lru_cache(maxsize=1024)
def _rule_text(language: str, vote_base: str, base: int | None, threshold: Fraction, strict: bool) -> str:
    """rule_text in `language` (the active one): the same few rules read by every nomination of a list, each
    written once per process and language."""
    size = "?" if base is None else str(base)
    return _("Tỷ lệ tính trên %(base)s (%(size)s): %(threshold)s") % {
        "base": base_label(vote_base),
        "size": size,
        "threshold": threshold_text(threshold, strict),
    }


# --- Threshold and quota -------------------------------------------------------------------------


def share_of(votes: int, base: int) -> Fraction:
    return Fraction(votes, base)


def meets_threshold(*, votes: int, base: int, threshold: Fraction, strict: bool) -> bool:
    """votes/base ≥ threshold (> when the rule says "trên"), in exact arithmetic. A zero base passes no one."""
    if base <= 0:
        return False
    share = Fraction(votes, base)
    return share > threshold if strict else share >= threshold


@lru_cache(maxsize=1024)
def quota_limit(percent: Decimal | None, count: int | None, base_size: int) -> int | None:
    """How many units a quota allows: floor(percent × base / 100), exactly; the smaller of that and
    `count` when the rule gives both; None when the rule sets no limit."""
    limits = []
    if percent is not None:
        limits.append(math.floor(Fraction(percent) * max(base_size, 0) / 100))
    if count is not None:
        limits.append(count)
    return min(limits) if limits else None


# --- Quorum --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumResult:
    """Whether a meeting had enough members present for its ballots to count.

    `present` is None while the attendance has not been recorded; `required` is None when the
    year has no rule set. `met` is True only when both are known and present ≥ required.
    """

    present: int | None
    members: int
    required: int | None
    met: bool
    text: str

    @property
    def recorded(self) -> bool:
        return self.present is not None


def quorum_check(*, present: int | None, members: int, quorum: Fraction | None) -> QuorumResult:
    """The quorum: at least ceil(quorum × members) of the bloc's members present (exact, no float)."""
    required = None if quorum is None else -(-(quorum.numerator * members) // quorum.denominator)
    if present is None:
        return QuorumResult(None, members, required, False, _("Chưa ghi danh sách dự họp."))
    if required is None:
        text = _("Có mặt %(present)s/%(members)s đơn vị thành viên; năm này chưa có quy chế nên chưa xác định được "
                 "số lượng tối thiểu dự họp.") % {"present": present, "members": members}  # fmt: skip
        return QuorumResult(present, members, None, False, text)
    met = members > 0 and present >= required
    values = {
        "present": present,
        "members": members,
        "rule": fraction_text(quorum),
        "required": required,
    }
    if met:
        text = _("Có mặt %(present)s/%(members)s đơn vị thành viên; quy chế yêu cầu từ %(rule)s tổng số thành viên "
                 "trở lên (tối thiểu %(required)s): đủ số lượng.") % values  # fmt: skip
    else:
        text = _("Có mặt %(present)s/%(members)s đơn vị thành viên; quy chế yêu cầu từ %(rule)s tổng số thành viên "
                 "trở lên (tối thiểu %(required)s): không đủ số lượng, các phiếu bầu tại hội nghị không hợp "
                 "lệ.") % values  # fmt: skip
    return QuorumResult(present, members, required, met, text)


def attendance_quorum(
    *, members: Collection[Hashable], attendance: Iterable[tuple[Hashable, bool]], quorum: Fraction | None
) -> QuorumResult:
    """A meeting's quorum from its attendance rows (unit, present) and the bloc-year's member units.

    Present = the members recorded as present (a unit present that is not a member of the bloc-year
    does not count); no attendance row at all: not recorded (`present=None`). The one count of both
    `meetings.services_ballots.meeting_quorum` (one meeting) and `awards.checks` (many meetings at once).
    """
    rows = list(attendance)
    present = sum(1 for unit, is_present in rows if is_present and unit in members) if rows else None
    return quorum_check(present=present, members=len(members), quorum=quorum)


# --- Counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: Hashable  # the unit id
    name: str
    votes: int | None


@dataclass(frozen=True)
class Problem:
    """One impossible count, and the field it belongs to: one of COUNT_FIELDS, `votes_<key>` for a
    candidate's votes, or TOTAL for the candidates' votes taken together."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def vote_field(key: Hashable) -> str:
    return f"votes_{key}"


def _labels() -> dict[str, str]:
    return {
        "entitled": _("số thành viên có quyền bỏ phiếu"),
        "issued": _("số phiếu phát ra"),
        "returned": _("số phiếu thu về"),
        "valid": _("số phiếu hợp lệ"),
    }


def check_counts(
    *,
    entitled: int | None,
    issued: int | None,
    returned: int | None,
    valid: int | None,
    candidates: Sequence[Candidate],
    seats: int,
    present: int | None = None,
) -> list[Problem]:
    """Every impossible count, each once, in the order of the form.

    The counts form a chain: entitled ≥ issued ≥ returned ≥ valid ≥ each candidate's votes, and
    the candidates' votes together ≤ valid × seats (each valid ballot marks at most `seats` names).
    A count left blank is skipped: the next count is compared with the nearest one given. Ballots
    are issued to the members present, so issued ≤ present once the attendance is recorded.
    Blank counts are not problems here (see `missing_counts`).
    """
    labels = _labels()
    values = {"entitled": entitled, "issued": issued, "returned": returned, "valid": valid}
    problems: list[Problem] = []
    for name, value in values.items():
        if value is not None and value < 0:
            problems.append(Problem(name, _("%(label)s không được là số âm.") % {"label": labels[name].capitalize()}))
    for candidate in candidates:
        if candidate.votes is not None and candidate.votes < 0:
            problems.append(
                Problem(
                    vote_field(candidate.key),
                    _("Số phiếu bầu cho %(name)s không được là số âm.") % {"name": candidate.name},
                )
            )
    if problems:
        return problems
    if entitled is not None and entitled == 0:
        problems.append(Problem("entitled", _("Số thành viên có quyền bỏ phiếu phải lớn hơn 0.")))
    bound: tuple[str, int] | None = None  # the nearest count given above in the chain
    for name in COUNT_FIELDS:
        value = values[name]
        if value is None:
            continue
        if bound is not None and value > bound[1]:
            problems.append(
                Problem(
                    name,
                    _("%(label)s (%(value)s) lớn hơn %(other)s (%(other_value)s).")
                    % {
                        "label": labels[name].capitalize(),
                        "value": value,
                        "other": labels[bound[0]],
                        "other_value": bound[1],
                    },
                )
            )
        if name == "issued" and present is not None and value > present:
            problems.append(
                Problem(
                    "issued",
                    _("Số phiếu phát ra (%(value)s) lớn hơn số thành viên có mặt (%(present)s) theo danh sách dự họp.")
                    % {"value": value, "present": present},
                )
            )
        bound = (name, value)
    if bound is None:
        return problems
    for candidate in candidates:
        if candidate.votes is not None and candidate.votes > bound[1]:
            problems.append(
                Problem(
                    vote_field(candidate.key),
                    _("Số phiếu bầu cho %(name)s (%(votes)s) lớn hơn %(other)s (%(other_value)s).")
                    % {"name": candidate.name, "votes": candidate.votes, "other": labels[bound[0]],
                       "other_value": bound[1]},
                )
            )  # fmt: skip
    total = sum(c.votes for c in candidates if c.votes is not None)
    if total > bound[1] * seats:
        problems.append(
            Problem(
                TOTAL,
                _(
                    "Tổng số phiếu bầu cho các đơn vị (%(total)s) lớn hơn %(other)s × số được chọn tối đa "
                    "(%(other_value)s × %(seats)s = %(limit)s): mỗi phiếu chỉ được chọn tối đa %(seats)s đơn vị."
                )
                % {
                    "total": total,
                    "other": labels[bound[0]],
                    "other_value": bound[1],
                    "seats": seats,
                    "limit": bound[1] * seats,
                },
            )
        )
    return problems


def missing_counts(
    *, issued: int | None, returned: int | None, valid: int | None, candidates: Sequence[Candidate]
) -> list[str]:
    """The names of the counts not entered yet, as a sentence lists them."""
    labels = _labels()
    missing = [labels[name] for name, value in (("issued", issued), ("returned", returned), ("valid", valid))
               if value is None]  # fmt: skip
    missing += [_("số phiếu của %(name)s") % {"name": c.name} for c in candidates if c.votes is None]
    return missing


# --- The result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateResult:
    key: Hashable
    name: str
    votes: int | None
    share: Fraction | None
    share_text: str
    passed: bool
    chosen: bool
    tie: bool


@dataclass(frozen=True)
class BallotResult:
    """What a ballot decided, and whether it counts.

    `rows` keep the candidates' order; `chosen` are the passed candidates within the seats, by
    votes; `tied` are the passed candidates tied at the last place that would exceed the seats:
    none of them is chosen, the meeting has to decide. `valid` is False with `reasons` when the
    meeting lacked its quorum, the attendance or a count is missing, or the counts are impossible.
    """

    rows: list[CandidateResult]
    valid: bool
    reasons: list[str]
    problems: list[Problem]
    base: int | None
    rule_text: str
    quota_limit: int | None
    quota_ok: bool
    quota_message: str
    counted: bool = True  # any count entered yet
    chosen: list[CandidateResult] = field(default_factory=list)
    tied: list[CandidateResult] = field(default_factory=list)

    @property
    def tie_text(self) -> str:
        if not self.tied:
            return ""
        return _(
            "Đồng phiếu ở vị trí cuối: %(names)s (%(votes)s phiếu). Chưa đơn vị nào trong số này được chọn; "
            "hội nghị cần bỏ phiếu lại hoặc quyết định theo quy chế."
        ) % {"names": ", ".join(r.name for r in self.tied), "votes": self.tied[0].votes}


def choose(rows: Sequence[tuple[Hashable, int]], seats: int) -> tuple[list[Hashable], list[Hashable]]:
    """From the passed candidates (key, votes), the chosen ones by votes (at most `seats`) and those
    tied at the last place that would exceed the seats (none of whom is chosen)."""
    ordered = sorted(rows, key=lambda row: -row[1])  # stable: equal votes keep the ballot's order
    if len(ordered) <= seats:
        return [key for key, _votes in ordered], []
    last = ordered[seats - 1][1]
    if ordered[seats][1] != last:
        return [key for key, _votes in ordered[:seats]], []
    return [key for key, votes in ordered if votes > last], [key for key, votes in ordered if votes == last]


def base_size(*, vote_base: str, entitled: int | None, present: int | None, valid: int | None) -> int | None:
    return {ENTITLED: entitled, PRESENT: present, VALID: valid}[vote_base]


def ballot_result(
    *,
    candidates: Sequence[Candidate],
    entitled: int | None,
    issued: int | None,
    returned: int | None,
    valid: int | None,
    seats: int,
    vote_base: str,
    threshold: Fraction,
    strict: bool,
    quorum: QuorumResult,
    quota: int | None = None,
) -> BallotResult:
    base = base_size(vote_base=vote_base, entitled=entitled, present=quorum.present, valid=valid)
    problems = check_counts(
        entitled=entitled,
        issued=issued,
        returned=returned,
        valid=valid,
        candidates=candidates,
        seats=seats,
        present=quorum.present,
    )
    reasons: list[str] = []
    if not quorum.recorded:
        reasons.append(_("Chưa ghi danh sách dự họp: chưa xác định được hội nghị có đủ số lượng thành viên dự họp."))
    elif not quorum.met:
        reasons.append(quorum.text)
    counted = any(value is not None for value in (issued, returned, valid)) or any(
        c.votes is not None for c in candidates
    )
    missing = missing_counts(issued=issued, returned=returned, valid=valid, candidates=candidates)
    if not counted:
        reasons.append(_("Chưa nhập số liệu kiểm phiếu."))
    elif missing:
        reasons.append(_("Chưa nhập đủ số liệu kiểm phiếu (còn thiếu: %(missing)s).") % {"missing": ", ".join(missing)})
    if problems:
        reasons.append(
            _("Số liệu kiểm phiếu không hợp lý: %(problems)s") % {"problems": " ".join(p.message for p in problems)}
        )
    if base == 0 and not problems:
        reasons.append(_("Cơ sở tính tỷ lệ (%(base)s) bằng 0.") % {"base": base_label(vote_base)})

    passed_votes = []
    shares: dict[Hashable, tuple[Fraction | None, bool]] = {}
    for candidate in candidates:
        share, passed = None, False
        if candidate.votes is not None and base:
            share = share_of(candidate.votes, base)
            passed = meets_threshold(votes=candidate.votes, base=base, threshold=threshold, strict=strict)
        shares[candidate.key] = (share, passed)
        if passed:
            passed_votes.append((candidate.key, candidate.votes))
    chosen_keys, tied_keys = choose(passed_votes, seats)
    rows = [
        CandidateResult(
            key=c.key,
            name=c.name,
            votes=c.votes,
            share=shares[c.key][0],
            share_text=share_text(c.votes, base),
            passed=shares[c.key][1],
            chosen=c.key in chosen_keys,
            tie=c.key in tied_keys,
        )
        for c in candidates
    ]
    by_key = {row.key: row for row in rows}
    quota_ok, quota_message = quota_check(chosen=len(chosen_keys), limit=quota)
    return BallotResult(
        rows=rows,
        valid=not reasons,
        reasons=reasons,
        problems=problems,
        base=base,
        rule_text=rule_text(vote_base=vote_base, base=base, threshold=threshold, strict=strict),
        quota_limit=quota,
        quota_ok=quota_ok,
        quota_message=quota_message,
        counted=counted,
        chosen=[by_key[key] for key in chosen_keys],
        tied=[by_key[key] for key in tied_keys],
    )


def quota_check(*, chosen: int, limit: int | None) -> tuple[bool, str]:
    """Whether the number chosen stays within the quota, and the sentence that says so."""
    if limit is None:
        return True, ""
    if chosen <= limit:
        return True, _("Số đơn vị được chọn: %(chosen)s, trong chỉ tiêu (tối đa %(limit)s).") % {
            "chosen": chosen,
            "limit": limit,
        }
    return False, _("Số đơn vị được chọn (%(chosen)s) vượt chỉ tiêu (tối đa %(limit)s).") % {
        "chosen": chosen,
        "limit": limit,
    }
