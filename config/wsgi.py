import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# After Django is set up: imports the views and freezes what is loaded (see common.startup).
from common.startup import settle  # noqa: E402

settle()
