"""Managed-care contracts written: a contract saved (new or changed, or a draft from the
what-if), ended on a day, and each service line's adjudication recorded with what the
contract in force on the date of service expected the payer to allow.

``save_contract`` checks everything at once and raises one ``ValidationError`` keyed by field
(``payer``, ``name``, ``effective_from``, ``effective_to``, ``method``, ``fee_schedule``,
``percent``, ``carve_outs``, ``timely_filing_days``…); a contract whose dates meet another
(not draft) contract of the payer is refused naming it. Nothing is written then.

``record_adjudication`` is what the 835 posting calls for each service line it posts (and
the EOB entry in ``services/cob.py`` today); it writes one ``LineAdjudication`` and is
idempotent per (line, claim, source): the same source recorded again returns the row there.
``reverse_adjudications`` takes back what a reversed posting stored (835 CLP02 22).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing import contracts as pure
from medoffice.billing.choices import ContractMethod, FeeScheduleKind
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    Contract,
    ContractCarveOut,
    FeeSchedule,
    FeeScheduleEntry,
    LineAdjudication,
)
from medoffice.billing.selectors import contracts as selectors
from medoffice.core.audit import record_event
from medoffice.core.bounds import date_problem
from medoffice.core.formats import as_date
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer

MAX_NAME = 120
MAX_NOTES = 5000
MAX_ATTACHMENT = 200


def _error(errors: dict[str, list[ValidationError]], name: str, text: str, code: str) -> None:
    errors.setdefault(name, []).append(ValidationError(text, code=code))


@transaction.atomic
def save_contract(
    *,
    contract: Contract | None = None,
    payer: Payer | None,
    name: str,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    method: str,
    fee_schedule: FeeSchedule | None,
    percent: Decimal | None,
    carve_outs: Sequence[pure.CarveOut] = (),
    timely_filing_days: int | None = None,
    notes: str = "",
    attachment_name: str = "",
    is_draft: bool = False,
    actor: Actor,
) -> Contract:
    """Create (``contract`` None) or change a contract; its carve-outs are replaced."""
    require(actor, Permission.CHANGE_CONTRACT, "Your role does not change contracts.")
    errors: dict[str, list[ValidationError]] = {}
    bad = Code.CONTRACT_TERMS_INVALID
    name = " ".join(name.split())
    if not name:
        _error(errors, "name", "Name the contract.", bad)
    elif len(name) > MAX_NAME:
        _error(errors, "name", f"The name can be at most {MAX_NAME} characters.", bad)
    if payer is None:
        _error(errors, "payer", "Choose the payer.", bad)
    if effective_from is None:
        _error(errors, "effective_from", "Enter the first day the contract is in force.", bad)
    for field_name, day in (("effective_from", effective_from), ("effective_to", effective_to)):
        if day is not None and date_problem(day):
            _error(errors, field_name, str(date_problem(day)), bad)
    if effective_from and effective_to and effective_to < effective_from:
        _error(errors, "effective_to", "The last day cannot be before the first day.", bad)
    if method not in ContractMethod.values:
        _error(errors, "method", "Choose how the contract prices a service.", bad)
    if method in (ContractMethod.FEE_SCHEDULE, ContractMethod.PERCENT_OF_MEDICARE):
        if fee_schedule is None:
            _error(errors, "fee_schedule", "Choose the fee schedule the contract uses.", bad)
        elif fee_schedule.kind != FeeScheduleKind.ALLOWED:
            _error(
                errors,
                "fee_schedule",
                "Choose a payer's allowed-amount schedule, not charges.",
                bad,
            )
        elif (
            method == ContractMethod.FEE_SCHEDULE
            and payer is not None
            and fee_schedule.payer_id != payer.pk
        ):
            _error(
                errors,
                "fee_schedule",
                f"“{fee_schedule.name}” is another payer's schedule; choose {payer.name}'s.",
                bad,
            )
    if method in (ContractMethod.PERCENT_OF_MEDICARE, ContractMethod.PERCENT_OF_CHARGES):
        if percent is None:
            _error(errors, "percent", "Enter the percent the contract pays.", bad)
        else:
            try:
                pure.parse_percent(percent)
            except ValueError as exc:
                _error(errors, "percent", str(exc), bad)
    if method == ContractMethod.PERCENT_OF_CHARGES:
        fee_schedule = None
    if method == ContractMethod.FEE_SCHEDULE:
        percent = None
    if timely_filing_days is not None and not 1 <= timely_filing_days <= 3650:
        _error(errors, "timely_filing_days", "Timely filing is 1 to 3,650 days.", bad)
    if len(notes) > MAX_NOTES:
        _error(errors, "notes", f"The notes can be at most {MAX_NOTES} characters.", bad)
    attachment_name = " ".join(attachment_name.split())
    if len(attachment_name) > MAX_ATTACHMENT:
        _error(errors, "attachment_name", f"At most {MAX_ATTACHMENT} characters.", bad)
    if not errors and not is_draft:
        assert payer is not None
        assert effective_from is not None
        payer = Payer.objects.select_for_update().get(pk=payer.pk)  # one save at a time
        other = selectors.overlapping(
            payer.pk, effective_from, effective_to, exclude=contract.pk if contract else None
        )
        if other is not None:
            until = f"to {as_date(other.effective_to)}" if other.effective_to else "with no end"
            _error(
                errors,
                "effective_from",
                f"{payer.name} already has a contract in force then: “{other.name}”, "
                f"{as_date(other.effective_from)} {until}. End it first or change the dates.",
                Code.CONTRACT_OVERLAP,
            )
    if errors:
        raise ValidationError(errors)
    assert payer is not None
    assert effective_from is not None
    now = timezone.now()
    fields = {
        "payer": payer,
        "name": name,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "method": method,
        "fee_schedule": fee_schedule,
        "percent": percent,
        "timely_filing_days": timely_filing_days,
        "notes": notes.strip(),
        "attachment_name": attachment_name,
        "is_draft": is_draft,
        "updated_at": now,
    }
    creating = contract is None
    if contract is None:
        contract = Contract.objects.create(**fields, created_at=now, created_by=actor_user(actor))
    else:
        for key, value in fields.items():
            setattr(contract, key, value)
        contract.save()
        contract.carve_outs.all().delete()
    ContractCarveOut.objects.bulk_create(
        ContractCarveOut(
            contract=contract, code=c.code, modifier=c.modifier, amount=c.amount, percent=c.percent
        )
        for c in carve_outs
    )
    record_event(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user=actor,
        obj=contract,
        data_category="billing reference",
        detail=f"{'draft ' if is_draft else ''}contract {contract.name} of {payer.name}",
    )
    return contract


@transaction.atomic
def end_contract(*, contract: Contract, last_day: dt.date | None, actor: Actor) -> Contract:
    """The contract is in force until ``last_day`` (included), no longer."""
    require(actor, Permission.CHANGE_CONTRACT, "Your role does not change contracts.")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    bad = Code.CONTRACT_TERMS_INVALID
    errors: dict[str, list[ValidationError]] = {}
    if last_day is None:
        _error(errors, "last_day", "Enter the contract's last day.", bad)
    elif date_problem(last_day):
        _error(errors, "last_day", str(date_problem(last_day)), bad)
    elif last_day < contract.effective_from:
        _error(
            errors,
            "last_day",
            f"The last day cannot be before the first, {as_date(contract.effective_from)}.",
            bad,
        )
    elif contract.effective_to is not None and contract.effective_to <= last_day:
        _error(
            errors,
            "last_day",
            f"The contract already ends on {as_date(contract.effective_to)}.",
            Code.CONTRACT_ALREADY_ENDED,
        )
    if errors:
        raise ValidationError(errors)
    assert last_day is not None
    contract.effective_to = last_day
    contract.updated_at = timezone.now()
    contract.save(update_fields=["effective_to", "updated_at"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=contract,
        data_category="billing reference",
        detail=f"contract {contract.name} ended on {last_day.isoformat()}",
    )
    return contract


@dataclass(frozen=True)
class AdjudicatedLine:
    """One service line as a payer adjudicated it, for ``record_adjudications``; the charge
    line is read with its encounter (``select_related("encounter")`` saves a query a line)."""

    charge_line: ChargeLine
    claim: Claim
    payer_id: int
    allowed: Decimal
    paid: Decimal


def record_adjudication(
    *,
    charge_line: ChargeLine,
    claim: Claim,
    payer: Payer,
    allowed: Decimal,
    paid: Decimal,
    source_kind: str,
    source_id: str,
    actor: Actor,
) -> LineAdjudication:
    """Store how ``payer`` adjudicated the line on ``claim`` (allowed = paid + the patient's
    responsibility), with the expected allowed amount of the payer's contract in force on the
    date of service (None without one). The caller owns the transaction and the audit of the
    posting; the same (line, claim, source) recorded twice returns the first row."""
    [row] = record_adjudications(
        [AdjudicatedLine(charge_line, claim, payer.pk, allowed, paid)],
        source_kind=source_kind,
        source_id=source_id,
        actor=actor,
    )
    return row


def record_adjudications(
    lines: Sequence[AdjudicatedLine], *, source_kind: str, source_id: str, actor: Actor
) -> list[LineAdjudication]:
    """``record_adjudication`` for many lines of one source (an 835 payment) at once: the
    payers' contracts and their rates read once, the rows inserted together. Returns a row
    per line, in order (the row already there for a line recorded before from the source)."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not post adjudications.")
    if not source_kind or not source_id:
        raise ValidationError(
            "An adjudication names its source (kind and id).", code=Code.CONTRACT_TERMS_INVALID
        )
    kind, ident = source_kind[:20], source_id[:40]
    existing = {
        (row.charge_line_id, row.claim_id): row
        for row in LineAdjudication.objects.filter(
            source_kind=kind,
            source_id=ident,
            charge_line_id__in=[line.charge_line.pk for line in lines],
        )
    }
    fresh_by_key: dict[tuple[int, int], AdjudicatedLine] = {}
    for line in lines:  # a line named twice is recorded once
        key = (line.charge_line.pk, line.claim.pk)
        if key not in existing:
            fresh_by_key.setdefault(key, line)
    fresh = list(fresh_by_key.values())
    by_payer: dict[int, list[Contract]] = {}
    for found in (
        Contract.objects.filter(payer_id__in={line.payer_id for line in fresh}, is_draft=False)
        .prefetch_related("carve_outs")
        .order_by("-effective_from", "-pk")
    ):
        by_payer.setdefault(found.payer_id, []).append(found)
    codes = {line.charge_line.procedure_code for line in fresh}
    terms: dict[int, pure.ContractTerms] = {}
    now = timezone.now()
    user = actor_user(actor)
    rows: list[LineAdjudication] = []
    for line in fresh:
        charge = line.charge_line
        encounter = charge.encounter
        day = encounter.date_of_service
        contract = next(
            (c for c in by_payer.get(line.payer_id, []) if _in_force(c, day)),
            None,
        )
        expected = None
        if contract is not None:
            if contract.pk not in terms:
                terms[contract.pk] = selectors.terms_of(contract, codes=codes)
            expected = pure.expected_allowed(
                terms[contract.pk],
                code=charge.procedure_code,
                modifiers=charge.modifier_list,
                units=charge.units,
                service_date=day,
                billed=charge.charge,
            )
        rows.append(
            LineAdjudication(
                charge_line=charge,
                claim=line.claim,
                payer_id=line.payer_id,
                patient_id=encounter.patient_id,
                location_id=encounter.location_id,
                service_date=day,
                code=charge.procedure_code,
                modifiers=charge.modifiers,
                units=charge.units,
                billed=charge.charge,
                allowed=line.allowed,
                paid=line.paid,
                expected_allowed=expected,
                contract=contract,
                source_kind=kind,
                source_id=ident,
                posted_at=now,
                posted_by=user,
            )
        )
    try:
        with transaction.atomic():
            LineAdjudication.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:  # the same source recorded at the same moment: read what is there
        rows = []
        existing = {
            (row.charge_line_id, row.claim_id): row
            for row in LineAdjudication.objects.filter(source_kind=kind, source_id=ident)
        }
        if any(key not in existing for key in fresh_by_key):
            raise
    made = {(row.charge_line_id, row.claim_id): row for row in rows}
    return [
        existing.get(key) or made[key]
        for key in ((line.charge_line.pk, line.claim.pk) for line in lines)
    ]


