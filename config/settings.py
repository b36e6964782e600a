"""Settings, driven by the environment.

SQLite and the in-memory channel layer by default so one command runs everything;
DATABASE_URL selects PostgreSQL and REDIS_URL selects Redis for channels and the cache.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "0")
# PRODUCTION=1 (docs/deployment.md): HTTPS behind a reverse proxy; secure cookies, HTTPS redirect and HSTS by
# default, and a real SECRET_KEY required. Without it the embedded demo runs over plain HTTP on loopback.
PRODUCTION = envbool("PRODUCTION", "0")
_DEMO_KEY = "demo-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", _DEMO_KEY)
# Old keys still accepted for sessions and signed links while a new SECRET_KEY rolls out (comma-separated).
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")
if PRODUCTION and (SECRET_KEY == _DEMO_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("PRODUCTION=1 needs SECRET_KEY: 50 or more random characters.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
_HTTPS = "1" if PRODUCTION else "0"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", _HTTPS) else None
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", _HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (django-csp): scripts and styles from this site only (the dashboard's SVG charts are
# inlined without their scripts; Swagger UI comes from drf-spectacular-sidecar's static files); style
# attributes are allowed. Nothing may frame the pages. 'self' covers the same-origin websocket.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "channels",
    "viewflow",
    "viewflow.workflow",
    "organisation",
    "casework",
    "documents",
    "workflows",
    "referrals",
    "intake",
    "ledgers",
    "agreements",
    "penalties",
    "recoveries",
    "rewards",
    "credit",
    "ratings",
    "stats",
    "inspections",
    "assists",
    "disclosure",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.audit.AuditMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif envint("DB_POOL_MAX_SIZE", "10") > 0:
    # Under ASGI every request runs in its own thread, and a persistent connection (CONN_MAX_AGE) stays
    # open with the thread that made it: 200 users exhausted PostgreSQL's max_connections in the load run
    # (benchmarks/load/). A pool per worker process bounds them (workers × max_size, docs/deployment.md);
    # a request waits up to DB_POOL_TIMEOUT seconds for a free connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DB_POOL_MIN_SIZE", "2"),
        "max_size": envint("DB_POOL_MAX_SIZE", "10"),
        "timeout": envint("DB_POOL_TIMEOUT", "20"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    # channels-redis: a process's sockets share one Redis inbox, so its capacity bounds a fan-out to them all;
    # many sockets at once need connections; redis-py's 5 s read timeout must outlast the 5 s BZPOPMIN.
    # Its Pub/Sub layer is the default: it meets the 200 ms fan-out goal the standard layer misses by 6x
    # (benchmarks/README.md); REDIS_CHANNEL_LAYER=core picks the standard layer.
    _redis_host = {"address": REDIS_URL, "socket_timeout": 30, "max_connections": 1000}
    if os.getenv("REDIS_CHANNEL_LAYER", "pubsub") == "pubsub":
        _layer = {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [_redis_host]}}
    else:
        _config = {"hosts": [_redis_host], "capacity": envint("CHANNEL_CAPACITY", "2000")}
        _layer = {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": _config}
    CHANNEL_LAYERS = {"default": _layer}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous sees nothing

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Private files (evidence, attachments) live outside the web root and are served by checked views.
PRIVATE_ROOT = Path(os.getenv("PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
# Whistleblower attachments (issue 4): at most this size each, and this many per submission.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
ATTACHMENT_MAX_FILES = envint("ATTACHMENT_MAX_FILES", "10")
# One evidence file (issue 5): recordings of inspections and interviews are larger than reports' files.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(500 * 1024 * 1024))

# Figures a province sets for the penalty track (penalties/conf.py reads them, with the statutory defaults).
for _name in (
    "PENALTY_HEARING_THRESHOLD_PERSON",
    "PENALTY_HEARING_THRESHOLD_ORGANISATION",
    "PENALTY_REVIEW_THRESHOLD_PERSON",
    "PENALTY_REVIEW_THRESHOLD_ORGANISATION",
    "PENALTY_DISCUSSION_THRESHOLD_PERSON",
    "PENALTY_DISCUSSION_THRESHOLD_ORGANISATION",
    "PENALTY_DECISION_EXTENSION_DAYS",
):
    if os.getenv(_name):
        globals()[_name] = os.environ[_name].strip()
# Request bodies other than file parts (JSON batches of 5,000 screening hits are ~3 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(16 * 1024 * 1024))
# Files larger than this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Fernet keys for reporter identity, newest first (intake/crypto.py); empty derives one from SECRET_KEY (demo
# only: production keeps them apart, so that changing SECRET_KEY never makes identities unreadable).
REPORTER_IDENTITY_KEYS = envlist("REPORTER_IDENTITY_KEYS", "")
if PRODUCTION and not REPORTER_IDENTITY_KEYS:
    raise ImproperlyConfigured("PRODUCTION=1 needs REPORTER_IDENTITY_KEYS (docs/deployment.md, key rotation).")
# Per-address limits on the public report endpoints (api.md: at least 20 submissions an hour;
# more than 30 failed look-ups an hour is refused).
PUBLIC_REPORT_SUBMISSIONS_PER_HOUR = envint("PUBLIC_REPORT_SUBMISSIONS_PER_HOUR", "30")
PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR = envint("PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR", "30")
# How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# Error reports never carry reporters' form data (see config/errors.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.errors.ReporterSafeExceptionFilter"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"login": "10/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "医保基金监管案件管理 API",
    "DESCRIPTION": "Integration API: leads, cases, documents (see shared/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "casework.models.Lead.Status",
        "CaseStatusEnum": "casework.models.Case.Status",
        "SubjectStatusEnum": "casework.models.Subject.Status",
        "SubjectKindEnum": "casework.models.Subject.Kind",
        "DocumentKindEnum": "documents.kinds.KIND_CHOICES",
        "PenaltyStatusEnum": "penalties.models.Penalty.Status",
        "AgreementStatusEnum": "agreements.models.AgreementAction.Status",
        "AgreementDecisionEnum": "agreements.models.AgreementAction.Decision",
        "AgreementCheckResultEnum": "agreements.models.AgreementAction.CheckResult",
        "AgreementMeasureKindEnum": "agreements.models.AgreementMeasure.Kind",
        "ReferralStatusEnum": "referrals.models.Referral.Status",
        "ReferralKindEnum": "referrals.models.Referral.Kind",
        "ReferralOutcomeKindEnum": "referrals.models.ReferralOutcome.Kind",
        "RewardStatusEnum": "rewards.models.Reward.Status",
    },
    # Swagger UI served from our own static files: intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

VIEWFLOW = {"AUTOREGISTER": False}

# Days the procuratorate takes to decide on 立案监督 of a refused referral (SPP rules; set per province).
REFERRAL_PROCURATORATE_DECISION_DAYS = envint("REFERRAL_PROCURATORATE_DECISION_DAYS", "7")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DEMO_PASSWORD = os.getenv("DEMO_PASSWORD", "Demo@2026")
