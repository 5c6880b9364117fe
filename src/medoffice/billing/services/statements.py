"""Patient statements and collections: the monthly statement run, the small-balance
write-off rule, and the collections flag.

- ``run_statements(as_of=…, actor=…, location_ids=None)``: one statement per guarantor
  whose patient due (visits every payer has adjudicated) is above the minimum
  (``settings.STATEMENT_MINIMUM_DUE``), with the aging by service date, the visits, the
  payments since the last statement, how to pay and the dunning stage's message. A
  guarantor gets one statement a month: running the month again adds only those not
  stated yet. Accounts in collections get none. Delivery: an e-mail through messaging
  when the patient consented to e-mail (and did not revoke it), else the print queue.
- ``write_off_small_balances(as_of=…, actor=…)``: patient dues under
  ``settings.SMALL_BALANCE_THRESHOLD`` whose newest visit is older than
  ``settings.SMALL_BALANCE_DAYS`` are written off (kind small balance), reversible with
  ``ledger.reverse_entry``.
- ``flag_to_collections`` / ``unflag_collections``: audited, with a reason.
- ``statement_pay_url(statement)``: the pay link printed on statements ("" until wired).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing import statement_rules as rules
from medoffice.billing.choices import LedgerKind, LedgerParty
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    ChargeLine,
    CollectionsFlag,
    Encounter,
    LedgerEntry,
    PatientPayment,
    Statement,
    StatementDelivery,
    StatementRun,
)
from medoffice.billing.selectors.ledger import ZERO, cents_sum, visits_waiting_for_payer
from medoffice.billing.services import ledger as ledger_services
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Location, Practice, practice_zone
from medoffice.core.money import CENT, format_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.choices import ConsentKind, Relationship
from medoffice.patients.models import Consent, Patient

K = LedgerKind
PATIENT = LedgerParty.PATIENT
STATEMENT_MESSAGE_KIND = "statement"
REFUSED = "Your role does not run statements or send accounts to collections."
SMALL_BALANCE_NOTE = "Small-balance rule"
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

STAGE_MESSAGES = {
    0: "Here is your statement. Please pay the amount due by {due_by}, or call us with "
    "any question about it.",
    1: "A friendly reminder: this balance was first billed on {since}. If you have paid "
    "already, thank you. Otherwise please pay the amount due by {due_by}.",
    2: "Reminder: this balance was first billed on {since} and is still open. Please pay "
    "now, or call us to agree a way to pay it.",
    3: "Final notice: this balance was first billed on {since}. Unless we receive payment "
    "or hear from you by {due_by}, the account may be sent to a collection agency.",
}


def statement_pay_url(statement: Statement) -> str:
    """The signed pay link printed on the statement and its e-mail: it opens the statement's
    patient's balance without an account (``billing.paylinks``); made again at each print,
    so a statement reprinted later carries a link that has not expired."""
    from medoffice.billing.paylinks import pay_url

    return pay_url(patient_id=statement.patient_id, statement_id=statement.pk)


def minimum_due() -> Decimal:
    return Decimal(str(getattr(settings, "STATEMENT_MINIMUM_DUE", "5.00")))


def small_balance_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "SMALL_BALANCE_THRESHOLD", "2.00")))


def small_balance_days() -> int:
    return int(getattr(settings, "SMALL_BALANCE_DAYS", 90))


def _refuse(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def _today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def practice_today() -> dt.date:
    """Today in the practice's time zone (a run's date when none is given)."""
    return _today()


def clean_as_of(value: Any, field_name: str = "as_of") -> dt.date:
    """A statement date: a real date between 2000 and 2100, not in the future."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _refuse(
                field_name, "Give the date as YYYY-MM-DD.", Code.STATEMENT_DATE_INVALID
            ) from None
    if not isinstance(value, dt.date):
        raise _refuse(field_name, "Give the date as YYYY-MM-DD.", Code.STATEMENT_DATE_INVALID)
    if not MIN_DATE <= value <= MAX_DATE:
        raise _refuse(
            field_name,
            f"The date must be between {MIN_DATE:%Y} and {MAX_DATE:%Y}.",
            Code.STATEMENT_DATE_INVALID,
        )
    if value > _today():
        raise _refuse(field_name, "The date cannot be in the future.", Code.STATEMENT_DATE_INVALID)
    return value


