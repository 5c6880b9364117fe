"""MedOffice settings: one module, every knob from the environment.

The environment is read and checked in one typed place, ``medoffice.config``
(``CONFIG``); this module turns it into Django's settings. See docs/operations.md
for the variables and the production set-up. Nothing here is secret: the secret
key and the field-encryption keys come from the environment (the demo writes them
to an untracked ``var/`` folder and exports them).
"""

from __future__ import annotations

from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from medoffice.config import Config
from medoffice.extras import installed, missing_extra_message

CONFIG = Config.from_environ()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = CONFIG.home
VAR_DIR = CONFIG.var_dir

DEBUG = CONFIG.debug
TESTING = CONFIG.testing
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "medoffice.core",
    "medoffice.patients",
    "medoffice.scheduling",
    "medoffice.frontdesk",
    "medoffice.messaging",
    "medoffice.billing",
    "medoffice.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medoffice.core.middleware.RequestContextMiddleware",
    "medoffice.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medoffice.core.middleware.IdleLogoutMiddleware",
    "medoffice.core.middleware.MfaRequiredMiddleware",
    "medoffice.core.middleware.PasswordChangeRequiredMiddleware",
    "medoffice.core.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medoffice.urls"
WSGI_APPLICATION = "medoffice.wsgi.application"

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
                "medoffice.core.context_processors.navigation",
            ],
            # ``{{ amount|money }}`` and |as_date, |as_time, |as_datetime, |as_weekday_date on every
            # page without a ``{% load %}``.
            "builtins": ["medoffice.core.templatetags.money", "medoffice.core.templatetags.dates"],
        },
    }
]

# --- database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = CONFIG.database_url
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with a flush that passes the audit log's triggers (its docstring).
    DATABASES["default"]["ENGINE"] = "medoffice.core.sqlite_engine"
    # Tests on SQLite run in memory, as they would on Django's own engine name.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # BEGIN IMMEDIATE: writers queue for the lock instead of failing on upgrade,
        # which keeps the audit chain free of forks (core/audit.py).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication -------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "medoffice.core.auth.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# django-axes: lock an account after repeated failures; the office manager unlocks.
AXES_FAILURE_LIMIT = CONFIG.axes_failure_limit
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Lock the account, not the IP: a whole office shares one address behind its router
# (docs/decisions/0002-lockout-by-account.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# django-otp
OTP_TOTP_ISSUER = CONFIG.otp_totp_issuer

# Sessions: idle log-off is enforced by IdleLogoutMiddleware with the practice's
# setting; this is the fallback when no practice exists yet.
IDLE_TIMEOUT_MINUTES = CONFIG.idle_timeout_minutes
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- transport and headers ------------------------------------------------
HTTPS = CONFIG.https
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = CONFIG.secure_ssl_redirect
SECURE_HSTS_SECONDS = CONFIG.secure_hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = CONFIG.secure_hsts_preload
if CONFIG.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- field encryption -----------------------------------------------------
# Comma-separated Fernet keys, newest first: the newest encrypts, all decrypt.
# `medoffice rotate-keys` re-encrypts every value with the newest key.
FIELD_ENCRYPTION_KEYS = list(CONFIG.field_encryption_keys)

# --- audit log --------------------------------------------------------------
# HMAC keys of the audit chain, ``id:secret`` pairs, newest first: the newest keys new
# entries and checkpoints, all verify (docs/decisions/0007-keyed-audit-chain.md). Kept
# outside the database like the field-encryption keys; `medoffice audit rotate-key`.
AUDIT_HMAC_KEYS = list(CONFIG.audit_hmac_keys)
# Checkpoints of the chain (head, count, time, HMAC) written outside the database by
# every intact verification: an append-only file, and optionally syslog (RFC 5424) and
# an HTTP collector, so that a SIEM holds the chain's head.
AUDIT_CHECKPOINT_FILE = CONFIG.audit_checkpoint_file
AUDIT_CHECKPOINT_SYSLOG = CONFIG.audit_checkpoint_syslog  # udp://host:514, tcp://…
AUDIT_CHECKPOINT_URL = CONFIG.audit_checkpoint_url
AUDIT_CHECKPOINT_TIMEOUT_SECONDS = CONFIG.audit_checkpoint_timeout_seconds

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # storage; each practice has its own time zone for display
USE_I18N = True
USE_TZ = True
# The practice's date and time formats (medoffice/core/formats/en/formats.py).
FORMAT_MODULE_PATH = ["medoffice.core.formats"]

