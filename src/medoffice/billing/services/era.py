"""Posting remittances (835 ERA files): ``import_era`` reads a file and posts it.

All or nothing per file: the file is read (and balanced) first; a malformed, unbalanced or
truncated file raises ``EraFileRefused`` naming the segment number, its id and the element,
and nothing is written. Then, in one transaction:

- Each payment (ST/BPR/TRN) is keyed on (payer id, TRN02, TRN03, BPR02). A payment already
  imported is skipped and reported "already imported on <date>"; two imports of the same
  file at once post it once (the database's unique key decides, the loser skips it).
- Each claim (CLP) is matched by CLP01 to our claim's CLM01 among the claims of that payer;
  its service lines by procedure (``era_match``). Paid amounts post as insurance payments,
  adjustments as the posting rules say (``PostingRule``, seeded from
  ``default_posting_rules()``): contractual write-off, transfer to the patient (deductible,
  coinsurance, copay), other adjustment, denial (flagged: nothing is written off), or
  information only. Adjustments given only at claim level are spread onto the lines.
- CLP02 22 (reversal) reverses what earlier remittances posted for that claim.
- CLP02 19/20/21 or an NM1*TT: the claim was forwarded to another payer (crossover).
- NM1*74 (corrected insured): a proposed coverage update for the biller to confirm.
- PLB items are stored as provider-level rows linked to their payment.
- What cannot be posted (claim not ours, line not matched, a code the rules do not know)
  becomes an ``EraException`` for the exceptions queue; the import itself succeeds.

Ledger entries are written in bulk (the same rows ``services.ledger`` writes: kind, party,
sign, codes, ``source_kind`` "era" and the claim payment's id); balances are followed in
memory so an entry that takes a balance past zero is marked as a credit. One audit event
per file.

The parts: ``era_rules`` (the rule table), ``era_data`` (a CLP loop as JSON),
``era_poster`` (posting one file's claim payments), ``era_exceptions`` (the exceptions
queue: resolve, match by hand), ``era_match`` (pure line matching).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing.models import (
    Claim,
    ClaimNote,
    CoverageUpdateProposal,
    EraClaimPayment,
    EraExceptionKind,
    EraFile,
    EraPayment,
    EraProviderAdjustment,
    EraStatus,
)
from medoffice.billing.services.era_data import claim_data, from_data
from medoffice.billing.services.era_poster import (
    CHUNK,
    CROSSOVER,
    REVERSAL,
    ZERO,
    EraImportResult,
    Poster,
    insert_rows,
    open_claim_denials,
    person_name,
    record_payment_adjudications,
)
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer
from medoffice.x12.errors import X12Error
from medoffice.x12.r835 import (
    Remittance,
    read_835,
)

MAX_FILE = 50 * 1024 * 1024


class EraFileRefused(Exception):
    """The file cannot be posted: nothing was written. ``str()`` says where and why."""

    def __init__(
        self, message: str, *, segment_number: int = 0, segment_id: str = "", element: int = 0
    ) -> None:
        self.message = message
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.element = element
        super().__init__(message)

    @classmethod
    def from_x12(cls, error: X12Error) -> EraFileRefused:
        return cls(
            str(error),
            segment_number=error.segment_number,
            segment_id=error.segment_id,
            element=error.element,
        )


def _payer_identifier(remittance: Remittance) -> str:
    payer = remittance.payer
    return (payer.identifier or remittance.trace.originator or payer.name)[:80]


def _payers_of(remittance: Remittance) -> list[int]:
    payer = remittance.payer
    ids = {payer.identifier, remittance.trace.originator}
    ids |= {r.value for r in payer.references if r.qualifier in {"2U", "EO", "HI", "NF"}}
    originator = remittance.trace.originator
    if len(originator) == 10 and originator[0] in "123":
        ids.add(originator[1:])
    ids = {i.strip() for i in ids if i and i.strip()}
    found = list(Payer.objects.filter(payer_id__in=ids).values_list("pk", flat=True))
    if not found and payer.name:
        found = list(Payer.objects.filter(name__iexact=payer.name).values_list("pk", flat=True))
    return found


def _already(key: dict[str, Any]) -> EraPayment | None:
    return EraPayment.objects.filter(**key).select_related("era_file").first()


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(practice_zone()).strftime("%Y-%m-%d %H:%M")


def _post_remittance(
    poster: Poster, remittance: Remittance, era_file: EraFile, result: EraImportResult
) -> None:
    start = remittance.start
    key = {
        "payer_identifier": _payer_identifier(remittance),
        "trace_number": remittance.trace.number[:50],
        "trace_originator": remittance.trace.originator[:10],
        "amount": remittance.payment.amount,
    }
    label = f"payment {key['trace_number']} of {remittance.payer.name or key['payer_identifier']}"
    found = _already(key)
    if found is not None:
        result.already_imported.append(
            f"{label}: already imported on {_local(found.era_file.uploaded_at)} "
            f"({found.era_file.file_name})"
        )
        return
    payer_ids = _payers_of(remittance)
    try:
        with transaction.atomic():
            payment = EraPayment.objects.create(
                era_file=era_file,
                payer_id=payer_ids[0] if len(payer_ids) == 1 else None,
                payer_name=remittance.payer.name[:60],
                payee_name=remittance.payee.name[:60],
                credit_debit=remittance.payment.credit_debit[:1],
                method=remittance.payment.method[:3],
                payment_date=remittance.payment.date,
                production_date=start.production_date,
                claim_count=len(remittance.claims),
                posted_at=poster.now,
                **key,
            )
    except IntegrityError:
        found = _already(key)
        when = _local(found.era_file.uploaded_at) if found else "another import"
        result.already_imported.append(f"{label}: already imported on {when}")
        return
    result.payments_posted += 1
    EraProviderAdjustment.objects.bulk_create(
        [
            EraProviderAdjustment(
                payment=payment,
                provider_identifier=item.provider_id[:50],
                fiscal_period=item.fiscal_period,
                reason=item.reason[:2],
                reference=item.reference[:50],
                amount=item.amount,
            )
            for item in remittance.provider_adjustments
        ]
    )
    claims, billed, mapping = poster.load(payer_ids, [c.claim_id for c in remittance.claims])
    rows: list[EraClaimPayment] = []
    for clp in remittance.claims:
        claim = claims.get(clp.claim_id)
        crossover = clp.crossover_carrier
        forwarded = ""
        if clp.status in CROSSOVER or crossover is not None:
            forwarded = (crossover.last if crossover else "") or "the next payer"
        pr = (
            clp.patient_responsibility
            if clp.patient_responsibility is not None
            else sum((a.amount for a in clp.adjustments if a.group == "PR"), ZERO)
            + sum((a.amount for ln in clp.lines for a in ln.adjustments if a.group == "PR"), ZERO)
        )
        rows.append(
            EraClaimPayment(
                payment=payment,
                claim_id=claim.pk if claim else None,
                location_id=claim.location_id if claim else None,
                claim_identifier=clp.claim_id[:38],
                status_code=clp.status[:2],
                charge=clp.charge,
                paid=clp.paid,
                adjusted=clp.adjusted,
                patient_responsibility=pr,
                payer_claim_number=clp.payer_claim_number[:50],
                patient_name=person_name(clp.patient),
                forwarded_to=forwarded[:60],
                is_reversal=clp.status == REVERSAL,
                posted=claim is not None,
                data=claim_data(clp),
            )
        )
    insert_rows(EraClaimPayment, rows, returning=True)
    proposals: list[CoverageUpdateProposal] = []
    notes: list[ClaimNote] = []
    for clp, cp in zip(remittance.claims, rows, strict=True):
        result.claims += 1
        result.paid_total += clp.paid if clp.status != REVERSAL else ZERO
        claim = claims.get(clp.claim_id)
        if claim is None:
            why = (
                "its payer is not one of the practice's payers"
                if not payer_ids
                else "no claim of this payer has that number"
            )
            poster.exception(
                EraExceptionKind.UNKNOWN_CLAIM,
                f"Claim {clp.claim_id} ({person_name(clp.patient) or 'no name'}, paid {clp.paid}): "
                f"{why}. Match it by hand or resolve it.",
                cp,
                amount=clp.paid,
                raw=f"CLP*{clp.claim_id}*{clp.status}*{clp.charge}*{clp.paid}",
            )
            continue
        result.claims_matched += 1
        clean = poster.post_claim(
            cp,
            from_data(cp.data),
            claim,
            billed.get(claim.pk, []),
            mapping,
            remittance.payment.date,
        )
        if clean and clp.status != REVERSAL:
            result.paid_auto_posted += clp.paid
        if cp.is_denial:
            result.denials.append(cp)
        if cp.forwarded_to:
            result.crossovers += 1
            notes.append(
                ClaimNote(
                    claim_id=claim.pk,
                    author=poster.user,
                    created_at=poster.now,
                    text=f"Forwarded to {cp.forwarded_to} by the payer (crossover): "
                    "no secondary claim to send.",
                )
            )
        if clp.corrected_insured is not None:
            insured = clp.corrected_insured
            proposals.append(
                CoverageUpdateProposal(
                    claim_payment=cp,
                    coverage_id=claim.coverage_id,
                    location_id=claim.location_id,
                    member_id=insured.identifier[:80],
                    last_name=insured.last[:60],
                    first_name=insured.first[:35],
                )
            )
        if clp.status != REVERSAL:
            poster.move_claim(claim, clp.payer_claim_number, f"835 {key['trace_number']}")
    denials = [cp.pk for cp in rows if cp.is_denial]
    for start_at in range(0, len(denials), CHUNK):
        EraClaimPayment.objects.filter(pk__in=denials[start_at : start_at + CHUNK]).update(
            is_denial=True
        )
    CoverageUpdateProposal.objects.bulk_create(proposals)
    ClaimNote.objects.bulk_create(notes)
    if poster.denied:
        by_pk = Claim.objects.in_bulk({claim_pk for _, claim_pk, _ in poster.denied})
        open_claim_denials(poster, by_pk, remittance.payment.date or poster.today)
    record_payment_adjudications(poster, payment)


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE:
        raise EraFileRefused("The file is larger than 50 MB; split it or ask the payer.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EraFileRefused(
            f"The file is not text (UTF-8) at byte {exc.start}: is it an 835?"
        ) from exc


def import_era(*, data: bytes, filename: str, actor: Actor) -> EraImportResult:
    """Read and post one 835 file (see the module's doc); ``EraFileRefused`` posts nothing."""
    require(actor, Permission.POST_LEDGER, "Your role does not post remittances.")
    text = _decode(data)
    try:
        read = read_835(text, strict=True)
    except X12Error as exc:
        raise EraFileRefused.from_x12(exc) from exc
    if read.errors:
        raise EraFileRefused.from_x12(read.errors[0])
    warnings = [
        f"segment {w.segment_number} ({w.segment_id}): {w.message}" for w in read.warnings
    ] + [str(e) for e in read.envelope_errors]
    with transaction.atomic():
        era_file = EraFile.objects.create(
            file_name=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content=text,
            uploaded_by=actor_user(actor),
            uploaded_at=timezone.now(),
            warnings="\n".join(warnings)[:20000],
        )
        result = EraImportResult(era_file=era_file, warnings=warnings)
        poster = Poster(actor, era_file, result)
        for remittance in read.remittances:
            _post_remittance(poster, remittance, era_file, result)
        poster.finish()
        result.exceptions = len(poster.exceptions)
        skipped = len(result.already_imported)
        if skipped and not result.payments_posted:
            status = EraStatus.ALREADY_IMPORTED
        elif skipped:
            status = EraStatus.PARTLY_IMPORTED
        else:
            status = EraStatus.POSTED
        EraFile.objects.filter(pk=era_file.pk).update(
            status=status,
            payment_count=result.payments_posted,
            skipped_count=skipped,
            claim_count=result.claims,
            matched_count=result.claims_matched,
            exception_count=result.exceptions,
            total_paid=result.paid_total,
        )
        era_file.refresh_from_db()
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=era_file,
            data_category="ledger",
            detail=(
                f"835 {filename[:80]}: {result.payments_posted} payments, "
                f"{result.claims_matched}/{result.claims} claims matched, "
                f"{result.exceptions} exceptions, {skipped} already imported"
            ),
        )
    return result
