"""Django settings for Kafaat.

Every secret and every deployment choice comes from the environment, so the same file serves a laptop demo
(SQLite, DEBUG) and a national PostgreSQL deployment (``KAFAAT_ENV=production``).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAFAAT_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("KAFAAT_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

# Tracebacks only when a developer asks (`KAFAAT_DEBUG=1`): the demo is how an office first meets Kafaat.
DEBUG = os.environ.get("KAFAAT_DEBUG", "0") == "1" and not PRODUCTION

_DEV_SECRET = "kafaat-development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("KAFAAT_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if not SECRET_KEY:
    raise ImproperlyConfigured("KAFAAT_SECRET_KEY must be set when KAFAAT_ENV=production")

# Sensitive fields (kafaat/core/crypto.py): Fernet keys, first one encrypts; HMAC key for look-up hashes.
KAFAAT_FIELD_KEYS = os.environ.get("KAFAAT_FIELD_KEYS", "")
KAFAAT_HASH_KEY = os.environ.get("KAFAAT_HASH_KEY", "")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KAFAAT_ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("KAFAAT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "kafaat.core",  # first: its admin/base_site.html (accessibility fixes) extends the admin's own
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kafaat.synth",
    "kafaat.registry",
    "kafaat.pathways",
    "kafaat.observatory",
    "kafaat.results",
    "kafaat.labour",
    "kafaat.training",
    "kafaat.contacts",
    "kafaat.governance",
    "kafaat.events",
    "kafaat.missions",
    "kafaat.grants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kafaat.core.serving.middleware.LanguageMiddleware",
    "kafaat.core.serving.middleware.ApiQueryOnceMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs a signed-in user unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kafaat.core.serving.middleware.AuditContextMiddleware",
    # Axes must come last so that it sees every authentication failure.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kafaat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kafaat.core.pages.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "kafaat.wsgi.application"
ASGI_APPLICATION = "kafaat.asgi.application"

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL (or another SQLite file).
_default_db = f"sqlite:///{VAR_DIR / 'kafaat.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; a busy timeout avoids "database is locked" on laptops.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "kafaat.core.serving.error_views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock sign-in after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("KAFAAT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KAFAAT_LOGIN_COOLOFF_MINUTES", "30")))
# By account *and* address (docs/decisions/0014-login-lockout.md): failures lock that user name from that
# address only, so nobody elsewhere can lock an account out by typing wrong passwords for it, and the
# colleagues who share an office's public address (NAT) keep their own accounts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kafaat.core.serving.middleware.client_address"
# Reverse proxies in front of Kafaat (nginx, a load balancer): the client address comes from X-Forwarded-For.
KAFAAT_PROXY_COUNT = int(os.environ.get("KAFAAT_PROXY_COUNT", "0"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kafaat" / "locale"]
LANGUAGE_COOKIE_NAME = "kafaat_language"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
# Dates and separators per language (kafaat/core/formats; ADR "number and date formats"); numbers are
# grouped by kafaat.core.l10n.formatting only, never by Django in every template (ids and years would be too).
FORMAT_MODULE_PATH = ["kafaat.core.l10n.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
WHITENOISE_USE_FINDERS = not PRODUCTION  # serve app static files straight from the apps on a laptop
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# The analytics snapshot (DuckDB) that every indicator is computed from.
KAFAAT_WAREHOUSE_PATH = Path(os.environ.get("KAFAAT_WAREHOUSE_PATH", VAR_DIR / "warehouse.duckdb"))
# Published open-data packages (immutable: written once, never overwritten).
KAFAAT_OPEN_DATA_DIR = Path(os.environ.get("KAFAAT_OPEN_DATA_DIR", MEDIA_ROOT / "open-data"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("KAFAAT_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KAFAAT_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The registration form's likely-matches panel, per user: (queries, seconds) windows (ADR 0015); typing a
# whole form asks a dozen times or so. The counts live in Django's cache, which must be shared by the server's
# worker processes (else each counts alone): files under var/ need no other service, on a laptop as on a
# national server.
KAFAAT_MATCHES_PANEL_LIMITS = ((60, 60), (600, 60 * 60))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("KAFAAT_CACHE_DIR", str(VAR_DIR / "cache")),
    }
}

# Long work runs as a job in the worker (`python -m kafaat worker`), queued in the database: no other service
# (docs/jobs.md). Tests run jobs inside the request with django-tasks' immediate backend (conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job whose worker, on another machine, has not reported for this long is taken for lost (failed).
KAFAAT_WORKER_LOST_AFTER_SECONDS = int(os.environ.get("KAFAAT_WORKER_LOST_AFTER_SECONDS", "120"))
# The queue's finished rows (one per attempt) are deleted by the worker once they are this many days old; the
# jobs' own history (core.Job, the jobs page) is kept.
KAFAAT_JOB_RESULTS_KEEP_DAYS = int(os.environ.get("KAFAAT_JOB_RESULTS_KEEP_DAYS", "30"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAFAAT_LOG_LEVEL", "WARNING")},
}

# Limits on every uploaded spreadsheet (import pages and commands, the duplicate check of a file), checked
# while the file is read: docs/import.md, "Limits".
KAFAAT_IMPORT_MAX_ROWS = int(os.environ.get("KAFAAT_IMPORT_MAX_ROWS", "1000000"))
KAFAAT_IMPORT_MAX_COLUMNS = int(os.environ.get("KAFAAT_IMPORT_MAX_COLUMNS", "500"))
KAFAAT_IMPORT_MAX_CELL_CHARS = int(os.environ.get("KAFAAT_IMPORT_MAX_CELL_CHARS", "32767"))  # Excel's own
KAFAAT_IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("KAFAAT_IMPORT_MAX_UNCOMPRESSED_MB", "1024"))
KAFAAT_IMPORT_MAX_ERRORS = int(os.environ.get("KAFAAT_IMPORT_MAX_ERRORS", "10000"))  # kept for the report

# E-mail (events' invitations and reminders): an SMTP server when KAFAAT_EMAIL_HOST names one; otherwise the
# messages are written as files under var/mail, so that a laptop demo sends nothing and loses nothing.
EMAIL_HOST = os.environ.get("KAFAAT_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("KAFAAT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("KAFAAT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KAFAAT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("KAFAAT_EMAIL_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("KAFAAT_EMAIL_FROM", "Kafaat <noreply@kafaat.localhost>")
