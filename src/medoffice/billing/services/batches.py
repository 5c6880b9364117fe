"""Claim batches: every ready electronic claim written into one 837P per clearinghouse
(or per payer billed directly), the claims marked submitted, the file delivered.

``export_ready_claims`` is what ``medoffice claims export`` and the billing pages call. It
works in bulk (one status update, one insert of the claims' history rows and one audit
event per batch) so 10,000 claims go out in seconds. Each batch is one transaction: its
control numbers are taken under a row lock, the file is stored with the batch, and the
claims become SUBMITTED together or not at all; the file is delivered (outbox folder, or
the folder the command names) once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Field, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from medoffice.billing.choices import ClaimStatus, SubmissionMethod
from medoffice.billing.claimdata import claims_for_x12
from medoffice.billing.models import (
    Claim,
    ClaimBatch,
    ClaimTransition,
    Clearinghouse,
    ControlNumber,
)
from medoffice.billing.transport import FileDropTransport, Transport, TransportError, transport_for
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.batchwork import collector_paused
from medoffice.core.models.practice import practice_cache
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer
from medoffice.x12 import p837
from medoffice.x12.errors import WriteError
from medoffice.x12.writer import InterchangeHeader

# The ISA sender id when no clearinghouse names one (a payer billed directly).
DIRECT_QUALIFIER = "ZZ"


@dataclass
class BatchResult:
    batch: ClaimBatch
    destination: str  # the payer or clearinghouse
    delivered_to: str = ""  # the transport's note, or why it failed
    delivered: bool = False


@dataclass
class ExportResult:
    batches: list[BatchResult] = field(default_factory=list)
    # Claims that could not be written, with why (their batch goes out without them).
    refused: list[tuple[Claim, str]] = field(default_factory=list)

    @property
    def claim_count(self) -> int:
        return sum(result.batch.claim_count for result in self.batches)


def take_control_numbers(kind: str, count: int = 1) -> int:
    """The first of ``count`` new numbers of ``kind`` (ISA13, GS06, ST02); caller's transaction."""
    row, _ = ControlNumber.objects.select_for_update().get_or_create(kind=kind)
    first = row.last + 1
    if first + count - 1 > 999_999_999:  # ISA13 and GS06 hold nine digits
        first = 1
    row.last = first + count - 1
    row.save(update_fields=["last"])
    return first


def ready_electronic(actor: Actor) -> QuerySet[Claim]:
    """The actor's ready claims that go out electronically."""
    return (
        Claim.objects.restrict(actor, "view")
        .filter(status=ClaimStatus.READY, payer__isnull=False)
        .exclude(payer__billing__submission=SubmissionMethod.PAPER)
        .order_by("pk")
    )


def _groups(claims: QuerySet[Claim]) -> dict[tuple[int | None, int | None], set[int]]:
    """The payers of the claims by destination: (clearinghouse, None) or (None, the payer
    billed directly)."""
    grouped: dict[tuple[int | None, int | None], set[int]] = {}
    for payer_id, house_id in (
        claims.order_by().values_list("payer_id", "payer__billing__clearinghouse_id").distinct()
    ):
        key = (house_id, None) if house_id else (None, payer_id)
        grouped.setdefault(key, set()).add(payer_id)
    return grouped


