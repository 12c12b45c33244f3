"""A fault in the middle of a user action leaves nothing half-written.

Each action is first run once to count its writes (INSERT, UPDATE, DELETE; the session table aside),
then run again from the same state with the database refusing one of those writes — the last one,
which for a multi-write action comes after every other write has gone through (usually the history
row). After the failure every table, history included, must be exactly as before, and no uploaded
file may be left behind without its record.

Key actions (score grid, pledge, ballot counts, nomination transition, copying a year's memberships,
registry import) are broken at every one of their writes; every other POST of the access table at its
first, middle and last write.

A test runs inside a transaction, where Django's `atomic(savepoint=False)` blocks (model deletion,
multi-table saves, bulk writes) would merge into the test's own transaction instead of rolling back
on their own as they do in production, where a request starts outside any transaction. While an
action runs, every atomic block therefore gets its own savepoint: it rolls back alone, as it would
in production, and anything the action wrote outside it stays, as it would in production.
"""

from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.messages import constants as message_levels
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from awards.models import Nomination
from blocs.models import Membership, Pledge, PledgeArticle
from blocs.registry_xlsx import export_registry
from tests.security.test_fuzz_forms import changed_tables, fingerprint
from tests.test_access import CASES
from units.models import Unit

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class InjectedFault(DatabaseError):
    pass


class Writes:
    """A database execute wrapper that counts writes, and refuses the `fail_at`-th one (1-based)."""

    def __init__(self, fail_at: int | None = None):
        self.fail_at = fail_at
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in WRITES and "django_session" not in sql:
            self.statements.append(sql)
            if len(self.statements) == self.fail_at:
                raise InjectedFault(f"injected fault at write {self.fail_at}: {sql[:80]}")
        return execute(sql, params, many, context)


@contextmanager
def as_in_production():
    original = transaction.Atomic.__init__

    def with_savepoint(self, using, savepoint, durable):
        original(self, using, True, durable)

    with mock.patch.object(transaction.Atomic, "__init__", with_savepoint):
        yield


def media_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def error_messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages if m.level >= message_levels.ERROR]


def count_writes(act) -> tuple[object, list[str]]:
    """Run the action once, undone afterwards: its response and its write statements."""
    recorder = Writes()
    savepoint = transaction.savepoint_create()
    try:
        with as_in_production(), connection.execute_wrapper(recorder):
            response = act()
    finally:
        transaction.savepoint_rollback(savepoint)
    return response, recorder.statements


def assert_fault_leaves_nothing(act, fail_at: int, settings) -> None:
    before, files = fingerprint(), media_files(settings)
    savepoint = transaction.savepoint_create()
    try:
        # The user sees the server error page; what matters is what was written.
        with as_in_production(), connection.execute_wrapper(Writes(fail_at)), suppress(DatabaseError):
            act()
        # A write outside any atomic block marks the test's transaction for rollback, where production,
        # in autocommit, would just go on. The refused statement never reached the database, so
        # clearing the mark is safe, and the comparison below sees what production would keep.
        connection.needs_rollback = False
        assert changed_tables(before, fingerprint()) == [], f"half-written after a fault at write {fail_at}"
        assert media_files(settings) == files, f"a file was left behind after a fault at write {fail_at}"
    finally:
        transaction.savepoint_rollback(savepoint)


def check_every_write(act, settings, *, success=(302,)) -> int:
    response, statements = count_writes(act)
    assert response.status_code in success, response.content.decode()[:3000]
    assert error_messages(response) == []
    assert len(statements) >= 2, statements  # a multi-write action
    for fail_at in range(1, len(statements) + 1):
        assert_fault_leaves_nothing(act, fail_at, settings)
    return len(statements)


# --- Key actions, broken at every write ----------------------------------------------------------


def test_score_grid_save(access_world, secretary_a, client_for, settings):
    client = client_for(secretary_a)
    bloc = access_world["bloc_a"]
    url = reverse("blocs:score_grid", kwargs={"pk": bloc.pk, "year": 2025})
    page = client.get(url, {"gia_tri": "assessed"})
    data = {"gia_tri": "assessed", "state": page.context["state_json"]}
    editable = [cell for row in page.context["rows"] for cell in row["cells"] if cell["editable"]]
    for cell, value in zip(editable[:4], ["5", "6", "7,5", "8"], strict=True):
        data[f"s-{cell['key']}"] = value
    assert check_every_write(lambda: client.post(url, data), settings) >= 8  # 4 scores and their history


