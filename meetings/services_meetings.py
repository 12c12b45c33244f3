"""Meetings of a bloc: recording them, who attended, their files; and the reads the meeting page,
the minutes and the year overview share.

Every write runs in one transaction and calls `ensure_year_open` first: a closed year is read-only.
Uploaded files are written through Django's default storage; a deleted file is removed from the
storage only once the transaction that deleted its record has committed.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Bloc, MemberRole, Membership, RuleSet
from blocs.services_year import ensure_year_open
from meetings.models import Attendance, Meeting, MeetingAttachment, MeetingKind
from meetings.services_ballots import BallotView, meeting_ballots
from meetings.services_ballots import meeting_quorum as ballots_quorum
from meetings.uploads import check_upload
from meetings.voting import QuorumResult
from units.text import clean_text

_ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


# --- Words ---------------------------------------------------------------------------------------


def proposed_title(kind: str, year: int) -> str:
    """The usual title of a bloc's meeting of this kind, proposed on the form."""
    titles = {
        MeetingKind.PLEDGE: _("Hội nghị ký kết giao ước thi đua năm %(year)s"),
        MeetingKind.MID_YEAR: _("Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm %(year)s"),
        MeetingKind.YEAR_END: _("Hội nghị tổng kết công tác thi đua, khen thưởng năm %(year)s"),
        MeetingKind.OTHER: _("Cuộc họp của Khối năm %(year)s"),
    }
    return titles.get(kind, titles[MeetingKind.OTHER]) % {"year": year}


def datetime_words(value: datetime) -> str:
    """ "14 giờ 00 phút, ngày 28 tháng 12 năm 2025", in the site's time zone."""
    local = timezone.localtime(value)
    return _("%(h)s giờ %(m)s phút, %(date)s") % {
        "h": f"{local.hour:02d}",
        "m": f"{local.minute:02d}",
        "date": date_words(local.date()),
    }


def date_words(value: date) -> str:
    """ "ngày 28 tháng 12 năm 2025"; as official documents write it, a day below 10 and the months
    1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2025", "ngày 15 tháng 3 năm 2025")."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": f"{value.day:02d}", "m": month, "y": value.year}


# --- Reading a meeting ---------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    """A member unit of the meeting's bloc-year, and its attendance record (None: not recorded)."""

    membership: Membership
    record: Attendance | None

    @property
    def unit(self):
        return self.membership.unit

    @property
    def present(self) -> bool:
        return bool(self.record and self.record.present)

    @property
    def name(self) -> str:
        return split_representative(self.record.represented_by)[0] if self.record else ""

    @property
    def title(self) -> str:
        return split_representative(self.record.represented_by)[1] if self.record else ""


@dataclass
class MeetingRecord:
    """Everything the meeting page and the minutes show, read in a fixed number of queries."""

    meeting: Meeting
    rows: list[AttendanceRow]
    rule_set: RuleSet | None
    quorum: QuorumResult
    ballots: list[BallotView] = field(default_factory=list)
    attachments: list[MeetingAttachment] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        """Whether attendance has been taken at all."""
        return any(row.record is not None for row in self.rows)

    @property
    def present_rows(self) -> list[AttendanceRow]:
        return [row for row in self.rows if row.present]

    @property
    def absent_rows(self) -> list[AttendanceRow]:
        return [row for row in self.rows if not row.present]


def members_of(*, bloc: Bloc | int, year: int) -> list[Membership]:
    """The bloc-year's member units, head and deputy first, then in Vietnamese order (one query)."""
    bloc_id = bloc if isinstance(bloc, int) else bloc.pk
    memberships = list(Membership.objects.filter(bloc_id=bloc_id, year=year).select_related("unit"))
    memberships.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 3), m.unit.sort_key, m.unit.pk))
    return memberships


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """One row per member unit, in member order (two queries)."""
    records = {a.unit_id: a for a in Attendance.objects.filter(meeting=meeting)}
    return [AttendanceRow(m, records.get(m.unit_id)) for m in members_of(bloc=meeting.bloc_id, year=meeting.year)]


def meeting_quorum(meeting: Meeting, rule_set: RuleSet | None = None) -> QuorumResult:
    """The meeting's quorum as the ballots count it (meetings.services_ballots): present is None while
    no attendance is recorded."""
    return ballots_quorum(meeting, rule_set=rule_set)


