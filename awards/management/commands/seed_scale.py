"""`manage.py seed_scale`: a province-sized data set for the benchmarks (bench/scale.py), deterministic by seed.

It lives in the highest app so far (awards) because it fills every app to its left.
"""

import importlib
import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import scale


class Command(BaseCommand):
    help = (
        "Tạo bộ dữ liệu quy mô cấp tỉnh để đo hiệu năng (mặc định 40 khối × 15 đơn vị, 10 năm), "
        "cùng hạt giống (--seed) cho cùng dữ liệu. Chỉ chạy trên cơ sở dữ liệu trống, hoặc với --flush."
    )

    def add_arguments(self, parser):
        parser.add_argument("--blocs", type=int, default=40, help="Số khối, cụm (mặc định 40).")
        parser.add_argument("--units-per-bloc", type=int, default=15, help="Số đơn vị mỗi khối (mặc định 15).")
        parser.add_argument("--years", type=int, default=10, help="Số năm, kết thúc ở --last-year (mặc định 10).")
        parser.add_argument("--last-year", type=int, default=2025, help="Năm cuối, đang xét khen thưởng (2025).")
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (mặc định 2026).")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Xóa toàn bộ dữ liệu của cơ sở dữ liệu trước khi tạo (mọi bảng; loại khen thưởng được tạo lại).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì nếu cơ sở dữ liệu đã có dữ liệu (dùng cho make bench).",
        )
        parser.add_argument(
            "--no-files", action="store_true", help="Không ghi tệp hồ sơ (PDF nhỏ) vào MEDIA_ROOT, chỉ ghi bản ghi."
        )

    def handle(self, *args, **options):
        size = scale.Size(
            blocs=options["blocs"],
            units_per_bloc=options["units_per_bloc"],
            years=options["years"],
            seed=options["seed"],
            last_year=options["last_year"],
        )
        if size.blocs < 1 or size.units_per_bloc < 2 or size.years < 1:
            raise CommandError("Cần ít nhất 1 khối, 2 đơn vị mỗi khối và 1 năm.")
        if not 2000 + scale.HISTORY_YEARS_BEFORE + size.years <= size.last_year + 1 <= 2100:
            raise CommandError("Các năm (kể cả 5 năm lịch sử trước đó) phải nằm trong khoảng 2000–2100.")
        started = time.perf_counter()
        if options["flush"]:
            call_command("flush", interactive=False, verbosity=0)
            # The award types come from a data migration, which flush empties: run it again.
            importlib.import_module("units.migrations.0002_award_types").create(apps, None)
            self.stdout.write(f"Đã xóa dữ liệu cũ ({time.perf_counter() - started:.1f} s).")
        elif not scale.database_is_empty():
            if options["if_empty"]:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: không tạo thêm.")
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu (đơn vị, khối hoặc tài khoản). Dùng --flush để xóa hết rồi tạo lại, "
                "hoặc chỉ định một cơ sở dữ liệu riêng cho đo hiệu năng (DATABASE_URL)."
            )
        self.stdout.write(
            f"Tạo dữ liệu: {size.blocs} khối × {size.units_per_bloc} đơn vị, năm {size.first_year}–{size.last_year}, "
            f"hạt giống {size.seed}, cơ sở dữ liệu {connection.vendor}…"
        )
        build_started = time.perf_counter()
        counts = scale.build(size, write_files=not options["no_files"], log=self.stdout.write)
        elapsed = time.perf_counter() - build_started
        width = max(len(label) for label in counts)
        for label, count in counts.items():
            self.stdout.write(f"  {label.ljust(width)}  {count:>9,}")
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {total:,} dòng trong {elapsed:.1f} s. Mật khẩu các tài khoản bench_*: {scale.PASSWORD}"
            )
        )
