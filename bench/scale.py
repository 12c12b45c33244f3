"""A province-sized data set for the benchmarks, deterministic by seed (`manage.py seed_scale`).

40 blocs × 15 units by default, over 10 years: memberships that rotate heads and deputies and move
a few units between blocs each year; the year's rule sets; pledges, signatures and registrations;
a 40-criterion scoring table per bloc-year with self and assessed scores for every member; ratings;
the pledge, mid-year and year-end meetings with attendance, the year-end ballots (awards, next
year's head and deputy) with counts that pass `meetings.voting.check_counts`; about 600
nominations a year with their review events and dossier files; the award decisions and the award
history they wrote, and imported award history for the five years before.

Years before the last are closed and their nominations decided; the last year is open and its
nominations are spread over every state of the workflow, as a board sees it in February.

Rows are written with `bulk_create` (and one history row each, through django-simple-history's
`bulk_history_create`, so history tables have their real size), which skips `save()`: every value
that `save()` or a service would derive is set here, and every database constraint still holds.
"""

import math
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from awards.models import AwardDecision, DossierFile, DossierKind, Nomination, ReviewEvent, State
from bench import names
from blocs.models import (
    AwardRule,
    Bloc,
    BlocYear,
    Criterion,
    CriterionKind,
    MemberRole,
    Membership,
    Pledge,
    PledgeArticle,
    PledgeSignature,
    PledgeTarget,
    Role,
    RoleKind,
    RuleSet,
    Score,
    ScoringTable,
    TitleRegistration,
    VoteBase,
)
from blocs.services import ruleset_create_default, ruleset_create_for_year
from meetings import voting
from meetings.models import Attendance, Ballot, BallotCandidate, BallotPurpose, Meeting, MeetingKind
from meetings.services_ballots import proposed_ballot_title, quota_for, rule_citation
from meetings.services_meetings import proposed_title
from units.models import AnnualRating, Award, AwardSource, AwardType, Rating, Unit
from units.text import clean_text

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "thidua-bench-2026"
PASSWORD_SALT = "thiduaBenchSeedSalt2026x"  # fixed: the same hash on every run, computed once
HISTORY_YEARS_BEFORE = 5  # ratings and imported awards before the first year: consecutive-year checks
BATCH = 2000
APPS = ("accounts", "units", "blocs", "meetings", "awards")
HALF = Decimal("0.5")
ZERO = Decimal(0)
# A one-page PDF: what a dossier file holds (its content is checked on upload, not here).
DOSSIER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DOSSIER_NAMES = {
    DossierKind.LETTER: "to-trinh-de-nghi.pdf",
    DossierKind.MINUTES: "bien-ban-hop-binh-xet.pdf",
    DossierKind.REPORT: "bao-cao-thanh-tich.pdf",
}
# How the last year's nominations are spread over the workflow (weights).
OPEN_YEAR_STATES = [
    (State.DRAFT, 15),
    (State.SUBMITTED, 20),
    (State.UNDER_REVIEW, 25),
    (State.RETURNED, 10),
    (State.APPROVED, 25),
    (State.NOT_APPROVED, 5),
]


@dataclass(frozen=True)
class Size:
    blocs: int = 40
    units_per_bloc: int = 15
    years: int = 10
    seed: int = 2026
    last_year: int = 2025

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def year_range(self) -> range:
        return range(self.first_year, self.last_year + 1)


def database_is_empty() -> bool:
    """No units, blocs or accounts yet (award types come with the migrations and do not count)."""
    return not (Unit.objects.exists() or Bloc.objects.exists() or get_user_model().objects.exists())


def sizes() -> dict[str, int]:
    """Rows per model of the project's apps (models with rows only), and all history rows together."""
    result, history = {}, 0
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            count = model._default_manager.count()
            if model.__name__.startswith("Historical"):
                history += count
            elif count:
                result[model._meta.label] = count
    result["history rows (all models)"] = history
    return result


