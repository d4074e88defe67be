"""Celery beat rows (django-celery-beat's DatabaseScheduler) for reminders and digests.

- Every day at 07:00 (Europe/London): team leaders' deadline and overdue reminders.
- Every Monday at 07:30 (Europe/London): pilot managers' weekly digest.
"""

from django.db import migrations

REMINDERS = "Reports: send return deadline and overdue reminders"
DIGESTS = "Reports: send the pilot managers' weekly digest"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    mondays, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="7",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.update_or_create(
        name=REMINDERS, defaults={"task": "reports.tasks.send_reminders", "crontab": daily}
    )
    PeriodicTask.objects.update_or_create(
        name=DIGESTS, defaults={"task": "reports.tasks.send_digests", "crontab": mondays}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[REMINDERS, DIGESTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
