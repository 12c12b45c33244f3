"""The demo province's year-end meetings: attendance, three award ballots and the election of next
year's head and deputy, for each active bloc and each year asked for.

Deterministic and additive: a bloc-year that already has a meeting is left as it is. Rows are written
directly with save() (django-simple-history records them), without `ensure_year_open`, so that the
demo can write the meetings of a year it closes. The elections choose exactly the head and deputy
that the demo's memberships already give the next year (each year's head is the previous year's
deputy); they are marked as applied, and the memberships are not touched.
"""

import math
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import transaction

from blocs.models import AwardRule, Bloc, MemberRole, Membership, RuleSet
from blocs.ranking_data import ranking_for
from meetings import voting
from meetings.models import Attendance, Ballot, BallotCandidate, BallotPurpose, Meeting, MeetingKind
from meetings.services_ballots import proposed_ballot_title, quota_for, rule_citation
from meetings.services_meetings import members_of, proposed_title
from units.models import AwardType

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SECRETARIES = [
    "Trần Thị Minh Thư",
    "Lê Văn Khoa",
    "Nguyễn Thị Thu Hiền",
    "Phan Văn Đức",
    "Hoàng Thị Ngọc Mai",
    "Võ Thị Hải Yến",
    "Đặng Quốc Việt",
    "Bùi Thị Lan Anh",
]
AGENDA = "\n".join(
    [
        "1. Báo cáo tổng kết công tác thi đua, khen thưởng năm {year} và phương hướng năm {next}.",
        "2. Công bố kết quả chấm điểm, xếp hạng thi đua của các đơn vị thành viên.",
        "3. Bình xét, suy tôn đơn vị dẫn đầu và các đơn vị đề nghị khen thưởng.",
        "4. Bầu đơn vị Khối trưởng, Khối phó năm {next}.",
    ]
)
CONTENT = (
    "Hội nghị nghe đơn vị Khối trưởng báo cáo tổng kết công tác thi đua, khen thưởng năm {year}; các đơn vị "
    "thành viên phát biểu, trao đổi kinh nghiệm trong tổ chức phong trào thi đua, thống nhất kết quả chấm "
    "điểm, xếp hạng và tiến hành bỏ phiếu kín bình xét, suy tôn theo Quy chế."
)
CONCLUSIONS = (
    "Hội nghị thống nhất đề nghị khen thưởng các đơn vị theo kết quả bỏ phiếu; giao đơn vị Khối trưởng hoàn "
    "thiện hồ sơ, gửi Ban Thi đua - Khen thưởng tỉnh đúng thời hạn và bàn giao nhiệm vụ cho đơn vị Khối trưởng "
    "năm {next}."
)


@transaction.atomic
def seed_meetings(*, years, applied_by=None) -> dict:
    """Record each active bloc's year-end meeting of each year in `years` that has none yet."""
    counts = {"meetings": 0, "ballots": 0}
    award_types = {a.code: a for a in AwardType.objects.filter(code__in=["co-ubnd-tinh", "bk-chu-tich-tinh", "ttldxs"])}
    for bloc in Bloc.objects.filter(active=True).order_by("pk"):
        for year in years:
            if Meeting.objects.filter(bloc=bloc, year=year).exists():
                continue
            rule_set = RuleSet.objects.filter(year=year).first()
            members = members_of(bloc=bloc, year=year)
            if rule_set is None or not members:
                continue
            counts["ballots"] += _year_end(bloc, year, members, rule_set, award_types, applied_by)
            counts["meetings"] += 1
    return counts