@contextmanager
def _own_timestamps(*fields):
    """Let bulk_create keep the timestamps set here instead of `now()` (auto_now/auto_now_add fields)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def raw_insert(model, rows: list[dict], *, skip: tuple[str, ...] = ()) -> None:
    """Insert rows given as {attname: value} into the model's table, bypassing the ORM's per-row work:
    COPY on PostgreSQL, executemany elsewhere. Values go through each field's `get_db_prep_save` (memoised
    for dates and decimals), as bulk_create does; explicit primary keys move the sequence on."""
    fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
    converters = [_converter(f) for f in fields]
    data = [tuple(convert(row[f.attname]) for f, convert in zip(fields, converters, strict=True)) for row in rows]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in data:
                    copy.write_row(values)
            if model._meta.pk.attname not in skip:
                for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                    cursor.execute(sql)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            for start in range(0, len(data), BATCH * 10):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", data[start : start + BATCH * 10]
                )


def _converter(field):
    if not isinstance(field, (models.DecimalField, models.DateField)):
        return lambda value: value
    cache = {}

    def convert(value):
        if value not in cache:
            cache[value] = field.get_db_prep_save(value, connection)
        return cache[value]

    return convert


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM)


class Builder:
    """Builds the data set in memory, one kind of record at a time, and writes each with bulk_create."""

    def __init__(self, size: Size, *, write_files: bool = True, log=None):
        self.size = size
        self.rng = random.Random(size.seed)
        self.write_files = write_files
        self.log = log or (lambda message: None)
        self.award_types = {a.code: a for a in AwardType.objects.all()}

    # -- writing ------------------------------------------------------------------------------

    def insert(self, model, objs: list, *, user=None, when: datetime | None = None) -> list:
        """bulk_create, then one history row per object (its `_history_date` or `when`)."""
        created = model.objects.bulk_create(objs, batch_size=BATCH)
        history = getattr(model, "history", None)
        if history is not None and created:
            history.bulk_history_create(created, batch_size=BATCH, default_user=user, default_date=when)
        return created

    # -- the steps ----------------------------------------------------------------------------

    @transaction.atomic
    def build(self) -> None:
        steps = [
            self.registry,
            self.accounts,
            self.rule_sets,
            self.memberships,
            self.ratings,
            self.pledges,
            self.scoring,
            self.meetings,
            self.nominations,
            self.imported_awards,
        ]
        for step in steps:
            started = time.perf_counter()
            step()
            self.log(f"  {step.__name__}: {time.perf_counter() - started:.1f} s")

    def registry(self) -> None:
        """Blocs (themes in turn, numbered) and their units, with plausible Vietnamese names."""
        size, rng = self.size, self.rng
        places = [(a, b) for a in names.PLACE_FIRST for b in names.PLACE_SECOND if a != b]
        rng.shuffle(places)
        theme_count: dict[str, int] = defaultdict(int)
        blocs, units, self.unit_bloc0 = [], [], []
        for b in range(size.blocs):
            kind, theme, unit_kind, prefixes = names.BLOC_THEMES[b % len(names.BLOC_THEMES)]
            theme_count[theme] += 1
            blocs.append(
                Bloc(
                    code=f"khoi-{b + 1:02d}",
                    name=f"{theme} số {theme_count[theme]}",
                    kind=kind,
                    description=f"{theme}: các đơn vị thành viên theo quyết định kiện toàn hằng năm của UBND tỉnh.",
                )
            )
            for _i in range(size.units_per_bloc):
                index = len(units)
                first, second = places[index % len(places)]
                place = f"{first} {second}" + (f" {index // len(places) + 1}" if index >= len(places) else "")
                prefix = rng.choice(prefixes)
                initials = "".join(word[0] for word in prefix.split())
                units.append(
                    Unit(
                        code=f"dv-{index + 1:04d}",
                        name=f"{prefix} {place}",
                        short_name=f"{initials} {place}",
                        kind=unit_kind,
                        leader_title=names.LEADER_TITLES[unit_kind],
                        leader_name=self.person(),
                        address=f"{place}, tỉnh Quảng Trị",
                    )
                )
                self.unit_bloc0.append(b)
        self.blocs = self.insert(Bloc, blocs)
        self.units = self.insert(Unit, units)
        # Each unit's standing: stronger units score higher, are rated better, win more often.
        self.strength = {u.pk: rng.uniform(0.72, 0.99) for u in self.units}

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(names.FAMILY)} {rng.choice(names.MIDDLE)} {rng.choice(names.GIVEN)}"

    def accounts(self) -> None:
        """The board, a viewer, each bloc's secretary and head, and an officer of one unit per bloc."""
        user_model = get_user_model()
        password = make_password(PASSWORD, salt=PASSWORD_SALT)
        rows: list[tuple[str, str, str, int | None, int | None]] = [
            ("bench_board", "Ban Thi đua - Khen thưởng", RoleKind.BOARD_ADMIN, None, None),
            ("bench_reviewer", "Chuyên viên thẩm định", RoleKind.BOARD_REVIEWER, None, None),
            ("bench_viewer", "Ủy viên Hội đồng Thi đua - Khen thưởng", RoleKind.VIEWER, None, None),
        ]
        upb = self.size.units_per_bloc
        for b, bloc in enumerate(self.blocs):
            rows.append((f"bench_tk_{b + 1:02d}", f"Thư ký {bloc.name}", RoleKind.BLOC_SECRETARY, b, None))
            rows.append((f"bench_kt_{b + 1:02d}", f"Khối trưởng {bloc.name}", RoleKind.BLOC_HEAD, b, None))
            rows.append(
                (f"bench_cb_{b + 1:02d}", f"Cán bộ {self.units[b * upb].name}", RoleKind.UNIT_OFFICER, None, b * upb)
            )
        users = self.insert(
            user_model,
            [user_model(username=u, full_name=self.person(), position=p[:150], password=password) for u, p, *_ in rows],
        )
        self.insert(
            Role,
            [
                Role(
                    user=user,
                    kind=kind,
                    bloc=self.blocs[b] if b is not None else None,
                    unit=self.units[u] if u is not None else None,
                )
                for user, (_n, _p, kind, b, u) in zip(users, rows, strict=True)
            ],
        )
        by_name = {u.username: u for u in users}
        self.board, self.reviewer = by_name["bench_board"], by_name["bench_reviewer"]
        self.secretaries = [by_name[f"bench_tk_{b + 1:02d}"] for b in range(len(self.blocs))]
        self.heads = [by_name[f"bench_kt_{b + 1:02d}"] for b in range(len(self.blocs))]

    def rule_sets(self) -> None:
        """Each year's rule set: the defaults the first year, then copied forward (the services do it)."""
        self.rules: dict[int, RuleSet] = {}
        for year in self.size.year_range:
            self.rules[year] = (
                ruleset_create_default(year=year) if not self.rules else ruleset_create_for_year(year=year)
            )
        self.award_rules = {
            (r.rule_set.year, r.award_type.code): r for r in AwardRule.objects.select_related("rule_set", "award_type")
        }

    def memberships(self) -> None:
        """One bloc per unit and year; heads rotate (next year's head is this year's deputy), and a few
        ordinary members swap blocs each year."""
        rng, size = self.rng, self.size
        members = {b: [u.pk for i, u in enumerate(self.units) if self.unit_bloc0[i] == b] for b in range(size.blocs)}
        head = {b: rng.choice(members[b]) for b in members}
        deputy = {b: rng.choice([u for u in members[b] if u != head[b]] or [None]) for b in members}
        self.members: dict[tuple[int, int], list[int]] = {}
        self.roles: dict[tuple[int, int], tuple[int, int | None]] = {}
        self.next_roles: dict[tuple[int, int], tuple[int, int | None]] = {}
        bloc_name = {b: bloc.name for b, bloc in enumerate(self.blocs)}
        moved: dict[tuple[int, int], str] = {}
        rows = []
        for index, year in enumerate(size.year_range):
            if index:
                # Elected at last year's year-end meeting, from last year's members.
                previous_head = head
                head = {b: deputy[b] or members[b][0] for b in members}
                deputy = {
                    b: rng.choice([u for u in members[b] if u not in (head[b], previous_head[b])] or [None])
                    for b in members
                }
                for b in members:
                    self.next_roles[(b, year - 1)] = (head[b], deputy[b])
                for _swap in range(max(1, size.blocs // 10) if size.blocs > 1 else 0):
                    a, c = rng.sample(range(size.blocs), 2)
                    movable_a = [u for u in members[a] if u not in (head[a], deputy[a])]
                    movable_c = [u for u in members[c] if u not in (head[c], deputy[c])]
                    if not movable_a or not movable_c:
                        continue
                    u, v = rng.choice(movable_a), rng.choice(movable_c)
                    members[a] = [v if x == u else x for x in members[a]]
                    members[c] = [u if x == v else x for x in members[c]]
                    moved[(u, year)] = bloc_name[a]
                    moved[(v, year)] = bloc_name[c]
            for b in range(size.blocs):
                self.members[(b, year)] = list(members[b])
                self.roles[(b, year)] = (head[b], deputy[b])
                for unit_pk in members[b]:
                    role = MemberRole.HEAD if unit_pk == head[b] else MemberRole.MEMBER
                    if unit_pk == deputy[b]:
                        role = MemberRole.DEPUTY
                    note = ""
                    if role != MemberRole.MEMBER and index:
                        label = "Khối trưởng" if role == MemberRole.HEAD else "Khối phó"
                        note = f"{label} năm {year}, bầu tại hội nghị tổng kết năm {year - 1}."
                    elif (unit_pk, year) in moved:
                        note = f"Chuyển từ {moved[(unit_pk, year)]} theo quyết định kiện toàn năm {year}."
                    row = Membership(bloc=self.blocs[b], unit_id=unit_pk, year=year, role=role, note=note[:255])
                    row._history_date = _at(date(year, 1, 10))
                    rows.append(row)
        # The last year's year-end meeting elects next year's head and deputy (not yet applied).
        for b in range(size.blocs):
            current_head, current_deputy = self.roles[(b, size.last_year)]
            nxt = current_deputy or current_head
            others = [u for u in members[b] if u not in (nxt, current_head)]
            self.next_roles[(b, size.last_year)] = (nxt, rng.choice(others) if others else None)
        self.insert(Membership, rows, user=self.board)
        self.bloc_of = {(u, y): b for (b, y), us in self.members.items() for u in us}

    def ratings(self) -> None:
        """Ratings for the window and the five years before it, with the staff counts the labour titles need."""
        rng, rows = self.rng, []
        self.rating: dict[tuple[int, int], str] = {}
        for unit in self.units:
            for year in range(self.size.first_year - HISTORY_YEARS_BEFORE, self.size.last_year + 1):
                roll = self.strength[unit.pk] + rng.uniform(-0.07, 0.07)
                rating = (
                    Rating.HTXSNV
                    if roll > 0.92
                    else Rating.HTTNV
                    if roll > 0.78
                    else Rating.HTNV
                    if roll > 0.70
                    else Rating.KHTNV
                )
                total = rng.randint(15, 150)
                completed = total - (rng.randint(0, 2) if rating != Rating.KHTNV else rng.randint(3, 8))
                advanced = int(completed * rng.uniform(0.55, 0.9))
                self.rating[(unit.pk, year)] = rating
                row = AnnualRating(
                    unit=unit,
                    year=year,
                    rating=rating,
                    staff_total=total,
                    staff_completed=completed,
                    staff_advanced=advanced,
                    staff_emulation_fighters=max(1, advanced // 8),
                )
                row._history_date = _at(date(year + 1, 1, 20))
                rows.append(row)
        self.insert(AnnualRating, rows, user=self.board)

    def pledges(self) -> None:
        """Each bloc-year's pledge: articles, targets, every member's signature and title registrations."""
        rng, last = self.rng, self.size.last_year
        pledges, keys = [], []
        for b, year in self.members:
            head_pk = self.roles[(b, year)][0]
            head = self.unit(head_pk)
            pledges.append(
                Pledge(
                    bloc=self.blocs[b],
                    year=year,
                    title=f"Giao ước thi đua năm {year}",
                    adopted_on=date(year, 3, 15),
                    place=f"Trụ sở {head.name}"[:255],
                )
            )
            keys.append((b, year))
        pledges = self.insert(Pledge, pledges, user=self.board)
        articles, targets, signatures, registrations = [], [], [], []
        for pledge, (b, year) in zip(pledges, keys, strict=True):
            for order, text in enumerate(names.PLEDGE_ARTICLES, start=1):
                articles.append(PledgeArticle(pledge=pledge, order=order, text=text))
            for order, (text, kind, value, measure) in enumerate(names.PLEDGE_TARGETS, start=1):
                manual = None if (measure != "manual" or year == last) else Decimal(1)
                targets.append(
                    PledgeTarget(
                        pledge=pledge,
                        order=order,
                        description=text,
                        kind=kind,
                        target_value=Decimal(value),
                        measure=measure,
                        manual_value=manual,
                    )
                )
            head_pk = self.roles[(b, year)][0]
            for unit_pk in self.members[(b, year)]:
                unit = self.unit(unit_pk)
                signatures.append(
                    PledgeSignature(
                        pledge=pledge,
                        unit=unit,
                        signed_on=date(year, 3, 15),
                        signed_by=unit.leader_name,
                        signer_title=unit.leader_title,
                    )
                )
                codes = ["ttldxs" if self.strength[unit_pk] + rng.uniform(-0.05, 0.05) > 0.9 else "ttldtt"]
                if unit_pk == head_pk:
                    codes.append("co-ubnd-tinh")
                for code in codes:
                    registrations.append(
                        TitleRegistration(
                            bloc=self.blocs[b],
                            unit=unit,
                            year=year,
                            award_type=self.award_types[code],
                            registered_on=date(year, 3, 20),
                        )
                    )
        self.insert(PledgeArticle, articles, user=self.board)
        self.insert(PledgeTarget, targets, user=self.board)
        self.insert(PledgeSignature, signatures, user=self.board)
        self.insert(TitleRegistration, registrations, user=self.board)

    def unit(self, pk: int) -> Unit:
        if not hasattr(self, "_units_by_pk"):
            self._units_by_pk = {u.pk: u for u in self.units}
        return self._units_by_pk[pk]

    def scoring(self) -> None:
        """A 40-criterion table per bloc-year (4 groups of normal criteria, bonus, penalty) and every
        member's self and assessed scores; closed years are closed after their scores are in."""
        size = self.size
        tables = [
            ScoringTable(bloc=self.blocs[b], year=year, name=f"Bảng chấm điểm năm {year}", bonus_cap=Decimal(5))
            for (b, year) in self.members
        ]
        tables = self.insert(ScoringTable, tables, user=self.board)
        groups = []
        for table in tables:
            order = 0
            for rank, (code, title, each, items) in enumerate(names.CRITERIA_GROUPS, start=1):
                order += 1
                groups.append(
                    Criterion(
                        table=table,
                        code=code,
                        title=title,
                        kind=CriterionKind.GROUP,
                        max_points=Decimal(each) * len(items),
                        order=order,
                        tie_break_rank=1 if rank == 1 else None,
                    )
                )
                order += len(items)
            order += 1
            groups.append(
                Criterion(
                    table=table,
                    code="+",
                    title="Điểm thưởng",
                    kind=CriterionKind.GROUP,
                    max_points=Decimal(5),
                    order=order,
                )
            )
            order += len(names.BONUS_ITEMS) + 1
            groups.append(
                Criterion(
                    table=table, code="−", title="Điểm trừ", kind=CriterionKind.GROUP, max_points=ZERO, order=order
                )
            )
        groups = self.insert(Criterion, groups, user=self.board)
        per_table = len(names.CRITERIA_GROUPS) + 2
        children = []
        for t, table in enumerate(tables):
            table_groups = groups[t * per_table : (t + 1) * per_table]
            for group, (code, _title, each, items) in zip(table_groups, names.CRITERIA_GROUPS, strict=False):
                for i, item in enumerate(items, start=1):
                    children.append(
                        Criterion(
                            table=table,
                            parent=group,
                            code=f"{code}.{i}",
                            title=item,
                            kind=CriterionKind.NORMAL,
                            max_points=Decimal(each),
                            order=group.order + i,
                        )
                    )
            bonus_group, penalty_group = table_groups[-2], table_groups[-1]
            for i, (item, points) in enumerate(names.BONUS_ITEMS, start=1):
                children.append(
                    Criterion(
                        table=table,
                        parent=bonus_group,
                        code=f"+.{i}",
                        title=item,
                        kind=CriterionKind.BONUS,
                        max_points=Decimal(points),
                        order=bonus_group.order + i,
                    )
                )
            for i, (item, points) in enumerate(names.PENALTY_ITEMS, start=1):
                children.append(
                    Criterion(
                        table=table,
                        parent=penalty_group,
                        code=f"−.{i}",
                        title=item,
                        kind=CriterionKind.PENALTY,
                        max_points=Decimal(points),
                        order=penalty_group.order + i,
                    )
                )
        children = self.insert(Criterion, children, user=self.board)
        scored = defaultdict(list)
        for criterion in children:
            scored[criterion.table_id].append(criterion)
        self.totals: dict[tuple[int, int], dict[int, tuple[Decimal, Decimal]]] = {}
        rows = []
        next_id = (Score.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        for table, (b, year) in zip(tables, self.members, strict=True):
            secretary_id = self.secretaries[b].pk
            when = _at(date(year, 12, 10), 15)
            totals = {}
            for unit_pk in self.members[(b, year)]:
                level = min(0.99, self.strength[unit_pk] + self.rng.uniform(-0.04, 0.04))
                assessed_total, group_one, bonus = ZERO, ZERO, ZERO
                for criterion in scored[table.pk]:
                    self_value, assessed = self.score_values(criterion, level)
                    if criterion.kind == CriterionKind.BONUS:
                        bonus += assessed
                    else:
                        assessed_total += assessed
                    if criterion.code.startswith("I."):
                        group_one += assessed
                    rows.append(
                        {
                            "id": next_id,
                            "criterion_id": criterion.pk,
                            "unit_id": unit_pk,
                            "self_value": self_value,
                            "assessed_value": assessed,
                            "note": "",
                            "self_version": 1,
                            "assessed_version": 1,
                            "note_version": 0,
                            "updated_at": when,
                            "updated_by_id": secretary_id,
                            # its history row
                            "history_date": when,
                            "history_change_reason": None,
                            "history_type": "+",
                            "history_user_id": secretary_id,
                        }
                    )
                    next_id += 1
                totals[unit_pk] = (assessed_total + min(bonus, table.bonus_cap), group_one)
            self.totals[(b, year)] = totals
        # A quarter of a million scores and as many history rows: straight into the tables (COPY on
        # PostgreSQL), with the values bulk_create would have written.
        raw_insert(Score, rows)
        raw_insert(Score.history.model, rows, skip=("history_id",))
        # The ranking, as the year-end meeting saw it: final total, then group I, then the unit's order.
        self.ranked = {
            key: sorted(totals, key=lambda pk: (-totals[pk][0], -totals[pk][1], self.unit(pk).sort_key))
            for key, totals in self.totals.items()
        }
        closed = [
            BlocYear(bloc=self.blocs[b], year=year, closed_at=_at(date(year + 1, 2, 28), 17), closed_by=self.heads[b])
            for (b, year) in self.members
            if year < size.last_year
        ]
        self.insert(BlocYear, closed, user=self.board)

    def score_values(self, criterion: Criterion, level: float) -> tuple[Decimal, Decimal]:
        """(self, assessed): normal items near the unit's level (steps of 0.5), bonus small, penalties rare."""
        rng = self.rng
        if criterion.kind == CriterionKind.BONUS:
            value = min(criterion.max_points, Decimal(rng.choice([0, 0, 0, 1, 2])) * HALF)
            return value, value
        if criterion.kind == CriterionKind.PENALTY:
            value = -Decimal(rng.choice([0, 0, 0, 0, 0, 0, 1, 2]))
            return value, value
        raw = float(criterion.max_points) * rng.uniform(level, 1.0)
        self_value = min(criterion.max_points, Decimal(round(raw * 2)) * HALF)
        assessed = max(ZERO, self_value - HALF) if rng.random() < 0.2 else self_value
        return self_value, assessed

    def meetings(self) -> None:
        """Pledge, mid-year and year-end meetings per bloc-year with attendance; the year-end ballots."""
        meetings, keys = [], []
        for b, year in self.members:
            head = self.unit(self.roles[(b, year)][0])
            chair = clean_text(f"{head.leader_name}, {head.leader_title} {head.name} (Khối trưởng)")[:255]
            for kind, day in (
                (MeetingKind.PLEDGE, date(year, 3, 15)),
                (MeetingKind.MID_YEAR, date(year, 7, 10)),
                (MeetingKind.YEAR_END, date(year, 12, 18 + b % 9)),
            ):
                meeting = Meeting(
                    bloc=self.blocs[b],
                    year=year,
                    kind=kind,
                    title=proposed_title(kind, year),
                    held_at=_at(day, 14),
                    place=f"Hội trường {head.name}"[:255],
                    chair=chair,
                    secretary=f"{self.person()}, chuyên viên {head.name}"[:255],
                    agenda="1. Báo cáo của đơn vị Khối trưởng.\n2. Thảo luận.\n3. Biểu quyết, bỏ phiếu.",
                    content=f"Hội nghị của {self.blocs[b].name} năm {year}.",
                    conclusions="Hội nghị thống nhất các nội dung theo chương trình.",
                )
                meeting._history_date = meeting.held_at
                meetings.append(meeting)
                keys.append((b, year, kind))
        meetings = self.insert(Meeting, meetings, user=self.board)
        attendance, ballots = [], []
        self.ballot_passers: dict[tuple[int, int, str], list[int]] = {}
        for meeting, (b, year, kind) in zip(meetings, keys, strict=True):
            unit_pks = self.members[(b, year)]
            n = len(unit_pks)
            needed = self.votes_needed(year, n)
            quorum = math.ceil(self.rules[year].quorum * n)
            spare = n - needed if kind == MeetingKind.YEAR_END else n - quorum
            absent = set(self.rng.sample(unit_pks, min(self.rng.choice([0, 0, 1, 1, 2]), max(spare, 0))))
            for unit_pk in unit_pks:
                unit = self.unit(unit_pk)
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        unit=unit,
                        present=unit_pk not in absent,
                        represented_by=f"{unit.leader_name}, {unit.leader_title}",
                    )
                )
            if kind == MeetingKind.YEAR_END:
                self.year_end_ballots(meeting, b, year, n - len(absent), ballots)
        self.insert(Attendance, attendance, user=self.board)
        saved = self.insert(Ballot, [ballot for ballot, _cands, _key in ballots], user=self.board)
        rows = []
        self.ballots: dict[tuple[int, int, str], Ballot] = {}
        for ballot, (_b, cands, key) in zip(saved, ballots, strict=True):
            if key is not None:
                self.ballots[key] = ballot
            for order, (unit_pk, votes) in enumerate(sorted(cands, key=lambda c: self.unit(c[0]).sort_key), 1):
                rows.append(BallotCandidate(ballot=ballot, unit_id=unit_pk, votes=votes, order=order))
        self.insert(BallotCandidate, rows, user=self.board)

    def votes_needed(self, year: int, base: int) -> int:
        rule = self.rules[year]
        if rule.vote_threshold_strict:
            return min(base, math.floor(rule.vote_threshold * base) + 1)
        return max(1, math.ceil(rule.vote_threshold * base))

    def year_end_ballots(self, meeting: Meeting, b: int, year: int, present: int, ballots: list) -> None:
        """The award ballots (leading unit, provincial certificate, excellent labour collective) and the
        election of next year's head and deputy; ballot counts consistent with the attendance."""
        rng, rule = self.rng, self.rules[year]
        members = self.members[(b, year)]
        n = len(members)
        invalid = min(rng.choice([0, 0, 0, 1]), max(0, present - self.votes_needed(year, n)))
        valid = present - invalid
        base = {VoteBase.ENTITLED: n, VoteBase.PRESENT: present, VoteBase.VALID: valid}[rule.vote_base]
        needed = self.votes_needed(year, base)
        ranked = self.ranked[(b, year)]

        def add(purpose, code, seats, pool, passers_wanted, key):
            award_type = self.award_types.get(code) if code else None
            award_rule = self.award_rules.get((year, code)) if code else None
            limit, quota_text = quota_for(award_rule=award_rule, bloc=self.blocs[b], year=year, members=n)
            if limit is not None:
                seats = min(seats, limit)
            if seats < 1 or not pool:
                return
            chosen = pool[: min(passers_wanted, seats)]
            others = pool[len(chosen) : len(chosen) + 1]
            votes, budget = [], valid * seats
            for unit_pk in chosen:
                v = rng.randint(needed, valid) if needed <= valid else valid
                votes.append((unit_pk, v))
                budget -= v
            for unit_pk in others:
                v = min(rng.randint(0, max(needed - 1, 0)), max(budget, 0))
                votes.append((unit_pk, v))
                budget -= v
            problems = voting.check_counts(
                entitled=n,
                issued=present,
                returned=present,
                valid=valid,
                candidates=[voting.Candidate(pk, str(pk), v) for pk, v in votes],
                seats=seats,
                present=present,
            )
            assert not problems, problems
            passed = [
                pk
                for pk, v in votes
                if voting.meets_threshold(
                    votes=v, base=base, threshold=Fraction(rule.vote_threshold), strict=rule.vote_threshold_strict
                )
            ]
            ballot = Ballot(
                meeting=meeting,
                order=sum(x[0].meeting is meeting for x in ballots) + 1,
                purpose=purpose,
                award_type=award_type,
                title=proposed_ballot_title(purpose=purpose, award_type=award_type, year=year),
                seats=seats,
                entitled=n,
                issued=present,
                returned=present,
                valid=valid,
                vote_base=rule.vote_base,
                threshold_num=rule.vote_threshold_num,
                threshold_den=rule.vote_threshold_den,
                threshold_strict=rule.vote_threshold_strict,
                rule_citation=rule_citation(rule_set=rule, award_rule=award_rule),
                quota_limit=limit,
                quota_text=quota_text,
            )
            if purpose in (BallotPurpose.HEAD, BallotPurpose.DEPUTY) and year < self.size.last_year:
                ballot.applied_at = meeting.held_at + timedelta(days=1)
                ballot.applied_by = self.board
            ballot._history_date = meeting.held_at
            ballots.append((ballot, votes, key))
            if key is not None:
                self.ballot_passers[key] = passed

        htxsnv = [pk for pk in ranked if self.rating[(pk, year)] == Rating.HTXSNV]
        leader = ranked[0]
        add(BallotPurpose.AWARD, "co-ubnd-tinh", 1, ranked[:2], 1, (b, year, "co-ubnd-tinh"))
        add(
            BallotPurpose.AWARD,
            "bk-chu-tich-tinh",
            3,
            [pk for pk in ranked[1:] if pk in htxsnv] or ranked[1:],
            3,
            (b, year, "bk-chu-tich-tinh"),
        )
        add(BallotPurpose.AWARD, "ttldxs", n, htxsnv or ranked[:1], len(htxsnv) or 1, (b, year, "ttldxs"))
        next_head, next_deputy = self.next_roles[(b, year)]
        if next_head is not None:
            pool = [next_head, *[pk for pk in ranked if pk not in (next_head, next_deputy, leader)][:1]]
            add(BallotPurpose.HEAD, None, 1, pool, 1, None)
        if next_deputy is not None:
            pool = [next_deputy, *[pk for pk in ranked if pk not in (next_head, next_deputy)][-1:]]
            add(BallotPurpose.DEPUTY, None, 1, pool, 1, None)

    def nominations(self) -> None:
        """From the passed candidates of each year-end's award ballots, and by hand for the advanced labour
        collective title; reviewed through the workflow; past years decided by the chairman's decisions."""
        rng, size = self.rng, self.size
        planned = []  # (b, year, unit_pk, code, ballot)
        for b, year in self.members:
            taken = set()
            for code in ("co-ubnd-tinh", "bk-chu-tich-tinh", "ttldxs"):
                key = (b, year, code)
                for unit_pk in self.ballot_passers.get(key, []):
                    planned.append((b, year, unit_pk, code, self.ballots[key]))
                    if code == "ttldxs":
                        taken.add(unit_pk)
            for unit_pk in self.ranked[(b, year)]:
                if unit_pk not in taken and self.rating[(unit_pk, year)] in (Rating.HTXSNV, Rating.HTTNV):
                    planned.append((b, year, unit_pk, "ttldtt", None))
        # States and their path through the workflow.
        paths = []
        for _b, year, _unit_pk, _code, _ballot in planned:
            if year < size.last_year:
                roll = rng.random()
                final = State.NOT_APPROVED if roll < 0.07 else State.DECIDED
                returned = roll > 0.93
            else:
                final = rng.choices([s for s, _w in OPEN_YEAR_STATES], [w for _s, w in OPEN_YEAR_STATES])[0]
                returned = final == State.RETURNED or (final != State.DRAFT and rng.random() < 0.1)
            paths.append(self.path(final, returned, rng.choice(names.RETURN_REASONS), rng.choice(names.REJECT_REASONS)))
        decisions = self.decisions(
            {
                (year, code)
                for (b, year, _u, code, _bl), path in zip(planned, paths, strict=True)
                if path[-1][1] == State.DECIDED
            }
        )
        created_field = Nomination._meta.get_field("created_at")
        rows = []
        for (b, year, unit_pk, code, ballot), path in zip(planned, paths, strict=True):
            state = path[-1][1]
            decision = decisions.get((year, code)) if state == State.DECIDED else None
            row = Nomination(
                year=year,
                bloc=self.blocs[b],
                unit_id=unit_pk,
                award_type=self.award_types[code],
                ballot=ballot,
                summary=f"Năm {year}, {self.unit(unit_pk).name} hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ được "
                f"giao; xếp hạng {self.ranked[(b, year)].index(unit_pk) + 1} trong Khối.",
                state=state,
                decision=decision,
                created_by=self.secretaries[b],
                created_at=_at(date(year, 12, 28), 10),
                version=len(path),
            )
            row._history_date = row.created_at
            rows.append(row)
        with _own_timestamps(created_field):
            saved = self.insert(Nomination, rows, user=self.board)
        events, files = [], []
        event_field = ReviewEvent._meta.get_field("at")
        upload_field = DossierFile._meta.get_field("uploaded_at")
        bloc_index = {bloc.pk: b for b, bloc in enumerate(self.blocs)}
        for nomination, path in zip(saved, paths, strict=True):
            b = bloc_index[nomination.bloc_id]
            who = {
                "secretary": self.secretaries[b],
                "head": self.heads[b],
                "reviewer": self.reviewer,
                "board": self.board,
            }
            day = date(nomination.year, 12, 28)
            for step, (from_state, to_state, actor, reason) in enumerate(path):
                if step:
                    day += timedelta(days=rng.randint(2, 12))
                if to_state == State.DECIDED:
                    reason = f"Quyết định số {nomination.decision.number} ngày {nomination.decision.date:%d/%m/%Y}"
                    day = max(day, nomination.decision.date)
                events.append(
                    ReviewEvent(
                        nomination=nomination,
                        from_state=from_state,
                        to_state=to_state,
                        by=who[actor],
                        at=_at(day, 8 + step % 9),
                        reason=reason,
                    )
                )
            if nomination.state != State.DRAFT or rng.random() < 0.5:
                for kind, filename in DOSSIER_NAMES.items():
                    files.append(
                        DossierFile(
                            nomination=nomination,
                            kind=kind,
                            name=filename,
                            file=f"dossiers/{nomination.pk}/{filename}",
                            content_type="application/pdf",
                            size=len(DOSSIER_PDF),
                            uploaded_by=self.secretaries[b],
                            uploaded_at=_at(date(nomination.year, 12, 29), 10),
                        )
                    )
        with _own_timestamps(event_field):
            ReviewEvent.objects.bulk_create(events, batch_size=BATCH)
        if self.write_files:
            for row in files:
                row.file.name = default_storage.save(row.file.name, ContentFile(DOSSIER_PDF))
        with _own_timestamps(upload_field):
            self.insert(DossierFile, files, user=self.board)
        awards = [
            Award(
                unit_id=n.unit_id,
                award_type_id=n.award_type_id,
                year=n.year,
                decision_number=n.decision.number,
                decision_date=n.decision.date,
                source=AwardSource.DECISION,
            )
            for n in saved
            if n.state == State.DECIDED
        ]
        self.insert(Award, awards, user=self.board)

    @staticmethod
    def path(final: str, returned: bool, return_reason: str, reject_reason: str) -> list[tuple[str, str, str, str]]:
        """The events that lead a new nomination to `final`: (from, to, who, reason)."""
        steps = [("", State.DRAFT, "secretary", "")]
        if final == State.DRAFT:
            return steps
        steps += [(State.DRAFT, State.SUBMITTED, "head", ""), (State.SUBMITTED, State.UNDER_REVIEW, "reviewer", "")]
        if returned:
            steps.append((State.UNDER_REVIEW, State.RETURNED, "reviewer", return_reason))
            if final == State.RETURNED:
                return steps
            steps += [
                (State.RETURNED, State.SUBMITTED, "head", ""),
                (State.SUBMITTED, State.UNDER_REVIEW, "reviewer", ""),
            ]
        if final == State.SUBMITTED:
            return steps[:-1]
        if final == State.UNDER_REVIEW:
            return steps
        if final == State.NOT_APPROVED:
            return [*steps, (State.UNDER_REVIEW, State.NOT_APPROVED, "reviewer", reject_reason)]
        steps.append((State.UNDER_REVIEW, State.APPROVED, "reviewer", ""))
        if final == State.DECIDED:
            steps.append((State.APPROVED, State.DECIDED, "board", ""))
        return steps

    def decisions(self, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], AwardDecision]:
        """One chairman's decision per year and award type, numbered in the order they were signed."""
        rows, keys = [], sorted(wanted, key=lambda k: (k[0], self.award_types[k[1]].order))
        number: dict[int, int] = defaultdict(lambda: 100)
        for year, code in keys:
            number[year] += self.rng.randint(3, 40)
            award_type = self.award_types[code]
            rows.append(
                AwardDecision(
                    number=f"{number[year]}/QĐ-UBND",
                    date=date(year + 1, 3, 10) + timedelta(days=len(rows) % 40),
                    signer=self.person(),
                    signer_title="Chủ tịch UBND tỉnh",
                    award_type=award_type,
                    year=year,
                    created_by=self.board,
                    note=f"Tặng {award_type.name} năm {year}.",
                )
            )
        return dict(zip(keys, self.insert(AwardDecision, rows, user=self.board), strict=True))

    def imported_awards(self) -> None:
        """Award history imported for the five years before the app: labour titles from the ratings, the
        provincial flag for the strongest unit of each bloc, a few provincial certificates."""
        rng, rows = self.rng, []
        first = self.size.first_year
        leaders = {max(self.members[(b, first)], key=lambda pk: self.strength[pk]) for b in range(self.size.blocs)}
        for year in range(first - HISTORY_YEARS_BEFORE, first):
            for unit in self.units:
                rating = self.rating[(unit.pk, year)]
                codes = []
                if rating == Rating.HTXSNV:
                    codes.append("ttldxs" if rng.random() < 0.7 else "ttldtt")
                    if rng.random() < 0.15:
                        codes.append("bk-chu-tich-tinh")
                elif rating == Rating.HTTNV:
                    codes.append("ttldtt")
                if unit.pk in leaders and rng.random() < 0.5:
                    codes.append("co-ubnd-tinh")
                for code in codes:
                    rows.append(
                        Award(
                            unit=unit,
                            award_type=self.award_types[code],
                            year=year,
                            decision_number=f"{rng.randint(100, 999)}/QĐ-UBND",
                            decision_date=date(year + 1, 3, rng.randint(1, 28)),
                            source=AwardSource.IMPORT,
                            note="Nhập từ sổ khen thưởng các năm trước.",
                        )
                    )
        self.insert(Award, rows, user=self.board)


def build(size: Size, *, write_files: bool = True, log=None) -> dict[str, int]:
    """Build the data set into an empty database; returns the rows per model."""
    Builder(size, write_files=write_files, log=log).build()
    analyze()
    return sizes()


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would soon after such a load: without them
    PostgreSQL plans for the empty tables it last saw (nested loops over thousands of rows)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
