"""Coordination of benefits: bill the next payer once the one before it adjudicated the claim.

The 835 remittance posting comes later; until then the biller enters the primary payer's
adjudication from its EOB: the date, what it paid in all, and per service line what it paid
and why the rest was adjusted (CAS group, reason code, amount). ``bill_next_payer`` checks it
balances the way an 835 must (each line: charge − paid = Σ its adjustments; the claim:
total charge − paid = Σ every adjustment), reporting every problem at once, stores it
(``PayerAdjudication``, and per service line a ``LineAdjudication`` with what the payer's
contract expected it to allow), records the claim's move to ADJUDICATED, and makes the claim for
the next coverage in order (2 → secondary, 3 → tertiary) that carries it in loops 2320/2430.
The earlier claim's own lines and history are never changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing.choices import (
    AdjustmentGroup,
    ClaimFrequency,
    ClaimStatus,
    Responsibility,
)
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    AdjudicationAdjustment,
    AdjudicationLine,
    ChargeLine,
    Claim,
    ClaimLine,
    EraClaimPayment,
    PayerAdjudication,
)
from medoffice.billing.services.claims import _copy_lines, _record, reserve_control_numbers
from medoffice.billing.services.claims import transition as claim_transition
from medoffice.billing.services.contracts import record_adjudication
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.money import MoneyError, format_money, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.choices import CoverageOrder
from medoffice.patients.models import Coverage

S = ClaimStatus
# A payer has taken these; once it adjudicated, the next payer can be billed.
BILLABLE_AFTER = frozenset({S.ACCEPTED, S.ADJUDICATED})
NEXT_RESPONSIBILITY = {
    CoverageOrder.SECONDARY: Responsibility.SECONDARY,
    CoverageOrder.TERTIARY: Responsibility.TERTIARY,
}
MAX_AMOUNT = Decimal("9999999.99")
_REASON = re.compile(r"[A-Z0-9]{1,5}\Z")


@dataclass(frozen=True)
class AdjustmentEntry:
    """One adjustment as entered: CAS group code, reason code (CARC), amount."""

    group: str
    reason: str
    amount: str | Decimal


@dataclass(frozen=True)
class LineEntry:
    """What the payer paid on the claim's line ``line_number``, and its adjustments."""

    line_number: int
    paid: str | Decimal
    adjustments: Sequence[AdjustmentEntry] = ()


def next_coverage(claim: Claim) -> Coverage | None:
    """The coverage billed after ``claim``'s: the next order, active on the date of service."""
    if claim.coverage is None or claim.responsibility not in {
        Responsibility.PRIMARY,
        Responsibility.SECONDARY,
    }:
        return None
    wanted = claim.coverage.order + 1
    if wanted not in NEXT_RESPONSIBILITY:
        return None
    for coverage in Coverage.objects.filter(
        patient_id=claim.patient_id, is_active=True, order=wanted
    ).select_related("payer"):
        if coverage.covers(claim.date_of_service):
            return coverage
    return None


def next_payer_refusal(claim: Claim) -> str:
    """Why the next payer cannot be billed from ``claim`` (empty: it can)."""
    if claim.frequency == ClaimFrequency.VOID:
        return "A void claim is not billed to another payer."
    if claim.status not in BILLABLE_AFTER:
        return (
            f"Claim {claim.control_number} is “{claim.get_status_display()}”: the next payer is "
            "billed once this payer has accepted and adjudicated it."
        )
    if PayerAdjudication.objects.filter(claim_id=claim.pk).exists():
        return f"The adjudication of claim {claim.control_number} is already entered."
    forwarded = (
        EraClaimPayment.objects.filter(claim_id=claim.pk)
        .exclude(forwarded_to="")
        .values_list("forwarded_to", flat=True)
        .first()
    )
    if forwarded:
        return (
            f"The payer forwarded claim {claim.control_number} to {forwarded} itself "
            "(a crossover, on its remittance): no secondary claim is sent."
        )
    if next_coverage(claim) is None:
        return (
            "The patient has no further coverage (secondary, then tertiary) active on the date "
            "of service."
        )
    return ""


def _amount(
    value: str | Decimal, field: str, errors: dict[str, list[ValidationError]]
) -> Decimal | None:
    negative = isinstance(value, str) and value.strip().startswith("-")
    raw = value.strip()[1:] if negative and isinstance(value, str) else value
    try:
        amount = parse_money(raw, maximum=MAX_AMOUNT, allow_zero=True)
    except MoneyError as exc:
        errors.setdefault(field, []).append(ValidationError(str(exc), code=Code.INVALID_AMOUNT))
        return None
    return -amount if negative else amount


