"""An outcome decision may refer the case to several agencies: the single agency becomes a set."""

from django.db import migrations, models


def copy_agency(apps, schema_editor):
    OutcomeProcess = apps.get_model("workflows", "OutcomeProcess")
    for process in OutcomeProcess.objects.exclude(referral_agency=None):
        process.referral_agencies.add(process.referral_agency_id)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("workflows", "0008_alter_reminder_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcomeprocess",
            name="referral_agencies",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="organisation.agency", verbose_name="refer to"
            ),
        ),
        migrations.RunPython(copy_agency, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outcomeprocess", name="referral_agency"),
    ]
