"""Django settings for Shireitō.

Every setting that differs between machines is read here, from ``SHIREITO_*`` environment
variables, and nowhere else (the README lists them all). Defaults give a working local
installation: SQLite under ``var/``, Japanese first, no HTTPS.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _default_data_dir() -> Path:
    """``var/`` of the source checkout when running from one (``make run``), wherever the
    command is started; otherwise ``var/`` under the current directory."""
    checkout = PACKAGE_DIR.parent.parent
    if PACKAGE_DIR.parent.name == "src" and (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path("var").resolve()


DATA_DIR = Path(os.environ.get("SHIREITO_DATA_DIR") or _default_data_dir()).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use SHIREITO_SECRET_KEY, else one generated once and kept under the data directory."""
    configured = os.environ.get("SHIREITO_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ImproperlyConfigured("SHIREITO_SECRET_KEY must be at least 32 characters")
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Audit trail ----------------------------------------------------------------------
# The HMAC key of the audit trail's chain and checkpoints (core.audit_key): from the
# environment, else from a file that is created (0600) on first use. Production sets one of
# them to a secret kept off the database's machine and out of its backups.
SHIREITO_AUDIT_KEY = os.environ.get("SHIREITO_AUDIT_KEY", "")
SHIREITO_AUDIT_KEY_FILE = Path(
    os.environ.get("SHIREITO_AUDIT_KEY_FILE") or DATA_DIR / "audit_key"
).resolve()
# The append-only log of signed checkpoints of the chain head (core.audit_anchor): belongs on
# other storage than the database (another machine's mount, WORM / object lock).
SHIREITO_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("SHIREITO_AUDIT_ANCHOR_FILE") or DATA_DIR / "audit_checkpoints.log"
).resolve()
# Only the test suite sets this (SQLite's flush empties tables with DELETE); never from the
# environment.
SHIREITO_AUDIT_DELETE_ALLOWED = False
DEBUG = _env_bool("SHIREITO_DEBUG", False)
# Demo mode relaxes what only makes sense with real users: platform admins may sign in
# without a second factor. `make run` turns it on; production leaves it off.
DEMO_MODE = _env_bool("SHIREITO_DEMO_MODE", False)
HTTPS = _env_bool("SHIREITO_HTTPS", False)

ALLOWED_HOSTS = _env_list("SHIREITO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env_list("SHIREITO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "shireito.core",
    "shireito.organizations",
    "shireito.accounts",
    "shireito.notifications",
    "shireito.registry",
    "shireito.standards",
    "shireito.audits",
    "shireito.incidents",
    "shireito.sharing",
    "shireito.plans",
    "shireito.cocreation",
    "shireito.dashboard",
    "shireito.demo",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Request latency per view and counts by status (django-prometheus): first and last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shireito.core.middleware.RequestIdMiddleware",
    "shireito.core.middleware.PrivateNoStoreMiddleware",
    "shireito.core.uploads.RequestSizeLimitMiddleware",
    "shireito.core.routers.ReplicaReadsMiddleware",
    "shireito.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shireito.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shireito.accounts.middleware.TwoFactorRequiredMiddleware",
    "shireito.dashboard.middleware.WithinMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "shireito.urls"
WSGI_APPLICATION = "shireito.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shireito.core.context_processors.shireito",
                "shireito.notifications.context_processors.notifications",
                "shireito.dashboard.navigation.main_menu",
            ],
        },
    },
]

# Django's form renderer, marking people's text in forms with its own language.
FORM_RENDERER = "shireito.core.renderer.Renderer"