def clean_reason(value: Any, field_name: str = "reason") -> str:
    text = str(value or "").strip()
    if not text:
        raise _refuse(field_name, "Say why.", Code.REASON_REQUIRED)
    if len(text) > 200 or any(ord(c) < 32 for c in text):
        raise _refuse(
            field_name, "The reason can be at most 200 characters on one line.", Code.TEXT_TOO_LONG
        )
    return text


# --- guarantors ---------------------------------------------------------------------------


def guarantor_key_of(patient: Patient) -> str:
    return rules.guarantor_key(
        patient.pk,
        patient.guarantor_relationship == Relationship.SELF,
        patient.guarantor_first_name,
        patient.guarantor_last_name,
        patient.guarantor_date_of_birth,
        patient.guarantor_address,
    )


def guarantor_name_of(patient: Patient) -> str:
    if guarantor_key_of(patient).startswith("p"):
        return f"{patient.first_name} {patient.last_name}"
    return f"{patient.guarantor_first_name} {patient.guarantor_last_name}".strip()


def guarantor_address_of(patient: Patient) -> str:
    if not guarantor_key_of(patient).startswith("p") and patient.guarantor_address:
        return patient.guarantor_address
    city = f"{patient.city}, {patient.state} {patient.postal_code}".strip(" ,")
    return ", ".join(p for p in (patient.address_line1, patient.address_line2, city) if p)


def active_collections_keys(keys: list[str] | None = None) -> set[str]:
    flags = CollectionsFlag.objects.filter(reversed_at__isnull=True)
    if keys is not None:
        flags = flags.filter(guarantor_key__in=keys)
    return set(flags.values_list("guarantor_key", flat=True))


def patients_in_collections(patient_ids: set[int]) -> set[int]:
    """Those of ``patient_ids`` whose guarantor's account is in collections (balance
    reminders leave them out: the agency has the account)."""
    flagged = active_collections_keys()
    if not flagged or not patient_ids:
        return set()
    return {
        patient.pk
        for patient in Patient.objects.filter(pk__in=patient_ids).only(
            "guarantor_relationship",
            "guarantor_first_name",
            "guarantor_last_name",
            "guarantor_date_of_birth",
            "guarantor_address",
        )
        if guarantor_key_of(patient) in flagged
    }


# --- what is due ----------------------------------------------------------------------------


@dataclass
class GuarantorDue:
    key: str
    patients: list[Patient] = field(default_factory=list)
    visits: dict[int, Decimal] = field(default_factory=dict)  # encounter id → patient due
    locations: dict[int, int] = field(default_factory=dict)  # encounter id → its location

    @property
    def location_id(self) -> int:
        """The location of the newest visit stated (the statement's, for the scope)."""
        return self.locations[max(self.locations)]

    @property
    def total(self) -> Decimal:
        return sum(self.visits.values(), ZERO)


def patients_of_guarantor(patient: Patient) -> list[int]:
    """The patients billed with ``patient`` (the same guarantor), ``patient`` included."""
    key = guarantor_key_of(patient)
    if key.startswith("p"):
        return [patient.pk]
    alike = Patient.objects.filter(
        guarantor_last_name__iexact=patient.guarantor_last_name.strip(),
        guarantor_first_name__iexact=patient.guarantor_first_name.strip(),
    )
    return sorted({patient.pk} | {p.pk for p in alike if guarantor_key_of(p) == key})


