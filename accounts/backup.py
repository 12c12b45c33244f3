"""Backups: one archive holding the whole database and every uploaded file, restored exactly.

An archive (`thidua-YYYYmmdd-HHMMSS.tar.gz`) contains

- `manifest.json`: when, which database engine, the row count of every table and the SHA-256 of
  every file, so that a restore can prove it put back what was saved;
- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a copy
  made with SQLite's online backup API — the same bytes, rows, sequences and history, nothing
  re-serialised);
- `media/…`: the uploaded files (dossier files, meeting attachments) under MEDIA_ROOT.

The row counts and the list of files the database refers to are read from the same snapshot the
dump is made of (PostgreSQL: an exported snapshot shared with pg_dump; SQLite: the copy itself), so
they agree with the dump even while people keep working. A restore goes into an empty database and
an empty MEDIA_ROOT only, unless forced; on PostgreSQL it runs in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

FORMAT = 1
PREFIX = "thidua-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rows a freshly migrated database already holds: a restore into such a database is a restore into an empty one.
MIGRATION_ROWS = {"contenttypes.contenttype", "auth.permission", "units.awardtype", "units.historicalawardtype"}


class BackupError(Exception):
    """Something stops a backup or a restore; the message (Vietnamese) says what and what to do."""


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    missing_files: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    moved_aside: Path | None = None
    pending_migrations: int = 0


# -- creating a backup -------------------------------------------------------------------------


def backup_create(*, directory: Path, keep: int | None = None, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT into `directory`; keep only the `keep` newest."""
    connection = connections[using]
    engine = _engine(connection)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".thidua-backup-", dir=directory) as scratch:
        scratch = Path(scratch)
        db_path = scratch / DB_FILES[engine]
        dump = _dump_sqlite if engine == "sqlite" else _dump_postgresql
        facts = dump(connection, db_path)
        media_root = Path(settings.MEDIA_ROOT)
        media = _media_files(media_root)
        missing = sorted(name for name in facts["file_refs"] if name not in media)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "engine": engine,
            "server_version": facts["server_version"],
            "database": {"file": db_path.name, "sha256": _sha256(db_path), "size": db_path.stat().st_size},
            "tables": facts["tables"],
            "media": {name: {"sha256": digest, "size": size} for name, (digest, size) in sorted(media.items())},
            "missing_files": missing,
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        target = _new_archive_path(directory)
        partial = target.with_name(target.name + ".partial")
        with _private_umask(), tarfile.open(partial, "w:gz") as archive:
            archive.add(scratch / MANIFEST, arcname=MANIFEST)
            archive.add(db_path, arcname=db_path.name)
            for name in sorted(media):
                archive.add(media_root / name, arcname=f"media/{name}", recursive=False)
        os.chmod(partial, 0o600)
        partial.rename(target)
    removed = _prune(directory, keep) if keep else []
    return BackupResult(
        path=target,
        tables=len(facts["tables"]),
        rows=sum(facts["tables"].values()),
        files=len(media),
        missing_files=missing,
        removed=removed,
    )


def _engine(connection) -> str:
    if connection.vendor not in DB_FILES:
        raise BackupError(
            f"Không sao lưu được cơ sở dữ liệu loại {connection.vendor}: chỉ hỗ trợ SQLite và PostgreSQL."
        )
    return connection.vendor


