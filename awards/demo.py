"""The demo province's award nominations of one year: every unit a bloc's year-end meeting proposed, with
its achievements summary and a complete dossier, then taken some way through the board's review.

Everything is written through the services a user would go through (awards/services.py for the bloc's
staff and the board's review, awards/services_decisions.py for the award decision), so the nominations'
timelines, their history and the units' award history are what the app itself writes. Each step is taken
by someone who may take it: the bloc's secretary records and uploads, the bloc head submits, the board's
reviewer reviews and the board admin records the decision. Blocs without a demo login for their secretary
or head get accounts for them that nobody can sign in with. Afterwards only the timestamps are set back
to when these steps would have happened (from the meeting in December to the decision in early spring).

Blocs named in `keep_draft` (the demo secretary's and head's) keep their nominations as drafts with
complete dossiers, for the head to submit. Elsewhere a nomination is submitted only if no check blocks it
(awards/checks.py); the submitted ones are spread over the review's states by a fixed plan, and the
approved provincial flags go into one award decision.

Deterministic and additive: a bloc-year that already has nominations is left as it is, and the decision
is recorded once, so `seed_demo --force` run again creates nothing.
"""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from awards.checks import checks_for
from awards.eligibility import blocking_messages
from awards.models import AwardDecision, DossierFile, DossierKind, Nomination, ReviewEvent, State
from awards.services import dossier_add, nomination_create_from_ballot, nomination_transition, nomination_update
from awards.services_decisions import DecisionValues, decision_attach, decision_create
from blocs.models import Bloc, BlocKind, MemberRole, Membership, Role, RoleKind
from blocs.ranking import points_text
from blocs.ranking_data import ranking_for
from meetings.models import Ballot, BallotPurpose, Meeting, MeetingKind
from meetings.services_ballots import passed_candidates
from units.models import AnnualRating, AwardType, Rating, Unit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATE = "awards/demo/dossier.html"
STYLESHEET = "css/print.css"  # the official-format stylesheet of the documents, with the bundled fonts

# Secretaries of the blocs that have no demo login for theirs (by bloc pk, cycling).
SECRETARIES = [
    "Nguyễn Thị Kim Oanh",
    "Đinh Quốc Huy",
    "Lê Thị Mỹ Duyên",
    "Hồ Văn Thành",
    "Phạm Thị Bích Ngọc",
    "Đỗ Minh Quân",
    "Lương Thị Hoài Thu",
    "Cao Văn Tâm",
]

# What the board has done with each submitted nomination, by award type, cycling in a fixed order.
DECIDED_AWARD = "co-ubnd-tinh"
AFTER_RETURN = "after_return"  # returned for a missing paper, completed, submitted again and approved
PLAN = {
    DECIDED_AWARD: (State.DECIDED, State.DECIDED, State.UNDER_REVIEW, State.DECIDED, State.APPROVED, State.DECIDED,
                    State.SUBMITTED),
    "": (State.SUBMITTED, State.UNDER_REVIEW, AFTER_RETURN, State.RETURNED, State.NOT_APPROVED, State.APPROVED,
         State.UNDER_REVIEW, State.RETURNED, State.APPROVED, State.SUBMITTED, State.NOT_APPROVED),
}  # fmt: skip
RETURN_REASONS = [
    "Bổ sung báo cáo thành tích có xác nhận của cơ quan chủ quản.",
    "Tờ trình chưa ghi tỷ lệ phiếu bình xét của đơn vị; đề nghị Khối bổ sung, ký lại tờ trình.",
    "Báo cáo thành tích chưa nêu số liệu cụ thể về kết quả thực hiện các chỉ tiêu giao ước năm {year}; "
    "đề nghị bổ sung số liệu và gửi lại.",
]
REJECT_REASONS = [
    "Thành tích chưa thật sự tiêu biểu, nổi trội so với các tập thể khác được đề nghị cùng hình thức; "
    "Hội đồng Thi đua - Khen thưởng tỉnh không thống nhất đề nghị.",
    "Trong năm {year} đơn vị có công chức bị xử lý kỷ luật, chưa bảo đảm tiêu chuẩn khen thưởng theo quy định.",
]
DECISION = {
    "number": "186/QĐ-UBND",
    "date": date(2026, 3, 16),
    "signer": "Lê Hồng Quang",
    "signer_title": "Chủ tịch UBND tỉnh",
    "note": "Tặng Cờ thi đua của UBND tỉnh cho các tập thể dẫn đầu phong trào thi đua năm {year} trong các cụm, "
    "khối thi đua của tỉnh.",
}

