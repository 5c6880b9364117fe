"""Eligibility: queue a check (270) for each booked visit's coverage, write the day's
inquiries to the clearinghouses, read the payers' answers (271) back.

``queue_checks`` finds the visits booked from today to ``ELIGIBILITY_DAYS_AHEAD`` days on
whose patient has a coverage in effect on the date of service and no check yet for that
coverage and date, and queues one (a trace number from ``ControlNumber``). The hourly
task runs it, so a visit booked at short notice, inside the window, is checked within the
hour. ``write_batch`` writes one 270 per clearinghouse with every queued check of its
payers, delivers it through the clearinghouse's transport (``billing/transport.py``) and
marks the checks sent. ``import_271`` reads a 271, matches each answer to its check (the
TRN trace first, then the member ID, the name and the date), stores the answer and returns
the report the command, the page and the API show; a file that cannot be read changes
nothing and the report names the segment and element.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing.choices import EligibilityStatus as Status
from medoffice.billing.claimdata import patient_person, subscriber_person
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Clearinghouse, ControlNumber, EligibilityCheck, PayerProfile
from medoffice.billing.transport import TransportError, transport_for
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditOutcome, Practice, practice_zone
from medoffice.core.money import format_money
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.patients.choices import Relationship
from medoffice.patients.models import Coverage
from medoffice.scheduling.choices import AppointmentStatus
from medoffice.scheduling.models import Appointment
from medoffice.x12 import eligibility as x12
from medoffice.x12.claims import Payer, Provider, Subscriber
from medoffice.x12.errors import WriteError, X12Error
from medoffice.x12.writer import InterchangeHeader, digits

BOOKED = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED, AppointmentStatus.ARRIVED)
OPEN = (Status.QUEUED, Status.SENT)
ANSWERED = (Status.ACTIVE, Status.INACTIVE, Status.REJECTED)
# A check sent this long ago without an answer goes to the worklist.
NO_ANSWER_AFTER = dt.timedelta(days=1)
# ControlNumber kinds: the 270's trace numbers and transaction sets, and the interchange
# and group numbers every outgoing X12 file of the practice shares.
TRACE = "270TRN"
TRANSACTION = "270ST02"
INTERCHANGE = "ISA13"
GROUP = "GS06"
MAX_REASON = 200
DENIED = "Your role does not check insurance eligibility."


def days_ahead() -> int:
    return int(settings.ELIGIBILITY_DAYS_AHEAD)


def take_numbers(kind: str, count: int = 1) -> list[int]:
    """The next ``count`` numbers of ``kind``, the counter's row locked until the commit."""
    if count < 1:
        return []
    with transaction.atomic():
        try:
            with transaction.atomic():
                ControlNumber.objects.get_or_create(kind=kind)
        except IntegrityError:  # created by someone else at the same moment
            pass
        counter = ControlNumber.objects.select_for_update().get(kind=kind)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return list(range(first, first + count))


def _trace(number: int) -> str:
    return f"{number:09d}"


# --- queueing ---------------------------------------------------------------------------


