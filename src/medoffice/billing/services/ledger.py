"""Writes to the ledger: charges, transfers, payments, adjustments, write-offs, reversals.

Every function posts new ``LedgerEntry`` rows and never changes one (sign convention in
``billing.models.ledger``). Each runs in one transaction, locks the charge lines it posts
on (and the desk payment it applies) so two posters cannot both spend the same balance,
and refuses — a ``ValidationError`` naming the field — a posting that would leave a
party's balance on a line below zero, unless the caller says it is a credit
(``allows_credit``: an overpayment).

- ``post_charges(encounter=…, claim=…, actor=…)``: called by claim creation; each line's
  charge goes to the claim's payer (the patient when self-pay). Idempotent: a line gets a
  charge entry only for the difference between its charge and what was charged before, so
  a second call posts nothing and a corrected charge posts the change.
- ``reverse_charges(encounter=…, claim=…)``: a claim voided with the payer takes its
  visit's charges back (called by ``void_claim``).
- ``transfer(…)``: move a balance from one party to another (insurance → patient
  responsibility, primary → secondary): two entries, the second naming the first.
- ``post_insurance_payment``, ``write_off`` (contractual, other, denial, small balance).
- ``apply_payment(payment=…, lines=…)``: a desk payment is unapplied credit on the patient
  until applied, to the chosen lines or to the oldest patient balances first.
- ``payment_voided`` / ``payment_refunded``: called by the desk payment services.
- ``reverse_entry(entry=…, reason=…)``: a new linked entry (both halves of a transfer).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from medoffice.billing.choices import LedgerKind, LedgerParty, Responsibility
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    Encounter,
    LedgerEntry,
    PatientPayment,
    PaymentRefund,
)
from medoffice.billing.selectors.ledger import (
    ZERO,
    cents_sum,
    party_balance_of,
    unapplied_of,
)
from medoffice.billing.services.payments import clean_amount
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.money import format_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission

K = LedgerKind
INSURANCE = LedgerParty.INSURANCE
PATIENT = LedgerParty.PATIENT
WRITE_OFF_KINDS = frozenset(
    {K.CONTRACTUAL, K.OTHER_ADJUSTMENT, K.DENIAL_WRITE_OFF, K.SMALL_BALANCE}
)
_GROUP = re.compile(r"[A-Z]{2}\Z")
_CARC = re.compile(r"[A-Z0-9]{1,5}\Z")
_RARCS = re.compile(r"[A-Z0-9]{1,5}(,[A-Z0-9]{1,5})*\Z")


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def _party_name(party: str, payer_id: int | None) -> str:
    return f"payer {payer_id}" if party == INSURANCE else "the patient"


def _locked_lines(ids: list[int]) -> dict[int, ChargeLine]:
    """The lines, locked in primary-key order (two posters never wait on each other)."""
    return {
        line.pk: line
        for line in ChargeLine.with_removed.select_for_update()
        .select_related("encounter")
        .filter(pk__in=ids)
        .order_by("pk")
    }


def _party(party: str, payer_id: int | None, field: str = "party") -> tuple[str, int | None]:
    if party not in LedgerParty.values:
        raise _refuse(
            field, f"“{party}” is not a party (insurance or patient).", Code.LEDGER_PARTY_INVALID
        )
    if party == INSURANCE and payer_id is None:
        raise _refuse(
            "payer", "Choose the payer the amount moves from or to.", Code.LEDGER_PAYER_REQUIRED
        )
    return party, (payer_id if party == INSURANCE else None)


def _check_balance(
    line: ChargeLine,
    party: str,
    payer_id: int | None,
    delta: Decimal,
    allows_credit: bool,
    field: str = "amount",
) -> None:
    """Refuse ``delta`` when it leaves the party's balance on the line below zero."""
    if delta >= 0 or allows_credit:
        return
    balance = party_balance_of(line.pk, party, payer_id)
    if balance + delta < 0:
        raise _refuse(
            field,
            f"Line {line.line_number} ({line.procedure_code}): {_party_name(party, payer_id)} owes "
            f"{format_money(balance)}; {format_money(-delta)} would leave a credit. Post it as a "
            "credit (overpayment) if that is meant.",
            Code.LEDGER_WOULD_GO_NEGATIVE,
        )