# Achievements summaries: a few sentences in the style of a nomination, by award type.
OPENINGS = [
    "Năm {year}, {unit} hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ chính trị, chuyên môn được giao; được xếp "
    "loại «{rating}», đạt {score} điểm, xếp thứ {rank}/{size} đơn vị thành viên {bloc}.",
    "Trong năm {year}, {unit} bám sát chương trình công tác, triển khai đồng bộ, hiệu quả các nhiệm vụ trọng "
    "tâm; kết quả chấm điểm thi đua đạt {score} điểm, xếp thứ {rank}/{size} của {word}, xếp loại «{rating}».",
    "{unit} đã chủ động tham mưu, tổ chức thực hiện hoàn thành toàn diện các nhiệm vụ năm {year}; được xếp loại "
    "«{rating}», xếp thứ {rank}/{size} đơn vị của {word} với {score} điểm.",
]
MIDDLES = {
    "co-ubnd-tinh": "Đơn vị dẫn đầu phong trào thi đua của {word} năm {year}; có nhiều mô hình, cách làm hay trong "
    "cải cách hành chính, chuyển đổi số được các đơn vị thành viên học tập, nhân rộng.",
    "bk-chu-tich-tinh": "Đơn vị có {streak} năm liên tục ({first}–{year}) hoàn thành xuất sắc nhiệm vụ; phong trào "
    "thi đua được phát động thường xuyên, gắn với thực hiện nhiệm vụ chuyên môn.",
    "ttldxs-partial": "Năm {year}, {completed}/{total} cán bộ, công chức, người lao động của đơn vị hoàn thành "
    "nhiệm vụ; {advanced} người ({advanced_share}) đạt danh hiệu «Lao động tiên tiến», {fighters} người đạt danh "
    "hiệu «Chiến sĩ thi đua cơ sở».",
    "": "Phong trào thi đua được phát động thường xuyên, gắn với thực hiện nhiệm vụ chuyên môn; đơn vị tích cực "
    "tham gia các hoạt động do {word} tổ chức.",
    "ttldxs": "Năm {year}, 100% cán bộ, công chức, người lao động của đơn vị ({total} người) hoàn thành nhiệm vụ; "
    "{advanced} người ({advanced_share}) đạt danh hiệu «Lao động tiên tiến», {fighters} người đạt danh hiệu "
    "«Chiến sĩ thi đua cơ sở».",
}
CLOSINGS = [
    "Tập thể đơn vị đoàn kết, tổ chức đảng, đoàn thể trong sạch, vững mạnh; tại Hội nghị tổng kết, đơn vị được "
    "các thành viên {word} bình xét, suy tôn với {share} số phiếu.",
    "Đơn vị thực hành tiết kiệm, chống lãng phí, chấp hành nghiêm kỷ luật, kỷ cương hành chính; được Hội nghị "
    "tổng kết của {word} bình xét, suy tôn với {share} số phiếu đồng ý.",
]
DOCUMENTS = [
    # (dossier kind, number symbol, title, subject)
    (DossierKind.LETTER, "TTr", "Tờ trình", "Về việc đề nghị khen thưởng thành tích năm {year}"),
    (DossierKind.MINUTES, "BB", "Trích biên bản", "Họp bình xét, suy tôn đề nghị khen thưởng năm {year}"),
    (DossierKind.REPORT, "BC", "Báo cáo", "Tóm tắt thành tích năm {year} của các tập thể đề nghị khen thưởng"),
]
SUPPLEMENT = "Báo cáo thành tích năm {year} (bổ sung, có xác nhận của cơ quan chủ quản)"
FILE_NAMES = {
    DossierKind.LETTER: "Tờ trình đề nghị khen thưởng năm {year}",
    DossierKind.MINUTES: "Biên bản họp bình xét năm {year}",
    DossierKind.REPORT: "Báo cáo thành tích năm {year}",
}