@transaction.atomic
def queue_checks(
    *, actor: Actor, now: dt.datetime | None = None, days: int | None = None
) -> list[EligibilityCheck]:
    """Queue a check for each booked visit from today to ``days`` days ahead whose
    patient's coverage in effect that day has no check for that date yet."""
    require(actor, Permission.CHECK_ELIGIBILITY, DENIED)
    now = now or timezone.now()
    zone = practice_zone()
    today = now.astimezone(zone).date()
    last = today + dt.timedelta(days=days_ahead() if days is None else days)
    # The trace counter's lock serialises queue runs: two at once never queue one
    # coverage and date twice.
    ControlNumber.objects.get_or_create(kind=TRACE)
    ControlNumber.objects.select_for_update().get(kind=TRACE)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    visits = list(
        Appointment.objects.filter(start__gte=start, start__lt=end, status__in=BOOKED)
        .order_by("start", "pk")
        .only("pk", "patient_id", "location_id", "start")
    )
    if not visits:
        return []
    coverages: dict[int, list[Coverage]] = {}
    for coverage in Coverage.objects.filter(
        patient_id__in={v.patient_id for v in visits}, is_active=True
    ).order_by("order", "pk"):
        coverages.setdefault(coverage.patient_id, []).append(coverage)
    dates = {v.start.astimezone(zone).date() for v in visits}
    taken = set(
        EligibilityCheck.objects.filter(
            coverage_id__in=[c.pk for cs in coverages.values() for c in cs], service_date__in=dates
        ).values_list("coverage_id", "service_date")
    )
    new: list[EligibilityCheck] = []
    for visit in visits:
        day = visit.start.astimezone(zone).date()
        for coverage in coverages.get(visit.patient_id, []):
            if not coverage.covers(day) or (coverage.pk, day) in taken:
                continue
            taken.add((coverage.pk, day))
            new.append(
                EligibilityCheck(
                    coverage=coverage,
                    appointment_id=visit.pk,
                    location_id=visit.location_id,
                    service_date=day,
                    status=Status.QUEUED,
                    requested_at=now,
                )
            )
    for check, number in zip(new, take_numbers(TRACE, len(new)), strict=True):
        check.trace_number = _trace(number)
    EligibilityCheck.objects.bulk_create(new)
    if new:
        record_event(
            AuditAction.CREATE,
            user=actor,
            object_type="billing.eligibilitycheck",
            patient_ids=[c.coverage.patient_id for c in new],
            data_category="eligibility",
            detail=f"{len(new)} eligibility checks queued up to {last.isoformat()}",
        )
    return new


@transaction.atomic
def check_again(
    *, actor: Actor, check: EligibilityCheck, now: dt.datetime | None = None
) -> EligibilityCheck:
    """Queue a new inquiry for the coverage and date of ``check`` (the old one is kept)."""
    require(actor, Permission.CHECK_ELIGIBILITY, DENIED)
    now = now or timezone.now()
    coverage = check.coverage
    if not coverage.is_active:
        raise ValidationError(
            "This coverage is no longer on file as active; update the patient's insurance first.",
            code=Code.ELIGIBILITY_COVERAGE_INACTIVE,
        )
    if EligibilityCheck.objects.filter(
        coverage=coverage, service_date=check.service_date, status__in=OPEN, pk__gt=check.pk
    ).exists():
        raise ValidationError(
            "A new check for this coverage and date is already waiting to be sent or answered.",
            code=Code.ELIGIBILITY_ALREADY_QUEUED,
        )
    (number,) = take_numbers(TRACE)
    again = EligibilityCheck.objects.create(
        coverage=coverage,
        appointment_id=check.appointment_id,
        location_id=check.location_id,
        service_date=check.service_date,
        trace_number=_trace(number),
        status=Status.QUEUED,
        requested_at=now,
    )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=again,
        patient_id=coverage.patient_id,
        data_category="eligibility",
        detail=f"check again of {check.trace_number} as {again.trace_number}",
    )
    return again


# --- the 270 batch -----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchFile:
    clearinghouse: str
    file_name: str
    checks: int
    note: str  # where the transport put it, or why it could not


@dataclass
class BatchResult:
    files: list[BatchFile] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (trace, reason)
    undelivered: list[BatchFile] = field(default_factory=list)


def _inquiry(check: EligibilityCheck, receiver: Provider) -> x12.Inquiry:
    """The subscriber asked about; a dependent patient in their own loop under them."""
    coverage = check.coverage
    patient = coverage.patient
    dependent = coverage.relationship != Relationship.SELF
    return x12.Inquiry(
        trace=check.trace_number,
        payer=Payer(name=coverage.payer.name, payer_id=coverage.payer.payer_id),
        provider=receiver,
        subscriber=Subscriber(
            member_id=coverage.member_id, person=subscriber_person(coverage, patient)
        ),
        service_date=check.service_date,
        dependent=patient_person(patient) if dependent else None,
        relationship=coverage.relationship,
    )


def _header(clearinghouse: Clearinghouse, icn: int, gcn: int, at: dt.datetime) -> InterchangeHeader:
    return InterchangeHeader(
        sender_id=clearinghouse.submitter_id,
        receiver_id=clearinghouse.receiver_id,
        sender_qualifier=clearinghouse.submitter_qualifier,
        receiver_qualifier=clearinghouse.receiver_qualifier,
        interchange_control_number=icn,
        group_control_number=gcn,
        created=at,
        usage="P" if clearinghouse.production else "T",
    )


