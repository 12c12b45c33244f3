"""The benchmark data set (bench/scale.py, `manage.py seed_scale`): the same seed gives the same data, and
every record is one the app itself could have written."""

import io
import itertools
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import models, transaction

from awards import workflow
from awards.models import DossierFile, Nomination, ReviewEvent, State
from bench import scale
from blocs.models import MemberRole, Membership, Score, ScoringTable
from meetings import voting
from meetings.models import Ballot, BallotPurpose
from units.models import Award, AwardSource, Unit

TINY = scale.Size(blocs=2, units_per_bloc=3, years=2, seed=7, last_year=2025)
EXCLUDED = {"date_joined", "last_login", "file"}  # set by Django at creation; the file name holds a pk


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every model, its primary key and foreign keys replaced by their rank in insertion order,
    so that two builds compare equal on any database (PostgreSQL does not roll sequences back)."""
    chosen = [
        model
        for label in scale.APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]
    rank = {model: {pk: i for i, pk in enumerate(model._default_manager.order_by("pk").values_list("pk", flat=True))}
            for model in chosen}  # fmt: skip
    result = {}
    for model in chosen:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in EXCLUDED]
        rows = []
        for values in model._default_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            row = []
            for f, value in zip(fields, values, strict=True):
                if isinstance(f, models.ForeignKey) and value is not None:
                    value = rank[f.related_model][value]
                row.append(value)
            rows.append(tuple(row))
        result[model._meta.label] = rows
    return result


def build_and_read(size: scale.Size) -> tuple[dict, dict]:
    """(fingerprint, sizes) of a build, rolled back afterwards."""
    with transaction.atomic():
        counts = scale.build(size)
        seen = fingerprint()
        transaction.set_rollback(True)
    return seen, counts


def test_same_seed_same_data_other_seed_other_data(db, media):
    first, first_counts = build_and_read(TINY)
    again, again_counts = build_and_read(TINY)
    other, _counts = build_and_read(scale.Size(blocs=2, units_per_bloc=3, years=2, seed=8, last_year=2025))

    assert first == again
    assert first_counts == again_counts
    assert other != first
    assert first["units.Unit"] != other["units.Unit"] or first["blocs.Score"] != other["blocs.Score"]


def test_sizes_follow_the_options(db, media):
    counts = scale.build(TINY)

    assert counts["units.Unit"] == 6
    assert counts["blocs.Bloc"] == 2
    assert counts["blocs.Membership"] == 6 * 2
    assert counts["blocs.ScoringTable"] == 2 * 2
    assert counts["blocs.Criterion"] == 2 * 2 * 46  # 6 groups, 40 scored criteria
    assert counts["blocs.Score"] == 6 * 2 * 40  # every member, every scored criterion, every year
    assert counts["units.AnnualRating"] == 6 * (2 + scale.HISTORY_YEARS_BEFORE)
    assert counts["meetings.Meeting"] == 2 * 2 * 3
    assert counts["meetings.Attendance"] == 6 * 2 * 3
    assert counts["history rows (all models)"] > counts["blocs.Score"]  # scores have their history rows too
    assert Score.history.count() == counts["blocs.Score"]


def test_every_record_passes_the_models_own_validation(db, media):
    """full_clean checks fields, choices, unique and check constraints, as forms and services would."""
    scale.build(TINY)

    problems = []
    for label in scale.APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.all():
                try:
                    obj.full_clean()
                except Exception as exc:  # collect them all
                    problems.append((model.__name__, obj.pk, exc))
    assert problems == []


def test_memberships_one_bloc_per_unit_heads_rotate(db, media):
    scale.build(TINY)

    per_unit_year = Counter(Membership.objects.values_list("unit_id", "year"))
    assert set(per_unit_year.values()) == {1}
    assert len(per_unit_year) == Unit.objects.count() * TINY.years
    roles = defaultdict(dict)
    for bloc_id, year, role, unit_id in Membership.objects.exclude(role=MemberRole.MEMBER).values_list(
        "bloc_id", "year", "role", "unit_id"
    ):
        assert role not in roles[(bloc_id, year)]  # one head, one deputy
        roles[(bloc_id, year)][role] = unit_id
    for (bloc_id, year), held in roles.items():
        assert MemberRole.HEAD in held
        if (bloc_id, year + 1) in roles:  # next year's head is this year's deputy, elected at this year-end
            assert roles[(bloc_id, year + 1)][MemberRole.HEAD] == held[MemberRole.DEPUTY]
            elected = Ballot.objects.get(meeting__bloc_id=bloc_id, meeting__year=year, purpose=BallotPurpose.HEAD)
            assert elected.applied_at is not None
            assert held[MemberRole.DEPUTY] in elected.candidates.values_list("unit_id", flat=True)


def test_scores_within_the_table_and_the_last_year_open(db, media):
    scale.build(TINY)

    for score in Score.objects.select_related("criterion"):
        c = score.criterion
        low, high = (-c.max_points, 0) if c.kind == "penalty" else (0, c.max_points)
        assert low <= score.self_value <= high
        assert low <= score.assessed_value <= high
        assert score.self_value % Decimal("0.5") == 0 == score.assessed_value % Decimal("0.5")
    for table in ScoringTable.objects.all():
        members = Membership.objects.filter(bloc=table.bloc, year=table.year).count()
        assert Score.objects.filter(criterion__table=table).count() == members * 40
    closed_years = set(apps.get_model("blocs", "BlocYear").objects.closed().values_list("year", flat=True))
    assert closed_years == {TINY.last_year - 1}


def test_ballot_counts_are_possible_and_passed_candidates_pass(db, media):
    scale.build(TINY)

    for ballot in Ballot.objects.prefetch_related("candidates"):
        present = ballot.meeting.attendance.filter(present=True).count()
        candidates = [voting.Candidate(c.unit_id, str(c.unit_id), c.votes) for c in ballot.candidates.all()]
        assert voting.check_counts(entitled=ballot.entitled, issued=ballot.issued, returned=ballot.returned,
                                   valid=ballot.valid, candidates=candidates, seats=ballot.seats,
                                   present=present) == []  # fmt: skip
    for nomination in Nomination.objects.exclude(ballot=None).select_related("ballot"):
        ballot = nomination.ballot
        votes = ballot.candidates.get(unit=nomination.unit).votes
        base = {"entitled": ballot.entitled, "present": ballot.issued, "valid": ballot.valid}[ballot.vote_base]
        threshold = Fraction(ballot.threshold_num, ballot.threshold_den)
        assert voting.meets_threshold(votes=votes, base=base, threshold=threshold, strict=ballot.threshold_strict)
        assert ballot.award_type_id == nomination.award_type_id


def test_nominations_follow_the_workflow_and_decisions_write_the_history(db, media):
    scale.build(TINY)

    for nomination in Nomination.objects.prefetch_related("events"):
        events = list(nomination.events.order_by("at", "pk"))
        assert (events[0].from_state, events[0].to_state) == ("", State.DRAFT)
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state
            assert after.at >= before.at
            if after.to_state == State.DECIDED:
                assert before.to_state == State.APPROVED
            else:
                assert (after.from_state, after.to_state) in {(k[0], v[0]) for k, v in workflow.TABLE.items()}
            if after.to_state in (State.RETURNED, State.NOT_APPROVED):
                assert after.reason
        assert events[-1].to_state == nomination.state
        assert nomination.version == len(events)
        if nomination.year < TINY.last_year:
            assert nomination.state in (State.DECIDED, State.NOT_APPROVED)
        if nomination.state == State.DECIDED:
            award = Award.objects.get(unit=nomination.unit, award_type=nomination.award_type, year=nomination.year)
            assert (award.decision_number, award.decision_date) == (nomination.decision.number,
                                                                    nomination.decision.date)  # fmt: skip
            assert award.source == AwardSource.DECISION
    assert Nomination.objects.filter(year=TINY.last_year, state=State.DECIDED).count() == 0
    assert ReviewEvent.objects.count() > Nomination.objects.count()
    assert Award.objects.filter(source=AwardSource.IMPORT, year__lt=TINY.first_year).exists()


def test_dossier_files_are_stored(db, media):
    scale.build(TINY)

    files = list(DossierFile.objects.all())
    assert files
    for dossier in files:
        assert default_storage.exists(dossier.file.name)
        assert default_storage.size(dossier.file.name) == dossier.size
    for nomination in Nomination.objects.exclude(state=State.DRAFT).prefetch_related("files"):
        assert {f.kind for f in nomination.files.all()} == {"letter", "minutes", "report"}  # what a submission needs


def test_command_builds_an_empty_database_and_refuses_a_full_one(db, media):
    out = io.StringIO()
    call_command("seed_scale", blocs=2, units_per_bloc=3, years=2, seed=7, stdout=out)
    assert "blocs.Score" in out.getvalue()
    assert Unit.objects.count() == 6

    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("seed_scale", blocs=2, units_per_bloc=3, years=2, stdout=io.StringIO())
    quiet = io.StringIO()
    call_command("seed_scale", blocs=2, units_per_bloc=3, years=2, if_empty=True, stdout=quiet)
    assert "không tạo thêm" in quiet.getvalue()
    assert Unit.objects.count() == 6