def _envelope(
    house: Clearinghouse | None,
    payer: Payer | None,
    when: dt.datetime,
    numbers: tuple[int, int, int],
) -> p837.Envelope837:
    from medoffice.core.models import Practice

    practice = Practice.current()
    practice_name = practice.legal_name if practice else "MEDOFFICE PRACTICE"
    tax_id = (practice.tax_id if practice else "").replace("-", "")
    isa, gs, st = numbers
    if house is not None:
        sender, sender_q = house.submitter_id, house.submitter_qualifier
        receiver, receiver_q, receiver_name = (
            house.receiver_id,
            house.receiver_qualifier,
            house.receiver_name,
        )
        contact, phone, email = house.contact_name, house.contact_phone, house.contact_email
        if not phone and not email:  # the submitter's PER needs one: the practice's phone
            phone = practice.phone if practice else ""
        usage = "P" if house.production else "T"
    else:
        assert payer is not None
        sender, sender_q = tax_id or "MEDOFFICE", DIRECT_QUALIFIER
        receiver, receiver_q, receiver_name = (
            payer.payer_id or str(payer.pk),
            DIRECT_QUALIFIER,
            payer.name,
        )
        contact, phone, email = practice_name, (practice.phone if practice else ""), ""
        usage = "T"
    phone_digits = "".join(ch for ch in phone if ch.isdigit())[-10:]
    return p837.Envelope837(
        header=InterchangeHeader(
            sender_id=sender,
            receiver_id=receiver,
            interchange_control_number=isa,
            group_control_number=gs,
            created=when,
            usage=usage,
            sender_qualifier=sender_q,
            receiver_qualifier=receiver_q,
        ),
        submitter=p837.Submitter(
            name=practice_name,
            etin=sender,
            contact_name=contact or practice_name,
            phone=phone_digits,
            email=email,
        ),
        receiver_name=receiver_name,
        receiver_id=receiver,
        transaction_control_number=st,
    )


def _write(
    locked: QuerySet[Claim],
    numbers: dict[int, str],
    envelope: p837.Envelope837,
    refused: list[tuple[Claim, str]],
) -> tuple[str, list[int]]:
    """The 837P of the claims that can be written (their ids); a claim that cannot is set
    aside. ``numbers`` is each locked claim's control number by id."""
    plain = {claim.control_number: claim for claim in claims_for_x12(locked)}
    keep = list(numbers)
    while keep:
        try:
            return p837.write_837p([plain[numbers[pk]] for pk in keep], envelope), keep
        except WriteError as exc:
            culprit = next((pk for pk in keep if numbers[pk] in exc.message), None)
            if culprit is None:  # the batch itself (the envelope): none of it can go
                refused.extend(_claims_why(keep, exc.message))
                return "", []
            refused.extend(_claims_why([culprit], exc.message))
            keep.remove(culprit)
    return "", []


def _claims_why(ids: list[int], why: str) -> list[tuple[Claim, str]]:
    found = Claim.objects.in_bulk(ids)
    return [(found[pk], why) for pk in ids]


def _record_transitions(batch: ClaimBatch, user_id: int | None, note: str) -> None:
    """READY → SUBMITTED in the history of every claim of ``batch``: one INSERT … SELECT."""
    quote = connection.ops.quote_name

    def column(model: type[Claim] | type[ClaimTransition], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        assert field.column
        return quote(field.column)

    columns = ", ".join(
        column(ClaimTransition, name)
        for name in ("claim", "from_status", "to_status", "by", "at", "note")
    )
    sql = (
        f"INSERT INTO {quote(ClaimTransition._meta.db_table)} ({columns}) "  # noqa: S608 - the models' own names
        f"SELECT {column(Claim, 'id')}, %s, %s, %s, %s, %s FROM {quote(Claim._meta.db_table)} "
        f"WHERE {column(Claim, 'batch')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                ClaimStatus.READY.value,
                ClaimStatus.SUBMITTED.value,
                user_id,
                connection.ops.adapt_datetimefield_value(batch.created_at),
                note,
                batch.pk,
            ],
        )


def _file_name(batch_isa: int, destination: str, when: dt.datetime) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in destination.lower()).strip("-")[:40]
    return f"837P-{when:%Y%m%d}-{batch_isa:09d}-{slug or 'payer'}.x12"


def export_ready_claims(
    *,
    actor: Actor,
    claims: QuerySet[Claim] | None = None,
    out_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write every ready electronic claim (or those of ``claims`` that are ready) into one
    837P per clearinghouse or directly billed payer; mark them submitted; deliver."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not submit claims.")
    # The practice (billing provider and envelope) read once for every batch, not twice each.
    with collector_paused(), practice_cache():
        return _export(actor, claims, out_dir, now)