@dataclass
class Proposal:
    """One unit a ballot proposed, with what its summary and the dossier say about it."""

    ballot: Ballot
    unit: Unit
    award_type: AwardType
    share: str


@dataclass
class UnitFacts:
    rating: str
    score: str
    rank: int | str
    size: int
    streak: int
    total: int | None
    completed: int | None
    advanced: int | None
    fighters: int | None


@dataclass
class BlocDesk:
    """Who works on a bloc's nominations, and the files they upload."""

    bloc: Bloc
    meeting: Meeting
    secretary: object
    head: object
    files: dict[str, bytes]


@transaction.atomic
def seed_nominations(*, year: int, board, reviewer=None, keep_draft: Collection[str] = ()) -> dict:
    """Nominate every unit the active blocs' year-end ballots of `year` proposed; returns counts.

    `board` records the award decision, `reviewer` (default: `board`) reviews; `keep_draft` are the codes of
    the blocs whose nominations stay drafts.
    """
    reviewer = reviewer or board
    created: list[Nomination] = []
    desks: dict[int, BlocDesk] = {}
    to_review: list[Nomination] = []
    renderer = Renderer()
    for bloc in Bloc.objects.filter(active=True).order_by("pk"):
        if Nomination.objects.filter(bloc=bloc, year=year).exists():
            continue
        meeting = (
            Meeting.objects.filter(bloc=bloc, year=year, kind=MeetingKind.YEAR_END).order_by("held_at", "pk").first()
        )
        proposals = _proposals(meeting) if meeting is not None else []
        if not proposals:
            continue
        secretary, head = _staff(bloc, year)
        facts = _facts(bloc, year, proposals)
        desk = desks[bloc.pk] = BlocDesk(
            bloc, meeting, secretary, head, _dossier(bloc, year, meeting, proposals, facts, head, renderer)
        )
        nominations = [
            _nominate(desk, year, proposal, facts[proposal.unit.pk], index) for index, proposal in enumerate(proposals)
        ]
        created += nominations
        if bloc.code in keep_draft:
            continue
        checks = checks_for(nominations)
        for nomination in nominations:
            if not blocking_messages(checks[nomination.pk]):
                to_review.append(nomination_transition(nomination=nomination, action="submit", user=head))
    decision = _review(year, to_review, desks, reviewer, board)
    if created:
        _set_back_the_clock(year, created, desks, decision)
    return {"nominations": len(created), "decisions": int(decision is not None)}


def summary_counts(year: int) -> dict:
    """The year's nominations by state, its dossier files and award decisions, for seed_demo's report."""
    states = Counter(Nomination.objects.filter(year=year).values_list("state", flat=True))
    decisions = list(AwardDecision.objects.filter(year=year).select_related("award_type").order_by("date", "pk"))
    return {
        "total": sum(states.values()),
        "states": [(state.label, states[state.value]) for state in State if states[state.value]],
        "files": DossierFile.objects.filter(nomination__year=year).count(),
        "decisions": [(d, d.nominations.count()) for d in decisions],
    }


# --- The bloc's side ----------------------------------------------------------------------------------------------


def _proposals(meeting: Meeting) -> list[Proposal]:
    """The units the meeting's award ballots proposed, in the ballots' order."""
    result = []
    for ballot in Ballot.objects.filter(meeting=meeting, purpose=BallotPurpose.AWARD).order_by("order", "pk"):
        for passed in passed_candidates(ballot):
            result.append(Proposal(ballot, passed.unit, passed.award_type, passed.share_text))
    return result


