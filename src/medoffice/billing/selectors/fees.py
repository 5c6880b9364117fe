"""What a code costs on a date: the practice's standard charge and a payer's allowed amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from medoffice.billing.choices import FeeScheduleKind
from medoffice.billing.models import FeeScheduleEntry


def _entry(
    code: str, modifiers: list[str] | tuple[str, ...], on: dt.date, **schedule: object
) -> FeeScheduleEntry | None:
    """The entry in force on the date: for the first modifier that has its own price, else
    for the code without one."""
    candidates = [m for m in modifiers if m][:4] + [""]
    entries: dict[str, FeeScheduleEntry] = {}
    for e in FeeScheduleEntry.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        code=code,
        modifier__in=candidates,
        effective_from__lte=on,
        schedule__is_active=True,
        **{f"schedule__{k}": v for k, v in schedule.items()},
    ).order_by("modifier", "-effective_from"):
        entries.setdefault(e.modifier, e)  # the latest entry in force for each modifier
    for modifier in candidates:
        if modifier in entries:
            return entries[modifier]
    return None


def standard_charge(
    code: str, modifiers: list[str] | tuple[str, ...], on: dt.date
) -> Decimal | None:
    """The practice's standard charge for one unit of the code on the date, or None."""
    entry = _entry(code, modifiers, on, kind=FeeScheduleKind.STANDARD)
    return entry.amount if entry else None


def allowed_amount(
    payer_id: int, code: str, modifiers: list[str] | tuple[str, ...], on: dt.date
) -> Decimal | None:
    """What the payer allows for one unit of the code on the date, or None when unknown."""
    entry = _entry(code, modifiers, on, kind=FeeScheduleKind.ALLOWED, payer_id=payer_id)
    return entry.amount if entry else None
