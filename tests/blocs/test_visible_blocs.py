"""in_visible_blocs: rows of the blocs a user may see, through any path to the bloc, the same as blocs_visible_to;
province-wide readers get the queryset unfiltered (no `bloc IN (every bloc)` subquery for PostgreSQL to plan)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser

from blocs.access import blocs_visible_to, in_visible_blocs
from blocs.models import Membership
from meetings.models import Meeting

YEAR = 2025


def test_the_rows_of_the_blocs_each_person_may_see(personas, world):
    held_at = datetime(2025, 12, 20, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    meetings = {
        code: Meeting.objects.create(bloc=world[code], year=YEAR, kind="other", title="Hội nghị", held_at=held_at)
        for code in ("bloc_a", "bloc_b")
    }
    for name, user in personas.items():
        visible = set(blocs_visible_to(user).values_list("pk", flat=True))
        members = in_visible_blocs(Membership.objects.filter(year=YEAR), user)
        assert {m.bloc_id for m in members} == visible & {world["bloc_a"].pk, world["bloc_b"].pk}, name
        through_meeting = in_visible_blocs(Meeting.objects.all(), user)
        assert {m.pk for m in through_meeting} == {m.pk for m in meetings.values() if m.bloc_id in visible}, name


def test_a_province_wide_reader_gets_the_queryset_unfiltered(board, secretary_a, world):
    queryset = Membership.objects.filter(year=YEAR).order_by()
    assert in_visible_blocs(queryset, board) is queryset
    narrowed = str(in_visible_blocs(queryset, secretary_a).query)
    assert "blocs_bloc" not in narrowed  # no subquery: the user's bloc ids
    assert f"IN ({world['bloc_a'].pk})" in narrowed


def test_someone_signed_out_sees_nothing(world):
    assert not in_visible_blocs(Membership.objects.all(), AnonymousUser()).exists()