def _fail(checks: Iterable[EligibilityCheck], reason: str, now: dt.datetime) -> None:
    for check in checks:
        check.status = Status.FAILED
        check.rejection_reason = reason[:MAX_REASON]
        check.answered_at = now
        check.save(update_fields=["status", "rejection_reason", "answered_at"])


@transaction.atomic
def write_batch(*, actor: Actor, now: dt.datetime | None = None) -> BatchResult:
    """Write the queued checks into one 270 per clearinghouse and deliver each file.

    A check that cannot be sent electronically (no clearinghouse for its payer, no member
    ID) is marked failed with the reason; a file the transport refuses leaves its checks
    queued for the next run, with the reason in the result.
    """
    require(actor, Permission.CHECK_ELIGIBILITY, DENIED)
    now = now or timezone.now()
    result = BatchResult()
    queued = list(
        EligibilityCheck.objects.select_for_update(of=("self",))
        .filter(status=Status.QUEUED)
        .select_related("coverage__payer", "coverage__patient")
        .order_by("pk")
    )
    if not queued:
        return result
    practice = Practice.current()
    if practice is None:
        raise ValidationError(
            "Set up the practice before sending eligibility inquiries.",
            code=Code.ELIGIBILITY_NO_PRACTICE,
        )
    receiver = Provider(last_name=practice.legal_name, npi=practice.group_npi, is_person=False)
    originator = "1" + digits(practice.tax_id)
    profiles = {
        p.payer_id: p
        for p in PayerProfile.objects.filter(
            payer_id__in={c.coverage.payer_id for c in queued}
        ).select_related("clearinghouse")
    }
    by_house: dict[int, tuple[Clearinghouse, list[tuple[EligibilityCheck, x12.Inquiry]]]] = {}
    probe = _header(Clearinghouse(submitter_id="X", receiver_id="X"), 1, 1, now)
    for check in queued:
        profile = profiles.get(check.coverage.payer_id)
        house = profile.clearinghouse if profile else None
        if house is None or not house.is_active:
            reason = f"{check.coverage.payer.name} has no clearinghouse for electronic inquiries."
            _fail([check], reason, now)
            result.failed.append((check.trace_number, reason))
            continue
        inquiry = _inquiry(check, receiver)
        try:  # one inquiry alone: a value that cannot be written fails only its check
            x12.write_270([inquiry], x12.Envelope270(probe, 1, originator))
        except WriteError as exc:
            _fail([check], f"Cannot be sent: {exc.message}", now)
            result.failed.append((check.trace_number, exc.message))
            continue
        by_house.setdefault(house.pk, (house, []))[1].append((check, inquiry))
    local = now.astimezone(practice_zone())
    for house, items in by_house.values():
        try:
            with transaction.atomic():
                icn, gcn, st = (
                    take_numbers(INTERCHANGE)[0],
                    take_numbers(GROUP)[0],
                    take_numbers(TRANSACTION)[0],
                )
                envelope = x12.Envelope270(_header(house, icn, gcn, local), st, originator)
                content = x12.write_270([inquiry for _, inquiry in items], envelope)
                file_name = f"270-{icn:09d}.x12"
                note = transport_for(house).deliver(file_name, content)
                ids = [check.pk for check, _ in items]
                EligibilityCheck.objects.filter(pk__in=ids).update(status=Status.SENT)
        except (TransportError, WriteError) as exc:
            result.undelivered.append(BatchFile(house.name, "", len(items), str(exc)))
            continue
        result.files.append(BatchFile(house.name, file_name, len(items), note))
        record_event(
            AuditAction.EXPORT,
            user=actor,
            object_type="billing.eligibilitycheck",
            patient_ids=[check.coverage.patient_id for check, _ in items],
            data_category="eligibility",
            detail=f"270 {file_name} to {house.name}: {len(items)} inquiries; {note}"[:500],
        )
    return result


