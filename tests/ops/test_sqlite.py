"""SQLite (the default database): a file opens in WAL mode with synchronous=NORMAL, so that a commit (every
request saves its session) does not wait for the disk and readers do not block the writer; write transactions
begin IMMEDIATE.

Checked in a process of its own with a SQLite DATABASE_URL, so that it holds whichever database the suite runs on.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup()\n"
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('PRAGMA journal_mode'); journal = cursor.fetchone()[0]\n"
    "    cursor.execute('PRAGMA synchronous'); synchronous = cursor.fetchone()[0]\n"
    "print(connection.vendor, journal, synchronous, connection.transaction_mode)\n"
)


def test_a_sqlite_file_opens_in_wal_mode_with_normal_sync(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'thidua.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "wal", "1", "IMMEDIATE"]  # 1: NORMAL
