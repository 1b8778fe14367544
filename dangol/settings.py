"""Django settings, read from the environment (see README: Configuration)."""

from __future__ import annotations

import os
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.utils.translation import gettext_lazy as _

from dangol.env import EnvError, env_bool, env_int, env_list, env_str, persistent_secret
from dangol.messaging.config import parse_email_url, parse_rates

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DANGOL_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("DANGOL_DEBUG", False)
# Without DANGOL_SECRET_KEY a random key is made on first run and kept in var/ (0600) — never a key from
# the repository. `check --deploy` fails until the key comes from the environment (dangol.accounts.checks).
DANGOL_SECRET_KEY_FROM_ENV = bool(env_str("DANGOL_SECRET_KEY", ""))
SECRET_KEY = env_str("DANGOL_SECRET_KEY", "") or persistent_secret(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DANGOL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DANGOL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",  # /api/docs from local static files, not a CDN (the CSP allows only this origin)
    "django_tasks",
    "django_tasks_db",
    "dangol.accounts",
    "dangol.privacy",
    "dangol.customers",
    "dangol.interactions",
    "dangol.messaging",
    "dangol.orders",
    "dangol.promises",
    "dangol.rewards",
    "dangol.imports",
    "dangol.voc",
    "dangol.surveys",
    "dangol.loyalty",
    "dangol.knowledge",
    "dangol.campaigns",
    "dangol.journeys",
    "dangol.lifecycle",
    "dangol.portal",
    "dangol.web",
    "dangol.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangol.web.middleware.KeptPolicyCSPMiddleware",  # django-csp, the plain policy built once per process
    "dangol.privacy.throttle.PublicBodyLimit",  # before anything reads the body
    "dangol.web.middleware.RejectNulBytes",
    # the public survey answer page: past the checks above, straight to its view (see the module)
    "dangol.surveys.middleware.AnswerPageShortcut",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangol.web.middleware.PagesLoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # permission checks only (a user's permissions in one statement); ModelBackend authenticates
    "dangol.accounts.backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "dangol.urls"
WSGI_APPLICATION = "dangol.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

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
            ],
        },
    },
]

_DEFAULT_DB_URL = f"sqlite:///{VAR_DIR / 'dangol.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _DEFAULT_DB_URL), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + busy timeout + BEGIN IMMEDIATE: concurrent writers wait instead of failing
    # with "database is locked" (see shared/notes/reliability.md).
    # Connections are kept per thread (as on PostgreSQL): opening one costs ~2-3 ms of CPU (the schema is parsed
    # again, the pragmas and Django's SQL functions set up), more than a whole survey answer (issue 18). Between
    # requests a kept connection holds no transaction and so no lock.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DANGOL_SQLITE_CONN_MAX_AGE", 600)
    # Django's SQLite backend whose write transactions take turns within the process before SQLite's write lock,
    # instead of sleeping in its busy handler (issue 18; vendor still "sqlite").
    DATABASES["default"]["ENGINE"] = "dangol.common.db.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file, not ":memory:", so concurrent writers meet the same WAL + busy-timeout behaviour as in
    # production (in-memory shared cache fails at once with "table is locked").
    DATABASES["default"]["TEST"] = {
        # one file per test process, so two test runs on one checkout never share (and break) a database
        "NAME": env_str("DANGOL_TEST_SQLITE", str(VAR_DIR / f"test-dangol-{os.getpid()}.sqlite3"))
    }

# PostgreSQL: statements are prepared on a connection once they have run twice (the hot path's hand-written ones
# too: API token check, redemption, survey answer); false behind a transaction-mode pooler without
# prepared-statement support.
DANGOL_PG_PREPARED_STATEMENTS = env_bool("DANGOL_PG_PREPARED_STATEMENTS", True)
if DANGOL_PG_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Sent with server-side binding, and prepared by psycopg on a connection the third time the same statement is
    # sent (it keeps up to 100): PostgreSQL's CPU for the 360 page about halves
    # (planning 6.8 -> 1.1 ms, issue 18). Off: Django's defaults (client-side binding, nothing prepared).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
    # Django's backend, where a statement with more than 65,535 parameters is sent with client-side binding
    DATABASES["default"]["ENGINE"] = "dangol.common.db.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# "ko", the code of the catalogues and of LANGUAGES: with "ko-kr" the Korean translation fell back to a second,
