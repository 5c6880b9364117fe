"""Following up claims the payer has said nothing about: ask (276), read the answers (277),
and keep notes and tasks per claim.

``ask_payers`` writes one 276 per clearinghouse (or per payer billed directly), with control
numbers from the same counters as the 837P batches and the same envelope, and records a
``StatusInquiry`` per claim asked about. A claim the 276 cannot carry (no member id, no
NPI…) is set aside with why; the others go.

``import_claim_status`` reads a 277 first; a file that cannot be read changes nothing and
the report names the segment's number, its id and the element. Each answer is matched to
our claim by its control number (TRN02) among the claims the importer may see (any other:
"not found", nothing stored), stored on the claim's latest open inquiry (or a new one when
it came unasked), and the payer's claim number is kept on the claim when it had none.

``add_note`` and ``complete_task``: a note on a claim; with a follow-up date (and perhaps an
assignee) it is a task, marked done once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.claimdata import billing_provider, claims_for_x12
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    Claim,
    ClaimNote,
    Clearinghouse,
    StatusInquiry,
    StatusRequestFile,
)
from medoffice.billing.services.batches import _envelope, _groups, take_control_numbers
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.bounds import date_problem
from medoffice.core.inputs import one_line
from medoffice.core.models import Practice, User
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer
from medoffice.x12 import claims as x12
from medoffice.x12.claimstatus import Envelope276, Response277, StatusRequest, read_277, write_276
from medoffice.x12.errors import WriteError, X12Error

MAX_FILE = 20 * 1024 * 1024
MAX_NOTE = 2000
MAX_NUMBER = 20  # Claim.control_number's length
MAX_ASK_IDS = 5000  # claims named in one API request
MAX_FOLLOW_UP_DAYS = 366 * 2
ASKABLE = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)
# What the biller does next, by the answer's kind (``x12.claimstatus.kind_of``).
OUTCOMES = ("paid", "denied", "pending", "information wanted", "not found")


# --- asking (276) ---------------------------------------------------------------------------


@dataclass
class RequestFileResult:
    request_file: StatusRequestFile
    destination: str
    written_to: str = ""  # the folder's file, when the caller gave one


@dataclass
class AskResult:
    files: list[RequestFileResult] = field(default_factory=list)
    refused: list[tuple[Claim, str]] = field(default_factory=list)

    @property
    def claim_count(self) -> int:
        return sum(done.request_file.claim_count for done in self.files)


def askable(actor: Actor) -> QuerySet[Claim]:
    """The actor's claims a 276 may ask about: at the payer and not yet adjudicated."""
    return (
        Claim.objects.restrict(actor, "view")
        .filter(status__in=ASKABLE, payer__isnull=False, adjudication__isnull=True)
        .order_by("pk")
    )


def _request(plain: x12.Claim, provider: x12.Provider, payer_claim_number: str) -> StatusRequest:
    starts = [line.service_from for line in plain.lines]
    ends = [line.service_to or line.service_from for line in plain.lines]
    if not starts:
        raise WriteError(f"claim {plain.control_number}: it has no service line")
    return StatusRequest(
        control_number=plain.control_number,
        payer=plain.payer,
        provider=provider,
        member_id=plain.subscriber.member_id,
        subscriber=plain.subscriber.person,
        total_charge=sum((line.charge for line in plain.lines), Decimal("0")),
        service_from=min(starts),
        service_to=max(ends),
        patient_account=plain.patient_account,
        payer_claim_number=payer_claim_number,
        dependent=plain.patient,
    )


def _write(
    chosen: list[Claim], envelope: Envelope276, refused: list[tuple[Claim, str]]
) -> tuple[str, list[Claim]]:
    """The 276 of the claims it can carry; a claim it cannot is set aside with why."""
    practice = Practice.current()
    if practice is None:
        refused.extend((claim, "the practice is not set up") for claim in chosen)
        return "", []
    provider = billing_provider(practice)
    requests: dict[str, StatusRequest] = {}
    keep: list[Claim] = []
    by_number = {claim.control_number: claim for claim in chosen}
    for plain in claims_for_x12(chosen):
        claim = by_number[plain.control_number]
        try:
            requests[claim.control_number] = _request(plain, provider, claim.payer_claim_number)
        except WriteError as exc:
            refused.append((claim, exc.message))
            continue
        keep.append(claim)
    while keep:
        try:
            return write_276([requests[c.control_number] for c in keep], envelope), keep
        except WriteError as exc:
            culprit = next((c for c in keep if c.control_number in exc.message), None)
            if culprit is None:  # the envelope: none of them can go
                refused.extend((claim, exc.message) for claim in keep)
                return "", []
            refused.append((culprit, exc.message))
            keep.remove(culprit)
    return "", []


def _file_name(isa: int, destination: str, when: dt.datetime) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in destination.lower()).strip("-")[:40]
    return f"276-{when:%Y%m%d}-{isa:09d}-{slug or 'payer'}.x12"


