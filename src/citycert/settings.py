"""citycert settings. Every value that differs between machines comes from the environment.

Variables (all optional unless said otherwise; docs/operations.md has the full list):
  DEBUG             "true" for development. Off by default.
  SECRET_KEY        required when DEBUG is off; in development a key is generated into var/.
  DATABASE_URL      e.g. postgres://user:password@host:5432/citycert; default SQLite in var/.
  ALLOWED_HOSTS     comma-separated host names; required when DEBUG is off.
  CSRF_TRUSTED_ORIGINS  comma-separated origins (https://certify.example.org).
  EMAIL_URL         smtp://user:password@host:587/?tls=True (console output by default).
  DEFAULT_FROM_EMAIL, SERVER_EMAIL
  SITE_URL          the address the site is served at; every link in an email starts with it.
  CITYCERT_VAR_DIR  where the SQLite database, generated key and uploads live (default ./var).
  MEDIA_ROOT, STATIC_ROOT  storage paths (default var/media, var/static).
  SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_PRELOAD, SECURE_PROXY_SSL_HEADER
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from citycert.environment import Env, invalid

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout's root when running from source (src/citycert/ -> ./).
BASE_DIR = PACKAGE_DIR.parent.parent

env = Env()

DEBUG: bool = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("CITYCERT_VAR_DIR", default=str(BASE_DIR / "var")))


def _development_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts; never used with DEBUG off."""
    path = VAR_DIR / "development-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment (any long random string), "
            "or set DEBUG=true for development."
        )
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "django_countries",  # country names in every language of the site
    "citycert.accounts",
    "citycert.cities",
    "citycert.partners",
    "citycert.events",
    "citycert.reviews",
    "citycert.assessments",
    "citycert.standards",
    "citycert.learning",  # resources tied to criteria: reads standards, partners, assessments
    "citycert.public",
    "citycert.api",
    "ninja",  # its templates and static files: the API's documentation page, served offline
    "citycert.reports",
    "citycert.network",
    "citycert.demo",
    "citycert.operations",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every request gets an id for its log lines, and is counted (operations app).
    "citycert.operations.logs.RequestIdMiddleware",
    "citycert.operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses public responses, never those holding a secret (compression.py: BREACH).
    "citycert.compression.PublicGZipMiddleware",
    # Serves cached public pages, badges and open data before the rest runs (public/cache.py).
    "citycert.public.cache.PublicCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Refuses NUL characters and oversized forms once, before any view (guard.py).
    "citycert.guard.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out idle staff sessions and sessions open too long (accounts/middleware.py).
    "citycert.accounts.middleware.SessionTimeoutMiddleware",
    "citycert.accounts.middleware.RequireStaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citycert.urls"
WSGI_APPLICATION = "citycert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citycert.accounts.context_processors.navigation",
            ],
            "builtins": ["citycert.templatetags.texts", "citycert.templatetags.layout"],
        },
    }
]

# Every form draws its fields with the design system's classes (USWDS).
FORM_RENDERER = "citycert.forms_renderer.USWDSRenderer"

# Database: SQLite by default (embedded, nothing to set up); PostgreSQL in production and CI.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'citycert.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write transactions take the lock up front, so concurrent writers wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Behind PgBouncer in transaction pooling mode a server-side cursor may outlive the
    # transaction's server connection: set DISABLE_SERVER_SIDE_CURSORS=true there.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (allauth's rate limits use it): per process by default; set CACHE_URL, e.g.
