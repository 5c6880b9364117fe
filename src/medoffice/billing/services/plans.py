"""Payment plans: make one for a patient's balance, cancel it, keep its status, remind.

A plan's schedule is written when it is made (``plan_schedule.schedule``). Payments are
not tied to instalments: every payment the patient made since the plan began (desk, mail
or online, less voids and refunds) counts toward the instalments in due-date order
(``plan_schedule.standing``). ``refresh_plans`` (the daily task) marks a plan completed
when its instalments are covered and defaulted when one is unpaid ``PLAN_DEFAULT_AFTER_DAYS``
after its due date; the biller sees the flag on the plan and the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from medoffice.billing import plan_schedule
from medoffice.billing.choices import PlanStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import PatientPayment, PaymentPlan, PaymentPlanInstalment
from medoffice.billing.models.payments import PaymentRefund
from medoffice.billing.selectors.ledger import patient_due
from medoffice.billing.services.payments import _reason_problem, clean_amount
from medoffice.core.audit import record_change, record_event
from medoffice.core.formats import as_date
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.money import format_money
from medoffice.core.permissions import Actor, SystemActor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient

ZERO = Decimal("0.00")


def location_of(patient: Patient) -> int:
    """Where a patient's plan (or online payment) belongs: their home location, else the
    location of their latest charged visit, else the practice's first."""
    from medoffice.billing.models import Encounter
    from medoffice.core.models import Location

    if patient.home_location_id is not None:
        return patient.home_location_id
    latest = (
        Encounter.objects.filter(patient=patient)
        .order_by("-date_of_service", "-pk")
        .values_list("location_id", flat=True)
        .first()
    )
    if latest is not None:
        return int(latest)
    return int(Location.objects.order_by("pk").values_list("pk", flat=True)[0])


def today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def _field(field: str, message: str, code: str) -> dict[str, ValidationError]:
    return {field: ValidationError(message, code=code)}


def _date(value: Any, field: str) -> tuple[dt.date | None, dict[str, ValidationError]]:
    if isinstance(value, dt.date):
        return value, {}
    try:
        return dt.date.fromisoformat(str(value or "").strip()), {}
    except ValueError:
        return None, _field(
            field, "Enter the start date as YYYY-MM-DD, e.g. 2026-01-15.", Code.PLAN_START_INVALID
        )


@transaction.atomic
def create_plan(
    *,
    actor: Actor,
    patient: Patient,
    total: Any,
    instalment_amount: Any,
    start_date: Any,
    day_of_month: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> PaymentPlan:
    """A monthly plan for (at most) what the patient is due now; all errors at once."""
    require(actor, Permission.POST_LEDGER, "Your role does not set up payment plans.")
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    errors: dict[str, ValidationError] = {}
    cleaned: dict[str, Decimal] = {}
    for field, value in (("total", total), ("instalment_amount", instalment_amount)):
        try:
            cleaned[field] = clean_amount(value)
        except ValidationError as exc:
            errors[field] = ValidationError(
                exc.error_dict["amount"][0].message, code=exc.error_dict["amount"][0].code
            )
    start, problem = _date(start_date, "start_date")
    errors.update(problem)
    try:
        day = int(str(day_of_month).strip())
        if not 1 <= day <= 28:
            raise ValueError
    except ValueError:
        day = 0
        errors.update(
            _field(
                "day_of_month",
                "Choose a day of the month from 1 to 28 (every month has it).",
                Code.PLAN_DAY_INVALID,
            )
        )
    if start is not None and start < today():
        errors.update(
            _field("start_date", "The plan cannot start in the past.", Code.PLAN_START_INVALID)
        )
    due = patient_due(SystemActor("payment plans"), patient.pk)
    if "total" in cleaned and cleaned["total"] > due:
        errors["total"] = ValidationError(
            f"The plan can be at most what the patient is due now, {format_money(due)}.",
            code=Code.PLAN_TOTAL_TOO_LARGE,
        )
    if "total" in cleaned and "instalment_amount" in cleaned:
        if cleaned["instalment_amount"] > cleaned["total"]:
            errors["instalment_amount"] = ValidationError(
                "The monthly instalment can be at most the plan's total.",
                code=Code.PLAN_INSTALMENT_INVALID,
            )
        elif (
            plan_schedule.instalment_count(cleaned["total"], cleaned["instalment_amount"])
            > plan_schedule.MAX_INSTALMENTS
        ):
            errors["instalment_amount"] = ValidationError(
                f"That makes more than {plan_schedule.MAX_INSTALMENTS} instalments; "
                "raise the monthly amount.",
                code=Code.PLAN_TOO_MANY_INSTALMENTS,
            )
    note = (note or "").strip()
    if len(note) > 200 or any(ord(c) < 32 for c in note):
        errors["note"] = ValidationError(
            "The note is plain text on one line, at most 200 characters.", code=Code.REASON_INVALID
        )
    if PaymentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).exists():
        errors[NON_FIELD_ERRORS] = ValidationError(
            "The patient already has an active payment plan; cancel it first.",
            code=Code.PLAN_ALREADY_ACTIVE,
        )
    if errors:
        raise ValidationError(errors)
    assert start is not None
    plan = PaymentPlan(
        patient=patient,
        location_id=location_of(patient),
        total=cleaned["total"],
        instalment_amount=cleaned["instalment_amount"],
        start_date=start,
        day_of_month=day,
        note=note,
        created_by=actor_user(actor),
        created_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            record_change(
                plan,
                user=actor,
                patient_id=patient.pk,
                data_category="ledger",
                detail=f"payment plan {plan.total} at {plan.instalment_amount} a month",
            )
    except IntegrityError as exc:  # another biller made one at the same moment
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    "The patient already has an active payment plan.", code=Code.PLAN_ALREADY_ACTIVE
                )
            }
        ) from exc
    PaymentPlanInstalment.objects.bulk_create(
        [
            PaymentPlanInstalment(plan=plan, number=i.number, due_date=i.due_date, amount=i.amount)
            for i in plan_schedule.schedule(plan.total, plan.instalment_amount, start, day)
        ]
    )
    return plan


