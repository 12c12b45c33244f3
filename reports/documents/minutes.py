"""The minutes of the year-end meeting (Biên bản họp bình xét, suy tôn).

What they hold (DOCUMENTS.md): time, place, chair, secretary; attendance (units present of those
entitled) and the quorum; each ballot's counts, votes and share per candidate, who passed the
threshold and under which rule; the election; the signatures of the secretary and the chair.
Read through meetings.services_meetings.meeting_record, as the meeting's own minutes page reads it.
"""

from django.utils import timezone

from blocs.models import Bloc
from meetings.services_meetings import datetime_words, meeting_record
from reports.documents import records
from reports.documents.base import DocumentUnavailable, Numbering, Signature, person_name


def build(*, bloc: Bloc, year: int) -> dict:
    meeting = records.year_end_meeting(bloc, year)
    if meeting is None:
        raise DocumentUnavailable(
            f"Năm {year} khối chưa ghi hội nghị tổng kết, bình xét nên chưa có biên bản (tab «Hội nghị, bình xét»)."
        )
    record = meeting_record(meeting, with_attachments=False)
    votes = [view for view in record.ballots if not view.is_election]
    elections = [view for view in record.ballots if view.is_election]
    part = Numbering()
    sections = {"attendance": part()}
    if meeting.agenda or meeting.content:
        sections["content"] = part()
    if votes:
        sections["votes"] = part()
    if elections:
        sections["elections"] = part()
    if meeting.conclusions:
        sections["conclusions"] = part()
    title = meeting.title.strip()
    return {
        "title": "BIÊN BẢN",
        "subject": title,
        "bloc": bloc,
        "year": year,
        "next_year": year + 1,
        "meeting": meeting,
        "meeting_name": title[:1].lower() + title[1:],
        "record": record,
        "quorum": record.quorum,
        "votes": votes,
        "elections": elections,
        "sections": sections,
        "held_words": datetime_words(meeting.held_at),
        "agenda": [line.strip() for line in meeting.agenda.splitlines() if line.strip()],
        "content": [line.strip() for line in meeting.content.splitlines() if line.strip()],
        "conclusions": [line.strip() for line in meeting.conclusions.splitlines() if line.strip()],
        "signatures": [
            Signature(lines=["THƯ KÝ"], name=person_name(meeting.secretary)),
            Signature(lines=["CHỦ TRÌ"], name=person_name(meeting.chair)),
        ],
        "proposed_date": timezone.localtime(meeting.held_at).date(),
    }