def dues_by_guarantor(
    actor: Actor, location_ids: list[int] | None = None, patient_ids: list[int] | None = None
) -> dict[str, GuarantorDue]:
    """Every guarantor with a patient due: the visits every payer has adjudicated, with
    the patient's balance on each (visits the actor may see, in ``location_ids``)."""
    entries = LedgerEntry.objects.restrict(actor, "view").filter(party=PATIENT)
    if location_ids is not None:
        entries = entries.filter(location_id__in=location_ids)
    if patient_ids is not None:
        entries = entries.filter(patient_id__in=patient_ids)
    rows = (
        entries.order_by()
        .values("patient_id", "charge_line__encounter_id", "location_id")
        .annotate(total=cents_sum("amount"))
    )
    by_visit: dict[tuple[int, int], Decimal] = {}
    visit_location: dict[int, int] = {}
    for r in rows:
        pair = (r["patient_id"], r["charge_line__encounter_id"])
        by_visit[pair] = by_visit.get(pair, ZERO) + r["total"]
        visit_location[r["charge_line__encounter_id"]] = r["location_id"]
    waiting = visits_waiting_for_payer({v for _p, v in by_visit})
    owing = {p for (p, v), t in by_visit.items() if v not in waiting and t}
    patients = Patient.objects.in_bulk(owing)
    found: dict[str, GuarantorDue] = {}
    for (patient_id, visit_id), total in sorted(by_visit.items()):
        if visit_id in waiting or not total or patient_id not in patients:
            continue
        patient = patients[patient_id]
        key = guarantor_key_of(patient)
        due = found.setdefault(key, GuarantorDue(key))
        if patient not in due.patients:
            due.patients.append(patient)
        due.visits[visit_id] = total
        due.locations[visit_id] = visit_location[visit_id]
    return found