@transaction.atomic
def cancel_plan(*, actor: Actor, plan: PaymentPlan, reason: str) -> PaymentPlan:
    require(actor, Permission.POST_LEDGER, "Your role does not change payment plans.")
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    reason = (reason or "").strip()
    errors: dict[str, ValidationError] = {}
    problem = _reason_problem(reason, "cancelled")
    if problem is not None:
        errors["reason"] = ValidationError(
            str(problem.message).replace("payment", "plan"), code=problem.code
        )
    if plan.status not in (PlanStatus.ACTIVE, PlanStatus.DEFAULTED):
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"The plan is {plan.get_status_display().lower()}; only an active or defaulted "
            "plan can be cancelled.",
            code=Code.PLAN_NOT_ACTIVE,
        )
    if errors:
        raise ValidationError(errors)
    plan.status = PlanStatus.CANCELLED
    plan.ended_at = timezone.now()
    plan.end_reason = reason
    return record_change(
        plan,
        user=actor,
        update_fields=["status", "ended_at", "end_reason"],
        patient_id=plan.patient_id,
        data_category="ledger",
        detail=f"payment plan cancelled: {reason}",
    )


# --- where a plan stands ---------------------------------------------------------------------


def paid_since(plan: PaymentPlan) -> Decimal:
    """What the patient paid since the plan was made: payments not void, less refunds."""
    payments = PatientPayment.objects.filter(
        patient_id=plan.patient_id, received_at__gte=plan.created_at, voided_at__isnull=True
    )
    paid = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    refunded = (
        PaymentRefund.objects.filter(payment__in=payments).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return Decimal(paid - refunded).quantize(Decimal("0.01"))


def _instalments(plan: PaymentPlan) -> list[plan_schedule.Instalment]:
    return [
        plan_schedule.Instalment(i.number, i.due_date, i.amount)
        for i in PaymentPlanInstalment.objects.filter(plan=plan).order_by("number")
    ]


@dataclass(frozen=True)
class PlanView:
    plan: PaymentPlan
    standing: plan_schedule.Standing
    past_due: bool  # an instalment is unpaid past the grace days: the plan is in default


def plan_view(plan: PaymentPlan, on: dt.date | None = None) -> PlanView:
    on = on or today()
    standing = plan_schedule.standing(_instalments(plan), paid_since(plan), on)
    return PlanView(plan, standing, standing.overdue_days > settings.PLAN_DEFAULT_AFTER_DAYS)


def refresh_plans(*, actor: Actor, on: dt.date | None = None) -> dict[str, int]:
    """Mark each active plan completed (all covered) or defaulted (an instalment unpaid
    past the grace days); a defaulted plan brought up to date is active again."""
    counts = {"completed": 0, "defaulted": 0, "reinstated": 0}
    for plan in PaymentPlan.objects.filter(status__in=[PlanStatus.ACTIVE, PlanStatus.DEFAULTED]):
        view = plan_view(plan, on)
        new = plan.status
        if view.standing.complete:
            new = PlanStatus.COMPLETED
        elif view.past_due:
            new = PlanStatus.DEFAULTED
        elif plan.status == PlanStatus.DEFAULTED:
            new = PlanStatus.ACTIVE
        if new == plan.status:
            continue
        with transaction.atomic():
            if (
                new == PlanStatus.ACTIVE
                and PaymentPlan.objects.filter(
                    patient_id=plan.patient_id, status=PlanStatus.ACTIVE
                ).exists()
            ):
                continue
            counts[{"completed": "completed", "defaulted": "defaulted"}.get(new, "reinstated")] += 1
            plan.status = new
            plan.ended_at = timezone.now() if new == PlanStatus.COMPLETED else None
            record_change(
                plan,
                user=actor,
                update_fields=["status", "ended_at"],
                patient_id=plan.patient_id,
                data_category="ledger",
                detail=f"payment plan {new}"
                + (
                    f": instalment {view.standing.next_due.number} due "
                    f"{as_date(view.standing.next_due.due_date)} unpaid"
                    if new == PlanStatus.DEFAULTED and view.standing.next_due
                    else ""
                ),
            )
    return counts


def record_plan_view(*, user: Any, plan: PaymentPlan) -> None:
    record_event(
        AuditAction.READ,
        user=user,
        obj=plan,
        patient_id=plan.patient_id,
        data_category="ledger",
        detail="payment plan",
    )
