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
- CLP02 22 (reversal) reverses what earlier payments posted for that claim, and takes back
  the line adjudications they stored; a payment's reversals post before its other claims.
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
from django.db.models import F
from django.utils import timezone

from medoffice.billing.models import (
    Claim,
    ClaimNote,
    CoverageUpdateProposal,
    EraClaimPayment,
    EraExceptionKind,
    EraFile,
    EraPayment,
    EraPaymentStatus,
    EraProviderAdjustment,
    EraStatus,
)
from medoffice.billing.services.era_data import claim_data, from_data
from medoffice.billing.services.era_match import BilledLine
from medoffice.billing.services.era_poster import (
    CHUNK,
    CROSSOVER,
    REVERSAL,
    ZERO,
    ClaimRow,
    EraImportResult,
    Poster,
    insert_rows,
    open_claim_denials,
    person_name,
    record_payment_adjudications,
)
from medoffice.billing.services.options import hold_posting
from medoffice.billing.services.provider_account import post_provider_adjustments
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.money import format_money
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
    poster: Poster,
    remittance: Remittance,
    era_file: EraFile,
    result: EraImportResult,
    *,
    hold: bool = False,
) -> EraPayment | None:
    """Store one payment (ST/BPR/TRN) with its claims and PLB items, and post it, or,
    with ``hold``, leave it waiting for its bank deposit (nothing on the ledger)."""
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
        return None
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
                posted_at=None if hold else poster.now,
                status=EraPaymentStatus.WAITING if hold else EraPaymentStatus.POSTED,
                **key,
            )
    except IntegrityError:
        found = _already(key)
        when = _local(found.era_file.uploaded_at) if found else "another import"
        result.already_imported.append(f"{label}: already imported on {when}")
        return None
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
                posted=claim is not None and not hold,
                data=claim_data(clp),
            )
        )
    insert_rows(EraClaimPayment, rows, returning=True)
    proposals: list[CoverageUpdateProposal] = []
    for clp, cp in zip(remittance.claims, rows, strict=True):
        claim = claims.get(clp.claim_id)
        if claim is not None and clp.corrected_insured is not None:
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
    CoverageUpdateProposal.objects.bulk_create(proposals)
    if hold:
        result.payments_waiting.append(f"{label} ({format_money(payment.amount)})")
        return payment
    result.payments_posted += 1
    _post_claims(poster, payment, rows, claims, billed, mapping, payer_known=bool(payer_ids))
    return payment


def _post_claims(
    poster: Poster,
    payment: EraPayment,
    rows: list[EraClaimPayment],
    claims: dict[str, ClaimRow],
    billed: dict[int, list[BilledLine]],
    mapping: dict[tuple[int, int], int],
    *,
    payer_known: bool,
) -> None:
    """Post a stored payment's claim payments (from their stored CLP data) and its PLB
    items to the provider account: the same path at import and when a held payment's
    deposit is matched."""
    result = poster.result
    notes: list[ClaimNote] = []
    # Reversals first: a corrected claim the payer sent in the same payment (before or after
    # its reversal) posts on what the reversal left, and stays.
    for cp in sorted(rows, key=lambda row: not row.is_reversal):
        clp = from_data(cp.data)
        result.claims += 1
        result.paid_total += cp.paid if not cp.is_reversal else ZERO
        claim = claims.get(cp.claim_identifier)
        if claim is None:
            why = (
                "its payer is not one of the practice's payers"
                if not payer_known
                else "no claim of this payer has that number"
            )
            poster.exception(
                EraExceptionKind.UNKNOWN_CLAIM,
                f"Claim {cp.claim_identifier} ({cp.patient_name or 'no name'}, paid {cp.paid}): "
                f"{why}. Match it by hand or resolve it.",
                cp,
                amount=cp.paid,
                raw=f"CLP*{cp.claim_identifier}*{cp.status_code}*{cp.charge}*{cp.paid}",
            )
            continue
        result.claims_matched += 1
        clean = poster.post_claim(
            cp, clp, claim, billed.get(claim.pk, []), mapping, payment.payment_date
        )
        if clean and not cp.is_reversal:
            result.paid_auto_posted += cp.paid
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
        if not cp.is_reversal:
            poster.move_claim(claim, cp.payer_claim_number, f"835 {payment.trace_number}")
    denials = [cp.pk for cp in rows if cp.is_denial]
    for start_at in range(0, len(denials), CHUNK):
        EraClaimPayment.objects.filter(pk__in=denials[start_at : start_at + CHUNK]).update(
            is_denial=True
        )
    ClaimNote.objects.bulk_create(notes)
    if poster.denied:
        by_pk = Claim.objects.in_bulk({claim_pk for _, claim_pk, _ in poster.denied})
        open_claim_denials(poster, by_pk, payment.payment_date or poster.today)
    record_payment_adjudications(poster, payment)
    post_provider_adjustments(payment, actor=poster.actor, now=poster.now, on=poster.today)