def _entry(
    line: ChargeLine,
    *,
    kind: str,
    party: str,
    payer_id: int | None,
    amount: Decimal,
    actor: Actor,
    at: dt.datetime,
    effective_date: dt.date | None = None,
    **fields: Any,
) -> LedgerEntry:
    return LedgerEntry(
        charge_line=line,
        patient_id=line.encounter.patient_id,
        location_id=line.encounter.location_id,
        kind=kind,
        party=party,
        payer_id=payer_id,
        amount=amount,
        effective_date=effective_date or _today(),
        service_date=line.encounter.date_of_service,
        posted_at=at,
        posted_by=actor_user(actor),
        **fields,
    )


def _audit(actor: Actor, line: ChargeLine, detail: str) -> None:
    record_event(
        AuditAction.CREATE,
        user=actor,
        object_type="billing.ledgerentry",
        object_id=line.pk,
        patient_id=line.encounter.patient_id,
        data_category="ledger",
        detail=detail[:500],
    )


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 200 or any(ord(c) < 32 for c in note):
        raise _refuse(
            "note", "The note can be at most 200 characters on one line.", Code.TEXT_TOO_LONG
        )
    return note


def _codes(group_code: str, reason_code: str, remark_codes: str) -> dict[str, str]:
    group_code = (group_code or "").strip().upper()
    reason_code = (reason_code or "").strip().upper()
    remark_codes = (remark_codes or "").replace(" ", "").upper()
    if group_code and not _GROUP.fullmatch(group_code):
        raise _refuse(
            "group_code",
            "The group code is two letters (CO, PR, OA, PI, CR).",
            Code.LEDGER_CODE_INVALID,
        )
    if reason_code and not _CARC.fullmatch(reason_code):
        raise _refuse(
            "reason_code",
            "The reason code (CARC) is 1 to 5 letters or digits.",
            Code.LEDGER_CODE_INVALID,
        )
    if remark_codes and (len(remark_codes) > 40 or not _RARCS.fullmatch(remark_codes)):
        raise _refuse(
            "remark_codes",
            "Remark codes (RARC) are codes separated by commas.",
            Code.LEDGER_CODE_INVALID,
        )
    return {"group_code": group_code, "reason_code": reason_code, "remark_codes": remark_codes}


# --- charges ----------------------------------------------------------------------------


def _charged(line_id: int) -> Decimal:
    """What was charged on the line so far: its charge entries less their reversals."""
    total = (
        LedgerEntry.objects.filter(charge_line_id=line_id)
        .filter(Q(kind=K.CHARGE) | Q(kind=K.REVERSAL, reverses__kind=K.CHARGE))
        .order_by()
        .values_list("amount", flat=True)
    )
    return sum(total, ZERO)


@transaction.atomic
def post_charges(*, encounter: Encounter, claim: Claim, actor: Actor) -> list[LedgerEntry]:
    """Each line's charge to the claim's payer (the patient for a self-pay claim).

    Only what is not charged yet is posted: nothing twice for a line. A corrected visit's
    changed charge posts the difference, and a line a correction removed has its charge
    reversed; a lowered charge may leave a credit.
    """
    party = PATIENT if claim.responsibility == Responsibility.PATIENT else INSURANCE
    payer_id = claim.payer_id if party == INSURANCE else None
    lines = _locked_lines(
        list(ChargeLine.with_removed.filter(encounter=encounter).values_list("pk", flat=True))
    )
    now = timezone.now()
    entries = []
    for line in lines.values():
        delta = (ZERO if line.removed_at else line.charge) - _charged(line.pk)
        if delta:
            entries.append(
                _entry(
                    line,
                    kind=K.CHARGE,
                    party=party,
                    payer_id=payer_id,
                    amount=delta,
                    actor=actor,
                    at=now,
                    effective_date=encounter.date_of_service,
                    claim=claim,
                    allows_credit=delta < 0,
                )
            )
    LedgerEntry.objects.bulk_create(entries)
    if entries:
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=encounter,
            patient_id=encounter.patient_id,
            data_category="ledger",
            detail=f"charges posted on {len(entries)} lines for claim {claim.control_number}",
        )
    return entries