# --- the 271 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    """One subscriber of the 271 as the report shows it, and the check it went to."""

    name: str
    member_id: str
    trace: str
    status: str  # an EligibilityStatus value
    status_label: str
    plan: str
    copay: Decimal | None
    deductible: Decimal | None
    deductible_remaining: Decimal | None
    out_of_pocket_remaining: Decimal | None
    rejection: str
    check_id: int | None  # None: no matching coverage

    @property
    def matched(self) -> bool:
        return self.check_id is not None

    def text(self) -> str:
        parts = [f"{self.name or 'unnamed'} (member {self.member_id or '?'})", self.status_label]
        if self.plan:
            parts.append(f"plan {self.plan}")
        for label, value in (
            ("copay", self.copay),
            ("deductible", self.deductible),
            ("deductible remaining", self.deductible_remaining),
            ("out-of-pocket remaining", self.out_of_pocket_remaining),
        ):
            if value is not None:
                parts.append(f"{label} {format_money(value)}")
        if self.rejection:
            parts.append(self.rejection)
        parts.append(f"check {self.trace}" if self.matched else "no matching coverage")
        return " · ".join(parts)


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    lines: tuple[AnswerLine, ...] = ()
    rejections: tuple[str, ...] = ()  # at the payer's or the provider's level
    warnings: tuple[str, ...] = ()
    error: X12Error | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def matched(self) -> int:
        return sum(1 for line in self.lines if line.matched)

    def text_lines(self) -> list[str]:
        if self.error is not None:
            return [
                f"{self.file_name or 'The file'} cannot be read: {self.error}. Nothing was changed."
            ]
        out = [line.text() for line in self.lines]
        out += [f"Rejected: {reason}" for reason in self.rejections]
        out += [f"Warning: {warning}" for warning in self.warnings]
        out.append(
            f"{len(self.lines)} answers, {self.matched} attached to a check, "
            f"{len(self.lines) - self.matched} with no matching coverage."
        )
        return out

    def as_dict(self) -> dict[str, Any]:
        error = self.error
        return {
            "ok": self.ok,
            "file_name": self.file_name,
            "error": None
            if error is None
            else {
                "message": error.message,
                "segment_number": error.segment_number,
                "segment_id": error.segment_id,
                "element": error.element,
                "text": str(error),
            },
            "answers": [
                {
                    "name": line.name,
                    "member_id": line.member_id,
                    "trace": line.trace,
                    "status": line.status,
                    "plan": line.plan,
                    "copay": line.copay,
                    "deductible": line.deductible,
                    "deductible_remaining": line.deductible_remaining,
                    "out_of_pocket_remaining": line.out_of_pocket_remaining,
                    "rejection": line.rejection,
                    "check_id": line.check_id,
                    "matched": line.matched,
                }
                for line in self.lines
            ],
            "rejections": list(self.rejections),
            "warnings": list(self.warnings),
            "matched": self.matched,
            "report": self.text_lines(),
        }


def _pick(benefits: Sequence[x12.Benefit], *, remaining: bool | None = None) -> Decimal | None:
    """The amount that speaks for the office visit: in network, the individual's, and the
    professional office visit (98) or plan coverage (30) first."""
    usable = [
        b
        for b in benefits
        if b.amount is not None and (remaining is None or b.remaining == remaining)
    ]

    def rank(b: x12.Benefit) -> tuple[int, int, int]:
        return (
            0 if b.in_network in {"Y", "W"} else 1 if b.in_network == "" else 2,
            0 if b.coverage_level in {"IND", ""} else 1,
            0 if {"98", "30"} & set(b.service_types) or not b.service_types else 1,
        )

    usable.sort(key=rank)
    return usable[0].amount if usable else None


def _rejection_text(rejections: Iterable[x12.Rejection]) -> str:
    return "; ".join(
        f"{r.reason} (AAA {r.code})" + (f", {r.follow_up}" if r.follow_up else "")
        for r in rejections
    )


def _status_of(answer: x12.Eligibility) -> tuple[str, str]:
    if answer.rejections:
        return Status.REJECTED, _rejection_text(answer.rejections)
    if answer.active is True:
        return Status.ACTIVE, ""
    if answer.active is False:
        return Status.INACTIVE, ""
    return Status.FAILED, "The payer's answer says neither active nor inactive."


def _same(a: str, b: str) -> bool:
    return bool(a) and a.strip().casefold() == b.strip().casefold()


