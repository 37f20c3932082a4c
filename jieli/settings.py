"""Settings for Jieli, read from environment variables.

Embedded mode (the default) needs no server: SQLite and the job queue live under ``var/``.
Production mode (``JIELI_MODE=production``) refuses to start without a secret key, allowed
hosts and a database URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIELI_VAR_DIR", BASE_DIR / "var"))


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; an unknown value (a typo such as "ture") stops the start-up."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; "
        f"use one of: {', '.join(sorted((_TRUE | _FALSE) - {''}))}"
    )


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


MODE = os.environ.get("JIELI_MODE", "embedded")
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured("JIELI_MODE must be 'embedded' or 'production'")
PRODUCTION = MODE == "production"

SECRET_KEY = os.environ.get("JIELI_SECRET_KEY", "")
# Off by default in every mode: people see the platform's own error pages, never tracebacks.
DEBUG = _env_bool("JIELI_DEBUG", False)
ALLOWED_HOSTS = _env_list(
    "JIELI_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
DATABASE_URL = os.environ.get("DATABASE_URL", "")

if PRODUCTION:
    problems = []
    if len(SECRET_KEY) < 32:
        problems.append("JIELI_SECRET_KEY (at least 32 characters)")
    if not ALLOWED_HOSTS:
        problems.append("JIELI_ALLOWED_HOSTS")
    if not DATABASE_URL:
        problems.append("DATABASE_URL")
    if DEBUG:
        problems.append("JIELI_DEBUG must be off")
    if problems:
        raise ImproperlyConfigured("Production mode refuses to start; set: " + ", ".join(problems))
elif not SECRET_KEY:
    # Embedded mode only: a fixed development key is acceptable because nothing is exposed.
    SECRET_KEY = "embedded-development-key-not-for-production-use-0123456789"  # noqa: S105

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "jieli.core",
    "jieli.regions",
    "jieli.organisations",
    "jieli.achievements",
    "jieli.demands",
    "jieli.experts",
    "jieli.matching",
    "jieli.imports",
    "jieli.duplicates",
    "jieli.demo",
    "jieli.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jieli.core.middleware.ViewerMiddleware",
    # H6: one error boundary for pages (service errors a view does not handle itself).
    "jieli.core.http.ServiceErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jieli.urls"
WSGI_APPLICATION = "jieli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jieli" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jieli.core.context_processors.viewer",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "jieli.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "jieli" / "static"]
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get(
    "JIELI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("JIELI_FROM_EMAIL", "noreply@jieli.invalid")

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "jieli",
    "immediate": _env_bool("JIELI_JOBS_IMMEDIATE", False),
    "consumer": {"workers": 1, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "jobs.sqlite3")})

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Platform rules.
JIELI_RECONFIRM_MONTHS = int(os.environ.get("JIELI_RECONFIRM_MONTHS", "12"))
# Sentence encoders served by the matching engine ("use", "e5"); empty for words only.
JIELI_DENSE_ENCODERS = _env_list("JIELI_DENSE_ENCODERS", "use,e5")
# Teach the segmenter industry, discipline and keyword terms (process-wide, once).
JIELI_DOMAIN_DICTIONARY = _env_bool("JIELI_DOMAIN_DICTIONARY", True)
JIELI_IMPORT_MAX_BYTES = int(os.environ.get("JIELI_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIELI_LOG_LEVEL", "WARNING")},
}
