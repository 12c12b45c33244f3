"""Tests of the meetings app, and the ballots the access table (tests/test_access.py) works on."""


def ballot_world(world) -> dict:
    """Bloc A's 2025 election meeting with all three members present, an uncounted award ballot for the
    provincial flag (unit_a1, unit_a2, unit_a3) and a counted head election that chose unit_a2.

    A meeting of its own, so that the meeting pages' rows of the access table keep theirs untouched.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings.models import Attendance, Meeting
    from meetings.services_ballots import ballot_create, ballot_record_counts
    from units.models import AwardType

    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    meeting = Meeting.objects.create(
        bloc=world["bloc_a"],
        year=2025,
        kind="other",
        title="Hội nghị bình xét thi đua và bầu khối trưởng năm 2026",
        held_at=datetime(2025, 12, 20, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Sở Tài chính",
        chair="Ông Nguyễn Văn A, Khối trưởng",
        secretary="Bà Trần Thị B",
    )
    for unit in units:
        Attendance.objects.create(meeting=meeting, unit=unit, present=True)
    ballot = ballot_create(
        meeting=meeting,
        purpose="award",
        award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="",
        seats=1,
        candidates=units,
    )
    election = ballot_create(
        meeting=meeting, purpose="head", award_type=None, title="", seats=1, candidates=[world["unit_a2"]]
    )
    ballot_record_counts(
        ballot=election,
        entitled=3,
        issued=3,
        returned=3,
        valid=3,
        votes={world["unit_a2"].pk: 3},
        expected_version=election.version,
    )
    election.refresh_from_db()
    return {"ballot_meeting": meeting, "ballot": ballot, "election": election}


def counts_post(ballot, *, entitled, issued, returned, valid, votes: dict, version=None) -> dict:
    """The counts form's POST: `votes` maps unit ids to votes (None: left blank)."""

    def show(value):
        return "" if value is None else str(value)

    data = {
        "entitled": show(entitled),
        "issued": show(issued),
        "returned": show(returned),
        "valid": show(valid),
        "version": str(ballot.version if version is None else version),
    }
    data.update({f"votes_{unit_id}": show(value) for unit_id, value in votes.items()})
    return data
