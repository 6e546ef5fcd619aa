"""WSGI entry point (waitress, gunicorn, mod_wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
application = get_wsgi_application()
