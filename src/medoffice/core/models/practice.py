from __future__ import annotations

import contextvars
import datetime
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.core import inputs
from medoffice.core.choices import PlaceOfService, Weekday
from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.formats import as_time
from medoffice.core.identifiers import is_valid_npi, normalize_ein
from medoffice.core.phones import to_e164
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission

from .bases import Timestamps

if TYPE_CHECKING:
    from medoffice.core.models import User

US_STATES = inputs.STATE_CHOICES


def zip_validator(value: str) -> None:
    """A ZIP code as stored: 12345 or 12345-6789 (forms normalise what was typed)."""
    try:
        normalized = inputs.normalize_zip(value)
    except ValueError:
        normalized = None
    if normalized != value:
        raise ValidationError(inputs.ZIP_MESSAGE, code=CoreErrorCode.INVALID_ZIP_CODE)


def validate_phone(value: str) -> None:
    try:
        to_e164(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code=CoreErrorCode.INVALID_PHONE) from None


def validate_npi(value: str) -> None:
    if not is_valid_npi(value):
        raise ValidationError(
            "Enter a 10-digit NPI starting with 1 or 2 whose last digit is the check digit.",
            code=CoreErrorCode.INVALID_NPI,
        )


def validate_ein(value: str) -> None:
    if normalize_ein(value) is None:
        raise ValidationError(
            "Enter a valid employer identification number (EIN) as 12-3456789.",
            code=CoreErrorCode.INVALID_EIN,
        )


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name.", code=CoreErrorCode.INVALID_TIME_ZONE
        )


class Address(models.Model):
    address_line1 = models.CharField("address", max_length=120)
    address_line2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2, choices=US_STATES)
    postal_code = models.CharField("ZIP code", max_length=10, validators=[zip_validator])

    class Meta:
        abstract = True

    @property
    def address_text(self) -> str:
        parts = [
            self.address_line1,
            self.address_line2,
            f"{self.city}, {self.state} {self.postal_code}",
        ]
        return ", ".join(p for p in parts if p)


class Practice(Timestamps, Address):
    """The practice this installation runs. One row; a hosted install runs one database per practice."""

    legal_name = models.CharField(max_length=160)
    display_name = models.CharField(max_length=80, blank=True)
    tax_id = models.CharField("tax ID (EIN)", max_length=10, validators=[validate_ein])
    group_npi = models.CharField("group NPI", max_length=10, validators=[validate_npi])
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    phone = models.CharField(max_length=32, blank=True, validators=[validate_phone])
    require_mfa_for_everyone = models.BooleanField(
        "require two-step log-in for every user",
        default=False,
        help_text="Office managers, billers, HR and auditors always need it.",
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        "log off after inactivity (minutes)",
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
    )
    late_cancel_hours = models.PositiveSmallIntegerField(
        "late cancellation window (hours)",
        default=24,
        help_text="A cancellation this close to the visit counts as late.",
    )
    quiet_hours_start = models.TimeField(
        "no messages after", default=datetime.time(20, 0), help_text="Reminders wait until morning."
    )
    quiet_hours_end = models.TimeField("no messages before", default=datetime.time(8, 0))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idle_timeout_minutes__gte=2, idle_timeout_minutes__lte=60),
                name="practice_idle_timeout_range",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.legal_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        forget_current_practice()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        forget_current_practice()
        return result

    def clean(self) -> None:
        if self.tax_id:
            normalized = normalize_ein(self.tax_id)
            if normalized:
                self.tax_id = normalized

    @classmethod
    def current(cls) -> Practice | None:
        """The practice this installation runs, or None before it is set up.

        Inside a request (``practice_cache()``, opened by the request middleware) it is
        read once and kept for the rest of the request; saving the practice forgets it.
        Outside a request (tasks, commands) every call reads the database, so a long-running
        worker never works with a stale practice.
        """
        if not _cache_open.get():
            return cls.objects.order_by("pk").first()
        cached = _cached_practice.get()
        if cached is _NOT_READ:
            cached = cls.objects.order_by("pk").first()
            _cached_practice.set(cached)
        return cached  # type: ignore[return-value]


# The request's practice (``Practice.current``) and the zone its middleware activated.
_NOT_READ: Final = object()
_cache_open: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "medoffice_practice_cache_open", default=False
)
_cached_practice: contextvars.ContextVar[object] = contextvars.ContextVar(
    "medoffice_current_practice", default=_NOT_READ
)
_active_zone: contextvars.ContextVar[zoneinfo.ZoneInfo | None] = contextvars.ContextVar(
    "medoffice_practice_zone", default=None
)


@contextmanager
def practice_cache() -> Iterator[None]:
    """Keep the practice, once read, for the duration of the block (one request)."""
    tokens = (
        _cache_open.set(True),
        _cached_practice.set(_NOT_READ),
        _active_zone.set(None),
    )
    try:
        yield
    finally:
        _active_zone.reset(tokens[2])
        _cached_practice.reset(tokens[1])
        _cache_open.reset(tokens[0])


def forget_current_practice() -> None:
    """The practice changed: the next ``Practice.current()`` reads it again."""
    if _cache_open.get():
        _cached_practice.set(_NOT_READ)
        _active_zone.set(None)


def activate_practice_zone(zone: zoneinfo.ZoneInfo) -> None:
    """Record the zone the request middleware activated, for ``practice_zone``."""
    if _cache_open.get():
        _active_zone.set(zone)


def practice_zone() -> zoneinfo.ZoneInfo:
    """The practice's time zone: the one its pages, schedules and reports use.

    Within a request, the zone the middleware already activated (no query); otherwise
    the current practice's. Before a practice is set up: UTC, the zone times are stored in.
    """
    zone = _active_zone.get()
    if zone is not None:
        return zone
    practice = Practice.current()
    zone = zoneinfo.ZoneInfo(practice.time_zone if practice is not None else "UTC")
    activate_practice_zone(zone)
    return zone


class LocationQuerySet(RestrictedQuerySet):
    """Locations are part of the practice: seen and changed with the practice's permissions."""

    permission_map = {"view": Permission.VIEW_PRACTICE, "change": Permission.CHANGE_PRACTICE}

    def used_by(self, user: User) -> Self:
        """The locations ``user`` works at (all of them for a user without a limit)."""
        location_ids = user.location_ids() if user is not None else None
        return self if location_ids is None else self.filter(pk__in=location_ids)


class LocationHoursQuerySet(RestrictedQuerySet):
    """A location's opening hours: seen and changed with the practice's permissions."""

    permission_map = LocationQuerySet.permission_map


class Location(Address):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=80)
    code = models.SlugField(
        max_length=20, unique=True, help_text="Short code used in lists, e.g. MAIN."
    )
    phone = models.CharField(max_length=32)
    place_of_service = models.CharField(
        max_length=2, choices=PlaceOfService.choices, default=PlaceOfService.OFFICE
    )
    is_active = models.BooleanField(default=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="location_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class LocationHours(models.Model):
    """Opening hours: one row per opening period (a day can have two, around lunch)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    objects = LocationHoursQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            ),
            models.UniqueConstraint(
                fields=["location", "weekday", "opens"], name="hours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {as_time(self.opens)}–{as_time(self.closes)}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError(
                {
                    "closes": ValidationError(
                        "Closing time must be after opening time.",
                        code=CoreErrorCode.CLOSES_BEFORE_OPENS,
                    )
                }
            )
