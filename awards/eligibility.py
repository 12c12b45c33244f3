"""The eligibility checks of a nomination. Pure functions, no database.

`awards.checks` reads the facts of many nominations at once and calls `all_checks` for each. Every
check says which rule it applied, with the numbers, in Vietnamese, and cites the rule set: the award
rule's citation and the rule set's legal basis. Shares are exact fractions, quotas round down.
"""

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.utils.translation import gettext, gettext_noop

from meetings import voting

# The texts translated so far inside `same_texts()`, by message id (None: outside, translate each time).
_texts: ContextVar[dict[str, str] | None] = ContextVar("eligibility_texts", default=None)


def _(message: str) -> str:
    """gettext, each text translated once inside `same_texts()`: a list's checks ask for the same few dozen
    texts hundreds of times."""
    texts = _texts.get()
    if texts is None:
        return gettext(message)
    text = texts.get(message)
    if text is None:
        text = texts[message] = gettext(message)
    return text


@contextmanager
def same_texts() -> Iterator[None]:
    """Checks of many nominations in one language (the request's): translate each text once."""
    token = _texts.set({})
    try:
        yield
    finally:
        _texts.reset(token)


OK, WARNING, BLOCKING = "ok", "warning", "blocking"
_SEVERITY = {OK: 0, WARNING: 1, BLOCKING: 2}

# Ratings from best to worst: an index lower is better.
RATING_ORDER = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")

GOVERNMENT_FLAG = "co-chinh-phu"
PROVINCIAL_FLAG = "co-ubnd-tinh"
EXCELLENT_LABOUR = "ttldxs"
REQUIRED_DOSSIER = ("letter", "minutes", "report")
NOT_APPROVED = "not_approved"
MEMBERS, REMAINING, BLOC_LEADERS = "members", "remaining", "bloc_leaders"


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    outcome: str  # OK, WARNING or BLOCKING
    detail: str
    rule_text: str = ""
    citation: str = ""

    @property
    def blocking(self) -> bool:
        return self.outcome == BLOCKING


# --- Facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingFact:
    """A unit's rating of one year, with the staff counts (None: not recorded)."""

    rating: str
    staff_total: int | None = None
    staff_completed: int | None = None
    staff_advanced: int | None = None
    staff_emulation_fighters: int | None = None


@dataclass(frozen=True)
class PriorAwardFact:
    """One way of meeting a rule's condition on awards already received: at least `count` of the award type."""

    code: str
    name: str
    count: int


@dataclass(frozen=True)
class RuleFact:
    """The year's award rule for the nomination's award type, with the rule set's legal basis."""

    required_rating: str = ""
    consecutive_years: int = 0
    quota_percent: Decimal | None = None
    quota_base: str = MEMBERS
    quota_count: int | None = None
    citation: str = ""
    legal_basis: tuple[str, ...] = ()
    prior_awards: tuple[PriorAwardFact, ...] = ()  # any one met suffices; none: no such condition

    @cached_property  # asked by each of the rule's checks
    def citation_text(self) -> str:
        return "; ".join(part for part in (self.citation, *self.legal_basis) if part)


@dataclass(frozen=True)
class BallotFact:
    """The nomination's ballot: the unit's votes (None: not counted or not a candidate) and the rule."""

    title: str
    candidate: bool
    votes: int | None
    vote_base: str
    base: int | None
    threshold: Fraction
    strict: bool
    same_award: bool = True  # the ballot proposes the nomination's award type


@dataclass(frozen=True)
class Facts:
    year: int
    award_code: str
    award_name: str
    state: str = "draft"
    rule_set: bool = True  # the year has a rule set
    rule: RuleFact | None = None  # None: the rule set says nothing of this award type
    ratings: Mapping[int, RatingFact] = field(default_factory=dict)  # year -> rating
    awards: frozenset[tuple[str, int]] = frozenset()  # (award code, year) received
    ballot: BallotFact | None = None
    quota_used: int = 0  # the bloc's nominations of this type and year, not rejected
    bloc_members: int = 0
    leading: bool | None = None  # the bloc's leading unit; None: not looked at
    dossier_kinds: frozenset[str] = frozenset()
    duplicates: int = 0  # other nominations of the unit for this award type and year
    province_used: int = 0  # the province's nominations of this type and year, not rejected
    province_blocs: int = 0  # active blocs with members this year


