"""Django settings for Urakata. Every value can be set from the environment (django-environ)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DATA_DIR = Path(env.str("URAKATA_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("URAKATA_TESTING", default="pytest" in sys.modules)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if "SECRET_KEY" in os.environ:
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the Swagger UI from static files (no CDN)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "urakata.core",
    "urakata.org",
    "urakata.workflow",
    "urakata.ledger",
    "urakata.web",
    "urakata.assistant",
    "urakata.documents",
    "urakata.payments",
    "urakata.attendance",
    "urakata.expenses",
    "urakata.invoicing",
    "urakata.payroll",
    "urakata.facilities",
    "urakata.dx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "urakata.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "urakata.core.middleware.JapaneseFirstLocaleMiddleware",
    "urakata.core.middleware.ApiRequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "urakata.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "urakata.core.error_pages.DomainErrorMiddleware",
]

ROOT_URLCONF = "urakata.urls"
WSGI_APPLICATION = "urakata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "urakata.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'urakata.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                # 64 MiB page cache and memory-mapped reads: reports and postings touch large
                # indexes; temp tables (sorts) stay in memory.
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY; "
                # Checkpoint the WAL every ~40 MiB instead of ~4 MiB: ten times fewer fsyncs on a
                # busy write path (each posting dirties a dozen pages).
                "PRAGMA wal_autocheckpoint=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Lock-out after repeated failed logins (per username).
URAKATA_LOGIN_MAX_FAILURES = env.int("URAKATA_LOGIN_MAX_FAILURES", default=5)
URAKATA_LOGIN_LOCK_MINUTES = env.int("URAKATA_LOGIN_LOCK_MINUTES", default=15)
# Roles whose members must pass TOTP two-factor authentication before using the app.
URAKATA_2FA_REQUIRED_ROLES = env.list("URAKATA_2FA_REQUIRED_ROLES", default=[])

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Uploaded files (添付・証憑, core.files): content-addressed under files/<sha256[:2]>/<sha256>.
# Local (MEDIA_ROOT) by default; URAKATA_FILE_STORAGE=s3 uses any S3-compatible service
# through django-storages (`pip install 'urakata[s3]'`).
URAKATA_FILE_STORAGE = env.str("URAKATA_FILE_STORAGE", default="local")
if URAKATA_FILE_STORAGE == "s3":
    STORAGES["files"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("URAKATA_S3_BUCKET"),
            "endpoint_url": env.str("URAKATA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("URAKATA_S3_REGION", default="") or None,
            "access_key": env.str("URAKATA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("URAKATA_S3_SECRET_KEY", default="") or None,
            "location": env.str("URAKATA_S3_PREFIX", default="urakata"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,  # same key, same content: overwriting is harmless
        },
    }
elif URAKATA_FILE_STORAGE == "local":
    STORAGES["files"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("URAKATA_FILE_STORAGE must be 'local' or 's3'.")

# Uploads (imports, attachments): checked for size before they are read (core.files).
URAKATA_MAX_UPLOAD_BYTES = env.int("URAKATA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = URAKATA_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# JSON bodies of API calls: far above any real request, far below what could tie up a worker.
URAKATA_API_MAX_JSON_BYTES = env.int("URAKATA_API_MAX_JSON_BYTES", default=1024 * 1024)

# Crash recovery: a worker renews its lease every HEARTBEAT seconds; a task whose worker has not
# been seen for LEASE seconds is taken over and run again, at most MAX_ATTEMPTS times in all.
URAKATA_TASK_HEARTBEAT_SECONDS = env.float("URAKATA_TASK_HEARTBEAT_SECONDS", default=5.0)
URAKATA_TASK_LEASE_SECONDS = env.int("URAKATA_TASK_LEASE_SECONDS", default=60)
URAKATA_TASK_MAX_ATTEMPTS = env.int("URAKATA_TASK_MAX_ATTEMPTS", default=3)
# A task running this long on a live worker is reported as stuck by `urakata check` / `/healthz`.
URAKATA_TASK_STUCK_MINUTES = env.int("URAKATA_TASK_STUCK_MINUTES", default=60)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="urakata@localhost")

# Security: secure by default; the local demo over plain HTTP sets URAKATA_INSECURE_HTTP=1.
INSECURE_HTTP = env.bool("URAKATA_INSECURE_HTTP", default=DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP (see docs/operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not INSECURE_HTTP:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Optional integrations, reported by `urakata check`.
URAKATA_AI_PROVIDER = env.str("URAKATA_AI_PROVIDER", default="local")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
URAKATA_AI_MODEL = env.str("URAKATA_AI_MODEL", default="")
URAKATA_AI_EMBEDDING_MODEL = env.str("URAKATA_AI_EMBEDDING_MODEL", default="")
URAKATA_AI_TIMEOUT = env.float("URAKATA_AI_TIMEOUT", default=20.0)
# Below this retrieval confidence (0-100) the assistant says "not found" and offers escalation.
URAKATA_AI_MIN_CONFIDENCE = env.int("URAKATA_AI_MIN_CONFIDENCE", default=50)

# Facilities (総務): visitors' personal fields are erased after this many days (個人情報の保存期間);
# arrivals are also posted to a Slack or Teams incoming webhook when a URL is configured.
URAKATA_VISITOR_RETENTION_DAYS = env.int("URAKATA_VISITOR_RETENTION_DAYS", default=365)
URAKATA_VISITOR_WEBHOOK_URL = env.str("URAKATA_VISITOR_WEBHOOK_URL", default="")
URAKATA_VISITOR_WEBHOOK_KIND = env.str("URAKATA_VISITOR_WEBHOOK_KIND", default="slack")
URAKATA_OCR = env.str("URAKATA_OCR", default="tesseract")
# 適格請求書発行事業者公表システム Web-API Ver.1 (国税庁): off while the application ID is empty.
URAKATA_INVOICE_REGISTRY_URL = env.str(
    "URAKATA_INVOICE_REGISTRY_URL", default="https://web-api.invoice-kohyo.nta.go.jp"
)
URAKATA_INVOICE_REGISTRY_APP_ID = env.str("URAKATA_INVOICE_REGISTRY_APP_ID", default="")
URAKATA_INVOICE_REGISTRY_TIMEOUT = env.float("URAKATA_INVOICE_REGISTRY_TIMEOUT", default=5.0)