def _match(
    actor: Actor, answer: x12.Eligibility, today: dt.date
) -> EligibilityCheck | Coverage | None:
    """The check the answer is about: by its trace, else by member ID, name and date (the
    open check nearest today); a coverage matched without an open check gets a new one.
    Only checks and coverages the actor may see match: a user limited to some locations
    never reaches (nor learns of) another location's patient."""
    checks_seen = EligibilityCheck.objects.restrict(actor, "view")
    if answer.trace:
        by_trace = (
            checks_seen.select_for_update(of=("self",))
            .select_related("coverage__patient")
            .filter(trace_number=answer.trace.strip())
            .first()
        )
        if by_trace is not None:
            return by_trace
    member = answer.member_id.strip()
    if not member:
        return None
    candidates = [
        c
        for c in Coverage.objects.restrict(actor, "view")
        .filter(member_id__iexact=member, is_active=True)
        .select_related("patient")
        if _same(answer.last_name, c.patient.last_name)
        or _same(answer.subscriber_last_name, c.subscriber_last_name or c.patient.last_name)
    ]
    if not candidates:
        return None
    first_names = [c for c in candidates if _same(answer.first_name, c.patient.first_name)]
    candidates = first_names or candidates
    checks = list(
        checks_seen.select_for_update(of=("self",))
        .select_related("coverage__patient")
        .filter(coverage__in=candidates, status__in=OPEN)
    )
    if checks:
        return min(checks, key=lambda c: (abs((c.service_date - today).days), -c.pk))
    covering = [c for c in candidates if c.covers(today)]
    return covering[0] if covering else candidates[0]


def _answer_fields(answer: x12.Eligibility) -> dict[str, Any]:
    status, reason = _status_of(answer)
    return {
        "status": status,
        "rejection_reason": reason[:MAX_REASON],
        "plan_name": answer.plan[:120],
        "copay": _pick(answer.copays),
        "deductible": _pick(answer.deductibles, remaining=False),
        "deductible_remaining": _pick(answer.deductibles, remaining=True),
        "out_of_pocket_remaining": _pick(answer.out_of_pocket, remaining=True),
    }


def _name(answer: x12.Eligibility) -> str:
    return ", ".join(p for p in (answer.last_name, answer.first_name) if p)


def import_271(
    *,
    actor: Actor,
    source: bytes | str,
    file_name: str = "",
    now: dt.datetime | None = None,
) -> ImportReport:
    """Read a 271 and store each answer on its check; a file that cannot be read changes
    nothing and its report names the segment (number and id) and the element."""
    require(actor, Permission.CHECK_ELIGIBILITY, DENIED)
    now = now or timezone.now()
    file_name = file_name[:200]
    try:
        response = x12.read_271(source)
    except X12Error as exc:
        record_event(
            AuditAction.UPDATE,
            user=actor,
            outcome=AuditOutcome.FAILURE,
            object_type="billing.eligibilitycheck",
            data_category="eligibility",
            detail=f"271 {file_name} refused: {exc}"[:500],
        )
        return ImportReport(file_name=file_name, error=exc)
    today = now.astimezone(practice_zone()).date()
    lines: list[AnswerLine] = []
    with transaction.atomic():
        for answer in response.answers:
            fields = _answer_fields(answer)
            found = _match(actor, answer, today)
            check: EligibilityCheck | None
            if isinstance(found, Coverage):
                (number,) = take_numbers(TRACE)
                check = EligibilityCheck(
                    coverage=found,
                    location_id=found.patient.home_location_id,
                    service_date=today,
                    trace_number=_trace(number),
                    requested_at=now,
                )
            else:
                check = found
            if check is not None:
                for key, value in fields.items():
                    setattr(check, key, value)
                check.answered_at = now
                check.save()
                record_event(
                    AuditAction.UPDATE,
                    user=actor,
                    obj=check,
                    patient_id=check.coverage.patient_id,
                    data_category="eligibility",
                    detail=f"271 {file_name}: {check.status}"[:500],
                )
            lines.append(
                AnswerLine(
                    name=_name(answer),
                    member_id=answer.member_id,
                    trace=check.trace_number if check else answer.trace,
                    status=fields["status"],
                    status_label=Status(fields["status"]).label,
                    plan=fields["plan_name"],
                    copay=fields["copay"],
                    deductible=fields["deductible"],
                    deductible_remaining=fields["deductible_remaining"],
                    out_of_pocket_remaining=fields["out_of_pocket_remaining"],
                    rejection=fields["rejection_reason"],
                    check_id=check.pk if check else None,
                )
            )
    return ImportReport(
        file_name=file_name,
        lines=tuple(lines),
        rejections=tuple(_rejection_text([r]) for r in response.rejections),
        warnings=tuple(str(e) for e in response.envelope_errors),
    )