# --- Database -------------------------------------------------------------------------
DATABASE_URL = (
    os.environ.get("SHIREITO_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'shireito.sqlite3'}"
)
_database = dj_database_url.parse(
    DATABASE_URL, conn_max_age=_env_int("SHIREITO_DB_CONN_MAX_AGE", 60)
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers never both read
    # the audit chain head before either appends (see core.services.record_audit_event).
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _database["CONN_MAX_AGE"] = 0
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # The web's queries are short: PostgreSQL's JIT compiles the costlier ones (a scoped
    # count over many rows) for longer than they then run, ~10-30 ms each on the tower.
    _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES = {"default": _database}
# A read replica for the read-heavy paths (TAXII reads, open data), chosen by
# core.routers.ReplicaRouter; without it every query goes to the default database.
DATABASE_REPLICA_URL = os.environ.get("SHIREITO_DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=_env_int("SHIREITO_DB_CONN_MAX_AGE", 60)
    )
    _replica.setdefault("OPTIONS", {}).update(_database.get("OPTIONS", {}))
    # Tests create no second database: the replica is the default one seen read-only.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["shireito.core.routers.ReplicaRouter"]
# The paths whose GET requests read from the replica.
SHIREITO_REPLICA_PATHS = _env_list(
    "SHIREITO_REPLICA_PATHS",
    [
        "/taxii2/",
        "/open-data/",
        "/api/v1/open-data/",
        "/priority-plan/",
        "/api/v1/plans/open-data/",
    ],
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = _env_int("SHIREITO_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("SHIREITO_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures are counted under the normalised name, as the sign-in itself compares names.
AXES_USERNAME_CALLABLE = "shireito.accounts.names.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = _env_int("SHIREITO_PROXY_COUNT", 0) or None

OTP_TOTP_ISSUER = "Shireito"
# The window of a pending second-factor sign-in: after the password, before the code.
SHIREITO_PENDING_SIGNIN_SECONDS = 300

SESSION_COOKIE_AGE = _env_int("SHIREITO_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "shireito.core.errors.csrf_failure"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and _env_bool("SHIREITO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

# --- Language -------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("SHIREITO_TIME_ZONE") or "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_ROOT = DATA_DIR / "files"
# Evidence files larger than this are refused while they stream in (audits.evidence).
SHIREITO_EVIDENCE_MAX_BYTES = int(os.environ.get("SHIREITO_EVIDENCE_MAX_BYTES") or 20 * 1024 * 1024)
# Incident report attachments (incidents.attachments), the same store, their own limit.
SHIREITO_INCIDENT_FILE_MAX_BYTES = _env_int(
    "SHIREITO_INCIDENT_FILE_MAX_BYTES", SHIREITO_EVIDENCE_MAX_BYTES
)
# Imported files (core.uploads), each kind refused by size before it is read: systems CSV,
# catalogs, profiles, mappings and control results; STIX bundles; and an XLSX workbook's
# parts once expanded (the zip directory is checked before openpyxl parses anything).
SHIREITO_IMPORT_MAX_BYTES = _env_int("SHIREITO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
SHIREITO_STIX_MAX_BYTES = _env_int("SHIREITO_STIX_MAX_BYTES", 10 * 1024 * 1024)
SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES = _env_int(
    "SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES", 64 * 1024 * 1024
)
SHIREITO_XLSX_MAX_PARTS = _env_int("SHIREITO_XLSX_MAX_PARTS", 1000)
# A request declaring a larger body is answered 413 before it is read: the largest upload of
# any kind and room for the form around it.
SHIREITO_REQUEST_MAX_BYTES = _env_int(
    "SHIREITO_REQUEST_MAX_BYTES",
    max(
        SHIREITO_IMPORT_MAX_BYTES,
        SHIREITO_STIX_MAX_BYTES,
        SHIREITO_EVIDENCE_MAX_BYTES,
        SHIREITO_INCIDENT_FILE_MAX_BYTES,
    )
    + 1024 * 1024,
)
# Uploaded files above this are streamed to a temporary file rather than held in memory;
# form fields and JSON bodies (not files) are capped at DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = _env_int("SHIREITO_DATA_UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
# Uploaded files: the data directory by default, or shared storage / an S3-compatible store
# for several app machines (SHIREITO_FILE_STORAGE=s3 and the SHIREITO_S3_* variables).
SHIREITO_FILE_STORAGE = os.environ.get("SHIREITO_FILE_STORAGE") or "local"
_file_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if SHIREITO_FILE_STORAGE == "s3":
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("SHIREITO_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("SHIREITO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SHIREITO_S3_REGION") or None,
            "access_key": os.environ.get("SHIREITO_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("SHIREITO_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif SHIREITO_FILE_STORAGE != "local":
    raise ImproperlyConfigured("SHIREITO_FILE_STORAGE is 'local' or 's3'.")
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": os.environ.get("SHIREITO_STATICFILES_STORAGE")
        or "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps (5 of the API docs' 8 MB) are fetched only by a browser's developer tools: served
# as they are, not compressed at each collection.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- API ------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# Token last-used times are written at most this often per token, to keep reads cheap.
SHIREITO_TOKEN_TOUCH_SECONDS = 60

# --- Incident reports: notices by e-mail ----------------------------------------------
# Django's mailer: the console unless SMTP is configured (SHIREITO_EMAIL_HOST).
_EMAIL_HOST = os.environ.get("SHIREITO_EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": _env_int("SHIREITO_EMAIL_PORT", 587),
                "username": os.environ.get("SHIREITO_EMAIL_USER", ""),
                "password": os.environ.get("SHIREITO_EMAIL_PASSWORD", ""),
                "use_tls": _env_bool("SHIREITO_EMAIL_TLS", True),
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("SHIREITO_EMAIL_FROM", "shireito@localhost")
# Links in e-mail point here.
SHIREITO_BASE_URL = os.environ.get("SHIREITO_BASE_URL", "http://127.0.0.1:8000")

# --- TAXII 2.1 -------------------------------------------------------------------------
SHIREITO_TAXII_API_ROOT = os.environ.get("SHIREITO_TAXII_API_ROOT") or "shireito"
# Largest POST body accepted (answered 413 beyond; advertised as max_content_length).
SHIREITO_TAXII_MAX_CONTENT_LENGTH = _env_int("SHIREITO_TAXII_MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
SHIREITO_TAXII_PAGE_SIZE = _env_int("SHIREITO_TAXII_PAGE_SIZE", 100)
SHIREITO_TAXII_MAX_PAGE_SIZE = _env_int("SHIREITO_TAXII_MAX_PAGE_SIZE", 1000)

# --- Open data ------------------------------------------------------------------------
# What the sign-in-free open data publishes: these fields of systems in these categories.
# Checked at start-up against what may be published (contacts never may).
SHIREITO_OPEN_DATA_FIELDS = _env_list(
    "SHIREITO_OPEN_DATA_FIELDS",
    [
        "code",
        "name",
        "name_en",
        "owner",
        "category",
        "important",
        "phase",
        "hosting",
        "cloud_provider",
    ],
)
SHIREITO_OPEN_DATA_CATEGORIES = _env_list(
    "SHIREITO_OPEN_DATA_CATEGORIES", ["digital_agency_system", "joint_system", "ministry_system"]
)

# --- Background work ------------------------------------------------------------------
# Django's tasks on the database (django-tasks-db): `shireito worker` runs them and schedules
# the periodic jobs (core.periodic). Tests run tasks at once (ImmediateBackend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SHIREITO_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
    }
}
# How often a worker looks for due periodic jobs (seconds).
SHIREITO_SCHEDULER_INTERVAL = _env_int("SHIREITO_SCHEDULER_INTERVAL", 30)
# A job without progress for this long lost its worker; finished jobs are kept this long.
SHIREITO_JOB_STALE_MINUTES = _env_int("SHIREITO_JOB_STALE_MINUTES", 60)
# How often the worker anchors the audit trail's chain head in SHIREITO_AUDIT_ANCHOR_FILE.
SHIREITO_AUDIT_CHECKPOINT_MINUTES = _env_int("SHIREITO_AUDIT_CHECKPOINT_MINUTES", 10)
SHIREITO_JOB_KEEP_DAYS = _env_int("SHIREITO_JOB_KEEP_DAYS", 7)
# A systems file larger than this is checked and imported by a worker, its progress shown.
SHIREITO_BACKGROUND_IMPORT_BYTES = _env_int("SHIREITO_BACKGROUND_IMPORT_BYTES", 64 * 1024)
# A systems CSV export of more rows than this is written by a worker, its progress shown.
SHIREITO_BACKGROUND_EXPORT_ROWS = _env_int("SHIREITO_BACKGROUND_EXPORT_ROWS", 5_000)
# A catalog file larger than this is imported by a worker (a national baseline's OSCAL).
SHIREITO_BACKGROUND_CATALOG_BYTES = _env_int("SHIREITO_BACKGROUND_CATALOG_BYTES", 1024 * 1024)

# --- Server ---------------------------------------------------------------------------
SHIREITO_BIND = os.environ.get("SHIREITO_BIND") or "127.0.0.1:8000"
SHIREITO_WORKERS = _env_int("SHIREITO_WORKERS", 3)
# The organisation that operates the platform; superusers created from the command line
# belong to it.
SHIREITO_PLATFORM_ORGANIZATION = (
    os.environ.get("SHIREITO_PLATFORM_ORGANIZATION") or "digital-agency"
)

# --- Operations: metrics and logs ---------------------------------------------------------
# /metrics answers a bearer token, or a direct (not proxied) client at one of these addresses;
# neither set means nobody (README, operations).
SHIREITO_METRICS_TOKEN = os.environ.get("SHIREITO_METRICS_TOKEN", "")
SHIREITO_METRICS_ALLOWED_IPS = _env_list("SHIREITO_METRICS_ALLOWED_IPS", [])
# Latency buckets of the per-view histograms (seconds).
PROMETHEUS_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))

LOG_FORMAT = os.environ.get("SHIREITO_LOG_FORMAT") or "json"
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"SHIREITO_LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "shireito.core.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHIREITO_LOG_LEVEL") or "INFO"},
    "loggers": {
        # Our request line (core.middleware) says every answer once; Django's own logger
        # would add a second line, with a traceback, for each routine 403 or 404. It keeps
        # the server errors.
        "django.request": {"level": "ERROR"},
        # Libraries that narrate every step at INFO (PDF layout, font subsetting) say only
        # what goes wrong.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The co-creation platform's limits on posting, per user: threads and posts (a thread's
# opening post counts as a thread only) in the last minute and the last hour.
SHIREITO_COCREATION_RATE_LIMITS = {
    "threads_per_minute": _env_int("SHIREITO_COCREATION_THREADS_PER_MINUTE", 3),
    "threads_per_hour": _env_int("SHIREITO_COCREATION_THREADS_PER_HOUR", 20),
    "posts_per_minute": _env_int("SHIREITO_COCREATION_POSTS_PER_MINUTE", 10),
    "posts_per_hour": _env_int("SHIREITO_COCREATION_POSTS_PER_HOUR", 120),
}
