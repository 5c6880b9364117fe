"""Insurance deposits: entered by the biller or imported from the bank's CSV, and matched
to the remittances' payments (ST/BPR/TRN).

- ``create_deposit``: one deposit (date, amount, method, reference or check number,
  location, note); matched at once when exactly one payment not yet matched has that
  trace (TRN02) and that amount (BPR02).
- ``import_bank_file``: the bank's CSV (``bank_csv``); a bad row refuses the whole file,
  every bad row named; rows already entered (same date, amount and reference) are skipped.
- ``match_deposit``: by hand, one deposit to one or more payments of one payer (the
  amounts may differ: the reconciliation shows the difference). A payment held for its
  deposit ("hold posting until the deposit is matched") posts then, through the same
  posting as an import.
- ``unmatch_payment``: takes a payment off its deposit, with the reason, audited. A payment
  posted stays posted (its money is on the ledger; the reconciliation shows it without
  deposit).
- ``match_new_payments``: the import's side: each payment just stored is matched to the one
  deposit entered before it with its trace and amount.

Deposits and payments are locked (``select_for_update``) while they are matched, so two
people matching at once (or an import and a person) cannot give a payment two deposits or
post it twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing.bank_csv import EARLIEST, MAXIMUM, parse_bank_csv
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    DepositMethod,
    DepositSource,
    EraPayment,
    EraPaymentStatus,
    InsuranceDeposit,
)
from medoffice.billing.services.era import post_waiting_payment
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Location, practice_zone
from medoffice.core.money import MoneyError, format_money, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission

MAX_FILE = 2 * 1024 * 1024


def _today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def _text(value: Any, name: str, limit: int, errors: dict[str, ValidationError]) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text or not text.isprintable():
        errors[name] = ValidationError(
            "Use printable characters only.", code=Code.DEPOSIT_REFERENCE_INVALID
        )
    elif len(text) > limit:
        errors[name] = ValidationError(
            f"At most {limit} characters.", code=Code.DEPOSIT_REFERENCE_INVALID
        )
    return text


@dataclass
class DepositInput:
    deposit_date: dt.date
    amount: Decimal
    method: str
    reference: str
    check_number: str
    location_id: int | None
    note: str


def clean_deposit(
    *,
    deposit_date: Any,
    amount: Any,
    method: Any,
    reference: Any = "",
    check_number: Any = "",
    location_id: Any = None,
    note: Any = "",
) -> DepositInput:
    """Every field checked at once; ``ValidationError`` naming each field wrong."""
    errors: dict[str, ValidationError] = {}
    day: dt.date | None = None
    if not isinstance(deposit_date, dt.date) or isinstance(deposit_date, dt.datetime):
        errors["deposit_date"] = ValidationError("Enter the date.", code=Code.DEPOSIT_DATE_INVALID)
    elif not EARLIEST <= deposit_date <= _today():
        errors["deposit_date"] = ValidationError(
            "The deposit date is between 2000 and today.", code=Code.DEPOSIT_DATE_INVALID
        )
    else:
        day = deposit_date
    money: Decimal | None = None
    try:
        money = parse_money(amount if amount is not None else "", maximum=MAXIMUM)
    except (MoneyError, TypeError) as exc:
        errors["amount"] = ValidationError(str(exc), code=Code.DEPOSIT_AMOUNT_INVALID)
    if method not in DepositMethod.values:
        errors["method"] = ValidationError(
            "Choose check, EFT or ACH.", code=Code.DEPOSIT_METHOD_INVALID
        )
    ref = _text(reference, "reference", 50, errors)
    check = _text(check_number, "check_number", 30, errors)
    text = _text(note, "note", 300, errors)
    if "note" in errors:
        errors["note"] = ValidationError(errors["note"].messages[0], code=Code.DEPOSIT_NOTE_INVALID)
    if not ref and not check and "reference" not in errors and "check_number" not in errors:
        field_name = "check_number" if method == DepositMethod.CHECK else "reference"
        errors[field_name] = ValidationError(
            "Enter the bank's reference (the EFT trace) or the check number.",
            code=Code.DEPOSIT_REFERENCE_INVALID,
        )
    location: int | None = None
    if location_id not in (None, ""):
        try:
            location = int(location_id)
        except (TypeError, ValueError):
            location = None
        if location is None or not Location.objects.filter(pk=location).exists():
            errors["location"] = ValidationError(
                "Choose one of the practice's locations.", code=Code.DEPOSIT_LOCATION_INVALID
            )
    if errors or day is None or money is None:
        raise ValidationError(errors)
    return DepositInput(day, money, str(method), ref, check, location, text)


def _candidates(deposit: InsuranceDeposit) -> list[EraPayment]:
    traces = {t for t in (deposit.reference, deposit.check_number) if t}
    return list(
        EraPayment.objects.select_for_update()
        .filter(deposit__isnull=True, amount=deposit.amount, trace_number__in=traces)
        .order_by("pk")[:2]
    )


def _attach(
    deposit: InsuranceDeposit, payments: list[EraPayment], *, actor: Actor, how: str
) -> int:
    """Link the (locked) payments to the (locked) deposit and post those held; the number
    posted."""
    now = timezone.now()
    user = actor_user(actor)
    EraPayment.objects.filter(pk__in=[p.pk for p in payments]).update(
        deposit=deposit, matched_at=now, matched_by=user
    )
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=deposit,
        data_category="ledger",
        detail=(
            f"deposit {deposit.pk} ({format_money(deposit.amount)}) matched {how} to "
            + ", ".join(f"payment {p.trace_number} ({format_money(p.amount)})" for p in payments)
        )[:500],
    )
    posted = 0
    for payment in payments:
        if payment.status == EraPaymentStatus.WAITING and post_waiting_payment(
            payment.pk, actor=actor
        ):
            posted += 1
    return posted


def create_deposit(
    *, actor: Actor, source: str = DepositSource.ENTERED, **fields: Any
) -> InsuranceDeposit:
    require(actor, Permission.POST_LEDGER, "Your role does not enter deposits.")
    data = clean_deposit(**fields)
    with transaction.atomic():
        deposit = InsuranceDeposit.objects.create(
            deposit_date=data.deposit_date,
            amount=data.amount,
            method=data.method,
            reference=data.reference,
            check_number=data.check_number,
            location_id=data.location_id,
            note=data.note,
            source=source,
            entered_by=actor_user(actor),
            entered_at=timezone.now(),
        )
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=deposit,
            data_category="ledger",
            detail=f"deposit {data.deposit_date.isoformat()} {format_money(data.amount)} "
            f"{data.reference or data.check_number}",
        )
        found = _candidates(deposit)
        if len(found) == 1:
            _attach(deposit, found, actor=actor, how="automatically (trace and amount)")
    return deposit


@dataclass
class BankImport:
    created: list[InsuranceDeposit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows entered already
    matched: int = 0


def import_bank_file(*, data: bytes, method: str, actor: Actor) -> BankImport:
    """The bank's CSV: all rows or none (``ValidationError`` on ``file`` listing every
    bad row)."""
    require(actor, Permission.POST_LEDGER, "Your role does not enter deposits.")

    def refuse(messages: list[str]) -> ValidationError:
        return ValidationError(
            {"file": [ValidationError(m, code=Code.DEPOSIT_FILE_INVALID) for m in messages]}
        )

    if method not in DepositMethod.values:
        raise ValidationError(
            {
                "method": ValidationError(
                    "Choose check, EFT or ACH.", code=Code.DEPOSIT_METHOD_INVALID
                )
            }
        )
    if len(data) > MAX_FILE:
        raise refuse(["The file is larger than 2 MB: split it."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse([f"The file is not text (UTF-8) at byte {exc.start}."]) from exc
    rows, errors = parse_bank_csv(text, latest=_today())
    if errors:
        raise refuse(errors)
    result = BankImport()
    with transaction.atomic():
        for row in rows:
            if InsuranceDeposit.objects.filter(
                deposit_date=row.deposit_date,
                amount=row.amount,
                reference=row.reference,
                check_number=row.check_number,
            ).exists():
                result.skipped.append(
                    f"Row {row.row}: {row.deposit_date.isoformat()} {format_money(row.amount)} "
                    f"{row.reference or row.check_number} was entered already."
                )
                continue
            deposit = create_deposit(
                actor=actor,
                source=DepositSource.BANK_FILE,
                deposit_date=row.deposit_date,
                amount=row.amount,
                method=row.method or method,
                reference=row.reference,
                check_number=row.check_number,
            )
            result.created.append(deposit)
        result.matched = EraPayment.objects.filter(
            deposit__in=[d.pk for d in result.created]
        ).count()
    return result


def match_deposit(*, deposit_id: int, payment_ids: list[int], actor: Actor) -> int:
    """Match by hand; the number of held payments this posted."""
    require(actor, Permission.POST_LEDGER, "Your role does not match deposits.")
    wanted = sorted({int(p) for p in payment_ids})
    if not wanted:
        raise ValidationError(
            {"payments": ValidationError("Choose a payment.", code=Code.DEPOSIT_PAYMENT_INVALID)}
        )
    with transaction.atomic():
        deposit = InsuranceDeposit.objects.select_for_update().filter(pk=deposit_id).first()
        if deposit is None:
            raise ValidationError(
                {"deposit": ValidationError("No such deposit.", code=Code.DEPOSIT_PAYMENT_INVALID)}
            )
        payments = list(EraPayment.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        if len(payments) != len(wanted):
            raise ValidationError(
                {"payments": ValidationError("No such payment.", code=Code.DEPOSIT_PAYMENT_INVALID)}
            )
        taken = [p for p in payments if p.deposit_id not in (None, deposit.pk)]
        if taken:
            raise ValidationError(
                {
                    "payments": ValidationError(
                        "Payment "
                        + ", ".join(p.trace_number for p in taken)
                        + " is matched to another deposit: unmatch it there first.",
                        code=Code.DEPOSIT_PAYMENT_TAKEN,
                    )
                }
            )
        already = list(EraPayment.objects.filter(deposit=deposit).exclude(pk__in=wanted))
        payers = {p.payer_identifier for p in payments + already}
        if len(payers) > 1:
            raise ValidationError(
                {
                    "payments": ValidationError(
                        "One deposit covers the payments of one payer.",
                        code=Code.DEPOSIT_PAYERS_MIXED,
                    )
                }
            )
        new = [p for p in payments if p.deposit_id is None]
        if not new:
            return 0
        return _attach(deposit, new, actor=actor, how="by hand")


def unmatch_payment(*, payment_id: int, reason: Any, actor: Actor) -> EraPayment:
    require(actor, Permission.POST_LEDGER, "Your role does not match deposits.")
    text = "" if reason is None else str(reason).strip()
    if not text or "\x00" in text or len(text) > 200 or not text.isprintable():
        raise ValidationError(
            {
                "reason": ValidationError(
                    "Say why the payment is not this deposit's (at most 200 characters).",
                    code=Code.DEPOSIT_REASON_REQUIRED,
                )
            }
        )
    with transaction.atomic():
        payment = EraPayment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.deposit_id is None:
            raise ValidationError(
                {
                    "payment": ValidationError(
                        "This payment is not matched to a deposit.", code=Code.DEPOSIT_NOT_MATCHED
                    )
                }
            )
        deposit_id = payment.deposit_id
        EraPayment.objects.filter(pk=payment.pk).update(
            deposit=None, matched_at=None, matched_by=None
        )
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=payment,
            data_category="ledger",
            detail=(
                f"payment {payment.trace_number} ({format_money(payment.amount)}) unmatched "
                f"from deposit {deposit_id}: {text}"
            )[:500],
        )
        payment.refresh_from_db()
    return payment


def match_new_payments(payments: list[EraPayment], *, actor: Actor) -> int:
    """After an import: each new payment matched to the one deposit (with no payment yet)
    of its trace and amount; held ones post. Runs in the import's transaction."""
    matched = 0
    for payment in payments:
        deposits = list(
            InsuranceDeposit.objects.select_for_update(of=("self",))
            .filter(amount=payment.amount, payments__isnull=True)
            .filter(reference=payment.trace_number)
            .order_by("pk")[:2]
        ) or list(
            InsuranceDeposit.objects.select_for_update(of=("self",))
            .filter(amount=payment.amount, payments__isnull=True)
            .filter(check_number=payment.trace_number)
            .order_by("pk")[:2]
        )
        if len(deposits) != 1:
            continue
        locked = EraPayment.objects.select_for_update().get(pk=payment.pk)
        _attach(deposits[0], [locked], actor=actor, how="automatically (trace and amount)")
        matched += 1
    return matched