@transaction.atomic
def reverse_charges(*, encounter: Encounter, claim: Claim, actor: Actor) -> list[LedgerEntry]:
    """A claim voided with the payer takes its visit's charges back: a reversal of each
    charge entry not reversed yet (a credit may remain where money was already posted)."""
    line_ids = list(
        ChargeLine.with_removed.filter(encounter=encounter).values_list("pk", flat=True)
    )
    _locked_lines(line_ids)
    reversed_entries: list[LedgerEntry] = []
    for entry in (
        LedgerEntry.objects.filter(
            charge_line_id__in=line_ids, kind=K.CHARGE, reversal__isnull=True
        )
        .select_related("charge_line__encounter")
        .order_by("pk")
    ):
        reversed_entries += _reverse(actor, entry, f"claim {claim.control_number} voided", True)
    return reversed_entries


# --- transfers, payments, adjustments ---------------------------------------------------


@transaction.atomic
def transfer(
    *,
    actor: Actor,
    line: ChargeLine,
    amount: Any,
    from_party: str,
    to_party: str,
    from_payer_id: int | None = None,
    to_payer_id: int | None = None,
    claim: Claim | None = None,
    group_code: str = "",
    reason_code: str = "",
    remark_codes: str = "",
    note: str = "",
    effective_date: dt.date | None = None,
) -> tuple[LedgerEntry, LedgerEntry]:
    """Move ``amount`` of the line's balance from one party to another: the giving half
    (negative) and the receiving half (positive, naming the giving one)."""
    require(actor, Permission.POST_LEDGER, "Your role does not post to the ledger.")
    amount = clean_amount(amount)
    from_party, from_payer_id = _party(from_party, from_payer_id, "from_party")
    to_party, to_payer_id = _party(to_party, to_payer_id, "to_party")
    if (from_party, from_payer_id) == (to_party, to_payer_id):
        raise _refuse("to_party", "A transfer goes to another party.", Code.LEDGER_SAME_PARTY)
    codes = _codes(group_code, reason_code, remark_codes)
    note = _note(note)
    line = _locked_lines([line.pk])[line.pk]
    _check_balance(line, from_party, from_payer_id, -amount, False)
    now = timezone.now()
    halves: list[LedgerEntry] = []
    for party, payer_id, moved, counterpart in (
        (from_party, from_payer_id, -amount, None),
        (to_party, to_payer_id, amount, "giving"),
    ):
        half = _entry(
            line,
            kind=K.TRANSFER,
            party=party,
            payer_id=payer_id,
            amount=moved,
            actor=actor,
            at=now,
            effective_date=effective_date,
            claim=claim,
            note=note,
            counterpart=halves[0] if counterpart else None,
            **codes,
        )
        half.save()
        halves.append(half)
    giving, receiving = halves
    _audit(
        actor,
        line,
        f"transfer {format_money(amount)} from {_party_name(from_party, from_payer_id)} to "
        f"{_party_name(to_party, to_payer_id)} on line {line.line_number}",
    )
    return giving, receiving


