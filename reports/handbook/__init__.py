"""The legacy handbook: what a pilot learnt, by section of its framework, as an accessible PDF and
an HTML page that a manager may publish at a public URL (docs/handbook.md).

`content.py` gathers what the handbook says and `render.py` lays it out; around them, this
package holds the job that builds it (its lifecycle is every background build's:
reports/jobs.py), its versions, the manager's own words, and the pages. The models belong to the
reports app (reports/models.py imports them); the Celery task is in reports/tasks.py.
"""
