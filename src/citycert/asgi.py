"""ASGI entry point for production servers (uvicorn citycert.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

from citycert.startup import configured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")

application = configured(get_asgi_application)