# --- Small pure helpers --------------------------------------------------------------------------


def rating_at_least(rating: str | None, required: str) -> bool:
    """HTXSNV > HTTNV > HTNV > KHTNV; a missing or unknown rating meets nothing."""
    if rating not in RATING_ORDER or required not in RATING_ORDER:
        return False
    return RATING_ORDER.index(rating) <= RATING_ORDER.index(required)


def consecutive_run(ratings: Mapping[int, str | None], year: int, required: str) -> int:
    """How many years, counting back from `year` included, are rated at least `required` without a break."""
    run = 0
    while rating_at_least(ratings.get(year - run), required):
        run += 1
    return run


def labour_problems(
    *, total: int | None, completed: int | None, advanced: int | None, fighters: int | None
) -> list[str] | None:
    """The labour conditions of "Tập thể lao động xuất sắc" not met, in words; None when a count is missing.

    100% completed their tasks, at least 70% "Lao động tiên tiến" (exactly: 10 × advanced ≥ 7 × total),
    at least one "Chiến sĩ thi đua cơ sở".
    """
    if total is None or completed is None or advanced is None or fighters is None:
        return None
    problems = []
    if total == 0 or completed < total:
        problems.append(
            _("hoàn thành nhiệm vụ %(completed)s/%(total)s người, chưa đạt 100%%")
            % {"completed": completed, "total": total}
        )
    if total == 0 or 10 * advanced < 7 * total:
        problems.append(
            _("«Lao động tiên tiến» %(share)s, chưa đạt 70%%") % {"share": voting.share_text(advanced, total)}
        )
    if fighters < 1:
        problems.append(_("chưa có «Chiến sĩ thi đua cơ sở»"))
    return problems


def quota_base_size(*, quota_base: str, members: int, province_blocs: int) -> int:
    if quota_base == REMAINING:
        return max(members - 1, 0)
    if quota_base == BLOC_LEADERS:
        return province_blocs
    return members


def bloc_quota_limit(rule: RuleFact, *, members: int) -> int | None:
    """The bloc's limit for the award type, rounding down; a percentage of the province's leading units
    is not a bloc's limit (see `check_province_cap`), only its count is."""
    percent = None if rule.quota_base == BLOC_LEADERS else rule.quota_percent
    return voting.quota_limit(percent, rule.quota_count, quota_base_size(quota_base=rule.quota_base,
                                                                        members=members, province_blocs=0))  # fmt: skip


def province_cap(rule: RuleFact, *, province_blocs: int) -> int | None:
    if rule.quota_base != BLOC_LEADERS or rule.quota_percent is None:
        return None
    return math.floor(Fraction(rule.quota_percent) * max(province_blocs, 0) / 100)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + "%"


_RATING_LABELS = {
    "HTXSNV": gettext_noop("Hoàn thành xuất sắc nhiệm vụ"),
    "HTTNV": gettext_noop("Hoàn thành tốt nhiệm vụ"),
    "HTNV": gettext_noop("Hoàn thành nhiệm vụ"),
    "KHTNV": gettext_noop("Không hoàn thành nhiệm vụ"),
}


def _rating_label(code: str) -> str:
    """The rating's name (translating that one only: a page of checks asks for hundreds)."""
    label = _RATING_LABELS.get(code)
    return code if label is None else _(label)


def _check(facts: Facts, code: str, label: str, outcome: str, detail: str, rule_text: str = "") -> Check:
    citation = facts.rule.citation_text if facts.rule is not None else ""
    return Check(code, label, outcome, detail, rule_text, citation)


# --- The rules -----------------------------------------------------------------------------------


def check_rule(facts: Facts) -> Check | None:
    """Without the year's rule for the award type nothing else can be checked."""
    if not facts.rule_set:
        return _check(facts, "rule", _("Quy chế"), BLOCKING,
                      _("Năm %(year)s chưa có quy chế: chưa kiểm tra được điều kiện khen thưởng.")
                      % {"year": facts.year})  # fmt: skip
    if facts.rule is None:
        return _check(facts, "rule", _("Quy chế"), BLOCKING,
                      _("Quy chế năm %(year)s chưa quy định điều kiện cho «%(award)s».")
                      % {"year": facts.year, "award": facts.award_name})  # fmt: skip
    return None