def post_waiting_payment(payment_id: int, *, actor: Actor) -> EraImportResult | None:
    """Post a payment held for its deposit (all or nothing; ``None`` when it was posted
    already: posting twice posts nothing). The caller holds the transaction; the payment's row
    is locked so two matchings at once post it once."""
    with transaction.atomic():
        payment = (
            EraPayment.objects.select_for_update().select_related("era_file").get(pk=payment_id)
        )
        if payment.status != EraPaymentStatus.WAITING:
            return None
        era_file = payment.era_file
        result = EraImportResult(era_file=era_file)
        poster = Poster(actor, era_file, result)
        rows = list(EraClaimPayment.objects.filter(payment=payment).order_by("pk"))
        payer_ids = sorted(
            set(
                Claim.objects.filter(pk__in=[cp.claim_id for cp in rows if cp.claim_id])
                .values_list("payer_id", flat=True)
                .distinct()
            )
        )
        if not payer_ids and payment.payer_id:
            payer_ids = [payment.payer_id]
        claims, billed, mapping = poster.load(payer_ids, [cp.claim_identifier for cp in rows])
        _post_claims(poster, payment, rows, claims, billed, mapping, payer_known=bool(payer_ids))
        matched = [cp.pk for cp in rows if cp.claim_identifier in claims]
        for start_at in range(0, len(matched), CHUNK):
            EraClaimPayment.objects.filter(pk__in=matched[start_at : start_at + CHUNK]).update(
                posted=True
            )
        poster.finish()
        EraPayment.objects.filter(pk=payment.pk).update(
            status=EraPaymentStatus.POSTED, posted_at=poster.now
        )
        waiting = EraPayment.objects.filter(
            era_file=era_file, status=EraPaymentStatus.WAITING
        ).exists()
        EraFile.objects.filter(pk=era_file.pk).update(
            status=EraStatus.WAITING if waiting else EraStatus.POSTED,
            payment_count=F("payment_count") + 1,
            matched_count=F("matched_count") + result.claims_matched,
            exception_count=F("exception_count") + len(poster.exceptions),
            total_paid=F("total_paid") + result.paid_total,
        )
        result.payments_posted = 1
        result.exceptions = len(poster.exceptions)
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=payment,
            data_category="ledger",
            detail=(
                f"held payment {payment.trace_number} posted on its deposit: "
                f"{result.claims_matched}/{result.claims} claims matched, "
                f"{result.exceptions} exceptions"
            ),
        )
    return result


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
        hold = hold_posting()
        stored: list[EraPayment] = []
        for remittance in read.remittances:
            # no money moves on a payment of $0 or less: no deposit will come to wait for
            waits = hold and remittance.payment.amount > 0
            payment = _post_remittance(poster, remittance, era_file, result, hold=waits)
            if payment is not None:
                stored.append(payment)
        poster.finish()
        result.exceptions = len(poster.exceptions)
        skipped = len(result.already_imported)
        if result.payments_waiting:
            status = EraStatus.WAITING
        elif skipped and not result.payments_posted:
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
                + (f", {len(result.payments_waiting)} waiting for deposit" if hold else "")
            ),
        )
        from medoffice.billing.services.deposits import match_new_payments

        match_new_payments(stored, actor=actor)
    return result
