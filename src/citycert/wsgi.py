"""WSGI entry point for production servers (gunicorn citycert.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from citycert.startup import configured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")

application = configured(get_wsgi_application)
