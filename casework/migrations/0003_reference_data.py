from django.db import migrations

from casework.reference_data import load_holidays, load_taxonomy


def forwards(apps, schema_editor):
    load_taxonomy(apps.get_model("casework", "ViolationItem"))
    load_holidays(apps.get_model("casework", "HolidayCalendar"), apps.get_model("casework", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
