"""Load the 移送情形 (referrals/data/grounds.json); later edits are the admin's."""

import json
from pathlib import Path

from django.db import migrations

GROUNDS = Path(__file__).resolve().parent.parent / "data" / "grounds.json"


def load(apps, schema_editor):
    ReferralGround = apps.get_model("referrals", "ReferralGround")
    for position, row in enumerate(json.loads(GROUNDS.read_text(encoding="utf-8")), start=1):
        ReferralGround.objects.update_or_create(code=row["code"], defaults={**row, "position": position})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