# identical "ko-kr" one, and a Korean msgid (no catalogue holds them) missed in both (issue 18).
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dangol" / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DANGOL_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"

# HTTPS in production (debug off): redirect plain HTTP, HSTS, secure cookies. Behind a proxy that terminates
# TLS, set DANGOL_BEHIND_PROXY so the proxy's X-Forwarded-Proto tells Django the request was HTTPS (the proxy
# must overwrite that header). `make demo` serves plain HTTP on 127.0.0.1 with DANGOL_SSL_REDIRECT=false.
SECURE_SSL_REDIRECT = env_bool("DANGOL_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("DANGOL_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DANGOL_HSTS_INCLUDE_SUBDOMAINS", False)
# Behind a proxy the client is also the last X-Forwarded-For address (the one the proxy appended), not REMOTE_ADDR.
DANGOL_BEHIND_PROXY = env_bool("DANGOL_BEHIND_PROXY", False)
if DANGOL_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from our static files; the few inline chart
# scripts carry the per-response nonce (`nonce="{{ request.csp_nonce }}"`). No inline event handlers, no
# style="" attributes (data-driven styles are set by static/dangol/dangol.js), no eval (htmx allowEval off).
# data: images are pico.css's icons. tests/browser fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DANGOL_SECURE_COOKIES", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Form and JSON bodies (files excepted) are read into memory whole: 10 MB holds a full /api/orders/bulk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DANGOL_MAX_BODY_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Pages open without a login (the VOC form, store QR codes, survey answers), and any request without a session,
# take a small body: a bigger one is refused by its Content-Length before it is read (dangol.privacy.throttle).
DANGOL_PUBLIC_MAX_BODY_BYTES = env_int("DANGOL_PUBLIC_MAX_BODY_BYTES", 256 * 1024)
# Rates of those pages, counted per client IP (an IPv6 /64) and per phone/e-mail in fixed windows in the
# database, so every worker shares them; 0 turns a limit off.
DANGOL_INTAKE_PER_IP_PER_MINUTE = env_int("DANGOL_INTAKE_PER_IP_PER_MINUTE", 5)
DANGOL_INTAKE_PER_IP_PER_HOUR = env_int("DANGOL_INTAKE_PER_IP_PER_HOUR", 20)
DANGOL_INTAKE_PER_CONTACT_PER_HOUR = env_int("DANGOL_INTAKE_PER_CONTACT_PER_HOUR", 3)
# The same complaint again from the same contact within this many minutes joins the first case.
DANGOL_INTAKE_DUPLICATE_MINUTES = env_int("DANGOL_INTAKE_DUPLICATE_MINUTES", 30)
DANGOL_QR_SCANS_PER_IP_PER_MINUTE = env_int("DANGOL_QR_SCANS_PER_IP_PER_MINUTE", 6)
DANGOL_QR_SCANS_PER_IP_PER_HOUR = env_int("DANGOL_QR_SCANS_PER_IP_PER_HOUR", 60)
# Follow-up cases that answers through links without a known customer (store QR codes) may open.
DANGOL_SURVEY_FOLLOWUPS_PER_IP_PER_HOUR = env_int("DANGOL_SURVEY_FOLLOWUPS_PER_IP_PER_HOUR", 3)

# Login lockout (django-axes).
AXES_FAILURE_LIMIT = env_int("DANGOL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DANGOL_LOGIN_COOLOFF_MINUTES", 15) / 60
# Two separate counters: one user name from any address (a slow guess spread over many addresses), and one
# address whatever the user name (one password sprayed over many users). Either reaching the limit locks.
# An admin unlocks at /admin/axes/accessattempt/ (delete the rows) or with `dangol axes_reset_username NAME`.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success would also wipe its address's failures, so someone with one valid account could keep spraying
# others from the same address; failures expire after the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# A file cache shared by the web and worker processes (board snapshots); no server needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": 300,
    }
}

