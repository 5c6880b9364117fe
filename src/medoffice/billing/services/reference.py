"""Billing's reference writes: a payer with its billing profile, plans, clearinghouses and
fee schedules (imports are in ``billing.services.imports``).

Each service checks ``CHANGE_BILLING_REFERENCE``, validates every field (the models'
``full_clean`` plus the rules below), writes in one transaction and records one audit
entry. A refusal is a ``ValidationError`` keyed by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from medoffice.billing.choices import FeeScheduleKind, SubmissionMethod, TimelyFilingRule
from medoffice.billing.error_codes import BillingErrorCode
from medoffice.billing.models import Clearinghouse, FeeSchedule, PayerProfile, Plan
from medoffice.core.audit import record_event
from medoffice.core.inputs import normalize_state, normalize_zip
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, require
from medoffice.core.phones import to_e164
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer

PAYER_FIELDS = ("name", "payer_id", "phone")
PROFILE_FIELDS = (
    "filing_indicator",
    "timely_filing_rule",
    "timely_filing_days",
    "appeal_days",
    "submission",
    "clearinghouse",
    "claims_address_line1",
    "claims_address_line2",
    "claims_city",
    "claims_state",
    "claims_postal_code",
)
CLEARINGHOUSE_FIELDS = (
    "name",
    "submitter_id",
    "submitter_qualifier",
    "receiver_id",
    "receiver_qualifier",
    "receiver_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "production",
    "outbox",
    "is_active",
)
MEDICARE_DAYS = 365  # what the days field shows under the Medicare rule (one calendar year)


def _require(actor: Actor) -> None:
    require(
        actor,
        Permission.CHANGE_BILLING_REFERENCE,
        "Your roles do not allow changing payers, plans, clearinghouses or fee schedules.",
    )


def _audit(actor: Actor, action: AuditAction, obj: Any, detail: str) -> None:
    record_event(action, user=actor, obj=obj, data_category="billing reference", detail=detail)


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True)


@transaction.atomic
def save_payer(*, actor: Actor, payer: Payer | None, data: Mapping[str, Any]) -> Payer:
    """A payer's name, payer ID and phone, and its billing profile, saved together.

    ``data`` holds ``PAYER_FIELDS`` and ``PROFILE_FIELDS`` (a missing profile field keeps
    its value). Under the Medicare rule the days are one calendar year (42 CFR 424.44).
    Electronic submission needs a clearinghouse that is in use; a paper one needs the
    claims address.
    """
    _require(actor)
    created = payer is None
    payer = payer or Payer()
    errors: dict[str, list[ValidationError]] = {}
    for name in PAYER_FIELDS:
        if name in data:
            setattr(payer, name, (data[name] or "").strip())
    try:
        payer.phone = to_e164(payer.phone)
    except ValueError as exc:
        errors.setdefault("phone", []).append(ValidationError(str(exc), code="invalid_phone"))
    profile = (
        PayerProfile.objects.filter(payer_id=payer.pk).first() if payer.pk else None
    ) or PayerProfile()
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if profile.timely_filing_rule == TimelyFilingRule.MEDICARE:
        profile.timely_filing_days = MEDICARE_DAYS
    if profile.claims_state:
        try:
            profile.claims_state = normalize_state(profile.claims_state)
        except ValueError as exc:
            errors.setdefault("claims_state", []).append(
                ValidationError(str(exc), code=BillingErrorCode.CLAIMS_STATE_INVALID)
            )
    if profile.claims_postal_code:
        try:
            profile.claims_postal_code = normalize_zip(profile.claims_postal_code)
        except ValueError as exc:
            errors.setdefault("claims_postal_code", []).append(
                ValidationError(str(exc), code=BillingErrorCode.CLAIMS_ZIP_INVALID)
            )
    if profile.submission == SubmissionMethod.ELECTRONIC:
        house = profile.clearinghouse
        if house is not None and not house.is_active:
            errors.setdefault("clearinghouse", []).append(
                ValidationError(
                    "That clearinghouse is no longer in use; choose another.",
                    code=BillingErrorCode.CLEARINGHOUSE_INACTIVE,
                )
            )
    elif not (profile.claims_address_line1 and profile.claims_city and profile.claims_state):
        errors.setdefault("claims_address_line1", []).append(
            ValidationError(
                "Paper claims need the payer's claims address (street, city, state).",
                code=BillingErrorCode.CLAIMS_ADDRESS_REQUIRED,
            )
        )
    try:
        payer.full_clean()
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    try:
        profile.full_clean(exclude=["payer"])
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    payer.save()
    profile.payer = payer
    profile.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        payer,
        f"payer {payer.name} and its billing profile",
    )
    return payer


@transaction.atomic
def save_plan(*, actor: Actor, payer: Payer, plan: Plan | None, data: Mapping[str, Any]) -> Plan:
    """A plan of the payer: its name, filing indicator (empty: the payer's), in use."""
    _require(actor)
    created = plan is None
    plan = plan or Plan(payer=payer)
    plan.name = (data.get("name") or "").strip()
    plan.filing_indicator = data.get("filing_indicator") or ""
    plan.is_active = bool(data.get("is_active", True))
    _clean(plan)
    plan.save()
    _audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, plan, f"plan {plan}")
    return plan


