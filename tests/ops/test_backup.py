"""`manage.py backup` / `restore` (make backup / make restore): the demo province and its uploaded files
come back exactly — every row of every app (compared as dumpdata JSON) and every file's bytes (SHA-256).

Runs on the database of the test run: SQLite, or PostgreSQL when DATABASE_URL says so, where a missing
or too old pg_dump fails the test rather than skipping it.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from awards.models import DossierFile, Nomination
from meetings.models import Meeting
from meetings.services_meetings import attachment_add
from tests.awards import PDF
from tests.factories import UnitFactory
from units.models import AwardType, Unit

# serialized_rollback: each test ends with a flush, and the award types a migration wrote must come back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
UPLOADED = "Báo cáo thành tích (sao lưu).pdf"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def backups(tmp_path):
    return tmp_path / "backups"


def dump_all() -> str:
    """Every row of every installed app, as dumpdata writes it."""
    out = io.StringIO()
    call_command("dumpdata", format="json", indent=1, stdout=out)
    return out.getvalue()


def file_hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(directory: Path, *args) -> Path:
    out = io.StringIO()
    call_command("backup", "--dir", str(directory), *args, stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def restore(archive: Path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(media):
    """The demo province (with the dossier files it comes with), plus a meeting attachment and a dossier file
    uploaded here; returns MEDIA_ROOT."""
    call_command("seed_demo", stdout=io.StringIO())
    board = User.objects.get(username="bankt")
    meeting = Meeting.objects.filter(year=2025).order_by("pk").first()
    attachment_add(meeting=meeting, upload=SimpleUploadedFile("Biên bản họp.pdf", PDF), user=board)
    nomination = Nomination.objects.order_by("pk").first()
    if nomination is None:
        membership = meeting.bloc.memberships.filter(year=2025).order_by("pk").first()
        nomination = Nomination.objects.create(
            bloc=meeting.bloc, year=2025, unit=membership.unit,
            award_type=AwardType.objects.get(code="bk-chu-tich-tinh"), created_by=board,
        )  # fmt: skip
    dossier = DossierFile(
        nomination=nomination, kind="report", name=UPLOADED, content_type="application/pdf",
        size=len(PDF) + 1, uploaded_by=board,
    )  # fmt: skip
    dossier.file.save("bao-cao.pdf", SimpleUploadedFile("bao-cao.pdf", PDF + b"\n"), save=True)
    return media


@pytest.fixture
def small(media):
    """A unit and one uploaded file: enough for the refusals."""
    UnitFactory(name="Sở Tư pháp")
    media.mkdir(parents=True)
    (media / "ho-so.pdf").write_bytes(PDF)
    return media


def empty_everything(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)


def test_demo_round_trip_is_exact(demo, backups):
    before, files_before = dump_all(), file_hashes(demo)
    uploaded = DossierFile.objects.get(name=UPLOADED).file.name
    assert files_before[uploaded] == hashlib.sha256(PDF + b"\n").hexdigest()
    assert len(files_before) >= 2
    assert Unit.objects.count() == 65

    archive = backup(backups)

    assert archive.parent == backups
    assert archive.name.startswith("thidua-")
    assert archive.name.endswith(".tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", f"database.{'sqlite3' if connection.vendor == 'sqlite' else 'pgdump'}"} <= names
    assert {f"media/{name}" for name in files_before} <= names

    empty_everything(demo)
    assert Unit.objects.count() == 0
    output = restore(archive)

    assert "Đã khôi phục" in output
    assert dump_all() == before
    assert file_hashes(demo) == files_before
    # Sequences came back too: new rows get fresh ids.
    new = UnitFactory(name="Đơn vị thêm sau khôi phục")
    assert new.pk > max(Unit.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_restore_refuses_a_database_with_data(small, backups):
    archive = backup(backups)
    Unit.objects.filter(code=Unit.objects.order_by("pk").first().code).update(name="Đổi tên sau sao lưu")

    with pytest.raises(CommandError, match=r"Cơ sở dữ liệu đích đã có dữ liệu.*FORCE=1"):
        restore(archive)

    assert Unit.objects.filter(name="Đổi tên sau sao lưu").count() == 1


def test_restore_refuses_media_left_behind(small, backups):
    archive = backup(backups)
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="không trống"):
        restore(archive)

    assert Unit.objects.count() == 0


def test_forced_restore_replaces_everything(demo, backups):
    before, files_before = dump_all(), file_hashes(demo)
    archive = backup(backups)
    Unit.objects.exclude(code="").update(name="Đổi tên sau sao lưu")
    UnitFactory(name="Đơn vị mới sau sao lưu")
    (demo / "la.txt").write_text("tệp lạ")

    output = restore(archive, "--force")

    assert dump_all() == before
    assert file_hashes(demo) == files_before
    aside = [p for p in demo.parent.iterdir() if p.name.startswith("media.truoc-khoi-phuc-")]
    assert len(aside) == 1
    assert (aside[0] / "la.txt").read_text() == "tệp lạ"
    assert str(aside[0]) in output


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of `archive` with `change(name, bytes) -> bytes` applied to each member."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)
    return target


def test_a_tampered_file_is_refused_before_anything_is_touched(small, backups, tmp_path):
    media = small
    archive = backup(backups)
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", lambda n, d: d + b"x" if n == "media/ho-so.pdf" else d)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)

    with pytest.raises(CommandError, match="SHA-256 không khớp"):
        restore(bad)

    assert Unit.objects.count() == 0
    assert not media.exists() or file_hashes(media) == {}


def test_an_archive_of_another_engine_is_refused(media, backups, tmp_path):
    archive = backup(backups)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["engine"] = other
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="chỉ khôi phục được vào cùng loại"):
        restore(_rewrite(archive, tmp_path / "other.tar.gz", change))


def test_an_archive_with_foreign_members_is_refused(media, backups, tmp_path):
    archive = backup(backups)
    evil = tmp_path / "evil.tar.gz"
    shutil.copy(archive, tmp_path / "plain.tar.gz")
    with tarfile.open(tmp_path / "plain.tar.gz") as src, tarfile.open(evil, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        extra = tarfile.TarInfo("../../etc/cron.d/x")
        extra.size = 1
        dst.addfile(extra, io.BytesIO(b"x"))

    with pytest.raises(CommandError, match="mục lạ"):
        restore(evil)


def test_keep_prunes_the_oldest_archives(media, backups):
    first = backup(backups)
    second = backup(backups)
    third = backup(backups, "--keep", "2")

    assert sorted(p.name for p in backups.iterdir()) == sorted([second.name, third.name])
    assert not first.exists()


def test_backup_warns_about_a_referenced_file_missing_on_disk(demo, backups):
    dossier = DossierFile.objects.get(name=UPLOADED)
    os.remove(demo / dossier.file.name)
    err = io.StringIO()

    call_command("backup", "--dir", str(backups), stdout=io.StringIO(), stderr=err)

    assert f"nhắc tới tệp {dossier.file.name}" in err.getvalue()