def _export(
    actor: Actor,
    claims: QuerySet[Claim] | None,
    out_dir: Path | None,
    now: dt.datetime | None,
) -> ExportResult:
    user = actor_user(actor)
    when = timezone.localtime(now or timezone.now())
    chosen = ready_electronic(actor)
    if claims is not None:
        chosen = chosen.filter(pk__in=claims.values("pk"))
    result = ExportResult()
    for (house_id, payer_id), payer_ids in _groups(chosen).items():
        house = Clearinghouse.objects.get(pk=house_id) if house_id else None
        payer = Payer.objects.get(pk=payer_id) if payer_id else None
        destination = house.name if house else payer.name if payer else "payer"
        # The destination's claims by their (few) payers, not by a list of thousands of ids;
        # a claim that became ready since is in both reads, and only what the locked read
        # returned (``numbers``) is written.
        group = chosen.filter(payer_id__in=payer_ids)
        with transaction.atomic():
            locked = group.select_for_update(of=("self",))
            charges: dict[int, Decimal] = {}
            numbers: dict[int, str] = {}
            for pk, number, charge in locked.values_list("pk", "control_number", "total_charge"):
                numbers[pk], charges[pk] = number, charge
            if not numbers:
                continue
            sets = (len(numbers) + p837.MAX_CLAIMS_PER_SET - 1) // p837.MAX_CLAIMS_PER_SET
            control_numbers = (
                take_control_numbers("ISA"),
                take_control_numbers("GS"),
                take_control_numbers("ST", sets),
            )
            envelope = _envelope(house, payer, when, control_numbers)
            content, written = _write(
                group,
                numbers,
                envelope,
                result.refused,
            )
            if not written:
                continue
            isa = control_numbers[0]
            total = sum((charges[pk] for pk in written), Decimal("0"))
            batch = ClaimBatch.objects.create(
                clearinghouse=house,
                payer=payer,
                interchange_control_number=isa,
                group_control_number=control_numbers[1],
                file_name=_file_name(isa, destination, when),
                content=content,
                claim_count=len(written),
                total_charge=total,
                created_by=user,
                created_at=when,
            )
            # One pass over the rows (each UPDATE rewrites every row it touches).
            Claim.objects.filter(pk__in=written).update(
                status=ClaimStatus.SUBMITTED,
                submitted_at=when,
                batch=batch,
                first_submitted_at=Coalesce(F("first_submitted_at"), Value(when)),
            )
            _record_transitions(
                batch, user.pk if user else None, f"in batch {isa:09d} to {destination}"
            )
            record_event(
                AuditAction.CREATE,
                user=actor,
                obj=batch,
                data_category="claims",
                detail=f"837P batch {isa:09d} to {destination}: {len(written)} claims, "
                f"{total} total",
            )
        result.batches.append(BatchResult(batch=batch, destination=destination))
    for done in result.batches:
        _deliver(done, out_dir)
    return result


def _deliver(done: BatchResult, out_dir: Path | None) -> None:
    batch = done.batch
    transport: Transport
    if out_dir is not None:
        transport = FileDropTransport(out_dir)
    elif batch.clearinghouse is not None:
        transport = transport_for(batch.clearinghouse)
    else:
        return  # a payer billed directly: the biller downloads the file from the batch page
    try:
        note = transport.deliver(batch.file_name, batch.content)
    except TransportError as exc:
        done.delivered_to = str(exc)
        ClaimBatch.objects.filter(pk=batch.pk).update(delivery_note=str(exc)[:250])
        return
    done.delivered, done.delivered_to = True, note
    batch.delivered_at = timezone.now()
    batch.delivery_note = note[:250]
    ClaimBatch.objects.filter(pk=batch.pk).update(
        delivered_at=batch.delivered_at, delivery_note=batch.delivery_note
    )
