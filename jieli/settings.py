"""Settings for Jieli, read from environment variables.

Embedded mode (the default) needs no server: SQLite and the job queue live under ``var/``.
Production mode (``JIELI_MODE=production``) refuses to start without a secret key, allowed
hosts and a database URL.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
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
    "jieli.notifications",
    "jieli.organisations",
    "jieli.achievements",
    "jieli.demands",
    "jieli.experts",
    "jieli.matching",
    "jieli.imports",
    "jieli.duplicates",
    "jieli.enquiries",
    "jieli.watchlists",
    "jieli.evaluations",
    "jieli.events",
    "jieli.facilities",
    "jieli.pipeline",
    "jieli.demo",
    "jieli.portal",
    "axes",  # login throttling (see "Security" below)
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
    "csp.middleware.CSPMiddleware",
    # Last, as its documentation asks: it turns a lock-out into the lock-out response.
    "axes.middleware.AxesMiddleware",
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
                "jieli.portal.context_processors.navigation",
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
# Served by WhiteNoise from STATIC_ROOT (``collectstatic``, run by ``make run``), with
# pre-compressed copies for clients that accept them. Not the manifest (hashed-name) storage:
# a page must never fail because collectstatic has not run yet in some environment.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# --- Front-end assets (H4) -------------------------------------------------------------------
# The design system and components come from npm (package.json + package-lock.json, installed by
# `make assets`, i.e. `npm ci`); the staticfiles finders take only the built files from
# node_modules, under vendor/. Nothing is copied into the repository and nothing loads from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "jieli" / "static",
    ("vendor/tabler/css", NODE_MODULES / "@tabler" / "core" / "dist" / "css"),
    ("vendor/tabler/js", NODE_MODULES / "@tabler" / "core" / "dist" / "js"),
    ("vendor/tabler-icons", NODE_MODULES / "@tabler" / "icons-webfont" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get(
    "JIELI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("JIELI_FROM_EMAIL", "noreply@jieli.invalid")
# The site's address as e-mails link to it (notifications, unsubscribe links); in production
# the first allowed host over HTTPS unless set.
JIELI_SITE_URL = os.environ.get(
    "JIELI_SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000",
)
# How long an e-mail's one-click unsubscribe link works.
JIELI_UNSUBSCRIBE_MAX_AGE_DAYS = int(os.environ.get("JIELI_UNSUBSCRIBE_MAX_AGE_DAYS", "60"))
# How long a notification e-mail job may hold what it is sending before another run may.
JIELI_NOTIFICATION_CLAIM_SECONDS = int(os.environ.get("JIELI_NOTIFICATION_CLAIM_SECONDS", "600"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# Jobs (see jieli/core/jobs.py): two queues with their own consumers. The user queue runs what
# a person waits for (imports, exports, e-mail, reminders) with several threads; the bulk queue
# runs sentence vectors and model training, so it can never hold the user queue up.
HUEY = {
    "name": "jieli",
    "immediate": _env_bool("JIELI_JOBS_IMMEDIATE", False),
    "consumer": {
        "workers": int(os.environ.get("JIELI_USER_WORKERS", "2")),
        "worker_type": "thread",
    },
}
JIELI_BULK_HUEY = {
    "name": "jieli-bulk",
    "immediate": _env_bool("JIELI_JOBS_IMMEDIATE", False),
    "consumer": {"workers": 1, "worker_type": "thread"},
}
if REDIS_URL:
    # The user queue orders by priority (an import someone waits for first): Redis >= 5.
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL})
    JIELI_BULK_HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "jobs.sqlite3")})
    JIELI_BULK_HUEY.update(
        {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "jobs-bulk.sqlite3")}
    )
# A running job whose heartbeat is older than this (and whose process cannot be checked) is
# marked failed; on the worker's own host a vanished process is detected at once, and a live
# one is trusted up to JIELI_JOB_HUNG_SECONDS.
JIELI_JOB_STALE_SECONDS = int(os.environ.get("JIELI_JOB_STALE_SECONDS", "60"))
JIELI_JOB_HUNG_SECONDS = int(os.environ.get("JIELI_JOB_HUNG_SECONDS", "3600"))
# Match alerts (jieli/watchlists/alerts.py): how often the job runs, how many first results a
# newly published listing must enter to be announced, how far each run looks back before its
# cursor for publications committed late, and the size limits of shortlists and subscriptions.
JIELI_ALERT_MINUTES = int(os.environ.get("JIELI_ALERT_MINUTES", "10"))
JIELI_ALERT_TOP_N = int(os.environ.get("JIELI_ALERT_TOP_N", "10"))
JIELI_ALERT_OVERLAP_SECONDS = int(os.environ.get("JIELI_ALERT_OVERLAP_SECONDS", "300"))
JIELI_SHORTLISTS_PER_USER = 50
JIELI_SHORTLIST_ITEMS = 500
JIELI_SUBSCRIPTIONS_PER_USER = 50
# The bulk worker's CPU priority (nice increment): web requests and user jobs come first.
JIELI_BULK_NICE = int(os.environ.get("JIELI_BULK_NICE", "10"))
# Production web server (gunicorn, see docs/deployment.md).
JIELI_WEB_WORKERS = int(os.environ.get("JIELI_WEB_WORKERS", "2"))
JIELI_WEB_THREADS = int(os.environ.get("JIELI_WEB_THREADS", "4"))
# Seconds gunicorn keeps an idle connection open; 0 closes it after each answer (see jieli_serve).
JIELI_WEB_KEEPALIVE = int(os.environ.get("JIELI_WEB_KEEPALIVE", "0"))
# gunicorn's access log: "-" for standard output, a file path, or "" for none (the reverse
# proxy usually keeps one). Each line ends with the milliseconds the worker spent on it.
JIELI_ACCESS_LOG = os.environ.get("JIELI_ACCESS_LOG", "-" if DEBUG else "")

# --- Security: headers, cookies, login throttling, API tokens, rate limits (helper H7) -------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Reverse proxies in front of the application (each appends to X-Forwarded-For); 0 = none, the
# client address is REMOTE_ADDR. Login throttling and rate limits key on this address.
JIELI_PROXY_COUNT = int(os.environ.get("JIELI_PROXY_COUNT", "1" if PRODUCTION else "0"))
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # TLS ends at the reverse proxy; behind a plain-HTTP intranet proxy set both to off.
    SECURE_SSL_REDIRECT = _env_bool("JIELI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("JIELI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("JIELI_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("JIELI_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp), enforced in every mode: nothing from other origins, no
# inline script, style or event handler anywhere (the templates, the admin, Swagger UI and the
# front-end packages need none; e2e/test_csp.py checks every page family). Report-only is an
# opt-out for debugging a page (JIELI_CSP_REPORT_ONLY=1), never a deployment setting.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if "JIELI_CSP_ENFORCE" in os.environ:
    # The old switch defaulted to report-only outside production; silently ignoring it would
    # hide that the meaning changed.
    raise ImproperlyConfigured(
        "JIELI_CSP_ENFORCE was removed: the policy is enforced in every mode; "
        "set JIELI_CSP_REPORT_ONLY=1 only to debug a page"
    )
JIELI_CSP_REPORT_ONLY = _env_bool("JIELI_CSP_REPORT_ONLY", False)
if JIELI_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# Login throttling (django-axes): too many wrong passwords lock the account AND, separately,
# the address, for a cool-off period; a success resets the count. The sign-in page, the admin
# sign-in and anything else calling django.contrib.auth.authenticate() with the request go
# through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = _env_bool("JIELI_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = int(os.environ.get("JIELI_LOGIN_FAILURES", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JIELI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jieli.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jieli.core.security.client_ip"
AXES_VERBOSE = False

# API tokens: default and longest lifetime in days.
JIELI_API_TOKEN_DAYS = int(os.environ.get("JIELI_API_TOKEN_DAYS", "90"))
JIELI_API_TOKEN_MAX_DAYS = int(os.environ.get("JIELI_API_TOKEN_MAX_DAYS", "365"))

# The cache holds rate-limit counters and short-lived results of repeated anonymous queries.
# Redis when configured (shared by every worker, atomic counters); otherwise files under var/,
# which every process of one machine shares (counters may undercount slightly under races,
# never over-count) and which never take the SQLite write lock.
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("JIELI_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "jieli",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Requests per window on the expensive endpoints (search, matches, similar, export), per
# address for anonymous callers and per user for signed-in ones; "" switches one off.
JIELI_RATELIMITS = {
    "anonymous": os.environ.get("JIELI_RATELIMIT_ANONYMOUS", "30/m"),
    "authenticated": os.environ.get("JIELI_RATELIMIT_AUTHENTICATED", "120/m"),
    "export_anonymous": os.environ.get("JIELI_RATELIMIT_EXPORT_ANONYMOUS", "5/m"),
    "export_authenticated": os.environ.get("JIELI_RATELIMIT_EXPORT_AUTHENTICATED", "20/m"),
}
JIELI_RATELIMIT_ENABLED = _env_bool("JIELI_RATELIMIT", True)
# Seconds an anonymous search/match result is reused for the same query.
JIELI_RESULT_CACHE_SECONDS = int(os.environ.get("JIELI_RESULT_CACHE_SECONDS", "60"))
# --- end of the security block -------------------------------------------------------------

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Platform rules.
JIELI_RECONFIRM_MONTHS = int(os.environ.get("JIELI_RECONFIRM_MONTHS", "12"))
# Sentence encoders served by the matching engine ("use", "e5"); empty for words only.
JIELI_DENSE_ENCODERS = _env_list("JIELI_DENSE_ENCODERS", "use,e5")
# Teach the segmenter industry, discipline and keyword terms (process-wide, once).
JIELI_DOMAIN_DICTIONARY = _env_bool("JIELI_DOMAIN_DICTIONARY", True)
# Enquiries: new enquiries one user may send per 24 hours; hours before an unanswered enquiry
# is reminded to its owner (and twice that before the secretariat sees it as a dropped baton).
JIELI_ENQUIRIES_PER_DAY = int(os.environ.get("JIELI_ENQUIRIES_PER_DAY", "10"))
JIELI_ENQUIRY_ANSWER_HOURS = int(os.environ.get("JIELI_ENQUIRY_ANSWER_HOURS", "72"))
# Documents people attach (enquiry messages, project deliverables): jieli/core/uploads.py.
JIELI_DOCUMENT_MAX_BYTES = int(os.environ.get("JIELI_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Turnkey projects: days the receiver of a hand-off has to answer it, per stage ("default" for
# the others; JSON in the environment), and the days after a baton drops at which its owners are
# reminded (then every last gap; from the third reminder the secretariat too).
JIELI_PIPELINE_HANDOFF_DAYS = json.loads(
    os.environ.get("JIELI_PIPELINE_HANDOFF_DAYS", '{"default": 5, "acceptance": 10}')
)
JIELI_PIPELINE_REMINDER_DAYS = [
    int(d) for d in _env_list("JIELI_PIPELINE_REMINDER_DAYS", "0,3,7,14")
]
JIELI_IMPORT_MAX_BYTES = int(os.environ.get("JIELI_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# --- Uploads (H8): limits checked while streaming an import file (jieli/imports/limits.py),
# the cap on the rejected-rows file, and how long uploaded files are kept (a daily job purges).
JIELI_IMPORT_MAX_ROWS = int(os.environ.get("JIELI_IMPORT_MAX_ROWS", "1000000"))
JIELI_IMPORT_MAX_COLUMNS = int(os.environ.get("JIELI_IMPORT_MAX_COLUMNS", "500"))
JIELI_IMPORT_MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
JIELI_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("JIELI_IMPORT_MAX_SHARED_STRINGS", "3000000"))
JIELI_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("JIELI_IMPORT_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024))
)
JIELI_IMPORT_MAX_RATIO = int(os.environ.get("JIELI_IMPORT_MAX_RATIO", "200"))  # 0: off
JIELI_IMPORT_REJECTED_MAX_BYTES = int(
    os.environ.get("JIELI_IMPORT_REJECTED_MAX_BYTES", str(50 * 1024 * 1024))
)
JIELI_IMPORT_KEEP_DAYS = int(os.environ.get("JIELI_IMPORT_KEEP_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIELI_LOG_LEVEL", "WARNING")},
}
