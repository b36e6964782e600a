"""Load the 移送情形 (referrals/data/grounds.json); later edits are the admin's."""

from django.db import migrations


def load(apps, schema_editor):
    from referrals.grounds import load_grounds

    load_grounds(apps.get_model("referrals", "ReferralGround"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