def _adjustments(
    entries: Sequence[AdjustmentEntry], prefix: str, errors: dict[str, list[ValidationError]]
) -> list[tuple[str, str, Decimal]] | None:
    cleaned: list[tuple[str, str, Decimal]] = []
    ok = True
    for number, entry in enumerate(entries, 1):
        field = f"{prefix}adjustment_{number}"
        group = (entry.group or "").strip().upper()
        reason = (entry.reason or "").strip().upper()
        if group not in AdjustmentGroup.values:
            errors.setdefault(field, []).append(
                ValidationError(
                    f"Adjustment {number}: the group must be one of CO, PR, OA, PI or CR.",
                    code=Code.ADJUSTMENT_GROUP_INVALID,
                )
            )
            ok = False
        if not _REASON.match(reason):
            errors.setdefault(field, []).append(
                ValidationError(
                    f"Adjustment {number}: enter the reason code (CARC) from the EOB, e.g. 45.",
                    code=Code.ADJUSTMENT_REASON_INVALID,
                )
            )
            ok = False
        amount = _amount(entry.amount, field, errors)
        if amount is None:
            ok = False
        elif amount == 0:
            errors.setdefault(field, []).append(
                ValidationError(
                    f"Adjustment {number}: the amount cannot be zero.", code=Code.INVALID_AMOUNT
                )
            )
            ok = False
        else:
            cleaned.append((group, reason, amount))
    return cleaned if ok else None


def _date(
    value: str | dt.date, claim: Claim, errors: dict[str, list[ValidationError]]
) -> dt.date | None:
    day: dt.date | None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat((value or "").strip())
        except ValueError:
            day = None
    if day is None:
        errors["adjudicated_on"] = [
            ValidationError(
                "Enter the date the payer paid (the EOB's payment date; in the API as YYYY-MM-DD).",
                code=Code.DATE_INVALID,
            )
        ]
    elif day < claim.date_of_service:
        errors["adjudicated_on"] = [
            ValidationError(
                "The payer cannot have paid before the date of service.", code=Code.DATE_INVALID
            )
        ]
    elif day > timezone.localdate():
        errors["adjudicated_on"] = [
            ValidationError("The date paid cannot be in the future.", code=Code.DATE_INVALID)
        ]
    return day if "adjudicated_on" not in errors else None