def meeting_record(meeting: Meeting, *, with_ballots: bool = True, with_attachments: bool = True) -> MeetingRecord:
    """The meeting, its attendance, quorum, ballots with their results, and attachments.

    Nine queries at most, whatever the number of members, ballots and candidates.
    """
    rows = attendance_rows(meeting)
    rule_set = RuleSet.objects.filter(year=meeting.year).first()
    quorum = meeting_quorum(meeting, rule_set)
    record = MeetingRecord(meeting=meeting, rows=rows, rule_set=rule_set, quorum=quorum)
    if with_ballots:
        record.ballots = meeting_ballots(meeting, quorum=quorum)
    if with_attachments:
        record.attachments = list(meeting.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    return record


def split_representative(value: str) -> tuple[str, str]:
    """ "Nguyễn Văn An, Phó Giám đốc Sở" -> ("Nguyễn Văn An", "Phó Giám đốc Sở"): names hold no comma."""
    name, _sep, title = (value or "").partition(",")
    return name.strip(), title.strip()


def join_representative(name: str, title: str) -> str:
    """The reverse of split_representative; a comma typed in the name would split it wrongly, so it goes."""
    name, title = clean_text((name or "").replace(",", " ")), clean_text(title or "")
    return f"{name}, {title}" if name and title else name


# --- The year's meetings, for the bloc-year pages ------------------------------------------------


@dataclass(frozen=True)
class MeetingSummary:
    meetings: int
    year_end_held: bool
    ballots: int

    def text(self) -> str:
        if not self.meetings:
            return _("chưa có")
        return _("%(n)s hội nghị, %(b)s lần bỏ phiếu") % {"n": self.meetings, "b": self.ballots}


def year_meeting_summary(bloc: Bloc, year: int) -> MeetingSummary:
    """For the year overview's checklist: how many meetings, whether the year-end one is recorded (one query)."""
    row = Meeting.objects.filter(bloc=bloc, year=year).aggregate(
        meetings=Count("pk", distinct=True),
        year_end=Count("pk", filter=Q(kind=MeetingKind.YEAR_END), distinct=True),
        ballots=Count("ballots", distinct=True),
    )
    return MeetingSummary(meetings=row["meetings"], year_end_held=row["year_end"] > 0, ballots=row["ballots"])


def year_meetings(*, bloc: Bloc, year: int) -> list[Meeting]:
    """The bloc-year's meetings, newest first, each with `present`, `attendance_taken` and `ballot_count`
    (one query)."""
    return list(
        Meeting.objects.filter(bloc=bloc, year=year)
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            attendance_taken=Count("attendance", distinct=True),
            ballot_count=Count("ballots", distinct=True),
        )
        .order_by("-held_at", "-pk")
    )


# --- Writing a meeting ---------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, bloc: Bloc, year: int, form) -> Meeting:
    """Save a new meeting from a valid MeetingForm for the bloc-year."""
    ensure_year_open(bloc=bloc, year=year)
    meeting = form.save(commit=False)
    meeting.bloc, meeting.year = bloc, year
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, form) -> Meeting:
    """Save a valid MeetingForm of an existing meeting; units.concurrency.VersionConflict if someone
    saved in between (nothing written)."""
    meeting = form.instance
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    return form.save()


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    """Delete a meeting recorded by mistake, with its attendance and files. A meeting with ballots is kept:
    its ballots are records of votes."""
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.ballots.exists():
        raise ValidationError(
            _("Không xóa được hội nghị «%(title)s» vì đã có kết quả bỏ phiếu; hãy xóa các phiếu bầu trước.")
            % {"title": meeting.title},
            code="has_ballots",
        )
    names = list(meeting.attachments.values_list("file", flat=True))
    meeting.delete()
    _delete_files_on_commit(names)


# --- Attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceInput:
    unit_id: int
    present: bool
    represented_by: str = ""
    note: str = ""


def attendance_state(records) -> str:
    """A fingerprint of the attendance as a form showed it; "" when none was recorded."""
    items = sorted(f"{a.unit_id}|{int(a.present)}|{clean_text(a.represented_by)}|{clean_text(a.note)}" for a in records)
    if not items:
        return ""
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