def _dump_sqlite(connection, target: Path) -> dict:
    """Copy the live database with SQLite's backup API, then read the facts from the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        facts = _facts(cursor, tables, connection.ops.quote_name)
        facts["server_version"] = sqlite3.sqlite_version
    finally:
        copy.close()
    return facts


def _dump_postgresql(connection, target: Path) -> dict:
    """pg_dump of an exported snapshot; the row counts and file names come from the same snapshot."""
    tool = _pg_tool("pg_dump", connection)
    if connection.in_atomic_block:
        raise BackupError("Không sao lưu được bên trong một giao dịch đang mở.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = sorted(
            info.name for info in connection.introspection.get_table_list(cursor) if info.type in {"t", "p"}
        )
        facts = _facts(cursor, tables, connection.ops.quote_name)
        _run(
            [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(connection),
            what="pg_dump",
        )
    facts["server_version"] = _server_version(connection)
    return facts


def _facts(cursor, tables: list[str], quote) -> dict:
    """Row count of every table, and the names of the files the live records point to."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from the catalogue, quoted
        counts[table] = cursor.fetchone()[0]
    refs = set()
    for table, column in _file_columns():
        if table in counts:
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
            refs.update(row[0] for row in cursor.fetchall())
    return {"tables": counts, "file_refs": refs}


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of a live model; historical copies may name deleted files."""
    columns = []
    for model in apps.get_models():
        if any(f.name == "history_id" for f in model._meta.fields):
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                columns.append((model._meta.db_table, model_field.column))
    return columns


def _media_files(root: Path) -> dict[str, tuple[str, int]]:
    """Every regular file under MEDIA_ROOT: relative POSIX name -> (SHA-256, size)."""
    files = {}
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            raise BackupError(
                f"MEDIA_ROOT chứa liên kết tượng trưng {path}: không sao lưu (tệp tải lên luôn là tệp thật)."
            )
        if path.is_file():
            files[path.relative_to(root).as_posix()] = (_sha256(path), path.stat().st_size)
    return files


def _new_archive_path(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{PREFIX}{stamp}{SUFFIX}"
    n = 1
    while path.exists() or path.with_name(path.name + ".partial").exists():
        n += 1
        path = directory / f"{PREFIX}{stamp}-{n}{SUFFIX}"
    return path


ARCHIVE_NAME = re.compile(r"^thidua-\d{8}-\d{6}(-\d+)?\.tar\.gz$")


def _prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives this module wrote (by the time in their name)."""
    archives = sorted(
        (p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name)),
        key=lambda p: (p.name[len(PREFIX) : len(PREFIX) + 15], p.stat().st_mtime),
    )
    old = archives[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


class _private_umask:
    """Archives hold password hashes and personal data: created readable by the owner only."""

    def __enter__(self):
        self.previous = os.umask(0o077)

    def __exit__(self, *exc):
        os.umask(self.previous)


# -- restoring ----------------------------------------------------------------------------------


def restore(*, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Put the database and MEDIA_ROOT back as the archive holds them.

    Everything is checked before anything is touched: the archive's contents against its manifest
    (SHA-256 of the database dump and of every file), the engine, and that the database and
    MEDIA_ROOT are empty (a freshly migrated database counts as empty) — unless `force`.
    """
    connection = connections[using]
    engine = _engine(connection)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}.")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".thidua-restore-", dir=media_root.parent) as scratch:
        scratch = Path(scratch)
        manifest = _extract(archive, scratch)
        if manifest.get("engine") != engine:
            raise BackupError(
                f"Tệp sao lưu là của cơ sở dữ liệu {manifest.get('engine')}, còn DATABASE_URL đang trỏ tới {engine}: "
                "chỉ khôi phục được vào cùng loại cơ sở dữ liệu."
            )
        if engine == "postgresql":
            _pg_tool("pg_restore", connection)
            _pg_tool("psql", connection)
        if not force:
            _require_empty(connection, media_root)
        if engine == "sqlite":
            _restore_sqlite(connection, scratch / DB_FILES[engine])
        else:
            _restore_postgresql(connection, scratch / DB_FILES[engine])
        moved = _restore_media(scratch / "media", media_root)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    counts = _current_counts(connection)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        details = "; ".join(f"{t}: {got} thay vì {n}" for t, (n, got) in sorted(wrong.items())[:10])
        raise BackupError(f"Khôi phục xong nhưng số dòng không khớp với tệp sao lưu: {details}.")
    return RestoreResult(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["media"]),
        moved_aside=moved,
        pending_migrations=_pending_migrations(connection),
    )


def _extract(archive: Path, scratch: Path) -> dict:
    """Unpack into `scratch` and prove that what was unpacked is what the manifest lists."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                name = member.name
                allowed = name in {MANIFEST, *DB_FILES.values()} or name == "media" or name.startswith("media/")
                if not allowed or not (member.isfile() or member.isdir()) or ".." in Path(name).parts:
                    raise BackupError(f"Tệp sao lưu chứa mục lạ «{name}»: không khôi phục.")
            tar.extractall(scratch, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive}: {exc}") from None
    try:
        manifest = json.loads((scratch / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"Tệp {archive} không phải là bản sao lưu của thidua (thiếu {MANIFEST}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Bản sao lưu định dạng {manifest.get('format')!r}; phiên bản này đọc định dạng {FORMAT}.")
    database = manifest["database"]
    db_path = scratch / database["file"]
    if not db_path.is_file() or _sha256(db_path) != database["sha256"]:
        raise BackupError("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng hoặc đã bị sửa (SHA-256 không khớp).")
    found = _media_files(scratch / "media")
    listed = manifest["media"]
    if set(found) != set(listed):
        raise BackupError("Danh sách tệp tải lên trong bản sao lưu không khớp với manifest.json.")
    bad = [name for name, (digest, _size) in found.items() if listed[name]["sha256"] != digest]
    if bad:
        raise BackupError(f"Tệp tải lên bị hỏng hoặc đã bị sửa (SHA-256 không khớp): {', '.join(bad[:5])}.")
    return manifest


def _require_empty(connection, media_root: Path) -> None:
    filled = _tables_with_data(connection)
    if filled:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        raise BackupError(
            f"Cơ sở dữ liệu đích đã có dữ liệu ({shown}). Chỉ khôi phục vào cơ sở dữ liệu trống "
            "(mới tạo, hoặc vừa chạy migrate); muốn ghi đè toàn bộ thì chạy lại với FORCE=1 (--force)."
        )
    if _media_files(media_root):
        raise BackupError(
            f"Thư mục tệp tải lên {media_root} không trống. Chỉ khôi phục vào thư mục trống; "
            "muốn thay thế (thư mục cũ được chuyển sang một thư mục bên cạnh) thì chạy lại với FORCE=1 (--force)."
        )


def _tables_with_data(connection) -> list[str]:
    existing = set(connection.introspection.table_names())
    filled = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in MIGRATION_ROWS or model._meta.db_table not in existing:
            continue
        if not model._meta.managed and not model._meta.auto_created:
            continue
        if model._base_manager.using(connection.alias).exists():
            filled.append(model._meta.db_table)
    return sorted(filled)


def _restore_sqlite(connection, source: Path) -> None:
    """Copy the saved database over the live one, page by page, with SQLite's backup API."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Không khôi phục được bên trong một giao dịch đang mở.")
    saved = sqlite3.connect(source)
    try:
        saved.backup(connection.connection)
    finally:
        saved.close()


def _restore_postgresql(connection, dump: Path) -> None:
    """Drop every table of the target and load the dump, in one transaction: all of it or nothing."""
    with connection.cursor() as cursor:
        tables = [info.name for info in connection.introspection.get_table_list(cursor) if info.type in {"t", "p"}]
    connection.close()
    script = dump.with_suffix(".sql")
    env = _pg_env(connection)
    _run(
        [_pg_tool("pg_restore", connection), "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
        env=env,
        what="pg_restore",
    )
    drop = dump.with_name("drop.sql")
    quote = connection.ops.quote_name
    drop.write_text(
        f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in tables)} CASCADE;\n" if tables else "", encoding="utf-8"
    )
    psql = [_pg_tool("psql", connection), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
    _run([*psql, "-f", str(drop), "-f", str(script)], env=env, what="psql")


def _restore_media(source: Path, media_root: Path) -> Path | None:
    """Move the unpacked files into MEDIA_ROOT; with anything already there, that is moved aside first."""
    moved = None
    if media_root.exists() and any(media_root.iterdir()):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        moved = media_root.with_name(f"{media_root.name}.truoc-khoi-phuc-{stamp}")
        moved.mkdir()
        for entry in list(media_root.iterdir()):
            shutil.move(str(entry), moved / entry.name)
    media_root.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        for entry in list(source.iterdir()):
            shutil.move(str(entry), media_root / entry.name)
    return moved


def _current_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = [info.name for info in connection.introspection.get_table_list(cursor) if info.type in {"t", "p"}]
        quote = connection.ops.quote_name
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pending_migrations(connection) -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# -- PostgreSQL client tools ------------------------------------------------------------------------


def _pg_env(connection) -> dict[str, str]:
    """The connection settings as libpq environment variables (the password never on a command line)."""
    from django.db.backends.postgresql.client import DatabaseClient

    params = connection.settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(params, [])
    result = dict(os.environ)
    result.update(env or {})
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if params.get(key):
            result[name] = str(params[key])
    return result


def _server_version(connection) -> str:
    version = connection.pg_version  # e.g. 150020
    return f"{version // 10000}.{version % 10000}"


def _pg_tool(name: str, connection) -> str:
    """The path of pg_dump/pg_restore/psql, refusing one older than the server (it could not read its data)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy {name}: cài gói postgresql-client (make backup/restore tự cài bằng apt-get), "
            "cùng phiên bản chính với máy chủ PostgreSQL hoặc mới hơn."
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    server_major = connection.pg_version // 10000 if connection.pg_version else None
    if match is None:
        raise BackupError(f"Không đọc được phiên bản của {name}: {output.strip()!r}.")
    if server_major and int(match.group(1)) < server_major:
        raise BackupError(
            f"{name} phiên bản {match.group(1)} cũ hơn máy chủ PostgreSQL {server_major}: cài "
            f"postgresql-client-{server_major} (kho apt.postgresql.org) rồi chạy lại."
        )
    return path


def _run(args: list[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} thất bại (mã {result.returncode}): {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
