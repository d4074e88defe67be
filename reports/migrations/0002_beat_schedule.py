"""Celery beat rows (django-celery-beat's DatabaseScheduler) for the reports jobs.

- Every day at 06:00 (Europe/London): queue the full quarterly set for any pilot whose last
  quarter's return deadline has passed and which has no set for it yet.
- Every 5 minutes: sweep reports that were never sent, or whose worker stopped.
"""

from django.db import migrations

DUE_SETS = "Reports: build the quarter's full set after the deadline"
SWEEP = "Reports: re-send queued and stalled reports"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=DUE_SETS,
        defaults={"task": "reports.tasks.request_due_quarter_sets", "crontab": daily},
    )
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={"task": "reports.tasks.sweep_reports", "interval": every_five},
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DUE_SETS, SWEEP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
