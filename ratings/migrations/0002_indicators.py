"""Load the 58 pharmacy credit indicators (6 categories, 1,000 points, 38 repairable)."""

from django.db import migrations


def load(apps, schema_editor):
    from ratings.indicator_data import load_indicators

    load_indicators(apps.get_model("ratings", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