@transaction.atomic
def bill_next_payer(
    *,
    claim: Claim,
    adjudicated_on: str | dt.date,
    paid: str | Decimal,
    lines: Sequence[LineEntry],
    adjustments: Sequence[AdjustmentEntry] = (),
    actor: Actor,
) -> Claim:
    """Store the payer's adjudication of ``claim`` and make the next payer's claim.

    Raises ``ValidationError`` with every problem (keyed by field: ``adjudicated_on``,
    ``paid``, ``adjustment_N``, ``line_N_paid``, ``line_N_adjustment_M``, ``line_N``) and
    changes nothing then. Returns the new (draft) claim.
    """
    require(actor, Permission.CHANGE_CLAIM, "Your role does not bill claims.")
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("coverage").get(pk=claim.pk)
    )
    refusal = next_payer_refusal(claim)
    if refusal:
        raise ValidationError(
            {NON_FIELD_ERRORS: ValidationError(refusal, code=Code.NEXT_PAYER_NOT_BILLABLE)}
        )
    coverage = next_coverage(claim)
    assert coverage is not None
    errors: dict[str, list[ValidationError]] = {}
    day = _date(adjudicated_on, claim, errors)
    total_paid = _amount(paid, "paid", errors)
    if total_paid is not None and total_paid < 0:
        errors["paid"] = [
            ValidationError("The paid amount cannot be negative.", code=Code.INVALID_AMOUNT)
        ]
        total_paid = None
    claim_adjustments = _adjustments(adjustments, "", errors)
    claim_lines = {line.line_number: line for line in claim.lines.all()}
    entered: dict[int, tuple[Decimal, list[tuple[str, str, Decimal]]]] = {}
    for entry in lines:
        prefix = f"line_{entry.line_number}_"
        if entry.line_number not in claim_lines:
            errors.setdefault(f"line_{entry.line_number}", []).append(
                ValidationError(
                    f"The claim has no line {entry.line_number}.", code=Code.LINE_UNKNOWN
                )
            )
            continue
        line_paid = _amount(entry.paid, prefix + "paid", errors)
        if line_paid is not None and line_paid < 0:
            errors[prefix + "paid"] = [
                ValidationError(
                    f"Line {entry.line_number}: the paid amount cannot be negative.",
                    code=Code.INVALID_AMOUNT,
                )
            ]
            line_paid = None
        line_adjustments = _adjustments(entry.adjustments, prefix, errors)
        if line_paid is None or line_adjustments is None:
            continue
        charge = claim_lines[entry.line_number].charge
        adjusted = sum((a[2] for a in line_adjustments), Decimal("0"))
        if charge - line_paid != adjusted:
            errors.setdefault(f"line_{entry.line_number}", []).append(
                ValidationError(
                    f"Line {entry.line_number} does not balance: charge {format_money(charge)} − "
                    f"paid {format_money(line_paid)} = {format_money(charge - line_paid)}, but "
                    f"its adjustments add up to {format_money(adjusted)}.",
                    code=Code.ADJUDICATION_UNBALANCED,
                )
            )
        entered[entry.line_number] = (line_paid, line_adjustments)
    missing = sorted(set(claim_lines) - {entry.line_number for entry in lines})
    for number in missing:
        errors.setdefault(f"line_{number}", []).append(
            ValidationError(
                f"Enter what the payer paid on line {number} (0.00 when it paid nothing).",
                code=Code.LINE_MISSING,
            )
        )
    if (
        not errors
        and total_paid is not None
        and claim_adjustments is not None
        and len(entered) == len(claim_lines)
    ):
        everything = sum((a[2] for a in claim_adjustments), Decimal("0")) + sum(
            (a[2] for _, adjs in entered.values() for a in adjs), Decimal("0")
        )
        if claim.total_charge - total_paid != everything:
            errors["paid"] = [
                ValidationError(
                    f"The claim does not balance: total charge {format_money(claim.total_charge)}"
                    f" − paid {format_money(total_paid)} = "
                    f"{format_money(claim.total_charge - total_paid)}, but the adjustments add "
                    f"up to {format_money(everything)}.",
                    code=Code.ADJUDICATION_UNBALANCED,
                )
            ]
    if errors:
        raise ValidationError(errors)
    assert day is not None
    assert total_paid is not None
    assert claim_adjustments is not None
    now = timezone.now()
    adjudication = PayerAdjudication.objects.create(
        claim=claim,
        adjudicated_on=day,
        paid=total_paid,
        entered_by=actor_user(actor),
        entered_at=now,
    )
    AdjudicationAdjustment.objects.bulk_create(
        AdjudicationAdjustment(adjudication=adjudication, group=g, reason=r, amount=a)
        for g, r, a in claim_adjustments
    )
    charge_lines = {
        line.line_number: line
        for line in ChargeLine.objects.filter(encounter_id=claim.encounter_id).select_related(
            "encounter"
        )
    }
    for number, (line_paid, line_adjustments) in sorted(entered.items()):
        row = AdjudicationLine.objects.create(
            adjudication=adjudication, claim_line=claim_lines[number], paid=line_paid
        )
        AdjudicationAdjustment.objects.bulk_create(
            AdjudicationAdjustment(adjudication=adjudication, line=row, group=g, reason=r, amount=a)
            for g, r, a in line_adjustments
        )
        if number in charge_lines and claim.payer is not None:
            # Allowed: what the payer paid and what it left to the patient (group PR).
            patient_share = sum(
                (a for g, _, a in line_adjustments if g == AdjustmentGroup.PATIENT), Decimal("0")
            )
            record_adjudication(
                charge_line=charge_lines[number],
                claim=claim,
                payer=claim.payer,
                allowed=line_paid + patient_share,
                paid=line_paid,
                source_kind="eob",
                source_id=str(adjudication.pk),
                actor=actor,
            )
    responsibility = NEXT_RESPONSIBILITY[CoverageOrder(coverage.order)]
    follow = Claim.objects.create(
        encounter_id=claim.encounter_id,
        patient_id=claim.patient_id,
        payer_id=coverage.payer_id,
        coverage=coverage,
        responsibility=responsibility,
        control_number=reserve_control_numbers(1)[0],
        frequency=ClaimFrequency.ORIGINAL,
        prior_payer_claim=claim,
        status=S.DRAFT,
        date_of_service=claim.date_of_service,
        total_charge=claim.total_charge,
        diagnoses=claim.diagnoses,
        place_of_service=claim.place_of_service,
        created_at=now,
        created_by=actor_user(actor),
    )
    ClaimLine.objects.bulk_create(_copy_lines(follow, claim.lines.all(), claim.date_of_service))
    kind = Responsibility(responsibility).label.lower()
    _record(follow, "", actor, f"{kind} claim after {claim.control_number}", now)
    claim_transition(
        claim=claim,
        to=S.ADJUDICATED,
        actor=actor,
        note=f"adjudicated on {day.isoformat()}, paid {format_money(total_paid)} (entered from "
        f"the EOB); {kind} claim {follow.control_number}",
    )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=adjudication,
        patient_id=claim.patient_id,
        data_category="claims",
        detail=f"adjudication of claim {claim.control_number}: paid {total_paid}",
    )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=follow,
        patient_id=follow.patient_id,
        data_category="claims",
        detail=f"{kind} claim {follow.control_number} after {claim.control_number}",
    )
    return follow
