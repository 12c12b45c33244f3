"""The board's review sheet (Bảng tổng hợp kết quả thẩm định hồ sơ đề nghị khen thưởng) of a year.

What it holds (DOCUMENTS.md): every nomination of the year from every bloc, by award type and bloc,
with the unit's rating, its vote share, the outcome of the eligibility checks and the board's opinion
(the nomination's state and the reason given with its last step); above them, per award type, the quota used.

Read as the review queue reads it (awards.checks.checks_for, awards.views.review.vote_shares and
quota_rows), in a number of queries that does not grow with the nominations.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from awards import eligibility
from awards.checks import checks_for
from awards.models import Nomination, ReviewEvent, State
from awards.views.review import quota_rows, vote_shares
from reports.documents import records
from reports.documents.base import ROMAN, DocumentUnavailable, Signature, arabic
from reports.documents.board import BOARD_NAME, board_meta

PENDING = {State.SUBMITTED, State.UNDER_REVIEW}
APPROVED = {State.APPROVED, State.DECIDED}


def _numeral(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def check_lines(checks: list[eligibility.Check]) -> list[str]:
    """What the checks found, one line each: what is not met first, then what to look at."""
    lines = [f"Chưa đạt: {c.label} — {c.detail}" for c in checks if c.outcome == eligibility.BLOCKING]
    lines += [f"Lưu ý: {c.label} — {c.detail}" for c in checks if c.outcome == eligibility.WARNING]
    return lines


def build(*, year: int) -> dict:
    # The board's opinion is the reason given with the step that put the nomination in its state (an older
    # reason — a return since answered — is history, on the nomination's timeline).
    last_reason = ReviewEvent.objects.filter(nomination=OuterRef("pk")).order_by("-at", "-pk").values("reason")
    nominations = list(
        Nomination.objects.filter(year=year)
        .select_related("bloc", "unit", "award_type")
        .annotate(last_reason=Subquery(last_reason[:1]))
        .order_by()
    )
    if not nominations:
        raise DocumentUnavailable(
            f"Năm {year} chưa có hồ sơ đề nghị khen thưởng nào nên chưa có bảng tổng hợp thẩm định."
        )
    nominations.sort(
        key=lambda n: (n.award_type.order, n.award_type.name, n.bloc.sort_key, n.bloc.pk, n.unit.sort_key, n.unit.pk)
    )
    checks = checks_for(nominations)
    shares = vote_shares(nominations)
    ratings = records.ratings({n.unit_id for n in nominations}, year)
    quotas = {row.award_type.pk: row for row in quota_rows(year)}
    rule_set = records.rule_set(year)

    groups: list[dict] = []
    for nomination in nominations:
        if not groups or groups[-1]["award"] != nomination.award_type:
            groups.append({"award": nomination.award_type, "blocs": [], "count": 0})
        group = groups[-1]
        if not group["blocs"] or group["blocs"][-1]["bloc"] != nomination.bloc:
            group["blocs"].append({"bloc": nomination.bloc, "rows": []})
        group["count"] += 1
        share = shares.get(nomination.pk)
        rating = ratings.get(nomination.unit_id)
        lines = check_lines(checks[nomination.pk])
        group["blocs"][-1]["rows"].append(
            {
                "nomination": nomination,
                "unit": nomination.unit,
                "rating": rating.rating if rating else "",
                "share": share.share if share else "",
                "share_met": share.met if share else True,
                "from_ballot": bool(nomination.ballot_id),
                "check_lines": lines,
                "checks_ok": not lines,
                "state": nomination.get_state_display(),
                "reason": nomination.last_reason or "",
            }
        )

    totals = []
    for index, group in enumerate(groups):
        group["numeral"] = _numeral(index)
        number = arabic()
        for bloc_group in group["blocs"]:
            bloc_group["number"] = number()
        states = [row["nomination"].state for b in group["blocs"] for row in b["rows"]]
        quota = quotas.get(group["award"].pk)
        group["quota"] = quota
        totals.append(
            {
                "award": group["award"],
                "count": len(states),
                "draft": sum(s == State.DRAFT for s in states),
                "pending": sum(s in PENDING for s in states),
                "returned": sum(s == State.RETURNED for s in states),
                "approved": sum(s in APPROVED for s in states),
                "not_approved": sum(s == State.NOT_APPROVED for s in states),
                "quota": quota,
            }
        )

    blocs = {n.bloc_id for n in nominations}
    return {
        "title": "BẢNG TỔNG HỢP",
        "subject": f"Kết quả thẩm định hồ sơ đề nghị khen thưởng công tác thi đua năm {year} của các khối, cụm thi đua",
        "year": year,
        "rule_set": rule_set,
        "board_name": BOARD_NAME,
        "groups": groups,
        "totals": totals,
        "total": len(nominations),
        "bloc_count": len(blocs),
        "approved": sum(t["approved"] for t in totals),
        "ratings_used": bool(ratings),
        "filename": f"tong-hop-tham-dinh-{year}",
        "meta": board_meta(
            issued_on=timezone.localdate(),
            signatures=[Signature(lines=["NGƯỜI TỔNG HỢP"], name=""), Signature(lines=["TRƯỞNG BAN"], name="")],
        ),
    }
