"""The environment, read once and typed: every knob of settings.py, checked, in one place.

``Config.from_environ()`` parses each variable into a typed, frozen field and refuses a
bad value with :class:`ConfigError` naming the variable, what it expects and what it got
(``IDLE_TIMEOUT_MINUTES: expected a whole number of at least 1, got "soon"``). settings.py
reads ``CONFIG`` and turns it into Django's settings; nothing else reads ``os.environ``
for settings. docs/operations.md lists the variables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from django.core.exceptions import ImproperlyConfigured

TaskBackend = Literal["database", "rq", "immediate"]
TASK_BACKENDS: tuple[TaskBackend, ...] = ("database", "rq", "immediate")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# "10/min", "600/m", "5/10s": ninja's throttle rates (count / [multiple] unit).
_RATE = re.compile(r"^\d+/\d*(s|sec|m|min|h|hour|d|day)$")

DEV_SECRET_KEY = "insecure-development-key-" + "x" * 40
DEV_FIELD_KEY = "dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTAwMDA="


class ConfigError(ImproperlyConfigured):
    """A variable of the environment has a value MedOffice cannot use."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


class _Env:
    """Typed reads of one environment mapping; each error names its variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None or value.strip() == "" else value.strip()

    def text(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ConfigError(name, f'expected true or false (1/0, yes/no, on/off), got "{value}"')

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise ConfigError(name, f'expected a whole number of at least {minimum}, got "{value}"')
        return number

    def number(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = minimum - 1
        if not number >= minimum:
            raise ConfigError(name, f'expected a number of at least {minimum:g}, got "{value}"')
        return number

    def items(self, name: str, default: str = "") -> tuple[str, ...]:
        value = self.environ.get(name)
        text = default if value is None else value
        return tuple(item.strip() for item in text.split(",") if item.strip())

    def choice(
        self, name: str, default: str, choices: tuple[str, ...], *, upper: bool = False
    ) -> str:
        value = self.text(name, default)
        value = value.upper() if upper else value
        if value not in choices:
            raise ConfigError(name, f'expected one of {", ".join(choices)}, got "{value}"')
        return value

    def url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not re.match(r"^https?://[^/\s]+", value):
            raise ConfigError(name, f'expected an http:// or https:// address, got "{value}"')
        return value.rstrip("/")

    def rate(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not _RATE.match(value):
            raise ConfigError(
                name, f'expected a rate such as "10/min" (per s, min, hour or day), got "{value}"'
            )
        return value

    def path(self, name: str, default: Path) -> Path:
        value = self.raw(name)
        return default if value is None else Path(value)


def _check_fernet_keys(name: str, keys: tuple[str, ...]) -> None:
    from cryptography.fernet import Fernet

    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ConfigError(
                name,
                f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes); "
                'make one with `python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`',
            ) from None


DEV_AUDIT_KEY = ("test", b"test-audit-key-not-for-production-0000")


def _audit_keys(env: _Env, relaxed: bool) -> tuple[tuple[str, bytes], ...]:
    from medoffice import secrets

    try:
        keys = tuple(secrets.parse_audit_keys(list(env.items("AUDIT_HMAC_KEYS"))))
    except ValueError as exc:  # the message names the variable already
        raise ConfigError("AUDIT_HMAC_KEYS", str(exc).partition(": ")[2]) from None
    if keys:
        return keys
    if relaxed:
        return (DEV_AUDIT_KEY,)
    raise ConfigError("AUDIT_HMAC_KEYS", "not set (comma-separated id:secret pairs, newest first).")


@dataclass(frozen=True)
class Config:
    """Every setting MedOffice reads from the environment, parsed and checked."""

    debug: bool
    testing: bool
    home: Path
    var_dir: Path
    secret_key: str
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    database_url: str
    # authentication
    axes_failure_limit: int
    otp_totp_issuer: str
    idle_timeout_minutes: int
    # transport
    https: bool
    secure_ssl_redirect: bool
    secure_hsts_seconds: int
    secure_hsts_preload: bool
    behind_proxy: bool
    # data
    field_encryption_keys: tuple[str, ...]
    # audit log (docs/decisions/0007-keyed-audit-chain.md)
    audit_hmac_keys: tuple[tuple[str, bytes], ...]
    audit_checkpoint_file: Path
    audit_checkpoint_syslog: str
    audit_checkpoint_url: str
    audit_checkpoint_timeout_seconds: float
    static_root: Path
    media_root: Path
    patient_document_max_bytes: int
    # e-mail
    email_backend: str
    email_host: str
    email_port: int
    email_host_user: str
    email_host_password: str
    email_use_tls: bool
    default_from_email: str
    # text messages and links
    sms_backend: str
    sms_api_base_url: str
    sms_account_sid: str
    sms_auth_token: str
    sms_from_number: str
    sms_timeout_seconds: float
    public_base_url: str
    # background work
    task_backend: TaskBackend
    redis_url: str
    # billing
    eligibility_days_ahead: int
    pay_link_max_age_days: int
    payment_processor: str
    stripe_api_base_url: str
    stripe_secret_key: str
    stripe_webhook_secret: str
    balance_reminder_every_days: int
    plan_default_after_days: int
    # API
    api_rate: str
    api_token_failure_rate: str
    public_link_failure_rate: str
    # logging
    log_level: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = _Env(os.environ if environ is None else environ)
        debug = env.flag("DEBUG", False)
        testing = env.flag("MEDOFFICE_TESTING", False)
        relaxed = debug or testing
        home = env.path("MEDOFFICE_HOME", Path.cwd())
        var_dir = env.path("MEDOFFICE_VAR", home / "var")

        secret_key = env.text("SECRET_KEY", DEV_SECRET_KEY if relaxed else "")
        if not secret_key:
            raise ConfigError(
                "SECRET_KEY",
                "not set. `make demo` generates one into var/env; production sets it in the "
                "environment (docs/operations.md).",
            )
        keys = env.items("FIELD_ENCRYPTION_KEYS") or ((DEV_FIELD_KEY,) if relaxed else ())
        if not keys:
            raise ConfigError(
                "FIELD_ENCRYPTION_KEYS", "not set (comma-separated Fernet keys, newest first)."
            )
        _check_fernet_keys("FIELD_ENCRYPTION_KEYS", keys)
        audit_keys = _audit_keys(env, relaxed)
        syslog = env.text("AUDIT_CHECKPOINT_SYSLOG", "")
        if syslog and not re.match(r"^(udp|tcp)://[^/\s:]+:\d+$", syslog):
            raise ConfigError(
                "AUDIT_CHECKPOINT_SYSLOG",
                f'expected udp://host:port or tcp://host:port, got "{syslog}"',
            )

        https = env.flag("HTTPS", False)
        email_host = env.text("EMAIL_HOST", "")
        # The tests make many requests from one address: the limits stay out of their reach.
        api_rate_default = "100000/min" if testing else "600/min"
        failure_rate_default = "100000/min" if testing else "10/min"
        return cls(
            debug=debug,
            testing=testing,
            home=home,
            var_dir=var_dir,
            secret_key=secret_key,
            allowed_hosts=env.items("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver"),
            csrf_trusted_origins=env.items("CSRF_TRUSTED_ORIGINS"),
            database_url=env.text("DATABASE_URL", f"sqlite:///{var_dir / 'medoffice.sqlite3'}"),
            axes_failure_limit=env.integer("AXES_FAILURE_LIMIT", 5, minimum=1),
            otp_totp_issuer=env.text("OTP_TOTP_ISSUER", "MedOffice"),
            idle_timeout_minutes=env.integer("IDLE_TIMEOUT_MINUTES", 15, minimum=1),
            https=https,
            secure_ssl_redirect=https and env.flag("SECURE_SSL_REDIRECT", True),
            secure_hsts_seconds=env.integer("SECURE_HSTS_SECONDS", 31536000) if https else 0,
            secure_hsts_preload=https and env.flag("SECURE_HSTS_PRELOAD", False),
            behind_proxy=env.flag("BEHIND_PROXY", False),
            field_encryption_keys=keys,
            audit_hmac_keys=audit_keys,
            audit_checkpoint_file=env.path(
                "AUDIT_CHECKPOINT_FILE", var_dir / "audit-checkpoints.jsonl"
            ),
            audit_checkpoint_syslog=syslog,
            audit_checkpoint_url=env.url("AUDIT_CHECKPOINT_URL", "")
            if env.raw("AUDIT_CHECKPOINT_URL")
            else "",
            audit_checkpoint_timeout_seconds=env.number(
                "AUDIT_CHECKPOINT_TIMEOUT_SECONDS", 5.0, minimum=0.1
            ),
            static_root=env.path("STATIC_ROOT", var_dir / "static"),
            media_root=env.path("MEDIA_ROOT", var_dir / "media"),
            patient_document_max_bytes=env.integer(
                "PATIENT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1
            ),
            email_backend=env.text(
                "EMAIL_BACKEND",
                "django.core.mail.backends.smtp.EmailBackend"
                if email_host
                else "django.core.mail.backends.filebased.EmailBackend",
            ),
            email_host=email_host or "localhost",
            email_port=env.integer("EMAIL_PORT", 587, minimum=1),
            email_host_user=env.text("EMAIL_HOST_USER", ""),
            email_host_password=env.text("EMAIL_HOST_PASSWORD", ""),
            email_use_tls=env.flag("EMAIL_USE_TLS", True),
            default_from_email=env.text("DEFAULT_FROM_EMAIL", "medoffice@localhost"),
            sms_backend=env.text("SMS_BACKEND", "medoffice.messaging.backends.FileSMSBackend"),
            sms_api_base_url=env.url("SMS_API_BASE_URL", "https://api.twilio.com"),
            sms_account_sid=env.text("SMS_ACCOUNT_SID", ""),
            sms_auth_token=env.text("SMS_AUTH_TOKEN", ""),
            sms_from_number=env.text("SMS_FROM_NUMBER", ""),
            sms_timeout_seconds=env.number("SMS_TIMEOUT_SECONDS", 10.0, minimum=0.1),
            public_base_url=env.url("PUBLIC_BASE_URL", "http://localhost:8000"),
            task_backend=cast(TaskBackend, env.choice("TASK_BACKEND", "database", TASK_BACKENDS)),
            redis_url=env.text("REDIS_URL", "redis://127.0.0.1:6379/0"),
            eligibility_days_ahead=env.integer("ELIGIBILITY_DAYS_AHEAD", 3, minimum=0),
            pay_link_max_age_days=env.integer("PAY_LINK_MAX_AGE_DAYS", 60, minimum=1),
            payment_processor=env.choice("PAYMENT_PROCESSOR", "none", ("none", "stripe")),
            stripe_api_base_url=env.url("STRIPE_API_BASE_URL", "https://api.stripe.com"),
            stripe_secret_key=env.text("STRIPE_SECRET_KEY", ""),
            stripe_webhook_secret=env.text("STRIPE_WEBHOOK_SECRET", ""),
            balance_reminder_every_days=env.integer("BALANCE_REMINDER_EVERY_DAYS", 30, minimum=1),
            plan_default_after_days=env.integer("PLAN_DEFAULT_AFTER_DAYS", 15, minimum=1),
            api_rate=env.rate("API_RATE", api_rate_default),
            api_token_failure_rate=env.rate("API_TOKEN_FAILURE_RATE", failure_rate_default),
            public_link_failure_rate=env.rate("PUBLIC_LINK_FAILURE_RATE", failure_rate_default),
            log_level=env.choice("LOG_LEVEL", "INFO", LOG_LEVELS, upper=True),
        )