def reverse_adjudications(
    *,
    claim_ids: Sequence[int],
    source_kind: str,
    source_ids: Sequence[str],
    reversed_by: str,
    actor: Actor,
) -> int:
    """Take back the adjudications the sources (the postings a payer reversed) stored for
    the claims: each row is marked reversed (kept for the record) and no longer counts in
    the underpayment report or the what-if's volume. Rows taken back already stay as they
    are. The caller owns the transaction and the audit of the posting; returns how many."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not post adjudications.")
    if not source_kind or not reversed_by:
        raise ValidationError(
            "A reversal of adjudications names what it reverses and what reverses it.",
            code=Code.CONTRACT_TERMS_INVALID,
        )
    if not claim_ids or not source_ids:
        return 0
    return LineAdjudication.objects.filter(
        claim_id__in=list(claim_ids),
        source_kind=source_kind[:20],
        source_id__in=[ident[:40] for ident in source_ids],
        reversed_at__isnull=True,
    ).update(reversed_at=timezone.now(), reversed_by_source=reversed_by[:40])


def _in_force(contract: Contract, day: dt.date) -> bool:
    return contract.effective_from <= day and (
        contract.effective_to is None or day <= contract.effective_to
    )


def save_what_if_draft(
    *,
    payer: Payer,
    name: str,
    effective_from: dt.date | None,
    proposed_rates: dict[str, Decimal],
    percent_change: Decimal | None,
    today: dt.date,
    actor: Actor,
) -> Contract:
    """The what-if's proposal kept as a draft contract (never in force): the terms pricing
    the payer today, the percent change applied to them, the proposed rates as carve-outs."""
    require(actor, Permission.CHANGE_CONTRACT, "Your role does not change contracts.")
    contract, _ = selectors.current_terms(payer.pk, today)
    carve_outs = {
        (c.code, c.modifier): c
        for c in (
            [
                pure.CarveOut(c.code, c.modifier, c.amount, c.percent)
                for c in contract.carve_outs.all()
            ]
            if contract
            else []
        )
    }
    method: str
    schedule: FeeSchedule | None
    percent: Decimal | None
    if contract is not None:
        method, schedule, percent = contract.method, contract.fee_schedule, contract.percent
    else:
        schedule = (
            FeeSchedule.objects.filter(kind=FeeScheduleKind.ALLOWED, payer=payer, is_active=True)
            .order_by("pk")
            .first()
        )
        if schedule is None:
            raise ValidationError(
                {
                    "payer": ValidationError(
                        f"{payer.name} has no contract and no allowed-amount schedule to start "
                        "the draft from; enter the contract first.",
                        code=Code.CONTRACT_TERMS_INVALID,
                    )
                }
            )
        method, percent = ContractMethod.FEE_SCHEDULE, None
    if percent_change is not None:
        factor = (pure.HUNDRED + percent_change) / pure.HUNDRED
        for key, carve in list(carve_outs.items()):
            if carve.amount is not None:
                carve_outs[key] = pure.CarveOut(
                    carve.code, carve.modifier, amount=pure.cents(carve.amount * factor)
                )
        if method == ContractMethod.FEE_SCHEDULE:
            # A schedule cannot be scaled: today's rate of each code, changed, as a carve-out.
            assert schedule is not None
            carved = set(carve_outs)
            for code, modifier, amount in (
                FeeScheduleEntry.objects.filter(schedule=schedule, effective_from__lte=today)
                .exclude(effective_to__lt=today)
                .order_by("code", "modifier", "effective_from")
                .values_list("code", "modifier", "amount")
            ):
                if (code, modifier) not in carved:
                    carve_outs[(code, modifier)] = pure.CarveOut(
                        code, modifier, amount=pure.cents(amount * factor)
                    )
        elif percent is not None:
            percent = min((percent * factor).quantize(Decimal("0.001")), Decimal("1000"))
    for code, rate in proposed_rates.items():
        for key in [k for k in carve_outs if k[0] == code]:
            del carve_outs[key]
        carve_outs[(code, "")] = pure.CarveOut(code, "", amount=rate)
    return save_contract(
        payer=payer,
        name=name,
        effective_from=effective_from,
        effective_to=None,
        method=method,
        fee_schedule=schedule,
        percent=percent,
        carve_outs=sorted(carve_outs.values(), key=lambda c: (c.code, c.modifier)),
        timely_filing_days=contract.timely_filing_days if contract else None,
        notes="Draft saved from the what-if.",
        is_draft=True,
        actor=actor,
    )