# --- static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.static_root
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("bootstrap", str(bootstrap_wrapper.get_bootstrap_dir()))]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            # Hashed names for far-future caching; no pre-compression: with brotli
            # installed (a WeasyPrint dependency) whitenoise's compressing storage
            # takes minutes over the bundled assets (docs/decisions/0004-static-files.md).
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = CONFIG.media_root
# Largest patient document or insurance-card image accepted (bytes; 10 MB by default).
PATIENT_DOCUMENT_MAX_BYTES = CONFIG.patient_document_max_bytes
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- e-mail ---------------------------------------------------------------
EMAIL_BACKEND = CONFIG.email_backend
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = CONFIG.email_host
EMAIL_PORT = CONFIG.email_port
EMAIL_HOST_USER = CONFIG.email_host_user
EMAIL_HOST_PASSWORD = CONFIG.email_host_password
EMAIL_USE_TLS = CONFIG.email_use_tls
DEFAULT_FROM_EMAIL = CONFIG.default_from_email
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- text messages (reminders) and the links in them ------------------------
# The backends lived in medoffice.scheduling.messaging before messaging was its own app.
SMS_BACKEND = CONFIG.sms_backend.replace(
    "medoffice.scheduling.messaging.", "medoffice.messaging.backends."
)
SMS_FILE_PATH = str(VAR_DIR / "sms")
SMS_API_BASE_URL = CONFIG.sms_api_base_url
SMS_ACCOUNT_SID = CONFIG.sms_account_sid
SMS_AUTH_TOKEN = CONFIG.sms_auth_token
SMS_FROM_NUMBER = CONFIG.sms_from_number
SMS_TIMEOUT_SECONDS = CONFIG.sms_timeout_seconds
# Where patients reach the practice: the start of the confirm/cancel links in reminders.
PUBLIC_BASE_URL = CONFIG.public_base_url

# --- background work ------------------------------------------------------
TASK_BACKEND = CONFIG.task_backend
REDIS_URL = CONFIG.redis_url
if TASK_BACKEND == "rq":
    # RQ, redis-py and django-tasks-rq are the optional "redis" extra (medoffice/extras.py).
    if not installed("redis"):
        raise ImproperlyConfigured(missing_extra_message("redis", "TASK_BACKEND=rq"))
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- billing ---------------------------------------------------------------
# How many days before a visit its insurance is checked (a 270 to the payer).
ELIGIBILITY_DAYS_AHEAD = CONFIG.eligibility_days_ahead
# Paying online (billing/paylinks.py, billing/processors/): how long a pay link printed on a
# statement or sent in a reminder works, and which card processor takes the payment ("none":
# the pay page says how to pay by phone or mail). The Stripe keys come from its dashboard.
PAY_LINK_MAX_AGE_DAYS = CONFIG.pay_link_max_age_days
PAYMENT_PROCESSOR = CONFIG.payment_processor
PAYMENT_CURRENCY = "usd"
STRIPE_API_BASE_URL = CONFIG.stripe_api_base_url
STRIPE_SECRET_KEY = CONFIG.stripe_secret_key
STRIPE_WEBHOOK_SECRET = CONFIG.stripe_webhook_secret
STRIPE_TIMEOUT_SECONDS = 10.0
# Balance text reminders: at most one per patient in this many days, between 8:00 and 21:00.
BALANCE_REMINDER_EVERY_DAYS = CONFIG.balance_reminder_every_days
# A payment plan's instalment unpaid this many days after its due date defaults the plan.
PLAN_DEFAULT_AFTER_DAYS = CONFIG.plan_default_after_days
# Patient statements (billing/services/statements.py): a guarantor gets a statement when
# their patient due is above the minimum; balances under the small-balance threshold older
# than the days given are written off by the small-balance rule.
STATEMENT_MINIMUM_DUE = "5.00"
SMALL_BALANCE_THRESHOLD = "2.00"
SMALL_BALANCE_DAYS = 90

# --- API ------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
# Rate limits (api/throttling.py): failed tokens per client address, requests per user.
# Under MEDOFFICE_TESTING the defaults are out of the tests' reach (medoffice.config); the
# tests of the limits set their own.
API_THROTTLE_RATES = {
    "token_failures": CONFIG.api_token_failure_rate,
    "api": CONFIG.api_rate,
}
# Refused patient links and calendar-feed addresses under /p/ per client address
# (core/ratelimit.py).
PUBLIC_LINK_FAILURE_RATE = CONFIG.public_link_failure_rate

# --- logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_for_refusals": {"()": "medoffice.core.logs.OneLineForRefusals"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_for_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    # WeasyPrint writes each step of every PDF at INFO (seven lines per receipt): only its
    # warnings belong in the log.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
