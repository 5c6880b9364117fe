"""The practice's billing options (one row): "hold posting until the deposit is matched".

Changing them is the office manager's (``CHANGE_PRACTICE``) and audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medoffice.billing.models import BillingOptions
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission


def billing_options() -> BillingOptions:
    """The one row of options (made with the defaults the first time it is asked for)."""
    options, _ = BillingOptions.objects.get_or_create(pk=1)
    return options


def hold_posting() -> bool:
    """Whether remittances wait for their bank deposit before they post."""
    value = BillingOptions.objects.filter(pk=1).values_list("hold_posting_until_deposit", flat=True)
    return bool(value.first())


def set_hold_posting(*, hold: bool, actor: Actor) -> BillingOptions:
    require(actor, Permission.CHANGE_PRACTICE, "Only the office manager changes billing options.")
    with transaction.atomic():
        billing_options()
        options = BillingOptions.objects.select_for_update().get(pk=1)
        before = options.hold_posting_until_deposit
        options.hold_posting_until_deposit = bool(hold)
        options.changed_by = actor_user(actor)
        options.changed_at = timezone.now()
        options.save()
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=options,
            data_category="ledger",
            detail=(
                "hold posting until the deposit is matched: "
                f"{'on' if before else 'off'} → {'on' if hold else 'off'}"
            ),
        )
    return options
