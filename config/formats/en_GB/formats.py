"""Dates read the same everywhere (docs/figures.md): "20 October 2026", "30 November 2026, 19:42".

Django's own en_GB formats ("20 Oct 2026, 7:42 p.m.") would win over settings.DATE_FORMAT, so ours
live here; anything not set here falls back to Django's en_GB module.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