def _staff(bloc: Bloc, year: int) -> tuple[object, object]:
    """The bloc's secretary and head: the demo's logins where there are some, else accounts for them that
    cannot sign in (an unusable password). The head is the leader of next year's head unit, who submits
    the year's nominations in January, as the demo's own head login does."""
    user_model = get_user_model()
    holders = {}
    for kind in (RoleKind.BLOC_SECRETARY, RoleKind.BLOC_HEAD):
        role = Role.objects.filter(bloc=bloc, kind=kind).select_related("user").order_by("pk").first()
        holders[kind] = role.user if role is not None else None
    word = _word(bloc)
    heads = Membership.objects.filter(bloc=bloc, year__in=[year + 1, year], role=MemberRole.HEAD)
    head_unit = heads.select_related("unit").order_by("-year").first().unit  # the demo has both years' heads
    wanted = {
        RoleKind.BLOC_SECRETARY: (
            f"thuky-{bloc.code}",
            SECRETARIES[bloc.pk % len(SECRETARIES)],
            f"Chuyên viên {head_unit.name}, thư ký {bloc.name}",
        ),
        RoleKind.BLOC_HEAD: (
            f"khoitruong-{bloc.code}",
            head_unit.leader_name or f"Thủ trưởng {head_unit.name}",
            f"{head_unit.leader_title or 'Thủ trưởng'}, {head_unit.name}; {word} trưởng {bloc.name}",
        ),
    }
    for kind, (username, full_name, position) in wanted.items():
        if holders[kind] is not None:
            continue
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username[:150], full_name=full_name, position=position[:150])
            user.set_unusable_password()
            user.save()
        Role.objects.get_or_create(user=user, kind=kind, bloc=bloc)
        holders[kind] = user
    return holders[RoleKind.BLOC_SECRETARY], holders[RoleKind.BLOC_HEAD]


def _nominate(desk: BlocDesk, year: int, proposal: Proposal, facts: UnitFacts, index: int) -> Nomination:
    """The secretary records the nomination, writes its summary and uploads the bloc's three files."""
    secretary = desk.secretary
    nomination = nomination_create_from_ballot(ballot=proposal.ballot, unit=proposal.unit, user=secretary)
    summary = _summary(desk.bloc, year, proposal, facts, index)
    nomination = nomination_update(
        nomination=nomination, summary=summary, expected_version=nomination.version, user=secretary
    )
    for kind, content in desk.files.items():
        _upload(desk, nomination, kind, FILE_NAMES[kind].format(year=year), content)
    return nomination