# --- the statement's content ----------------------------------------------------------------


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _visit_details(visit_dues: dict[int, Decimal], as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each visit's line on the statement, by visit id (three queries for all of them)."""
    visits = (
        Encounter.objects.filter(pk__in=list(visit_dues))
        .select_related("rendering_provider", "patient")
        .order_by("date_of_service", "pk")
    )
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for visit_id, kind, rev_kind, party, amount in LedgerEntry.objects.filter(
        charge_line__encounter_id__in=list(visit_dues)
    ).values_list("charge_line__encounter_id", "kind", "reverses__kind", "party", "amount"):
        effective = rev_kind if kind == K.REVERSAL else kind
        if effective == K.CHARGE:
            sums[visit_id]["charges"] += amount
        elif effective == K.INSURANCE_PAYMENT:
            sums[visit_id]["insurance_paid"] -= amount
        elif party == LedgerParty.INSURANCE and effective in ledger_services.WRITE_OFF_KINDS:
            sums[visit_id]["insurance_adjusted"] -= amount
        elif effective == K.PATIENT_PAYMENT or effective == K.PATIENT_REFUND:
            sums[visit_id]["patient_paid"] -= amount
        elif party == PATIENT and effective in ledger_services.WRITE_OFF_KINDS:
            sums[visit_id]["patient_adjusted"] -= amount
    codes: dict[int, list[str]] = defaultdict(list)
    for visit_id, code, modifiers in (
        ChargeLine.objects.filter(encounter_id__in=list(visit_dues))
        .order_by("encounter_id", "line_number")
        .values_list("encounter_id", "procedure_code", "modifiers")
    ):
        codes[visit_id].append(f"{code}-{modifiers}" if modifiers else code)
    details = {}
    for visit in visits:
        s = sums[visit.pk]
        details[visit.pk] = {
            "date": visit.date_of_service.isoformat(),
            "patient": f"{visit.patient.first_name} {visit.patient.last_name}",
            "provider": str(visit.rendering_provider),
            "codes": ", ".join(codes[visit.pk]),
            "charges": _money(s["charges"]),
            "insurance_paid": _money(s["insurance_paid"]),
            "insurance_adjusted": _money(s["insurance_adjusted"]),
            "patient_paid": _money(s["patient_paid"]),
            "patient_adjusted": _money(s["patient_adjusted"]),
            "patient_due": _money(visit_dues[visit.pk]),
            "aging": rules.aging_bucket(visit.date_of_service, as_of),
        }
    return details


def _how_to_pay(location: Location) -> dict[str, str]:
    practice = Practice.current()
    return {
        "practice": str(practice) if practice else "MedOffice",
        "phone": location.phone or (practice.phone if practice else ""),
        "mail_to": (f"{practice}, {practice.address_text}" if practice else location.name),
    }


def _payments_by_patient(
    patient_ids: list[int], since: dt.date, as_of: dt.date
) -> dict[int, list[tuple[dt.date, dict[str, str]]]]:
    """The desk payments of these patients received from ``since`` to ``as_of`` (one
    query), by patient: (the day received, the statement's row)."""
    zone = practice_zone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    found: dict[int, list[tuple[dt.date, dict[str, str]]]] = defaultdict(list)
    for p in PatientPayment.objects.filter(
        patient_id__in=patient_ids,
        voided_at__isnull=True,
        received_at__gte=start,
        received_at__lt=end,
    ).order_by("received_at", "pk"):
        day = p.received_at.astimezone(zone).date()
        found[p.patient_id].append(
            (
                day,
                {
                    "date": day.isoformat(),
                    "receipt": p.receipt_number,
                    "method": p.get_method_display(),
                    "amount": _money(p.amount),
                },
            )
        )
    return found


def _email_address(patient: Patient, consents: list[Consent]) -> tuple[str, str]:
    """``(address, "")`` when the patient consented to e-mail and did not revoke it."""
    if not patient.email:
        return "", "no e-mail address on file"
    latest = max(consents, key=lambda c: (c.given_on, c.pk), default=None)
    if latest is None:
        return "", "no consent to e-mail on file"
    if latest.revoked_on is not None:
        return "", "the patient revoked their e-mail consent"
    return patient.email, ""


def _email_text(statement: Statement, how: dict[str, str]) -> tuple[str, str]:
    content = statement.content
    subject = f"Your statement from {how['practice']}: {format_money(statement.amount_due)} due"
    url = statement_pay_url(statement)
    lines = [
        f"Dear {statement.guarantor_name},",
        "",
        content["message"],
        "",
        f"Amount due: {format_money(statement.amount_due)} (statement {statement.number}, "
        f"{statement.as_of:%B %-d, %Y}).",
        "",
        f"To pay: call {how['phone']}" + (f", or pay online at {url}" if url else "") + ",",
        f"or mail a check to {how['mail_to']}.",
    ]
    return subject[:120], "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------


@dataclass
class StatementPreview:
    guarantors: int
    total_due: Decimal
    below_minimum: int
    in_collections: int
    already_stated: int


def _scope(location_ids: list[int] | None) -> str:
    return ",".join(str(i) for i in sorted(set(location_ids))) if location_ids else ""


def _clean_locations(location_ids: Any) -> list[int] | None:
    if location_ids in (None, "", []):
        return None
    try:
        ids = sorted({int(i) for i in location_ids})
    except (TypeError, ValueError):
        raise _refuse(
            "location_ids", "Locations are given by their ids.", Code.STATEMENT_LOCATION_INVALID
        ) from None
    if len(ids) != Location.objects.filter(pk__in=ids).count():
        raise _refuse(
            "location_ids", "A location given does not exist.", Code.STATEMENT_LOCATION_INVALID
        )
    return ids


def _candidates(
    actor: Actor, as_of: dt.date, location_ids: list[int] | None
) -> tuple[list[GuarantorDue], StatementPreview]:
    minimum = minimum_due()
    dues = dues_by_guarantor(actor, location_ids)
    keys = list(dues)
    flagged = active_collections_keys(keys)
    stated = set(
        Statement.objects.filter(period=rules.month_of(as_of), guarantor_key__in=keys).values_list(
            "guarantor_key", flat=True
        )
    )
    chosen, below = [], 0
    for key, due in dues.items():
        if due.total <= 0:
            continue
        if due.total <= minimum:
            below += 1
            continue
        if key in flagged or key in stated:
            continue
        chosen.append(due)
    preview = StatementPreview(
        guarantors=len(chosen),
        total_due=sum((d.total for d in chosen), ZERO),
        below_minimum=below,
        in_collections=len(flagged),
        already_stated=len(stated),
    )
    return chosen, preview


def preview_statements(*, as_of: Any, actor: Actor, location_ids: Any = None) -> StatementPreview:
    """What a run would do: how many statements, for how much (nothing is written)."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    as_of = clean_as_of(as_of)
    _chosen, preview = _candidates(actor, as_of, _clean_locations(location_ids))
    return preview


@transaction.atomic
def run_statements(*, as_of: Any, actor: Actor, location_ids: Any = None) -> StatementRun:
    """Statements for the month of ``as_of``: one per guarantor due more than the minimum,
    not in collections and not stated this month yet (see the module's notes)."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    as_of = clean_as_of(as_of)
    location_ids = _clean_locations(location_ids)
    period = rules.month_of(as_of)
    now = timezone.now()
    run, _created = StatementRun.objects.get_or_create(
        period=period,
        scope=_scope(location_ids),
        defaults={
            "as_of": as_of,
            "started_at": now,
            "run_by": actor_user(actor),
            "minimum_due": minimum_due(),
        },
    )
    run = StatementRun.objects.select_for_update().get(pk=run.pk)
    chosen, _preview = _candidates(actor, as_of, location_ids)
    if not chosen:
        return run
    keys = [d.key for d in chosen]
    previous: dict[str, Statement] = {}
    for s in Statement.objects.filter(guarantor_key__in=keys, as_of__lt=as_of).order_by(
        "as_of", "pk"
    ):
        previous[s.guarantor_key] = s
    all_ids = [p.pk for d in chosen for p in d.patients]
    consents: dict[int, list[Consent]] = defaultdict(list)
    for consent in Consent.objects.filter(patient_id__in=all_ids, kind=ConsentKind.EMAIL):
        consents[consent.patient_id].append(consent)
    locations = Location.objects.in_bulk({d.location_id for d in chosen})
    all_details = _visit_details({v: t for d in chosen for v, t in d.visits.items()}, as_of)
    visit_order = {v: detail["date"] for v, detail in all_details.items()}
    earliest = min(
        (
            previous[d.key].as_of + dt.timedelta(days=1)
            if d.key in previous
            else as_of - dt.timedelta(days=30)
        )
        for d in chosen
    )
    all_payments = _payments_by_patient(all_ids, earliest, as_of)
    how_by_location: dict[int, dict[str, str]] = {}
    made: list[tuple[Statement, list[Patient], dict[str, str]]] = []
    for due in chosen:
        patient = min(due.patients, key=lambda p: p.pk)
        ids = [p.pk for p in due.patients]
        before = previous.get(due.key)
        since_date = (
            before.as_of + dt.timedelta(days=1) if before else as_of - dt.timedelta(days=30)
        )
        payments = [
            row for pid in ids for day, row in all_payments.get(pid, []) if day >= since_date
        ]
        payments.sort(key=lambda row: (row["date"], row["receipt"]))
        paid = sum((Decimal(p["amount"]) for p in payments), ZERO)
        since = rules.balance_since(
            as_of,
            before.as_of if before else None,
            before.balance_since if before else None,
            before.amount_due if before else None,
            paid,
        )
        stage = rules.dunning_stage(since, as_of)
        details = [all_details[v] for v in sorted(due.visits, key=lambda v: (visit_order[v], v))]
        aging = rules.aging(
            ((dt.date.fromisoformat(v["date"]), Decimal(v["patient_due"])) for v in details), as_of
        )
        location_id = due.location_id
        location = locations[location_id]
        if location_id not in how_by_location:
            how_by_location[location_id] = _how_to_pay(location)
        how = how_by_location[location_id]
        due_by = as_of + dt.timedelta(days=30)
        address, why_not = "", ""
        for p in sorted(due.patients, key=lambda p: p.pk):
            address, why_not = _email_address(p, consents[p.pk])
            if address:
                patient = p
                break
        content = {
            "visits": details,
            "payments": payments,
            "payments_since": since_date.isoformat(),
            "aging": {k: _money(v) for k, v in aging.items()},
            "how_to_pay": how,
            "due_by": due_by.isoformat(),
            "message": STAGE_MESSAGES[stage].format(
                due_by=f"{due_by:%B %-d, %Y}", since=f"{since:%B %-d, %Y}"
            ),
        }
        statement = Statement(
            run=run,
            period=period,
            guarantor_key=due.key,
            guarantor_name=guarantor_name_of(patient)[:170],
            guarantor_address=guarantor_address_of(patient)[:300],
            patient=patient,
            location_id=location_id,
            as_of=as_of,
            amount_due=due.total,
            aging_0_30=aging["0_30"],
            aging_31_60=aging["31_60"],
            aging_61_90=aging["61_90"],
            aging_91_120=aging["91_120"],
            aging_over_120=aging["over_120"],
            stage=stage,
            balance_since=since,
            delivery=StatementDelivery.EMAIL if address else StatementDelivery.PRINT,
            delivery_note="" if address else why_not,
            email_to=address,
            content=content,
            created_at=now,
            created_by=actor_user(actor),
        )
        made.append((statement, due.patients, how))
    try:
        with transaction.atomic():
            Statement.objects.bulk_create([m[0] for m in made])
    except IntegrityError:
        raise _refuse(
            NON_FIELD_ERRORS,
            "Another statement run for this month is under way; try again in a minute.",
            Code.STATEMENT_RUN_BUSY,
        ) from None
    saved = list(Statement.objects.filter(run=run, guarantor_key__in=keys).order_by("pk"))
    by_key = {s.guarantor_key: s for s in saved}
    through = Statement.patients.through
    through.objects.bulk_create(
        [
            through(statement_id=by_key[s.guarantor_key].pk, patient_id=p.pk)
            for s, patients, _how in made
            for p in patients
        ]
    )
    _queue_emails([(by_key[s.guarantor_key], how) for s, _p, how in made], now)
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=run,
        patient_ids=[s.patient_id for s in saved],
        data_category="statements",
        detail=f"{len(saved)} statements for {period:%Y-%m}",
    )
    if any(s.delivery == StatementDelivery.PRINT for s in saved):
        transaction.on_commit(lambda: _store_print_file(run), robust=True)
    return run


def _store_print_file(run: StatementRun) -> None:
    """The run's print file laid out once the run is saved (the biller who opens it then
    reads it instead of waiting for the mailing's layout)."""
    from medoffice.billing.statement_pdf import store_print_file

    store_print_file(run)


def _queue_emails(statements: list[tuple[Statement, dict[str, str]]], now: dt.datetime) -> None:
    from medoffice.messaging.models import Message, MessageChannel

    messages = []
    emailed = [(s, how) for s, how in statements if s.delivery == StatementDelivery.EMAIL]
    for statement, how in emailed:
        subject, body = _email_text(statement, how)
        messages.append(
            Message(
                kind=STATEMENT_MESSAGE_KIND,
                patient_id=statement.patient_id,
                channel=MessageChannel.EMAIL,
                to=statement.email_to,
                subject=subject,
                body=body,
                scheduled_for=now,
            )
        )
    if not messages:
        return
    Message.objects.bulk_create(messages)
    created = Message.objects.filter(
        kind=STATEMENT_MESSAGE_KIND,
        scheduled_for=now,
        patient_id__in=[s.patient_id for s, _ in emailed],
    ).order_by("pk")
    by_patient = {m.patient_id: m.pk for m in created}
    for statement, _how in emailed:
        statement.message_id = by_patient.get(statement.patient_id)
    Statement.objects.bulk_update([s for s, _ in emailed], ["message"])


# --- small balances ---------------------------------------------------------------------------


@transaction.atomic
def write_off_small_balances(
    *,
    as_of: Any,
    actor: Actor,
    threshold: Any = None,
    days: Any = None,
    location_ids: Any = None,
) -> list[LedgerEntry]:
    """Write off each guarantor's patient due when under the threshold and its newest visit
    is more than ``days`` old: one small-balance write-off per line with a balance."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    as_of = clean_as_of(as_of)
    try:
        limit = small_balance_threshold() if threshold in (None, "") else Decimal(str(threshold))
        if not limit.is_finite() or not ZERO < limit <= Decimal("100"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise _refuse(
            "threshold",
            "The threshold is an amount above $0 and at most $100.",
            Code.STATEMENT_AMOUNT_INVALID,
        ) from None
    try:
        age = small_balance_days() if days in (None, "") else int(days)
        if not 0 <= age <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        raise _refuse(
            "days", "The age is a whole number of days up to 3650.", Code.STATEMENT_AMOUNT_INVALID
        ) from None
    dues = dues_by_guarantor(actor, _clean_locations(location_ids))
    cutoff = as_of - dt.timedelta(days=age)
    visit_dates = dict(
        Encounter.objects.filter(pk__in=[v for d in dues.values() for v in d.visits]).values_list(
            "pk", "date_of_service"
        )
    )
    entries: list[LedgerEntry] = []
    note = f"{SMALL_BALANCE_NOTE}: under {format_money(limit)}, over {age} days"
    for due in dues.values():
        if not ZERO < due.total < limit:
            continue
        if max(visit_dates[v] for v in due.visits) > cutoff:
            continue
        lines = (
            LedgerEntry.objects.filter(
                party=PATIENT, charge_line__encounter_id__in=list(due.visits)
            )
            .order_by()
            .values("charge_line_id")
            .annotate(total=cents_sum("amount"))
            .filter(total__gt=0)
        )
        for row in lines:
            line = ChargeLine.with_removed.get(pk=row["charge_line_id"])
            entries.append(
                ledger_services.write_off(
                    actor=actor,
                    line=line,
                    kind=K.SMALL_BALANCE,
                    amount=row["total"],
                    party=PATIENT,
                    note=note,
                    effective_date=as_of,
                )
            )
    return entries


def small_balance_write_offs(actor: Actor) -> Any:
    """The small-balance write-offs the actor may see, newest first, with their reversal."""
    return (
        LedgerEntry.objects.restrict(actor, "view")
        .filter(kind=K.SMALL_BALANCE)
        .select_related("patient", "charge_line__encounter", "reversal")
        .order_by("-posted_at", "-pk")
    )


# --- collections ------------------------------------------------------------------------------


@transaction.atomic
def flag_to_collections(*, patient: Patient, reason: Any, actor: Actor) -> CollectionsFlag:
    """Send the patient's guarantor account to collections: its statements stop."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    reason = clean_reason(reason)
    key = guarantor_key_of(patient)
    if CollectionsFlag.objects.filter(guarantor_key=key, reversed_at__isnull=True).exists():
        raise _refuse(
            NON_FIELD_ERRORS, "This account is in collections already.", Code.COLLECTIONS_ALREADY
        )
    due = dues_by_guarantor(actor, patient_ids=patients_of_guarantor(patient)).get(key)
    location_id = patient.home_location_id or (
        LedgerEntry.objects.filter(patient=patient).values_list("location_id", flat=True).first()
    )
    if location_id is None:
        raise _refuse(
            NON_FIELD_ERRORS,
            "The patient has no location and no visit.",
            Code.COLLECTIONS_NO_BALANCE,
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            flag = CollectionsFlag.objects.create(
                guarantor_key=key,
                patient=patient,
                location_id=location_id,
                reason=reason,
                flagged_on=now.astimezone(practice_zone()).date(),
                flagged_at=now,
                flagged_by=actor_user(actor),
                balance_at_flag=due.total if due else ZERO,
            )
    except IntegrityError:
        raise _refuse(
            NON_FIELD_ERRORS, "This account is in collections already.", Code.COLLECTIONS_ALREADY
        ) from None
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=flag,
        patient_id=patient.pk,
        data_category="collections",
        detail=f"account sent to collections: {reason}"[:500],
    )
    return flag


@transaction.atomic
def unflag_collections(*, flag: CollectionsFlag, reason: Any, actor: Actor) -> CollectionsFlag:
    """Take the account back from collections (statements resume next run)."""
    require(actor, Permission.POST_LEDGER, REFUSED)
    reason = clean_reason(reason)
    flag = CollectionsFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.reversed_at is not None:
        raise _refuse(
            NON_FIELD_ERRORS,
            "This account is not in collections any more.",
            Code.COLLECTIONS_NOT_FLAGGED,
        )
    flag.reversed_at = timezone.now()
    flag.reversed_by = actor_user(actor)
    flag.reversal_reason = reason
    flag.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=flag,
        patient_id=flag.patient_id,
        data_category="collections",
        detail=f"account taken back from collections: {reason}"[:500],
    )
    return flag


__all__ = [
    "StatementPreview",
    "active_collections_keys",
    "clean_as_of",
    "dues_by_guarantor",
    "flag_to_collections",
    "guarantor_key_of",
    "preview_statements",
    "run_statements",
    "small_balance_write_offs",
    "statement_pay_url",
    "unflag_collections",
    "write_off_small_balances",
]