@transaction.atomic
def save_clearinghouse(
    *, actor: Actor, clearinghouse: Clearinghouse | None, data: Mapping[str, Any]
) -> Clearinghouse:
    """A clearinghouse: who we are to it (submitter ETIN), who it is (receiver), contact,
    test or production, and the folder batches are dropped into."""
    _require(actor)
    created = clearinghouse is None
    house = clearinghouse or Clearinghouse()
    for name in CLEARINGHOUSE_FIELDS:
        if name in data:
            value = data[name]
            setattr(house, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[ValidationError]] = {}
    if house.contact_phone:
        digits = "".join(ch for ch in house.contact_phone if ch.isdigit())
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            errors["contact_phone"] = [
                ValidationError(
                    "Enter the ten digits of the phone number.",
                    code=BillingErrorCode.CONTACT_PHONE_INVALID,
                )
            ]
        house.contact_phone = digits
    for name in ("submitter_qualifier", "receiver_qualifier"):
        value = getattr(house, name).upper()
        setattr(house, name, value)
        if value not in {"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}:
            errors[name] = [
                ValidationError(
                    "Use an ISA qualifier such as ZZ, 01, 30 or 33.",
                    code=BillingErrorCode.ISA_QUALIFIER_INVALID,
                )
            ]
    try:
        house.full_clean()
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    house.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        house,
        f"clearinghouse {house.name}",
    )
    return house


@transaction.atomic
def save_fee_schedule(
    *, actor: Actor, schedule: FeeSchedule | None, data: Mapping[str, Any]
) -> FeeSchedule:
    """A fee schedule: the practice's standard charges (no payer) or one payer's allowed
    amounts (with its payer)."""
    _require(actor)
    created = schedule is None
    schedule = schedule or FeeSchedule()
    schedule.name = (data.get("name") or "").strip()
    schedule.kind = data.get("kind") or ""
    schedule.payer = data.get("payer")
    schedule.is_active = bool(data.get("is_active", True))
    if schedule.kind == FeeScheduleKind.STANDARD and schedule.payer is not None:
        raise ValidationError(
            {
                "payer": ValidationError(
                    "The standard schedule is the practice's own: leave the payer empty.",
                    code=BillingErrorCode.FEE_SCHEDULE_KIND_PAYER,
                )
            }
        )
    if schedule.kind == FeeScheduleKind.ALLOWED and schedule.payer is None:
        raise ValidationError(
            {
                "payer": ValidationError(
                    "An allowed-amounts schedule is a payer's: choose the payer.",
                    code=BillingErrorCode.FEE_SCHEDULE_KIND_PAYER,
                )
            }
        )
    _clean(schedule)
    schedule.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        schedule,
        f"fee schedule {schedule.name}",
    )
    return schedule
