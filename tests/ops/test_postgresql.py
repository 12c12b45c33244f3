"""PostgreSQL: parameters are sent separately and each connection prepares the statements it runs often, so a
page's queries are planned once per connection, not on every request (DB_PREPARED_STATEMENTS, on by default;
off for a pooler in transaction mode)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup()\n"
    "from django.conf import settings\n"
    "options = settings.DATABASES['default'].get('OPTIONS', {})\n"
    "print(options.get('server_side_binding'), options.get('prepare_threshold'))\n"
)


def _options(**env) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://thidua@127.0.0.1:5432/thidua",  # settings only: nothing connects
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_postgresql_prepares_statements_unless_turned_off():
    assert _options() == ["True", "5"]
    assert _options(DB_PREPARED_STATEMENTS="false") == ["None", "None"]


def test_sqlite_has_no_such_options():
    assert _options(DATABASE_URL="sqlite:///ignored.sqlite3") == ["None", "None"]


@pytest.mark.django_db
def test_a_query_run_often_is_prepared_on_the_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the suite runs on SQLite")
    for _ in range(6):  # psycopg prepares a statement on its 5th run
        list(User.objects.filter(username="someone-else"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in statement and '"username" = $1' in statement for statement in statements)