def check_rating(facts: Facts) -> Check | None:
    """(1) The year's task rating meets the required rating."""
    rule = facts.rule
    if rule is None or not rule.required_rating:
        return None
    label = _("Xếp loại năm %(year)s") % {"year": facts.year}
    required = _rating_label(rule.required_rating)
    rule_text = _("Năm đề nghị xếp loại «%(rating)s» trở lên.") % {"rating": required}
    fact = facts.ratings.get(facts.year)
    if fact is None:
        return _check(facts, "rating", label, BLOCKING,
                      _("Chưa có xếp loại năm %(year)s của đơn vị; yêu cầu «%(rating)s».")
                      % {"year": facts.year, "rating": required}, rule_text)  # fmt: skip
    values = {"year": facts.year, "actual": _rating_label(fact.rating), "rating": required}
    if rating_at_least(fact.rating, rule.required_rating):
        return _check(facts, "rating", label, OK,
                      _("Năm %(year)s xếp loại «%(actual)s», đạt yêu cầu «%(rating)s».") % values,
                      rule_text)  # fmt: skip
    return _check(facts, "rating", label, BLOCKING,
                  _("Năm %(year)s xếp loại «%(actual)s», chưa đạt yêu cầu «%(rating)s».") % values,
                  rule_text)  # fmt: skip


def check_consecutive(facts: Facts) -> Check | None:
    """(2) The last `consecutive_years` years, up to the nomination's, all rated at least the required rating."""
    rule = facts.rule
    if rule is None or not rule.required_rating or rule.consecutive_years < 2:
        return None
    need = rule.consecutive_years
    first = facts.year - need + 1
    required = _rating_label(rule.required_rating)
    label = _("%(n)s năm liên tục") % {"n": need}
    rule_text = _("%(n)s năm liên tục (%(first)s–%(last)s) xếp loại «%(rating)s» trở lên.") % {
        "n": need, "first": first, "last": facts.year, "rating": required,
    }  # fmt: skip
    short = [
        year for year in range(first, facts.year + 1)
        if not rating_at_least(facts.ratings[year].rating if year in facts.ratings else None, rule.required_rating)
    ]  # fmt: skip
    if not short:
        return _check(facts, "consecutive", label, OK,
                      _("Các năm %(first)s–%(last)s đều xếp loại «%(rating)s» trở lên.")
                      % {"first": first, "last": facts.year, "rating": required}, rule_text)  # fmt: skip
    parts = []
    for year in short:
        fact = facts.ratings.get(year)
        if fact is None:
            parts.append(_("năm %(year)s chưa có xếp loại") % {"year": year})
        else:
            parts.append(_("năm %(year)s «%(actual)s»") % {"year": year, "actual": _rating_label(fact.rating)})
    run = consecutive_run({y: f.rating for y, f in facts.ratings.items()}, facts.year, rule.required_rating)
    detail = _("Mới đạt %(run)s/%(n)s năm liên tục: %(parts)s.") % {"run": run, "n": need, "parts": "; ".join(parts)}
    return _check(facts, "consecutive", label, BLOCKING, detail, rule_text)


def prior_award_window(rule: RuleFact, year: int) -> tuple[int, int]:
    """The years in which awards already received count: those of the consecutive ratings, the nomination's
    year included (a rule without consecutive years: that year alone)."""
    return year - max(rule.consecutive_years, 1) + 1, year


def _award_count_text(count: int, name: str) -> str:
    return _("%(count)s %(name)s") % {"count": count, "name": name}


