"""The office manager's set-up of the appointment book: providers, resources, types,
templates, closures, overbooking rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from medoffice.core.audit import record_event
from medoffice.core.formats import as_date, as_time
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.scheduling.error_codes import SchedulingErrorCode
from medoffice.scheduling.models import (
    AppointmentType,
    Provider,
    TemplateBlock,
)

_Row = TypeVar("_Row", bound=Model)

# --- the office manager's set-up ----------------------------------------------


def _setup_detail(obj: Any) -> str:
    return f"{obj._meta.verbose_name}: {obj}"[:400]


@transaction.atomic
def save_setup(
    *, actor: Actor, instance: _Row, m2m: dict[str, Iterable[Any]] | None = None
) -> _Row:
    """Save one set-up row (provider, resource, type, closure, overbooking rule), audited."""
    require(
        actor,
        Permission.CHANGE_SCHEDULE,
        "Your role does not allow you to change the appointment book's set-up.",
    )
    creating = instance.pk is None
    instance.full_clean(validate_unique=True)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    record_event(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user=actor,
        obj=instance,
        data_category="schedule setup",
        detail=_setup_detail(instance),
    )
    return instance


@transaction.atomic
def delete_setup(*, actor: Actor, instance: Any) -> None:
    require(
        actor,
        Permission.CHANGE_SCHEDULE,
        "Your role does not allow you to change the appointment book's set-up.",
    )
    detail = _setup_detail(instance)
    pk = instance.pk
    label = instance._meta.label_lower
    instance.delete()
    record_event(AuditAction.DELETE, user=actor, object_type=label, object_id=pk, detail=detail)


def overlapping_blocks(block: TemplateBlock) -> Any:
    """Blocks of the same provider on the same weekday whose hours and dates overlap ``block``."""
    qs = TemplateBlock.objects.filter(
        provider_id=block.provider_id,
        weekday=block.weekday,
        start__lt=block.end,
        end__gt=block.start,
    )
    if block.effective_to is not None:
        qs = qs.filter(effective_from__lte=block.effective_to)
    qs = qs.exclude(effective_to__lt=block.effective_from)
    if block.pk:
        qs = qs.exclude(pk=block.pk)
    return qs


@transaction.atomic
def save_template_block(
    *, actor: Actor, block: TemplateBlock, appointment_types: Iterable[AppointmentType] = ()
) -> TemplateBlock:
    """Save a weekly block; refuses one that overlaps another of the same provider."""
    require(
        actor,
        Permission.CHANGE_SCHEDULE,
        "Your role does not allow you to change provider templates.",
    )
    block.full_clean()
    # Serialise template edits of one provider so two overlapping saves cannot both pass.
    Provider.objects.select_for_update().filter(pk=block.provider_id).first()
    clash = overlapping_blocks(block).select_related("location").first()
    if clash is not None:
        until = f" until {as_date(clash.effective_to)}" if clash.effective_to else ""
        raise ValidationError(
            {
                "start": ValidationError(
                    f"This overlaps {clash.provider}'s block on "
                    f"{clash.get_weekday_display()} {as_time(clash.start)}–{as_time(clash.end)} at "
                    f"{clash.location.name} (from {as_date(clash.effective_from)}{until}). "
                    "Change the hours or the effective dates.",
                    code=SchedulingErrorCode.TEMPLATE_OVERLAP,
                )
            }
        )
    return save_setup(actor=actor, instance=block, m2m={"appointment_types": appointment_types})
