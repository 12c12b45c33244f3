"""SQLite (the default database): a file opens in WAL mode with synchronous=NORMAL, so that a commit (every
request saves its session) does not wait for the disk and readers do not block the writer; write transactions
begin IMMEDIATE."""

from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper


def test_a_sqlite_file_opens_in_wal_mode_with_normal_sync(tmp_path, django_db_blocker):
    assert connection.vendor == "sqlite"  # the tests run on SQLite, with the settings' options
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "thidua.sqlite3")}, alias="wal")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:  # a file of its own, not the test database
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
        assert (journal, synchronous) == ("wal", 1)  # 1: NORMAL
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()