# redis://127.0.0.1:6379/1, when running several server processes.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Accounts: email sign-in (no usernames), verified addresses, TOTP for staff (anyone may add it),
# and django-axes locking out repeated failed sign-ins.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[citycert] "
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "public:home"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "citycert.accounts.adapter.AccountAdapter"
# django-axes decides lockouts (kept in the database, so shared by every server process);
# allauth's own failed-login limit would answer first with a different message.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# The second factor (authenticator and recovery codes) counts toward the same lockout as the
# password: its forms report each wrong code to django-axes (accounts/forms.py).
MFA_FORMS = {
    "authenticate": "citycert.accounts.forms.SecondFactorForm",
    "reauthenticate": "citycert.accounts.forms.SecondFactorReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "citycert"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "citycert.accounts.adapter.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AUDITLOG_INCLUDE_ALL_MODELS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: every user-visible string goes through gettext; standard texts carry their own
# per-language values (from the Standard's catalogues) and fall back to English where missing.
# The program's languages are data: English, and the codes LANGUAGES lists. Adding one takes
# its interface catalogue and the Standard's catalogues, no code ("Adding a language" in
# docs/operations.md); each is named in itself ("Español"), as a language menu should.
LANGUAGE_CODE = "en"
_CODES = ["en", *(c for c in env.list("LANGUAGES", default=["es", "pt", "fr"]) if c != "en")]
if unknown := [code for code in _CODES if code not in LANG_INFO]:
    raise invalid("LANGUAGES", f"{', '.join(unknown)} is not a language code Django knows")
LANGUAGES = [(code, LANG_INFO[code]["name_local"]) for code in _CODES]
# Our catalogue first; then our Brazilian Portuguese for the strings of Django and of
# django-allauth's pages (their own "pt" is European), kept complete by check_translations.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "overrides" / "locale"]
USE_I18N = True
# One way to write a date per language, everywhere; times carry their zone (citycert/formats).
FORMAT_MODULE_PATH = ["citycert.formats"]
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Static files are served by WhiteNoise; uploads live outside the web root and are never served
# by it (downloads go through views that check permissions).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded evidence: a folder by default; an S3-compatible object store when S3_BUCKET is set
# (needs the s3 extra: uv sync --extra s3). Files are private there too: downloads go through
# citycert's permission-checked view, never straight to the bucket. django-storages' own names
# (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME) are read as well; the
# keys may also come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3 reads them.
S3_BUCKET = env.str("S3_BUCKET", default="") or env.str("AWS_STORAGE_BUCKET_NAME", default="")
DEFAULT_STORAGE: dict[str, object] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="")
            or env.str("AWS_S3_ENDPOINT_URL", default="")
            or None,
            "region_name": env.str("S3_REGION", default="")
            or env.str("AWS_S3_REGION_NAME", default="")
            or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "citycert.staticfiles.StaticFilesStorage"
        )
    },
}

# The API's rate limits (requests per window: "N/s", "N/min", "N/hour" or "N/day"), counted in
# the cache: per token for requests with one, per client address for those without.
API_RATE_TOKEN: str = env.str("API_RATE_TOKEN", default="600/min")
API_RATE_ANONYMOUS: str = env.str("API_RATE_ANONYMOUS", default="60/min")
# The largest page an API list gives: a larger `limit` is refused (422), naming the field.
NINJA_PAGINATION_MAX_LIMIT = env.int("API_MAX_PAGE", default=500)
# How many proxies in front of citycert add X-Forwarded-For: the client address is the one the
# outermost trusted proxy saw. 0 (the default) ignores the header.
API_PROXY_COUNT: int = env.int("API_PROXY_COUNT", default=0)
# Requests with a token that is not valid, per client address: past this, the address waits.
API_RATE_BAD_TOKEN = env.str("API_RATE_BAD_TOKEN", default="20/min")

# Background tasks (report PDFs): Django's tasks API, stored in the database and run by
# `citycert db_worker`. TASKS_BACKEND may name another backend (e.g. the immediate one).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# The honor roll: cities not certified but at most this many criteria short of Silver (on
# validated criteria) are named in their cohort's announcement, if they opted in.
HONOR_ROLL_MAX_GAP = env.int("HONOR_ROLL_MAX_GAP", default=3)

