"""`manage.py restore FILE`: put back a `manage.py backup` archive, into an empty database (see accounts/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu (tệp .tar.gz của `manage.py backup`) vào cơ sở dữ liệu và thư mục tệp tải lên "
        "đang trống; --force để ghi đè dữ liệu đang có."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp sao lưu thidua-YYYYmmdd-HHMMSS.tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Khôi phục cả khi cơ sở dữ liệu đã có dữ liệu (bị thay toàn bộ) hoặc MEDIA_ROOT đã có tệp (được "
                "chuyển sang thư mục bên cạnh)."
            ),
        )

    def handle(self, *args, archive: Path, force: bool = False, **options):
        try:
            result = restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if result.moved_aside:
            self.stdout.write(f"Các tệp tải lên đang có đã được chuyển sang {result.moved_aside}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {archive}: {result.tables} bảng, {result.rows} dòng, {result.files} tệp tải lên "
                "(đã đối chiếu số dòng và SHA-256 của từng tệp)."
            )
        )
        if result.pending_migrations:
            self.stdout.write(
                f"Bản sao lưu cũ hơn mã nguồn: còn {result.pending_migrations} migration chưa chạy — "
                "chạy `manage.py migrate` trước khi mở lại ứng dụng."
            )
