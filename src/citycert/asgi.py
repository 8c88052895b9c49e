"""ASGI entry point for production servers (uvicorn citycert.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")

application = get_asgi_application()
