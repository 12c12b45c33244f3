"""The production files in deploy/ and docs/deploy.md agree with the code they start.

The systemd units run commands that exist, with options those commands accept; nginx forwards the
headers the settings trust, to where gunicorn listens, and accepts the largest upload the app accepts;
gunicorn knows every setting in its file; docs/deploy.md lists every variable config/settings.py reads.
"""

import ast
import configparser
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
NGINX = (DEPLOY / "nginx" / "thidua.conf").read_text(encoding="utf-8")
APP_DIR = "/srv/thidua"
UNITS = ["thidua-web.service", "thidua-worker.service", "thidua-backup.service", "thidua-backup.timer"]


def unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def exec_start(name: str) -> list[str]:
    return shlex.split(unit(name)["Service"]["ExecStart"])


def production_env() -> dict[str, str]:
    """The .env block of docs/deploy.md: the values the units and nginx file are written for."""
    block = re.search(r"```ini\n(.*?)```", DOC, re.S).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if "=" in line and not line.startswith("#"))


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads (os.environ.get, envbool, envint, envlist)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        helper = isinstance(func, ast.Name) and func.id in {"envbool", "envint", "envlist"}
        environ_get = (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        if helper or environ_get:
            names.add(node.args[0].value)
    return names


def manage_command(argv: list[str]):
    """(command name, parsed options) for `…/python manage.py NAME ARGS`, parsed by the command itself."""
    assert argv[0] == f"{APP_DIR}/.venv/bin/python"
    assert argv[1] == "manage.py"
    assert (ROOT / "manage.py").is_file()
    name = argv[2]
    commands = get_commands()
    assert name in commands, f"{name} is not a management command"
    command = load_command_class(commands[name], name)
    return name, command.create_parser("manage.py", name).parse_args(argv[3:])


def test_docs_list_every_environment_variable_of_the_settings():
    variables = settings_variables()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR"} <= variables
    missing = sorted(name for name in variables if f"`{name}`" not in DOC)
    assert missing == []


def test_docs_list_every_variable_of_the_gunicorn_file():
    source = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))

    assert "GUNICORN_WORKERS" in variables
    assert sorted(name for name in variables if f"`{name}`" not in DOC) == []


def test_production_env_in_the_docs_is_a_production_configuration():
    env = production_env()

    assert env["DEBUG"] == "false"
    assert env["BEHIND_PROXY"] == "true"  # nginx sends X-Forwarded-Proto and X-Forwarded-For
    assert env["DATABASE_URL"].startswith("postgres")
    assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://")
    assert set(env) <= settings_variables()


def test_all_units_run_the_app_as_its_own_user_from_the_app_folder():
    for name in UNITS[:3]:
        service = unit(name)["Service"]
        assert service["User"] == "thidua"
        assert service["WorkingDirectory"] == APP_DIR
        assert exec_start(name)[0].startswith(f"{APP_DIR}/.venv/bin/")


def test_web_unit_runs_gunicorn_with_the_config_in_deploy():
    argv = exec_start("thidua-web.service")

    assert argv[0] == f"{APP_DIR}/.venv/bin/gunicorn"
    config = argv[argv.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert runpy.run_path(str(ROOT / config))["wsgi_app"] == "config.wsgi:application"
    assert (ROOT / "config" / "wsgi.py").is_file()
    assert unit("thidua-web.service")["Service"]["Type"] == "notify"  # gunicorn calls sd_notify when ready


def test_worker_unit_runs_db_worker_on_every_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # production's (tests: immediate)
    name, options = manage_command(exec_start("thidua-worker.service"))

    assert name == "db_worker"
    assert options.queue_name == "*"
    assert options.reload is False  # production: never restart tasks on code changes


def test_backup_unit_runs_the_backup_command_and_the_timer_starts_it():
    name, options = manage_command(exec_start("thidua-backup.service"))
    timer = unit("thidua-backup.timer")

    assert name == "backup"
    assert options.keep == 14
    assert unit("thidua-backup.service")["Service"]["Type"] == "oneshot"
    assert timer["Timer"]["Unit"] == "thidua-backup.service"
    assert (DEPLOY / "systemd" / timer["Timer"]["Unit"]).is_file()
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] == "true"


def test_units_may_write_where_the_production_env_puts_files():
    env = production_env()

    for name in ("thidua-web.service", "thidua-worker.service"):
        assert env["MEDIA_ROOT"] in unit(name)["Service"]["ReadWritePaths"].split()
    assert env["BACKUP_DIR"] in unit("thidua-backup.service")["Service"]["ReadWritePaths"].split()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8").replace(APP_DIR, str(ROOT))
        (tmp_path / name).write_text(text, encoding="utf-8")

    result = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / name) for name in UNITS]],
        capture_output=True,
        text=True,
        check=False,
    )
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", unit("thidua-backup.timer")["Timer"]["OnCalendar"]],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert calendar.returncode == 0


def test_gunicorn_config_uses_only_settings_gunicorn_knows(monkeypatch):
    from gunicorn.config import KNOWN_SETTINGS

    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    names = {key for key, value in config.items() if not key.startswith("_") and not callable(value)}
    names -= {"os", "multiprocessing"}

    assert sorted(names - {s.name for s in KNOWN_SETTINGS}) == []
    assert config["bind"] == "127.0.0.1:8001"
    assert config["workers"] >= 2
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["control_socket_disable"] is True


def test_gunicorn_accepts_its_config():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--check-config", "--config", str(DEPLOY / "gunicorn.conf.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")


def _directive(name: str) -> list[str]:
    return [value.strip() for value in re.findall(rf"^\s*{name}\s+([^;]+);", NGINX, re.M)]


def _megabytes(size: str) -> float:
    number, unit_letter = re.fullmatch(r"(\d+)([kKmMgG]?)", size).groups()
    return int(number) * {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[unit_letter.lower()]


def test_nginx_accepts_the_largest_upload_the_app_accepts():
    sizes = _directive("client_max_body_size")

    assert len(sizes) == 1
    assert _megabytes(sizes[0]) > settings.UPLOAD_MAX_MB


def test_nginx_forwards_the_headers_the_settings_trust():
    headers = dict(value.split(None, 1) for value in _directive("proxy_set_header"))

    assert headers["Host"] == "$host"
    # accounts/lockout.py takes the last X-Forwarded-For entry: the one nginx appends.
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    # SECURE_PROXY_SSL_HEADER with BEHIND_PROXY=true.
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert _directive("proxy_pass") == ["http://thidua_app"]


def test_nginx_sends_requests_where_gunicorn_listens():
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    upstream = re.search(r"upstream thidua_app \{(.*?)\}", NGINX, re.S).group(1)

    assert re.search(r"^\s*server\s+(\S+)", upstream, re.M).group(1) == config["bind"]


def test_nginx_serves_https_and_no_uploaded_file():
    media = re.search(r"location /media/ \{(.*?)\}", NGINX, re.S).group(1)

    assert "return 404" in media
    assert not re.search(r"^\s*(alias|root)\s+\S*media", NGINX, re.M)
    assert "listen 443 ssl" in NGINX
    assert "return 301 https://$host$request_uri" in NGINX
    # The app sends the security headers; nginx adding its own would make two sources of truth.
    assert _directive("add_header") == []
