"""Auditors are read-only (domain.md §1): take back the comment grant reports gave their role groups."""

from django.db import migrations


def revoke_auditor_comments(apps, schema_editor):
    grants = apps.get_model("assists", "MajorCaseReportGroupObjectPermission")
    auditor_groups = apps.get_model("organisation", "RoleGroup").objects.filter(role="auditor").values("group_id")
    grants.objects.filter(permission__codename="comment_majorcasereport", group_id__in=auditor_groups).delete()


class Migration(migrations.Migration):
    dependencies = [("assists", "0001_initial"), ("organisation", "0001_initial")]

    operations = [migrations.RunPython(revoke_auditor_comments, migrations.RunPython.noop)]
