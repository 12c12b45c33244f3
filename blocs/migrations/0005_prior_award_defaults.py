"""The default condition on awards already received for the PM's certificate, added to existing rule sets.

Within the 5 consecutive years: 1 provincial emulation flag or 2 provincial certificates (blocs/defaults.py).
Only for rules of "bk-thu-tuong" that have no such condition yet; the award types must exist. Each row is
written with its history row, as the edit page would.
"""

from django.db import migrations
from django.utils import timezone

RULE_CODE = "bk-thu-tuong"
# (award code, count): a copy, so that later edits of the defaults do not change what this migration did.
PRIOR_AWARDS = [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)]


def add(apps, schema_editor):
    AwardRule = apps.get_model("blocs", "AwardRule")
    AwardRulePriorAward = apps.get_model("blocs", "AwardRulePriorAward")
    Historical = apps.get_model("blocs", "HistoricalAwardRulePriorAward")
    AwardType = apps.get_model("units", "AwardType")
    types = {a.code: a for a in AwardType.objects.filter(code__in=[code for code, _count in PRIOR_AWARDS])}
    if len(types) != len(PRIOR_AWARDS):
        return
    now = timezone.now()
    for rule in AwardRule.objects.filter(award_type__code=RULE_CODE, prior_awards__isnull=True):
        for code, count in PRIOR_AWARDS:
            row = AwardRulePriorAward.objects.create(rule=rule, award_type=types[code], count=count)
            Historical.objects.create(
                id=row.pk, rule_id=rule.pk, award_type_id=row.award_type_id, count=count, history_date=now,
                history_type="+", history_change_reason="Điều kiện mặc định theo quy định về Bằng khen của Thủ tướng",
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("blocs", "0004_awardruleprioraward"), ("units", "0002_award_types")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