def _year_end(bloc, year, members, rule_set, award_types, applied_by) -> int:
    head = next((m for m in members if m.role == MemberRole.HEAD), members[0])
    unit = head.unit
    meeting = Meeting(
        bloc=bloc,
        year=year,
        kind=MeetingKind.YEAR_END,
        title=proposed_title(MeetingKind.YEAR_END, year),
        held_at=datetime(year, 12, 18 + bloc.pk % 9, 14, 0, tzinfo=HCM),
        place=f"Hội trường {unit.name}",
        chair=", ".join(part for part in (unit.leader_name, unit.leader_title, f"{unit.name} (Khối trưởng)") if part),
        secretary=f"{SECRETARIES[bloc.pk % len(SECRETARIES)]}, chuyên viên {unit.name}",
        agenda=AGENDA.format(year=year, next=year + 1),
        content=CONTENT.format(year=year),
        conclusions=CONCLUSIONS.format(next=year + 1),
    )
    meeting.save()
    for membership in members:
        leader = membership.unit
        Attendance(
            meeting=meeting,
            unit=leader,
            present=True,
            represented_by=", ".join(p for p in (leader.leader_name, leader.leader_title) if p),
        ).save()

    n = len(members)
    by_pk = {m.unit_id: m.unit for m in members}
    ranked = [row.key for row in ranking_for(bloc=bloc, year=year).ranking.ranked if row.key in by_pk]
    order = ranked + [m.unit_id for m in members if m.unit_id not in ranked]
    leader_pk, others = order[0], order[1:]
    ballots = []

    def award(code: str, candidates: list[int], seats: int | None = None):
        award_type = award_types.get(code)
        if award_type is None:
            return
        award_rule = AwardRule.objects.filter(rule_set=rule_set, award_type=award_type).first()
        limit, quota_text = quota_for(award_rule=award_rule, bloc=bloc, year=year, members=n)
        seats = seats or limit or 1
        if limit is not None and (limit < 1 or seats > limit):
            return
        ballots.append(
            _ballot(meeting, rule_set, BallotPurpose.AWARD, award_type, candidates[: seats + 1], seats, n,
                    citation=rule_citation(rule_set=rule_set, award_rule=award_rule), limit=limit,
                    quota_text=quota_text, order=len(ballots) + 1)
        )  # fmt: skip

    award("co-ubnd-tinh", [leader_pk], seats=1)
    award("bk-chu-tich-tinh", others)
    award("ttldxs", order)

    roles = dict(
        Membership.objects.filter(bloc=bloc, year=year + 1, role__in=[MemberRole.HEAD, MemberRole.DEPUTY]).values_list(
            "role", "unit_id"
        )
    )
    for purpose in (BallotPurpose.HEAD, BallotPurpose.DEPUTY):
        elected = roles.get(purpose)
        if elected not in by_pk:
            continue
        ballot = _ballot(meeting, rule_set, purpose, None, [elected], 1, n,
                         citation=rule_citation(rule_set=rule_set, award_rule=None), limit=None, quota_text="",
                         order=len(ballots) + 1)  # fmt: skip
        ballot.applied_at = meeting.held_at + timedelta(days=1)
        ballot.applied_by = applied_by
        ballot.save()
        ballots.append(ballot)
    return len(ballots)


def _ballot(meeting, rule_set, purpose, award_type, candidates, seats, n, *, citation, limit, quota_text, order):
    """A counted ballot, everyone present voting: the first `seats` candidates pass the threshold, an
    extra candidate (if any) does not, and the marks never exceed valid × seats."""
    threshold = rule_set.vote_threshold
    needed = math.floor(threshold * n) + 1 if rule_set.vote_threshold_strict else math.ceil(threshold * n)
    needed = min(max(needed, 1), n)
    passing = max(needed, n - 1)
    passers = candidates[:seats]
    low = max(0, min(needed - 1, n * seats - passing * len(passers)))
    votes = dict.fromkeys(passers, passing) | dict.fromkeys(candidates[seats:], low)
    problems = voting.check_counts(
        entitled=n,
        issued=n,
        returned=n,
        valid=n,
        candidates=[voting.Candidate(key=pk, name=str(pk), votes=v) for pk, v in votes.items()],
        seats=seats,
        present=n,
    )
    assert not problems, problems  # the demo writes only possible counts
    assert all(
        voting.meets_threshold(
            votes=votes[pk], base=n, threshold=Fraction(threshold), strict=rule_set.vote_threshold_strict
        )
        for pk in passers
    )
    ballot = Ballot(
        meeting=meeting,
        order=order,
        purpose=purpose,
        award_type=award_type,
        title=proposed_ballot_title(purpose=purpose, award_type=award_type, year=meeting.year),
        seats=seats,
        entitled=n,
        issued=n,
        returned=n,
        valid=n,
        vote_base=rule_set.vote_base,
        threshold_num=rule_set.vote_threshold_num,
        threshold_den=rule_set.vote_threshold_den,
        threshold_strict=rule_set.vote_threshold_strict,
        rule_citation=citation,
        quota_limit=limit,
        quota_text=quota_text,
    )
    ballot.save()
    units = {
        m.unit_id: m.unit for m in Membership.objects.filter(bloc=meeting.bloc, year=meeting.year, unit_id__in=votes)
    }
    ordered = sorted(votes, key=lambda pk: (units[pk].sort_key, pk))
    for index, pk in enumerate(ordered, start=1):
        BallotCandidate(ballot=ballot, unit_id=pk, votes=votes[pk], order=index).save()
    return ballot