def check_prior_awards(facts: Facts) -> Check | None:
    """(2b) Within the consecutive years, the awards the rule asks for: any one of its options, e.g. 1 provincial
    emulation flag or 2 provincial certificates. The unit's award history counts whether it was written by a
    recorded decision or imported; awards outside the years do not count."""
    rule = facts.rule
    if rule is None or not rule.prior_awards:
        return None
    first, last = prior_award_window(rule, facts.year)
    years = last - first + 1
    received: dict[str, list[int]] = {}  # award code -> years within the window
    earlier: dict[str, list[int]] = {}  # award code -> years before it (read, not counted)
    codes = {option.code for option in rule.prior_awards}
    for code, year in sorted(facts.awards, key=lambda award: award[1]):
        if code in codes and year <= last:
            (received if year >= first else earlier).setdefault(code, []).append(year)
    options = _(" hoặc ").join(_award_count_text(option.count, option.name) for option in rule.prior_awards)
    values = {"n": years, "first": first, "last": last, "options": options}
    label = _("Khen thưởng trong %(n)s năm") % {"n": years}
    if years == 1:
        rule_text = _("Năm %(last)s được tặng ít nhất %(options)s.") % values
    else:
        rule_text = _("Trong %(n)s năm %(first)s–%(last)s được tặng ít nhất %(options)s.") % values
    got = [
        _("%(count)s %(name)s (năm %(years)s)")
        % {"count": len(received[o.code]), "name": o.name, "years": ", ".join(map(str, received[o.code]))}
        for o in rule.prior_awards
        if o.code in received
    ]
    period = (_("Năm %(last)s") if years == 1 else _("Trong %(n)s năm %(first)s–%(last)s")) % values
    met = [o for o in rule.prior_awards if len(received.get(o.code, ())) >= o.count]
    if met:
        detail = _("%(period)s đã được tặng %(got)s, đạt yêu cầu.") % {"period": period, "got": "; ".join(got)}
        return _check(facts, "prior_awards", label, OK, detail, rule_text)
    if got:
        detail = _("%(period)s mới được tặng %(got)s; cần %(options)s.") % {
            "period": period, "got": "; ".join(got), "options": options,
        }  # fmt: skip
    else:
        detail = _("%(period)s chưa được tặng %(names)s nào; cần %(options)s.") % {
            "period": period, "names": _(" hay ").join(o.name for o in rule.prior_awards), "options": options,
        }  # fmt: skip
    before = [
        _("%(name)s năm %(years)s") % {"name": o.name, "years": ", ".join(map(str, earlier[o.code]))}
        for o in rule.prior_awards
        if o.code in earlier
    ]
    if before:
        detail += " " + _("Không tính vì trước năm %(first)s: %(awards)s.") % {
            "first": first,
            "awards": "; ".join(before),
        }
    return _check(facts, "prior_awards", label, BLOCKING, detail, rule_text)


def check_vote(facts: Facts) -> Check:
    """(3) The unit's share in its ballot meets the ballot's threshold (exact)."""
    label = _("Kết quả bình xét")
    ballot = facts.ballot
    if ballot is None:
        return _check(facts, "vote", label, WARNING, _("Hồ sơ chưa gắn với phiếu bình xét nào của khối."))
    rule_text = voting.rule_text(vote_base=ballot.vote_base, base=ballot.base, threshold=ballot.threshold,
                                 strict=ballot.strict)  # fmt: skip
    if not ballot.same_award:
        return _check(facts, "vote", label, BLOCKING,
                      _("Phiếu «%(title)s» không phải phiếu bình xét «%(award)s».")
                      % {"title": ballot.title, "award": facts.award_name}, rule_text)  # fmt: skip
    if not ballot.candidate:
        return _check(facts, "vote", label, BLOCKING,
                      _("Đơn vị không có tên trong phiếu «%(title)s».") % {"title": ballot.title},
                      rule_text)  # fmt: skip
    if ballot.votes is None or not ballot.base:
        return _check(facts, "vote", label, BLOCKING,
                      _("Phiếu «%(title)s» chưa có đủ số liệu kiểm phiếu.") % {"title": ballot.title},
                      rule_text)  # fmt: skip
    values = {"share": voting.share_text(ballot.votes, ballot.base),
              "threshold": voting.threshold_text(ballot.threshold, ballot.strict), "title": ballot.title}  # fmt: skip
    if voting.meets_threshold(votes=ballot.votes, base=ballot.base, threshold=ballot.threshold, strict=ballot.strict):
        return _check(facts, "vote", label, OK,
                      _("Đạt %(share)s số phiếu, ngưỡng %(threshold)s (phiếu «%(title)s»).") % values,
                      rule_text)  # fmt: skip
    return _check(facts, "vote", label, BLOCKING,
                  _("Chỉ đạt %(share)s số phiếu, chưa đạt ngưỡng %(threshold)s (phiếu «%(title)s»).") % values,
                  rule_text)  # fmt: skip