def _upload(desk: BlocDesk, nomination: Nomination, kind: str, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(f"{name}.pdf", content, content_type="application/pdf")
    dossier_add(nomination=nomination, upload=upload, kind=kind, user=desk.secretary, name=name)


def _facts(bloc, year, proposals) -> dict[int, UnitFacts]:
    """Each proposed unit's rating, score and place in the bloc's ranking of the year, and staff figures."""
    ranking = ranking_for(bloc=bloc, year=year).ranking
    ranked = {row.key: row for row in ranking.ranked}
    unit_ids = {p.unit.pk for p in proposals}
    ratings: dict[int, dict[int, AnnualRating]] = {pk: {} for pk in unit_ids}
    for rating in AnnualRating.objects.filter(unit_id__in=unit_ids, year__lte=year, year__gt=year - 6):
        ratings[rating.unit_id][rating.year] = rating
    facts = {}
    for pk in unit_ids:
        own = ratings[pk].get(year)
        streak = 0
        while ratings[pk].get(year - streak) and ratings[pk][year - streak].rating == Rating.HTXSNV:
            streak += 1
        row = ranked.get(pk)
        facts[pk] = UnitFacts(
            rating=_label(Rating(own.rating)) if own else "chưa xếp loại",
            score=points_text(row.final) if row else "—",
            rank=row.rank if row else "—",
            size=len(ranking.ranked),
            streak=streak,
            total=own.staff_total if own else None,
            completed=own.staff_completed if own else None,
            advanced=own.staff_advanced if own else None,
            fighters=own.staff_emulation_fighters if own else None,
        )
    return facts


def _summary(bloc, year, proposal: Proposal, facts: UnitFacts, index: int) -> str:
    """A few sentences: the year's results, what the award asks for, and the bloc's vote."""
    word = _word(bloc)
    values = {
        "year": year,
        "unit": proposal.unit.name,
        "bloc": bloc.name,
        "word": word,
        "rating": facts.rating,
        "score": facts.score,
        "rank": facts.rank,
        "size": facts.size,
        "share": proposal.share,
        "streak": facts.streak,
        "first": year - facts.streak + 1,
        "total": facts.total,
        "completed": facts.completed,
        "advanced": facts.advanced,
        "advanced_share": _percent(facts.advanced, facts.total),
        "fighters": facts.fighters,
    }
    opening = OPENINGS[(index + bloc.pk) % len(OPENINGS)].format(**values)
    code = proposal.award_type.code
    if code == "bk-chu-tich-tinh" and facts.streak < 2:
        code = ""
    elif code == "ttldxs" and facts.completed != facts.total:
        code = "ttldxs-partial"
    middle = MIDDLES.get(code, MIDDLES[""]).format(**values)
    closing = CLOSINGS[(index + bloc.pk) % len(CLOSINGS)].format(**values)
    return " ".join(part for part in (opening[0].upper() + opening[1:], middle, closing) if part)


# --- The dossier files --------------------------------------------------------------------------------------------


class Renderer:
    """HTML to PDF with WeasyPrint, for the demo's files.

    What every file shares is made once per seeding: print.css parsed with its bundled fonts loaded, and a
    fetcher of local files only that fails rather than print with a fallback font (made for each file, they
    would cost as much as the page itself). The same HTML gives the same bytes, so the bytes are kept for the
    process: seeding again (the tests) does not render again.
    """

    made: ClassVar[dict[str, bytes]] = {}

    def __init__(self):
        self._parts = None

    def pdf(self, html: str) -> bytes:
        if html not in self.made:
            self.made[html] = self._write(html)
        return self.made[html]

    def _write(self, html: str) -> bytes:
        import weasyprint  # slow to import: only when the demo makes its files
        from weasyprint.text.fonts import FontConfiguration

        if self._parts is None:
            root = Path(finders.find(STYLESHEET)).resolve().parent.parent
            fetcher = weasyprint.URLFetcher(allowed_protocols=("file",), fail_on_errors=True)
            fonts = FontConfiguration()
            stylesheet = weasyprint.CSS(filename=str(root / STYLESHEET), font_config=fonts, url_fetcher=fetcher)
            self._parts = (root, fetcher, fonts, stylesheet)
        root, fetcher, fonts, stylesheet = self._parts
        document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


def _dossier(bloc, year, meeting, proposals, facts, head, renderer: Renderer) -> dict[str, bytes]:
    """The bloc's three files, rendered once and attached to each of its nominations."""
    word = _word(bloc)
    symbol = "CTĐ" if bloc.kind == BlocKind.CUM else "KTĐ"
    held = timezone.localtime(meeting.held_at, HCM)
    sent = _submitted_on(bloc, year)
    entitled = proposals[0].ballot.entitled
    by_unit: dict[int, list[str]] = {}
    for p in proposals:
        by_unit.setdefault(p.unit.pk, []).append(p.award_type.name)
    units = []
    for p in proposals:
        if p.unit.pk in {row["pk"] for row in units}:
            continue
        f = facts[p.unit.pk]
        units.append(
            {"pk": p.unit.pk, "unit": p.unit.name, "rating": f.rating, "score": f.score, "rank": f"{f.rank}/{f.size}",
             "awards": "; ".join(by_unit[p.unit.pk])}
        )  # fmt: skip
    common = {
        "bloc": bloc,
        "year": year,
        "word": word,
        "parent_body": f"UBND TỈNH {settings.PROVINCE_NAME.upper()}",
        "issuer": _issuer(bloc),
        "place": settings.PROVINCE_NAME,
        "meeting": meeting,
        "meeting_date": f"{held:%d/%m/%Y}",
        "meeting_time": f"{held:%H} giờ {held:%M}",
        "present": meeting.attendance.filter(present=True).count(),
        "entitled": entitled,
        "proposals": [{"unit": p.unit.name, "award": p.award_type.name, "share": p.share} for p in proposals],
        "units": units,
        "signer": head.full_name,
        "chair_name": meeting.chair.split(",")[0].strip(),
        "secretary_name": meeting.secretary.split(",")[0].strip(),
        "recipients": ["Như trên;", f"Các đơn vị thành viên {word};", "Lưu: VT."],
    }
    files = {}
    for number, (kind, code, title, subject) in enumerate(DOCUMENTS, start=1):
        issued = held.date() if kind == DossierKind.MINUTES else sent
        context = common | {
            "doc": kind,
            "number": f"{number:02d}/{code}-{symbol}",
            "date_words": _date_words(issued),
            "title": title.upper(),
            "subject": subject.format(year=year),
        }
        with translation.override("vi"):
            html = render_to_string(TEMPLATE, context)
        files[kind] = renderer.pdf(html)
    return files


def _issuer(bloc: Bloc) -> str:
    """ "Khối các cơ quan Đảng" issues as "KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG"."""
    name = bloc.name.strip()
    for word in ("Khối", "Cụm"):
        if name.startswith(word + " ") and "thi đua" not in name.lower():
            name = f"{word} thi đua {name[len(word) + 1 :]}"
    return name.upper()


def _label(choice) -> str:
    """A choice's label in Vietnamese, the language of the demo's papers, whatever language is active."""
    with translation.override("vi"):
        return str(choice.label)


def _word(bloc: Bloc) -> str:
    return "Cụm" if bloc.kind == BlocKind.CUM else "Khối"


def _date_words(day: date) -> str:
    """ "ngày 06 tháng 01 năm 2026": a leading zero for days below 10 and for months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _percent(part: int | None, whole: int | None) -> str:
    if not part or not whole:
        return "—"
    return f"{round(100 * part / whole, 1):g}%".replace(".", ",")


# --- The board's side ---------------------------------------------------------------------------------------------


def _review(year: int, submitted: list[Nomination], desks: dict[int, BlocDesk], reviewer, board):
    """Take each submitted nomination to the state the plan gives it; the approved provincial flags the plan
    marks as decided go into one award decision. Returns the decision, if one was recorded."""
    by_award: dict[str, list[Nomination]] = {}
    for nomination in sorted(submitted, key=lambda n: (n.award_type.order, n.bloc_id, n.unit.sort_key, n.pk)):
        by_award.setdefault(nomination.award_type.code, []).append(nomination)
    returned = rejected = 0
    to_decide = []
    for code, nominations in by_award.items():
        plan = PLAN.get(code, PLAN[""])
        for index, nomination in enumerate(nominations):
            target = plan[index % len(plan)]
            if target == State.SUBMITTED:
                continue
            n = nomination_transition(nomination=nomination, action="start_review", user=reviewer)
            if target == AFTER_RETURN:
                n = _return_and_resubmit(n, desks[n.bloc_id], reviewer, year)
                target = State.APPROVED
            if target == State.UNDER_REVIEW:
                continue
            if target == State.RETURNED:
                reason = RETURN_REASONS[returned % len(RETURN_REASONS)].format(year=year)
                nomination_transition(nomination=n, action="return", user=reviewer, reason=reason)
                returned += 1
            elif target == State.NOT_APPROVED:
                reason = REJECT_REASONS[rejected % len(REJECT_REASONS)].format(year=year)
                nomination_transition(nomination=n, action="reject", user=reviewer, reason=reason)
                rejected += 1
            else:
                n = nomination_transition(nomination=n, action="approve", user=reviewer)
                if target == State.DECIDED:
                    to_decide.append(n)
    if not to_decide or AwardDecision.objects.filter(number=DECISION["number"], year=year).exists():
        return None
    values = DecisionValues(
        number=DECISION["number"],
        date=min(DECISION["date"], timezone.localdate()),
        signer=DECISION["signer"],
        signer_title=DECISION["signer_title"],
        award_type=to_decide[0].award_type,
        year=year,
        note=DECISION["note"].format(year=year),
    )
    decision = decision_create(values=values, user=board)
    decision_attach(decision=decision, versions={n.pk: n.version for n in to_decide}, user=board)
    return decision


def _return_and_resubmit(nomination: Nomination, desk: BlocDesk, reviewer, year: int) -> Nomination:
    """The reviewer asks for the report certified by the unit's governing body; the secretary uploads it, the
    head submits again and the reviewer takes it up again."""
    n = nomination_transition(nomination=nomination, action="return", user=reviewer, reason=RETURN_REASONS[0])
    name = SUPPLEMENT.format(year=year)
    _upload(desk, n, DossierKind.REPORT, name, desk.files[DossierKind.REPORT])
    n = nomination_transition(nomination=n, action="submit", user=desk.head)
    return nomination_transition(nomination=n, action="start_review", user=reviewer)


# --- Dates --------------------------------------------------------------------------------------------------------


def _submitted_on(bloc: Bloc, year: int) -> date:
    """When the bloc head signs and submits: the first weeks of January."""
    return date(year + 1, 1, 5 + bloc.pk % 9)


# The time from one step to the next, by the state the step leads to.
GAPS = {
    State.UNDER_REVIEW: timedelta(days=9, hours=1),
    State.RETURNED: timedelta(days=11, hours=3),
    State.APPROVED: timedelta(days=13, hours=2),
    State.NOT_APPROVED: timedelta(days=13, hours=5),
    State.SUBMITTED: timedelta(days=8, hours=2),  # a returned nomination, corrected and submitted again
}


def _set_back_the_clock(year: int, created: list[Nomination], desks: dict[int, BlocDesk], decision) -> None:
    """Date the steps as they would have happened: recorded two days after the meeting; the files, dated the day
    the head signs the letter in early January, uploaded that morning and submitted an hour later; each review
    step some days after the one before (a file added on return just before the nomination goes back);
    decided on the decision's date. Only timestamps change; nothing else is touched."""
    ids = [n.pk for n in created]
    events_of: dict[int, list[ReviewEvent]] = {pk: [] for pk in ids}
    for event in ReviewEvent.objects.filter(nomination_id__in=ids).order_by("pk"):
        events_of[event.nomination_id].append(event)
    files_of: dict[int, list[DossierFile]] = {pk: [] for pk in ids}
    for dossier in DossierFile.objects.filter(nomination_id__in=ids).order_by("pk"):
        files_of[dossier.nomination_id].append(dossier)
    events, files = [], []
    for index, nomination in enumerate(created):
        desk = desks[nomination.bloc_id]
        held = timezone.localtime(desk.meeting.held_at, HCM).date()
        recorded = datetime.combine(held + timedelta(days=2), time(8, 30), HCM) + timedelta(minutes=7 * index)
        nomination.created_at = recorded
        at = recorded
        resubmitted = []
        for event in events_of[nomination.pk]:
            if event.to_state == State.DRAFT:
                at = recorded
            elif event.to_state == State.SUBMITTED and event.from_state == State.DRAFT:
                at = datetime.combine(_submitted_on(desk.bloc, year), time(9, 15), HCM) + timedelta(minutes=3 * index)
            elif event.to_state == State.DECIDED and decision is not None:
                at = datetime.combine(decision.date, time(16, 0), HCM)
            else:
                at += GAPS[event.to_state] + timedelta(minutes=11 * (index % 5))
                if event.to_state == State.SUBMITTED:
                    resubmitted.append(at)
            event.at = at
            events.append(event)
        signed = datetime.combine(_submitted_on(desk.bloc, year), time(8, 0), HCM) + timedelta(minutes=3 * index)
        for order, dossier in enumerate(files_of[nomination.pk]):
            if order < len(DOCUMENTS) or not resubmitted:
                dossier.uploaded_at = signed + timedelta(minutes=order + 1)
            else:
                dossier.uploaded_at = resubmitted[0] - timedelta(hours=2)
            files.append(dossier)
    Nomination.objects.bulk_update(created, ["created_at"])
    ReviewEvent.objects.bulk_update(events, ["at"])
    DossierFile.objects.bulk_update(files, ["uploaded_at"])