@transaction.atomic
def post_insurance_payment(
    *,
    actor: Actor,
    line: ChargeLine,
    payer_id: int,
    amount: Any,
    claim: Claim | None = None,
    allows_credit: bool = False,
    source_kind: str = "",
    source_id: str = "",
    note: str = "",
    effective_date: dt.date | None = None,
) -> LedgerEntry:
    """What a payer paid on the line (the 835 posting calls this with its source)."""
    require(actor, Permission.POST_LEDGER, "Your role does not post to the ledger.")
    amount = clean_amount(amount)
    note = _note(note)
    line = _locked_lines([line.pk])[line.pk]
    _check_balance(line, INSURANCE, payer_id, -amount, allows_credit)
    entry = _entry(
        line,
        kind=K.INSURANCE_PAYMENT,
        party=INSURANCE,
        payer_id=payer_id,
        amount=-amount,
        actor=actor,
        at=timezone.now(),
        effective_date=effective_date,
        claim=claim,
        allows_credit=allows_credit,
        source_kind=source_kind[:20],
        source_id=str(source_id)[:40],
        note=note,
    )
    entry.save()
    _audit(actor, line, f"insurance payment {format_money(amount)} from payer {payer_id}")
    return entry


@transaction.atomic
def write_off(
    *,
    actor: Actor,
    line: ChargeLine,
    kind: str,
    amount: Any,
    party: str,
    payer_id: int | None = None,
    claim: Claim | None = None,
    group_code: str = "",
    reason_code: str = "",
    remark_codes: str = "",
    note: str = "",
    effective_date: dt.date | None = None,
) -> LedgerEntry:
    """Take ``amount`` off a party's balance: a contractual or other adjustment, a denial or
    a small-balance write-off, with its reason (group code, CARC, RARCs, a note)."""
    require(actor, Permission.POST_LEDGER, "Your role does not post to the ledger.")
    if kind not in WRITE_OFF_KINDS:
        raise _refuse(
            "kind", f"“{kind}” is not an adjustment or write-off.", Code.LEDGER_KIND_INVALID
        )
    amount = clean_amount(amount)
    party, payer_id = _party(party, payer_id)
    codes = _codes(group_code, reason_code, remark_codes)
    note = _note(note)
    if not (codes["reason_code"] or note):
        raise _refuse(
            "reason_code", "Give the reason: a reason code or a note.", Code.REASON_REQUIRED
        )
    line = _locked_lines([line.pk])[line.pk]
    _check_balance(line, party, payer_id, -amount, False)
    entry = _entry(
        line,
        kind=kind,
        party=party,
        payer_id=payer_id,
        amount=-amount,
        actor=actor,
        at=timezone.now(),
        effective_date=effective_date,
        claim=claim,
        note=note,
        **codes,
    )
    entry.save()
    _audit(actor, line, f"{K(kind).label} {format_money(amount)} ({_party_name(party, payer_id)})")
    return entry


# --- desk payments ----------------------------------------------------------------------


def _oldest_first(patient_id: int) -> list[tuple[int, Decimal]]:
    """The patient's lines with a patient balance above zero, oldest visit first."""
    rows = (
        LedgerEntry.objects.filter(patient_id=patient_id, party=PATIENT)
        .order_by()
        .values(
            "charge_line_id",
            "charge_line__encounter__date_of_service",
            "charge_line__encounter_id",
            "charge_line__line_number",
        )
        .annotate(total=cents_sum("amount"))
        .filter(total__gt=0)
    )
    ordered = sorted(
        rows,
        key=lambda r: (
            r["charge_line__encounter__date_of_service"],
            r["charge_line__encounter_id"],
            r["charge_line__line_number"],
        ),
    )
    return [(r["charge_line_id"], r["total"]) for r in ordered]


