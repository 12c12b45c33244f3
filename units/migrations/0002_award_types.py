"""The award types every province uses (DOMAIN.md); the board can add more."""

from django.db import migrations

# (code, name, short name, level, is_title, order): a copy, so that later edits of the defaults
# do not change what this migration did.
AWARD_TYPES = [
    ("co-chinh-phu", "Cờ thi đua của Chính phủ", "Cờ Chính phủ", "national", False, 10),
    ("co-ubnd-tinh", "Cờ thi đua của UBND tỉnh", "Cờ UBND tỉnh", "provincial", True, 20),
    ("bk-thu-tuong", "Bằng khen của Thủ tướng Chính phủ", "BK Thủ tướng", "national", False, 30),
    ("bk-chu-tich-tinh", "Bằng khen của Chủ tịch UBND tỉnh", "BK Chủ tịch UBND tỉnh", "provincial", False, 40),
    ("ttldxs", "Tập thể lao động xuất sắc", "TTLĐXS", "provincial", True, 50),
    ("ttldtt", "Tập thể lao động tiên tiến", "TTLĐTT", "base", True, 60),
]


def create(apps, schema_editor):
    AwardType = apps.get_model("units", "AwardType")
    for code, name, short_name, level, is_title, order in AWARD_TYPES:
        AwardType.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short_name, "level": level, "is_title": is_title, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