# The months in which the program announces a cohort (labelled "YYYY-MM"): a decision belongs
# to the next announcement on or after the day it is made. The program has not published its
# rhythm; two a year, in February and August, is the assumption the demo data follows too.
ANNOUNCEMENT_MONTHS = env.list("ANNOUNCEMENT_MONTHS", cast=int, default=[2, 8])

# A background task still "running" after this many minutes is taken as stopped (its worker
# was killed or restarted): `citycert recover_work` marks it failed and recovers its work.
TASK_STALE_MINUTES = env.int("TASK_STALE_MINUTES", default=10)

# How long a certification lasts and the windows around it. Program admins set these per
# Standard version on /program/rules/ (audited); these settings are only the defaults for a
# version without its own rules. The program has not published a validity, so by default
# certifications carry no end date; set CERTIFICATION_VALID_YEARS once it is known.
CERTIFICATION_VALID_YEARS: int | None = env.int("CERTIFICATION_VALID_YEARS", default=0) or None
# Renewal: the city is asked to renew this many days before the end; one that has submitted its
# renewal before the end shows "renewal in progress" this many days after it, then "expired".
CERTIFICATION_RENEWAL_WINDOW_DAYS = env.int("CERTIFICATION_RENEWAL_WINDOW_DAYS", default=180)
CERTIFICATION_GRACE_DAYS = env.int("CERTIFICATION_GRACE_DAYS", default=90)
# Days before the end (0: the day itself) when the city's leads and coaches are reminded.
RENEWAL_REMINDER_DAYS: tuple[int, ...] = tuple(
    sorted(
        (int(d) for d in env.list("RENEWAL_REMINDER_DAYS", default=["180", "90", "30", "0"])),
        reverse=True,
    )
)
# A city may appeal a decision this many days after it is recorded.
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=30)

# Public pages, badges and open data are cached per "public revision" (raised whenever a
# certification is published or corrected, or a city edits its public profile). A process trusts
# its copy of the revision number for PUBLIC_REVISION_TTL seconds (with a per-process cache this
# is how long other processes may serve the previous version); cached responses live at most
# PUBLIC_CACHE_SECONDS; badges and open data tell browsers and CDNs to keep them PUBLIC_MAX_AGE.
PUBLIC_REVISION_TTL = env.int("PUBLIC_REVISION_TTL", default=5)
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=3600)
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=300)
# Each process also keeps the public responses it served most recently (public/local.py), keyed
# by the revision: at most this many, each at most this many bytes. 0 items turns it off.
PUBLIC_LOCAL_CACHE_ITEMS = env.int("PUBLIC_LOCAL_CACHE_ITEMS", default=256)
PUBLIC_LOCAL_CACHE_MAX_BYTES = env.int("PUBLIC_LOCAL_CACHE_MAX_BYTES", default=512 * 1024)
# Search results are cached only for short searches that find something (the cache must not
# grow with what anyone types); anonymous visitors get this many pages per address (guard.py).
PUBLIC_CACHE_QUERY_MAX = env.int("PUBLIC_CACHE_QUERY_MAX", default=32)
PUBLIC_RATE_ANONYMOUS = env.str("PUBLIC_RATE_ANONYMOUS", default="300/min")
# A CDN in front (docs/deploy.md: Varnish with xkey): public responses carry Surrogate-Key
# (PUBLIC_SURROGATE_KEY) and Surrogate-Control (the CDN keeps them CDN_MAX_AGE seconds). When
# CDN_PURGE_URL is set, each change of the public revision asks the CDN to drop that key, by a
# background task once the change commits and again CDN_PURGE_DELAY seconds later (a page made
# from the old data in between is dropped too). A CDN that does not answer is logged.
PUBLIC_SURROGATE_KEY = env.str("PUBLIC_SURROGATE_KEY", default="citycert-public")
CDN_MAX_AGE = env.int("CDN_MAX_AGE", default=600)
CDN_PURGE_URL = env.str("CDN_PURGE_URL", default="")
CDN_PURGE_DELAY = env.int("CDN_PURGE_DELAY", default=2 * PUBLIC_REVISION_TTL)
if CDN_PURGE_URL and CDN_PURGE_DELAY <= PUBLIC_REVISION_TTL:
    # The second purge must come after every process has seen the new revision, or the CDN
    # may keep a page one of them made from the old data.
    raise ImproperlyConfigured(
        f"CDN_PURGE_DELAY ({CDN_PURGE_DELAY}) must be longer than PUBLIC_REVISION_TTL "
        f"({PUBLIC_REVISION_TTL}): set one of them in the environment."
    )