def ask_payers(
    *,
    claims: QuerySet[Claim] | Iterable[Claim],
    actor: Actor,
    out_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> AskResult:
    """One 276 per clearinghouse or payer billed directly asking about ``claims`` (those
    the actor sees that are at the payer unadjudicated); a ``StatusInquiry`` per claim."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not ask payers about claims.")
    user = actor_user(actor)
    when = timezone.localtime(now or timezone.now())
    chosen = askable(actor)
    if isinstance(claims, QuerySet):
        chosen = chosen.filter(pk__in=claims.values_list("pk", flat=True))
    else:
        chosen = chosen.filter(pk__in=[claim.pk for claim in claims if claim.pk is not None])
    result = AskResult()
    for (house_id, payer_id), payer_ids in _groups(chosen).items():
        house = Clearinghouse.objects.get(pk=house_id) if house_id else None
        payer = Payer.objects.get(pk=payer_id) if payer_id else None
        destination = house.name if house else payer.name if payer else "payer"
        with transaction.atomic():
            locked = list(chosen.filter(payer_id__in=payer_ids).select_for_update(of=("self",)))
            if not locked:
                continue
            numbers = (
                take_control_numbers("ISA"),
                take_control_numbers("GS"),
                take_control_numbers("ST"),
            )
            p837 = _envelope(house, payer, when, numbers)
            envelope = Envelope276(
                header=p837.header,
                transaction_control_number=numbers[2],
                submitter_name=p837.submitter.name,
                submitter_id=p837.submitter.etin,
            )
            content, written = _write(locked, envelope, result.refused)
            if not written:
                continue
            isa = numbers[0]
            made = StatusRequestFile.objects.create(
                clearinghouse=house,
                payer=payer,
                destination=destination[:120],
                interchange_control_number=isa,
                file_name=_file_name(isa, destination, when),
                content=content,
                claim_count=len(written),
                created_by=user,
                created_at=when,
            )
            StatusInquiry.objects.bulk_create(
                StatusInquiry(claim=claim, request_file=made, asked_at=when, asked_by=user)
                for claim in written
            )
            record_event(
                AuditAction.CREATE,
                user=actor,
                obj=made,
                data_category="claims",
                patient_ids=[claim.patient_id for claim in written],
                detail=f"276 {isa:09d} to {destination}: {len(written)} claims asked about",
            )
        result.files.append(RequestFileResult(request_file=made, destination=destination))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for done in result.files:
            target = out_dir / done.request_file.file_name
            target.write_text(done.request_file.content, encoding="utf-8")
            done.written_to = str(target)
    return result


# --- answers (277) --------------------------------------------------------------------------


@dataclass
class StatusLine:
    control_number: str
    outcome: str  # paid, denied, pending, information wanted, not found, or the answer's kind
    detail: str = ""
    claim_id: int | None = None


@dataclass
class StatusReport:
    lines: list[StatusLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why the file was not read
    notes: list[str] = field(default_factory=list)
    payer_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


def _text(content: bytes | str, report: StatusReport) -> str | None:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    if len(content) > MAX_FILE:
        report.problems.append("The file is larger than 20 MB; it is not a claim status answer.")
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append("The file is not text (UTF-8): is it the right file?")
        return None


def _read(text: str, report: StatusReport) -> Response277 | None:
    try:
        return read_277(text)
    except X12Error as exc:
        report.problems.append(str(exc))
    except (ValueError, IndexError) as exc:  # a reader's slip must not become a 500
        report.problems.append(f"The file cannot be read as a 277: {exc}.")
    return None


def import_claim_status(*, content: bytes | str, file_name: str, actor: Actor) -> StatusReport:
    """Read a 277 claim status response and store each answer with its claim."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not import claim status answers.")
    report = StatusReport()
    text = _text(content, report)
    if text is None:
        return report
    found = _read(text, report)
    if found is None:
        return report
    report.payer_name = found.payer_name
    report.notes.extend(str(e) for e in found.envelope_errors)
    name = one_line(file_name)[:200] or "upload"
    when = timezone.now()
    # Only numbers a claim could have are looked up (NUL, which PostgreSQL refuses, or a
    # number longer than ours is no claim of ours).
    wanted = {
        answer.control_number
        for answer in found.claims
        if answer.control_number.isprintable() and len(answer.control_number) <= MAX_NUMBER
    }
    mine = {
        claim.control_number: claim
        for claim in Claim.objects.restrict(actor, "view").filter(control_number__in=wanted)
    }
    touched: list[int] = []
    with transaction.atomic():
        for answer in found.claims:
            claim = mine.get(answer.control_number)
            if claim is None:
                report.lines.append(
                    StatusLine(
                        one_line(answer.control_number)[:50], "not found", "no claim of yours"
                    )
                )
                continue
            status = answer.statuses[0] if answer.statuses else None
            description = one_line(status.description) if status else "the answer has no status"
            inquiry = (
                StatusInquiry.objects.select_for_update()
                .filter(claim=claim, answered_at__isnull=True)
                .order_by("-asked_at", "-pk")
                .first()
            ) or StatusInquiry(claim=claim)
            inquiry.answered_at = when
            inquiry.category = one_line(status.category if status else "")[:3]
            inquiry.status_code = one_line(status.code if status else "")[:5]
            inquiry.kind = answer.kind[:20]
            inquiry.description = description[:500]
            inquiry.charged = _money(status.charged if status else None)
            inquiry.paid = _money(status.paid if status else None)
            inquiry.payer_claim_number = one_line(answer.payer_claim_number)[:50]
            inquiry.answer_file_name = name
            inquiry.save()
            if inquiry.payer_claim_number and not claim.payer_claim_number:
                Claim.objects.filter(pk=claim.pk).update(
                    payer_claim_number=inquiry.payer_claim_number
                )
            touched.append(claim.patient_id)
            detail = description
            if status is not None and status.paid is not None and answer.kind == "paid":
                detail += f" (paid {status.paid})"
            report.lines.append(StatusLine(claim.control_number, answer.kind, detail, claim.pk))
        if touched:
            record_event(
                AuditAction.UPDATE,
                user=actor,
                object_type="billing.statusinquiry",
                data_category="claims",
                patient_ids=touched,
                detail=f"277 {name[:80]}: {len(touched)} answers stored, "
                f"{sum(1 for line in report.lines if line.claim_id is None)} not ours",
            )
    return report


