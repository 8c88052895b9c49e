"""Settings for the test suite: the project's settings, with a fixed key and one test-only app.

The database is whatever DATABASE_URL says (SQLite by default, PostgreSQL in CI).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)

from citycert.settings import *  # noqa: F403
from citycert.settings import INSTALLED_APPS, STORAGES

# A model outside the standards app that refers to criteria, standing for the assessments and
# certifications that freeze a version once they use it.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.usage"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic
WHITENOISE_AUTOREFRESH = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"axes": {"level": "WARNING"}},
}

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Uploaded files go to a fresh folder per test run, never into var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="citycert-test-media-"))
