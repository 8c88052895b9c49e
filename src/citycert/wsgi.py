"""WSGI entry point for production servers (gunicorn citycert.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from citycert.startup import configured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")

application = configured(get_wsgi_application)

# What the process loaded to start (Django, the apps, their modules: hundreds of thousands of
# objects) stays for its whole life. Moved out of the garbage collector's sight, it is no
# longer walked by each full collection a busy server makes every few hundred requests.
gc.freeze()
