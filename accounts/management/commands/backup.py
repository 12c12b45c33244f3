"""`manage.py backup`: one archive of the database and the uploaded files (see accounts/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu (PostgreSQL: pg_dump; SQLite: bản sao bằng API sao lưu của SQLite) và các "
        "tệp tải lên (MEDIA_ROOT) vào một tệp thidua-YYYYmmdd-HHMMSS.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Thư mục chứa bản sao lưu (mặc định: BACKUP_DIR, tức var/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Chỉ giữ N bản sao lưu mới nhất trong thư mục (xóa các bản cũ hơn sau khi sao lưu thành công).",
        )

    def handle(self, *args, dir: Path | None = None, keep: int | None = None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep phải là số nguyên dương.")
        directory = dir or Path(settings.BACKUP_DIR)
        try:
            result = backup_create(directory=directory, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in result.missing_files:
            self.stderr.write(f"Cảnh báo: cơ sở dữ liệu nhắc tới tệp {name} nhưng không có trong MEDIA_ROOT.")
        for path in result.removed:
            self.stdout.write(f"Đã xóa bản sao lưu cũ {path.name}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu: {result.path} ({result.tables} bảng, {result.rows} dòng, {result.files} tệp tải lên)."
            )
        )
        # The path alone on the last line, for scripts.
        self.stdout.write(str(result.path))