def test_pledge_save(access_world, secretary_a, client_for, settings):
    bloc = access_world["bloc_a"]
    pledge = Pledge.objects.create(bloc=bloc, year=2025, title="Giao ước năm 2025")
    article = PledgeArticle.objects.create(pledge=pledge, order=1, text="Cũ")
    data = {
        "title": "Giao ước thi đua năm 2025",
        "adopted_on": "2025-03-10",
        "place": "Văn phòng UBND tỉnh",
        "note": "",
        "version": str(pledge.version),
        "articles-TOTAL_FORMS": "2",
        "articles-INITIAL_FORMS": "1",
        "articles-0-id": str(article.pk),
        "articles-0-order": "1",
        "articles-0-text": "Thi đua hoàn thành xuất sắc nhiệm vụ",
        "articles-1-order": "2",
        "articles-1-text": "Đẩy mạnh chuyển đổi số",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-order": "1",
        "targets-0-description": "100% đơn vị ký kết",
        "targets-0-kind": "percent",
        "targets-0-target_value": "100",
        "targets-0-measure": "signed",
        "targets-0-manual_value": "",
    }
    url = reverse("blocs:pledge_edit", kwargs={"pk": bloc.pk, "year": 2025})
    client = client_for(secretary_a)
    assert check_every_write(lambda: client.post(url, data), settings) >= 4


def test_ballot_counts(access_world, secretary_a, client_for, settings):
    w = access_world
    url = reverse("meetings:ballot_counts", kwargs={"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["ballot"].pk})
    data = {
        "entitled": "3",
        "issued": "3",
        "returned": "3",
        "valid": "3",
        "version": str(w["ballot"].version),
        f"votes_{w['unit_a1'].pk}": "2",
        f"votes_{w['unit_a2'].pk}": "1",
        f"votes_{w['unit_a3'].pk}": "0",
    }
    client = client_for(secretary_a)
    assert check_every_write(lambda: client.post(url, data), settings) >= 4


@pytest.mark.parametrize(
    ("state", "action", "reason"),
    [("submitted", "start_review", ""), ("under_review", "return", "Bổ sung biên bản họp")],
)
def test_nomination_transition(access_world, board, client_for, settings, state, action, reason):
    nomination = access_world["nomination"]
    Nomination.objects.filter(pk=nomination.pk).update(state=state)
    url = reverse("awards:transition", kwargs={"nomination_pk": nomination.pk})
    client = client_for(board)
    assert check_every_write(lambda: client.post(url, {"action": action, "reason": reason}), settings) >= 3


def test_membership_copy_to_next_year(access_world, board, client_for, settings):
    client = client_for(board)
    url = reverse("blocs:copy_year")
    assert not Membership.objects.filter(year=2026).exists()
    writes = check_every_write(lambda: client.post(url, {"from_year": "2025", "to_year": "2026"}), settings)
    assert writes >= 2 * Membership.objects.filter(year=2025).count()  # each membership and its history


def test_registry_import(access_world, board, client_for, settings):
    data = export_registry(2025)
    Unit.objects.filter(pk=access_world["unit_a1"].pk).update(name="Tên cũ", address="Địa chỉ cũ")
    Unit.objects.filter(pk=access_world["unit_a2"].pk).update(name="Tên cũ 2")
    client = client_for(board)

    def act():
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("dang-ky.xlsx", data)
        return client.post(f"{reverse('blocs:registry_import')}?nam=2025", {"file": upload, "year": "2025"})

    writes = check_every_write(act, settings, success=(200,))
    assert writes >= 4


# --- Every POST of the access table: first, middle and last write ---------------------------------


def _post_rows():
    for index, (name, kwargs, method, data, expected) in enumerate(CASES):
        if method != "post":
            continue
        persona = next((p for p in ("board", "secretary_a", "officer_a") if expected.get(p) in (200, 302)), None)
        if persona is not None:
            yield pytest.param(name, kwargs, data, persona, id=f"{name}-{index}")


@pytest.mark.parametrize(("name", "kwargs", "data", "persona"), list(_post_rows()))
def test_a_fault_in_any_action_writes_nothing(
    name, kwargs, data, persona, access_world, personas, client_for, settings
):
    url = reverse(name, kwargs=kwargs(access_world) if kwargs else None)
    client = client_for(personas[persona])

    def act():
        return client.post(url, data(access_world))

    _response, statements = count_writes(act)
    if not statements:
        pytest.skip(f"{name} writes nothing with the access table's data")
    n = len(statements)
    for fail_at in sorted({1, (n + 1) // 2, n}):
        assert_fault_leaves_nothing(act, fail_at, settings)


def test_the_harness_catches_an_action_without_a_transaction(db, settings):
    def two_writes_without_atomic():
        Unit.objects.create(name="Một", code="mot")
        Unit.objects.create(name="Hai", code="hai")

    _response, statements = count_writes(two_writes_without_atomic)
    assert len(statements) == 4  # each unit and its history row
    with pytest.raises(AssertionError, match="half-written"):
        assert_fault_leaves_nothing(two_writes_without_atomic, 4, settings)
    assert_fault_leaves_nothing(transaction.atomic(two_writes_without_atomic), 4, settings)


def test_the_recorder_sees_writes_and_the_fault_is_raised(db):
    recorder = Writes(fail_at=2)

    @transaction.atomic
    def two_units():
        Unit.objects.create(name="Một", code="mot")
        Unit.objects.create(name="Hai", code="hai")

    with pytest.raises(InjectedFault), connection.execute_wrapper(recorder):
        two_units()
    assert len(recorder.statements) == 2
    assert not Unit.objects.filter(code__in=["mot", "hai"]).exists()