def _money(value: Decimal | None) -> Decimal | None:
    """An amount the columns hold (12 digits, cents), or None for one they cannot."""
    if value is None or not value.is_finite() or abs(value) >= Decimal("1e10"):
        return None
    return value.quantize(Decimal("0.01"))


# --- notes and tasks ------------------------------------------------------------------------


def _refuse(problems: dict[str, list[ValidationError]], name: str, message: str, code: str) -> None:
    problems.setdefault(name, []).append(ValidationError(message, code=code))


def add_note(
    *,
    claim: Claim,
    text: str,
    actor: Actor,
    follow_up_on: dt.date | None = None,
    assigned_to: User | None = None,
    today: dt.date | None = None,
) -> ClaimNote:
    """A note on ``claim``; with ``follow_up_on`` a task, perhaps ``assigned_to`` someone
    who works the claim. Every problem is named at once; nothing is written then."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not write claim notes.")
    today = today or timezone.localdate()
    cleaned = one_line(text)
    problems: dict[str, list[ValidationError]] = {}
    if not cleaned:
        _refuse(problems, "text", "Write the note.", Code.NOTE_REQUIRED)
    elif len(cleaned) > MAX_NOTE:
        _refuse(
            problems,
            "text",
            f"At most {MAX_NOTE} characters ({len(cleaned)} given).",
            Code.TEXT_TOO_LONG,
        )
    if follow_up_on is not None:
        latest = today + dt.timedelta(days=MAX_FOLLOW_UP_DAYS)
        if date_problem(follow_up_on) or follow_up_on > latest:
            _refuse(
                problems,
                "follow_up_on",
                f"Choose a follow-up date within two years (by {latest:%m/%d/%Y}).",
                Code.DATE_INVALID,
            )
    if assigned_to is not None:
        if follow_up_on is None:
            _refuse(
                problems,
                "follow_up_on",
                "A task given to someone needs a follow-up date.",
                Code.FOLLOW_UP_DATE_REQUIRED,
            )
        if (
            not assigned_to.is_active
            or not assigned_to.has_perm(Permission.CHANGE_CLAIM)
            or not Claim.objects.restrict(assigned_to, "view").filter(pk=claim.pk).exists()
        ):
            _refuse(
                problems,
                "assigned_to",
                "Give the task to someone who works this claim (a biller of its location).",
                Code.ASSIGNEE_INVALID,
            )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        note = ClaimNote.objects.create(
            claim=claim,
            author=actor_user(actor),
            created_at=timezone.now(),
            text=cleaned,
            follow_up_on=follow_up_on,
            assigned_to=assigned_to,
        )
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=note,
            patient_id=claim.patient_id,
            data_category="claims",
            detail=f"{'task' if follow_up_on else 'note'} on claim {claim.control_number}",
        )
    return note


def complete_task(*, note: ClaimNote, actor: Actor) -> ClaimNote:
    """Mark the task done (once)."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not work claim tasks.")
    with transaction.atomic():
        current = ClaimNote.objects.select_for_update().select_related("claim").get(pk=note.pk)
        if current.follow_up_on is None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        ValidationError(
                            "This note is not a task: it has no follow-up date.",
                            code=Code.NOT_A_TASK,
                        )
                    ]
                }
            )
        if current.done_at is not None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        ValidationError("This task is already done.", code=Code.TASK_DONE)
                    ]
                }
            )
        current.done_at = timezone.now()
        current.done_by = actor_user(actor)
        current.save(update_fields=["done_at", "done_by"])
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=current,
            patient_id=current.claim.patient_id,
            data_category="claims",
            detail=f"task on claim {current.claim.control_number} done",
        )
    return current
