"""The sweep's Celery beat row (reports/0002_beat_schedule) is named for what it sweeps now:
reports and handbooks alike. Its task and its schedule (every 5 minutes) stay as they are; a row an
administrator has renamed, or a name already taken, is left alone."""

from django.db import migrations

OLD = "Reports: re-send queued and stalled reports"
NEW = "Reports: re-send queued and stalled reports and handbooks"
TASK = "reports.tasks.sweep_reports"


def _rename(apps, before: str, after: str) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=after).exists():
        PeriodicTask.objects.filter(name=before, task=TASK).update(name=after)


def rename(apps, schema_editor):
    _rename(apps, OLD, NEW)


def rename_back(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_handbook"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