TASKS = {
    "default": {
        "BACKEND": env_str("DANGOL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# How many rows an import processes inline before it goes to the job worker.
DANGOL_IMPORT_INLINE_ROWS = env_int("DANGOL_IMPORT_INLINE_ROWS", 5000)
# What one uploaded import file may hold (a 2 KB .xlsx can declare a sheet of 17 billion cells).
DANGOL_IMPORT_MAX_BYTES = env_int("DANGOL_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
DANGOL_IMPORT_MAX_UNZIPPED_BYTES = env_int("DANGOL_IMPORT_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024)
DANGOL_IMPORT_MAX_ROWS = env_int("DANGOL_IMPORT_MAX_ROWS", 500_000)
DANGOL_IMPORT_MAX_COLUMNS = env_int("DANGOL_IMPORT_MAX_COLUMNS", 500)
DANGOL_IMPORT_MAX_CELLS = env_int("DANGOL_IMPORT_MAX_CELLS", 5_000_000)
# Seconds between runs of each scheduled job (the worker's scheduler).
DANGOL_SCHEDULE_SECONDS = env_int("DANGOL_SCHEDULE_SECONDS", 300)
# The engine of the daily customer-value job: duckdb (in-process, default) or pyspark — on a Spark Connect
# server (DANGOL_SPARK_REMOTE, sc://host:15002), a cluster master (DANGOL_SPARK_MASTER), else local[2].
DANGOL_ANALYTICS_ENGINE = env_str("DANGOL_ANALYTICS_ENGINE", "duckdb")
if DANGOL_ANALYTICS_ENGINE not in ("duckdb", "pyspark"):
    raise EnvError(f"DANGOL_ANALYTICS_ENGINE must be duckdb or pyspark, not {DANGOL_ANALYTICS_ENGINE!r}")
DANGOL_SPARK_REMOTE = env_str("DANGOL_SPARK_REMOTE", "")
DANGOL_SPARK_MASTER = env_str("DANGOL_SPARK_MASTER", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DANGOL_LOG_LEVEL", "WARNING")},
}

FORMAT_MODULE_PATH = ["dangol.formats"]

# Messaging (dangol.messaging; docs/messaging.md). By default nothing leaves the machine: every message is
# rendered and stored in the outbox. "django" sends e-mail through EMAIL_BACKEND; "solapi" sends SMS/LMS and
# KakaoTalk through SOLAPI.
DANGOL_MESSAGING_EMAIL_VIA = env_str("DANGOL_MESSAGING_EMAIL_VIA", "outbox")
DANGOL_MESSAGING_TEXT_VIA = env_str("DANGOL_MESSAGING_TEXT_VIA", "outbox")
if DANGOL_MESSAGING_EMAIL_VIA not in {"outbox", "django"}:
    raise EnvError(f"DANGOL_MESSAGING_EMAIL_VIA={DANGOL_MESSAGING_EMAIL_VIA!r}: use outbox or django")
if DANGOL_MESSAGING_TEXT_VIA not in {"outbox", "solapi"}:
    raise EnvError(f"DANGOL_MESSAGING_TEXT_VIA={DANGOL_MESSAGING_TEXT_VIA!r}: use outbox or solapi")
# The address links in messages start with (opt-out, surveys), e.g. https://dangol.example.com
DANGOL_PUBLIC_URL = env_str("DANGOL_PUBLIC_URL", "http://127.0.0.1:8000")
# E-mail: DANGOL_EMAIL_URL=smtp://user:pass@host:587?tls=1 (smtps:// or ?ssl=1 for implicit TLS). An ESP through
# django-anymail: DANGOL_EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend and its keys as DANGOL_ANYMAIL_<KEY>.
_EMAIL = parse_email_url(env_str("DANGOL_EMAIL_URL", "smtp://localhost:25"))
EMAIL_BACKEND = env_str("DANGOL_EMAIL_BACKEND", _EMAIL["EMAIL_BACKEND"])
EMAIL_HOST = _EMAIL["EMAIL_HOST"]
EMAIL_PORT = _EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _EMAIL["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _EMAIL["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"] or 30
ANYMAIL = {
    key.removeprefix("DANGOL_ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("DANGOL_ANYMAIL_")
}
DEFAULT_FROM_EMAIL = env_str("DANGOL_EMAIL_FROM", "단골 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DANGOL_EMAIL_MESSAGE_ID_DOMAIN = env_str(
    "DANGOL_EMAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "localhost"
)
# Sender numbers registered with the carriers (발신번호 사전등록); any other is refused. The outbox needs none.
DANGOL_SMS_SENDERS = env_list(
    "DANGOL_SMS_SENDERS", ["1588-0000"] if DANGOL_MESSAGING_TEXT_VIA == "outbox" else []
)
if DANGOL_MESSAGING_TEXT_VIA == "solapi" and not DANGOL_SMS_SENDERS:
    raise EnvError("DANGOL_MESSAGING_TEXT_VIA=solapi needs DANGOL_SMS_SENDERS (registered sender numbers)")
# What every advert carries (정보통신망법 제50조 제4항): the sender's name and contact, and a free opt-out number.
DANGOL_MESSAGING_SENDER_NAME = env_str("DANGOL_MESSAGING_SENDER_NAME", "단골")
DANGOL_MESSAGING_SENDER_CONTACT = env_str("DANGOL_MESSAGING_SENDER_CONTACT", "1588-0000")
DANGOL_SMS_OPTOUT_NUMBER = env_str("DANGOL_SMS_OPTOUT_NUMBER", "080-000-0000")
DANGOL_SOLAPI_API_KEY = env_str("DANGOL_SOLAPI_API_KEY", "")
DANGOL_SOLAPI_API_SECRET = env_str("DANGOL_SOLAPI_API_SECRET", "")
DANGOL_SOLAPI_BASE_URL = env_str("DANGOL_SOLAPI_BASE_URL", "https://api.solapi.com")
DANGOL_SOLAPI_WEBHOOK_SECRET = env_str("DANGOL_SOLAPI_WEBHOOK_SECRET", "")
DANGOL_KAKAO_PF_ID = env_str("DANGOL_KAKAO_PF_ID", "")
DANGOL_KAKAO_BMS_TARGETING = env_str("DANGOL_KAKAO_BMS_TARGETING", "I")  # I: channel friends only
if DANGOL_MESSAGING_TEXT_VIA == "solapi" and not (DANGOL_SOLAPI_API_KEY and DANGOL_SOLAPI_API_SECRET):
    raise EnvError(
        "DANGOL_MESSAGING_TEXT_VIA=solapi needs DANGOL_SOLAPI_API_KEY and DANGOL_SOLAPI_API_SECRET"
    )
# The send loop: messages per second per channel (per worker), retries with exponential back-off.
DANGOL_MESSAGING_RATES = parse_rates(
    env_str("DANGOL_MESSAGING_RATES", ""), default=env_int("DANGOL_MESSAGING_RATE", 20)
)
DANGOL_MESSAGING_SEND_BATCH = env_int("DANGOL_MESSAGING_SEND_BATCH", 1000)
# Campaigns: at most this many advertising messages per customer within this many days, across all campaigns.
DANGOL_CAMPAIGN_CAP_MESSAGES = env_int("DANGOL_CAMPAIGN_CAP_MESSAGES", 2)
DANGOL_CAMPAIGN_CAP_DAYS = env_int("DANGOL_CAMPAIGN_CAP_DAYS", 7)
# Segment counts and launches read the segment snapshot (dangol.campaigns.snapshot) until it is this old.
DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS = env_int("DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS", 48)
DANGOL_SEGMENT_SNAPSHOT_DIR = env_str("DANGOL_SEGMENT_SNAPSHOT_DIR", "")  # default: VAR_DIR/segments
# A launch (a dynamic segment evaluated at send) reads the snapshot only while it is this young; else live tables.
DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES = env_int("DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES", 60)
DANGOL_MESSAGING_SEND_MAX_SECONDS = env_int("DANGOL_MESSAGING_SEND_MAX_SECONDS", 10)
DANGOL_MESSAGING_MAX_ATTEMPTS = env_int("DANGOL_MESSAGING_MAX_ATTEMPTS", 5)
DANGOL_MESSAGING_RETRY_BASE_SECONDS = env_int("DANGOL_MESSAGING_RETRY_BASE_SECONDS", 60)
DANGOL_MESSAGING_RETRY_MAX_SECONDS = env_int("DANGOL_MESSAGING_RETRY_MAX_SECONDS", 3600)
# A message left in "sending" this long is settled by messages_reconcile() (the worker died mid-send).
DANGOL_MESSAGING_SENDING_TIMEOUT_SECONDS = env_int("DANGOL_MESSAGING_SENDING_TIMEOUT_SECONDS", 600)