CDN_PURGE_TIMEOUT = env.float("CDN_PURGE_TIMEOUT", default=5.0)

# Evidence files: the largest upload accepted, in bytes (20 MB unless EVIDENCE_MAX_MB says).
EVIDENCE_MAX_BYTES = int(env.float("EVIDENCE_MAX_MB", default=20) * 1024 * 1024)
# Uploads are read into memory, never into temporary files (a killed process would leave them
# behind), and refused past this size (uploads.py).
UPLOAD_MAX_BYTES = max(EVIDENCE_MAX_BYTES, 10 * 1024 * 1024) + 64 * 1024
FILE_UPLOAD_HANDLERS = ["citycert.uploads.MemoryOnlyUploadHandler"]

# Email: console in development, SMTP in production. EMAIL_URL is parsed by django-environ
# (smtp://, smtp+tls://, smtp+ssl://, consolemail://) into Django's MAILERS setting.
_mail = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_mail_options = {
    "host": _mail.get("EMAIL_HOST"),
    "port": _mail.get("EMAIL_PORT"),
    "username": _mail.get("EMAIL_HOST_USER"),
    "password": _mail.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _mail.get("EMAIL_USE_TLS"),
    "use_ssl": _mail.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=30),
}
MAILERS = {
    "default": {
        "BACKEND": _mail["EMAIL_BACKEND"],
        "OPTIONS": (
            {k: v for k, v in _mail_options.items() if v is not None}
            if _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
# The public address of the site, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "https://localhost")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="citycert <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Security. With DEBUG off the defaults are the strict ones that `check --deploy` asks for.
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    # Behind a TLS-terminating proxy, e.g. "HTTP_X_FORWARDED_PROTO,https".
    if "," not in env.str("SECURE_PROXY_SSL_HEADER"):
        _example = "HTTP_X_FORWARDED_PROTO,https"
        raise invalid("SECURE_PROXY_SSL_HEADER", f"it must be a header and a value: {_example}")
    _header, _value = env.str("SECURE_PROXY_SSL_HEADER").split(",", 1)
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A form refused for a missing or stale CSRF token: a page in the layout, in the reader's
# language.
CSRF_FAILURE_VIEW = "citycert.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one plain query (accounts/sessions.py).
SESSION_ENGINE = "citycert.accounts.sessions"
# Sessions end: program staff's after STAFF_SESSION_IDLE_MINUTES without a request and
# STAFF_SESSION_MAX_HOURS after signing in; everyone's SESSION_MAX_DAYS after signing in.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)
SESSION_MAX_DAYS = env.int("SESSION_MAX_DAYS", default=14)
SESSION_COOKIE_AGE = SESSION_MAX_DAYS * 86400
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles, nothing from other origins: the pages need none.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs: one JSON object per line on standard error (LOG_FORMAT=json, the default when DEBUG is
# off), with the request's or task's id; personal data and secrets are masked (operations/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "citycert.operations.logs.Redact"}},
    "formatters": {
        "json": {"()": "citycert.operations.logs.Formatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Health and metrics (operations app): a worker unseen for this long makes /health/ready fail;
# /metrics answers a request bearing METRICS_TOKEN (anyone while DEBUG is on).
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=120)
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=15)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
