"""Reminders and digests: emails to team leaders before and after a return's deadline, and a
weekly digest to pilot managers, each sent once; and the pages where people read theirs.

The models belong to the reports app (reports/models.py imports them). The Celery tasks stay in
reports/tasks.py, where beat finds them by name (`reports.tasks.send_reminders`,
`reports.tasks.send_digests`).
"""