@transaction.atomic
def apply_payment(
    *,
    actor: Actor,
    payment: PatientPayment,
    lines: Mapping[int, Any] | None = None,
    amount: Any = None,
    allows_credit: bool = False,
) -> list[LedgerEntry]:
    """Apply a desk payment's unapplied money to the patient's lines.

    ``lines`` maps charge-line ids to amounts; without it, ``amount`` (all the unapplied
    money when not given) goes to the oldest patient balances first, never past zero.
    """
    require(actor, Permission.APPLY_PATIENTPAYMENT, "Your role does not apply payments.")
    payment = PatientPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_void:
        raise _refuse(
            NON_FIELD_ERRORS, f"Receipt {payment.receipt_number} is void.", Code.LEDGER_PAYMENT_VOID
        )
    unapplied = unapplied_of(payment)
    if unapplied <= 0:
        raise _refuse(
            NON_FIELD_ERRORS,
            f"Receipt {payment.receipt_number} is applied in full.",
            Code.LEDGER_NOTHING_UNAPPLIED,
        )
    if lines is not None:
        plan = {int(k): clean_amount(v) for k, v in lines.items()}
    else:
        wanted = unapplied if amount is None else clean_amount(amount)
        if wanted > unapplied:
            raise _refuse(
                "amount",
                f"Only {format_money(unapplied)} of receipt {payment.receipt_number} is unapplied.",
                Code.LEDGER_ALLOCATION_TOO_LARGE,
            )
        plan = {}
        for line_id, balance in _oldest_first(payment.patient_id):
            if wanted <= 0:
                break
            plan[line_id] = min(balance, wanted)
            wanted -= plan[line_id]
    if sum(plan.values(), ZERO) > unapplied:
        raise _refuse(
            "lines",
            f"Only {format_money(unapplied)} of receipt {payment.receipt_number} is unapplied.",
            Code.LEDGER_ALLOCATION_TOO_LARGE,
        )
    locked = _locked_lines(list(plan))
    if len(locked) != len(plan) or any(
        line.encounter.patient_id != payment.patient_id for line in locked.values()
    ):
        raise _refuse(
            "lines", "A line belongs to another patient.", Code.LEDGER_LINE_OF_OTHER_PATIENT
        )
    now = timezone.now()
    entries = []
    for line_id, part in plan.items():
        line = locked[line_id]
        _check_balance(line, PATIENT, None, -part, allows_credit, field="lines")
        entry = _entry(
            line,
            kind=K.PATIENT_PAYMENT,
            party=PATIENT,
            payer_id=None,
            amount=-part,
            actor=actor,
            at=now,
            patient_payment=payment,
            allows_credit=allows_credit,
        )
        entry.save()
        entries.append(entry)
        _audit(actor, line, f"{format_money(part)} of receipt {payment.receipt_number} applied")
    return entries


def _open_allocations(payment: PatientPayment) -> list[LedgerEntry]:
    """The payment's applications not reversed yet, newest first."""
    return list(
        LedgerEntry.objects.filter(
            patient_payment=payment, kind=K.PATIENT_PAYMENT, reversal__isnull=True
        )
        .select_related("charge_line__encounter")
        .order_by("-pk")
    )


@transaction.atomic
def payment_voided(*, actor: Actor, payment: PatientPayment) -> list[LedgerEntry]:
    """A voided desk payment takes its applications back (a reversal of each)."""
    payment = PatientPayment.objects.select_for_update().get(pk=payment.pk)
    reversed_entries = []
    for entry in _open_allocations(payment):
        reversed_entries += _reverse(actor, entry, f"receipt {payment.receipt_number} voided", True)
    return reversed_entries