@transaction.atomic
def attendance_save(
    *, meeting: Meeting, rows: list[AttendanceInput], expected_state: str | None = None
) -> QuorumResult:
    """Record who attended, for every member unit at once; returns the quorum it gives.

    `rows` must name each member unit of the bloc-year once. `expected_state` is `attendance_state`
    of what the form showed: if someone saved the attendance since, nothing is written and the
    ValidationError (code "conflict") lists what they saved.
    """
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one attendance save at a time
    members = members_of(bloc=meeting.bloc_id, year=meeting.year)
    member_ids = {m.unit_id for m in members}
    given = [row.unit_id for row in rows]
    if len(given) != len(set(given)) or set(given) != member_ids:
        raise ValidationError(
            _("Danh sách thành viên của khối đã thay đổi từ khi mở trang: chưa lưu gì, hãy tải lại trang."),
            code="members_changed",
        )
    current = {a.unit_id: a for a in Attendance.objects.filter(meeting=meeting, unit_id__in=member_ids)}
    if expected_state is not None and attendance_state(current.values()) != expected_state:
        names = {m.unit_id: m.unit.name for m in members}
        wanted = {row.unit_id: row for row in rows}
        differing = [
            _describe(names[unit_id], record)
            for unit_id, record in current.items()
            if (record.present, clean_text(record.represented_by), clean_text(record.note))
            != (wanted[unit_id].present, clean_text(wanted[unit_id].represented_by), clean_text(wanted[unit_id].note))
        ]
        message = _(
            "Thành phần dự họp vừa được người khác lưu trong lúc bạn đang sửa; chưa có gì được ghi. "
            "Những gì bạn nhập vẫn còn dưới đây."
        )
        if differing:
            message += " " + _("Giá trị họ đã lưu: %(values)s.") % {"values": "; ".join(differing)}
        message += " " + _("Bấm Lưu lần nữa nếu vẫn muốn ghi đè.")
        raise ValidationError(message, code="conflict")
    for row in rows:
        represented_by, note = clean_text(row.represented_by), clean_text(row.note)
        record = current.get(row.unit_id)
        if record is None:
            record = Attendance(meeting=meeting, unit_id=row.unit_id)
        elif (record.present, record.represented_by, record.note) == (row.present, represented_by, note):
            continue
        record.present, record.represented_by, record.note = row.present, represented_by, note
        record.full_clean(exclude=["meeting", "unit"], validate_unique=False)
        record.save()
    return meeting_quorum(meeting)


def _describe(unit_name: str, record: Attendance) -> str:
    state = _("có mặt") if record.present else _("vắng")
    extra = ", ".join(part for part in (record.represented_by, record.note) if part)
    return f"{unit_name}: {state}" + (f" ({extra})" if extra else "")


# --- Attachments ---------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, meeting: Meeting, upload, user, name: str = "") -> MeetingAttachment:
    """Check the file by its content, store it under a generated name, and record its original name.

    If the transaction fails after the file was written, the file is removed again.
    """
    ensure_year_open(bloc=meeting.bloc_id, year=meeting.year)
    checked = check_upload(upload)
    title = clean_text(name or "") or checked.filename
    attachment = MeetingAttachment(
        meeting=meeting,
        name=title[:255],
        content_type=checked.kind.content_type,
        size=checked.size,
        uploaded_by=user,
    )
    stored = f"{uuid.uuid4().hex}{checked.extension}"
    attachment.file.save(stored, upload, save=False)
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
    except Exception:
        default_storage.delete(attachment.file.name)
        raise
    return attachment


def download_filename(attachment: MeetingAttachment) -> str:
    """The name the file is sent with: its recorded name, ending with the stored file's extension."""
    extension = PurePath(attachment.file.name).suffix.lower()
    name = attachment.name
    own = PurePath(name).suffix.lower()
    if not extension or own == extension or {own, extension} <= {".jpg", ".jpeg"}:
        return name
    return name + extension


@transaction.atomic
def attachment_delete(*, attachment: MeetingAttachment) -> None:
    """Delete the record now and the stored file once the deletion has committed."""
    ensure_year_open(bloc=attachment.meeting.bloc_id, year=attachment.meeting.year)
    name = attachment.file.name
    attachment.delete()
    _delete_files_on_commit([name])


def _delete_files_on_commit(names: list[str]) -> None:
    def remove():
        for name in names:
            if name:
                default_storage.delete(name)

    if names:
        transaction.on_commit(remove)