def check_quota(facts: Facts) -> Check | None:
    """(4) The bloc's nominations of the award type and year, not rejected, within the bloc's quota."""
    rule = facts.rule
    if rule is None:
        return None
    limit = bloc_quota_limit(rule, members=facts.bloc_members)
    if limit is None:
        return None
    parts = []
    if rule.quota_percent is not None and rule.quota_base != BLOC_LEADERS:
        size = quota_base_size(quota_base=rule.quota_base, members=facts.bloc_members, province_blocs=0)
        base = {MEMBERS: _("tổng số đơn vị thành viên"), REMAINING: _("số đơn vị còn lại")}[rule.quota_base]
        parts.append(_("%(percent)s %(base)s (%(size)s)") % {"percent": _percent(rule.quota_percent),
                                                              "base": base, "size": size})  # fmt: skip
    if rule.quota_count is not None:
        parts.append(_("%(count)s đơn vị mỗi khối") % {"count": rule.quota_count})
    rule_text = _("Tối đa %(parts)s, làm tròn xuống: %(limit)s đơn vị.") % {
        "parts": _(" và không quá ").join(parts), "limit": limit,
    }  # fmt: skip
    label = _("Chỉ tiêu của khối")
    values = {"used": facts.quota_used, "limit": limit, "award": facts.award_name}
    if facts.quota_used <= limit:
        return _check(facts, "quota", label, OK,
                      _("Khối đề nghị %(used)s/%(limit)s đơn vị «%(award)s».") % values, rule_text)  # fmt: skip
    return _check(facts, "quota", label, BLOCKING,
                  _("Khối đề nghị %(used)s đơn vị «%(award)s», vượt chỉ tiêu %(limit)s.") % values,
                  rule_text)  # fmt: skip


def check_duplicate(facts: Facts) -> Check:
    """(5) One nomination per unit, award type and year."""
    label = _("Không trùng hồ sơ")
    rule_text = _("Mỗi đơn vị chỉ có một hồ sơ đề nghị cho một hình thức trong một năm.")
    if facts.duplicates == 0:
        return _check(facts, "duplicate", label, OK, _("Không có hồ sơ trùng."), rule_text)
    return _check(facts, "duplicate", label, BLOCKING,
                  _("Đơn vị đã có %(n)s hồ sơ khác đề nghị «%(award)s» năm %(year)s.")
                  % {"n": facts.duplicates, "award": facts.award_name, "year": facts.year}, rule_text)  # fmt: skip


def check_labour(facts: Facts) -> Check | None:
    """(6) Labour conditions of "Tập thể lao động xuất sắc"."""
    if facts.award_code != EXCELLENT_LABOUR:
        return None
    label = _("Điều kiện lao động")
    rule_text = _("100% hoàn thành nhiệm vụ, từ 70% «Lao động tiên tiến» trở lên, có ít nhất một "
                  "«Chiến sĩ thi đua cơ sở».")  # fmt: skip
    fact = facts.ratings.get(facts.year)
    problems = None
    if fact is not None:
        problems = labour_problems(total=fact.staff_total, completed=fact.staff_completed,
                                   advanced=fact.staff_advanced, fighters=fact.staff_emulation_fighters)  # fmt: skip
    if problems is None:
        return _check(facts, "labour", label, WARNING,
                      _("Chưa có đủ số liệu cán bộ, người lao động năm %(year)s để kiểm tra.") % {"year": facts.year},
                      rule_text)  # fmt: skip
    if problems:
        return _check(facts, "labour", label, BLOCKING,
                      _("Chưa đạt: %(problems)s.") % {"problems": "; ".join(problems)}, rule_text)  # fmt: skip
    return _check(facts, "labour", label, OK,
                  _("Hoàn thành nhiệm vụ %(completed)s/%(total)s; «Lao động tiên tiến» %(share)s; "
                    "«Chiến sĩ thi đua cơ sở» %(fighters)s.")
                  % {"completed": fact.staff_completed, "total": fact.staff_total,
                     "share": voting.share_text(fact.staff_advanced, fact.staff_total),
                     "fighters": fact.staff_emulation_fighters}, rule_text)  # fmt: skip