@transaction.atomic
def payment_refunded(*, actor: Actor, refund: PaymentRefund) -> list[LedgerEntry]:
    """A refund first comes out of the payment's unapplied money; the rest is taken back
    from the lines it was applied to, newest application first (patient refund entries)."""
    payment = PatientPayment.objects.select_for_update().get(pk=refund.payment_id)
    # unapplied_of already counts this refund: below zero is what the lines must give back.
    shortfall = -unapplied_of(payment)
    entries: list[LedgerEntry] = []
    if shortfall <= 0:
        return entries
    sums: dict[int, Decimal] = {}
    for row in LedgerEntry.objects.filter(patient_payment=payment).values_list(
        "charge_line_id", "amount"
    ):
        sums[row[0]] = sums.get(row[0], ZERO) - row[1]
    order = [e.charge_line_id for e in _open_allocations(payment)]
    order += [lid for lid in sums if lid not in order]
    locked = _locked_lines(list(sums))
    now = timezone.now()
    for line_id in dict.fromkeys(order):
        if shortfall <= 0:
            break
        back = min(sums.get(line_id, ZERO), shortfall)
        if back <= 0:
            continue
        line = locked[line_id]
        entry = _entry(
            line,
            kind=K.PATIENT_REFUND,
            party=PATIENT,
            payer_id=None,
            amount=back,
            actor=actor,
            at=now,
            patient_payment=payment,
            payment_refund=refund,
        )
        entry.save()
        entries.append(entry)
        shortfall -= back
        _audit(actor, line, f"refund of {format_money(back)} on receipt {payment.receipt_number}")
    return entries


# --- reversals --------------------------------------------------------------------------


def _reverse(
    actor: Actor, entry: LedgerEntry, reason: str, allows_credit: bool
) -> list[LedgerEntry]:
    halves = [entry]
    if entry.kind == K.TRANSFER:
        other = (
            entry.counterpart
            if entry.counterpart_id
            else LedgerEntry.objects.filter(counterpart=entry).first()
        )
        if other is not None:
            halves.append(other)
    locked = _locked_lines(sorted({h.charge_line_id for h in halves}))
    done = []
    now = timezone.now()
    for half in halves:
        if LedgerEntry.objects.filter(reverses=half).exists():
            raise _refuse(
                NON_FIELD_ERRORS, "This entry is already reversed.", Code.LEDGER_ALREADY_REVERSED
            )
        line = locked[half.charge_line_id]
        _check_balance(line, half.party, half.payer_id, -half.amount, allows_credit)
        reversal = _entry(
            line,
            kind=K.REVERSAL,
            party=half.party,
            payer_id=half.payer_id,
            amount=-half.amount,
            actor=actor,
            at=now,
            reverses=half,
            claim_id=half.claim_id,
            patient_payment_id=half.patient_payment_id,
            payment_refund_id=half.payment_refund_id,
            allows_credit=allows_credit,
            note=reason[:200],
        )
        reversal.save()
        done.append(reversal)
        _audit(
            actor,
            line,
            f"reversal of {half.get_kind_display()} {format_money(half.amount)}: {reason}",
        )
    return done


@transaction.atomic
def reverse_entry(
    *, actor: Actor, entry: LedgerEntry, reason: str, allows_credit: bool = False
) -> list[LedgerEntry]:
    """Take an entry back with a new linked entry of the opposite amount (for a transfer,
    both halves). A reversal is not reversed again: post the movement anew."""
    require(actor, Permission.POST_LEDGER, "Your role does not post to the ledger.")
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("reason", "Say why the entry is reversed.", Code.REASON_REQUIRED)
    reason = _note(reason)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.kind == K.REVERSAL:
        raise _refuse(
            NON_FIELD_ERRORS,
            "A reversal is not reversed; post the movement again.",
            Code.LEDGER_REVERSAL_OF_REVERSAL,
        )
    if entry.kind == K.PATIENT_REFUND:
        raise _refuse(
            NON_FIELD_ERRORS,
            "A refund's entry follows the money given back; it is not reversed here.",
            Code.LEDGER_KIND_INVALID,
        )
    if (
        entry.kind == K.PATIENT_PAYMENT
        and LedgerEntry.objects.filter(
            patient_payment_id=entry.patient_payment_id, kind=K.PATIENT_REFUND
        ).exists()
    ):
        raise _refuse(
            NON_FIELD_ERRORS,
            "A refund already took part of this payment back from its lines; apply or refund "
            "what is left instead of reversing the application.",
            Code.LEDGER_KIND_INVALID,
        )
    return _reverse(actor, entry, reason, allows_credit)