def check_dossier(facts: Facts) -> Check:
    """(7) The letter, the minutes and the achievement report are attached."""
    names = {"letter": _("Tờ trình đề nghị"), "minutes": _("Biên bản họp bình xét"),
             "report": _("Báo cáo thành tích")}  # fmt: skip
    label = _("Hồ sơ đủ thành phần")
    rule_text = _("Hồ sơ gồm: %(kinds)s.") % {"kinds": ", ".join(names[k] for k in REQUIRED_DOSSIER)}
    missing = [names[kind] for kind in REQUIRED_DOSSIER if kind not in facts.dossier_kinds]
    if not missing:
        return _check(facts, "dossier", label, OK, _("Đủ tờ trình, biên bản và báo cáo thành tích."), rule_text)
    return _check(facts, "dossier", label, BLOCKING,
                  _("Còn thiếu: %(missing)s.") % {"missing": ", ".join(missing)}, rule_text)  # fmt: skip


def check_leading(facts: Facts) -> Check | None:
    """(8) A Government flag goes to the bloc's leading unit."""
    if facts.award_code != GOVERNMENT_FLAG:
        return None
    label = _("Đơn vị dẫn đầu khối")
    rule_text = _("Cờ thi đua của Chính phủ chỉ đề nghị cho đơn vị dẫn đầu khối (xếp thứ nhất hoặc được khối "
                  "suy tôn Cờ thi đua của UBND tỉnh).")  # fmt: skip
    if facts.leading:
        return _check(facts, "leading", label, OK, _("Đơn vị dẫn đầu khối năm %(year)s.") % {"year": facts.year},
                      rule_text)  # fmt: skip
    return _check(facts, "leading", label, BLOCKING,
                  _("Đơn vị không phải đơn vị dẫn đầu khối năm %(year)s (không xếp thứ nhất, không được suy tôn "
                    "Cờ thi đua của UBND tỉnh).") % {"year": facts.year}, rule_text)  # fmt: skip


def check_province_cap(facts: Facts) -> Check | None:
    """(9) Province-wide proposals within a percentage of the blocs' leading units: the board's cut, a warning."""
    rule = facts.rule
    if rule is None:
        return None
    cap = province_cap(rule, province_blocs=facts.province_blocs)
    if cap is None:
        return None
    label = _("Chỉ tiêu toàn tỉnh")
    rule_text = _("Tối đa %(percent)s số đơn vị dẫn đầu các khối toàn tỉnh (%(blocs)s), làm tròn xuống: "
                  "%(cap)s đơn vị.") % {"percent": _percent(rule.quota_percent), "blocs": facts.province_blocs,
                                       "cap": cap}  # fmt: skip
    values = {"used": facts.province_used, "cap": cap, "award": facts.award_name}
    if facts.province_used <= cap:
        return _check(facts, "province", label, OK,
                      _("Toàn tỉnh đề nghị %(used)s/%(cap)s đơn vị «%(award)s».") % values, rule_text)  # fmt: skip
    return _check(facts, "province", label, WARNING,
                  _("Toàn tỉnh đề nghị %(used)s đơn vị «%(award)s», vượt chỉ tiêu %(cap)s: Ban Thi đua - Khen "
                    "thưởng chọn trong số này.") % values, rule_text)  # fmt: skip


RULES = (check_rating, check_consecutive, check_prior_awards, check_vote, check_quota, check_duplicate, check_labour,
         check_dossier, check_leading, check_province_cap)  # fmt: skip


def all_checks(facts: Facts) -> list[Check]:
    """Every check that applies, in the order of the rules."""
    checks = []
    missing_rule = check_rule(facts)
    if missing_rule is not None:
        checks.append(missing_rule)
    for rule in RULES:
        check = rule(facts)
        if check is not None:
            checks.append(check)
    return checks


def summary(checks: list[Check]) -> str:
    """The worst outcome: "blocking", "warning" or "ok"."""
    return max((c.outcome for c in checks), key=_SEVERITY.__getitem__, default=OK)


def blocking_messages(checks: list[Check]) -> list[str]:
    return [f"{c.label}: {c.detail}" for c in checks if c.outcome == BLOCKING]
