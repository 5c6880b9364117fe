"""Scrubbing claims: the pure scrubber (``billing.scrubber``) run over claims from the
database, its findings stored with the claim, the claim moved to SCRUBBED (errors) or READY.

``scrub_claims`` loads what every claim needs in a fixed number of queries (the plain
claims, the code tables once, coverages, payers' filing rules, earlier filings, the
patients' other claims), so a batch of thousands scrubs in seconds. A claim's earlier
findings are replaced, except warnings overridden with a reason that the new scrub finds
again: those stay overridden. A claim with errors cannot be submitted; a warning holds it
until the biller fixes it or overrides it with a reason, so a claim is READY when it has
no errors and every warning is overridden.

The clean-claim rate (HFMA MAP CL-1, ../shared/REFERENCE.md): claims that passed the
edits with no manual intervention ÷ claims scrubbed. ``Claim.first_scrub_clean`` records
the first scrub's verdict, kept for good; ``clean_claim_rate`` reads it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from medoffice.billing import scrubber
from medoffice.billing.choices import ClaimStatus, FindingSeverity, TimelyFilingRule
from medoffice.billing.claimdata import claims_for_x12
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    Claim,
    ClaimFinding,
    ClaimTransition,
)
from medoffice.billing.selectors.reference import scrub_reference
from medoffice.billing.services.claims import transition
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.batchwork import collector_paused
from medoffice.core.inputs import one_line
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission

SCRUBBABLE = frozenset({ClaimStatus.DRAFT, ClaimStatus.SCRUBBED, ClaimStatus.READY})
_OTHER_STATUS = {
    ClaimStatus.DRAFT: scrubber.OtherClaimStatus.DRAFT,
    ClaimStatus.SCRUBBED: scrubber.OtherClaimStatus.DRAFT,
    ClaimStatus.READY: scrubber.OtherClaimStatus.DRAFT,
    ClaimStatus.SUBMITTED: scrubber.OtherClaimStatus.SUBMITTED,
    ClaimStatus.ACCEPTED: scrubber.OtherClaimStatus.ACCEPTED,
    ClaimStatus.ADJUDICATED: scrubber.OtherClaimStatus.PAID,
    ClaimStatus.CLOSED: scrubber.OtherClaimStatus.PAID,
    ClaimStatus.REJECTED: scrubber.OtherClaimStatus.REJECTED,
    ClaimStatus.VOIDED: scrubber.OtherClaimStatus.VOID,
}


@dataclass
class ScrubOutcome:
    claim: Claim
    findings: list[scrubber.Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == scrubber.Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def _inputs(
    claims: QuerySet[Claim], today: dt.date, reference: scrubber.InMemoryReference
) -> list[scrubber.ScrubInput]:
    """The scrubber's input for each of ``claims`` (in the order of their ids)."""
    from medoffice.billing.models import ClaimLine

    claims = claims.order_by("pk")
    plain = claims_for_x12(claims)
    facts = list(
        claims.values_list(
            "pk",
            "patient_id",
            "control_number",
            "patient__sex",
            "patient__date_of_birth",
            "coverage_id",
            "coverage__effective_from",
            "coverage__effective_to",
            "payer__billing__timely_filing_rule",
            "payer__billing__timely_filing_days",
            "payer_id",
        )
    )
    patients = claims.values("patient_id")
    # A duplicate is the same service billed to the same payer: the primary's claim is no
    # duplicate of the secondary's.
    others: dict[int, list[tuple[int | None, scrubber.OtherClaim]]] = defaultdict(list)
    lines_of: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for claim_id, day, code in ClaimLine.objects.filter(claim__patient_id__in=patients).values_list(
        "claim_id", "service_from", "procedure_code"
    ):
        lines_of[claim_id].append((day, code))
    for pk, patient_id, control, status, payer_id in Claim.objects.filter(
        patient_id__in=patients
    ).values_list("pk", "patient_id", "control_number", "status", "payer_id"):
        others[patient_id].append(
            (
                payer_id,
                scrubber.OtherClaim(
                    control_number=control,
                    status=_OTHER_STATUS[ClaimStatus(status)],
                    services=tuple(lines_of.get(pk, ())),
                ),
            )
        )
    filings: dict[int, list[scrubber.PreviousFiling]] = defaultdict(list)
    for claim_id, _to_status, at, nxt in _filings(claims):
        filings[claim_id].append(
            scrubber.PreviousFiling(submitted=at.date(), rejected=nxt == ClaimStatus.REJECTED)
        )
    rules: dict[tuple[str | None, int | None], scrubber.TimelyFiling] = {}
    out = []
    for (
        pk,
        patient_id,
        control,
        sex,
        birth,
        coverage_id,
        effective_from,
        effective_to,
        rule,
        days,
        payer,
    ), x in zip(facts, plain, strict=True):
        filing = rules.get((rule, days))
        if filing is None:
            if rule is None:  # no billing profile
                filing = scrubber.TimelyFiling()
            elif rule == TimelyFilingRule.MEDICARE:
                filing = scrubber.TimelyFiling(medicare=True)
            else:
                filing = scrubber.TimelyFiling(days=days)
            rules[(rule, days)] = filing
        out.append(
            scrubber.ScrubInput(
                claim=x,
                today=today,
                reference=reference,
                patient_sex=sex,
                patient_date_of_birth=birth,
                coverage=scrubber.Coverage(effective_from, effective_to)
                if coverage_id is not None
                else None,
                timely_filing=filing,
                previous_filings=tuple(filings.get(pk, ())),
                other_claims=tuple(
                    o
                    for other_payer, o in others.get(patient_id, ())
                    if o.control_number != control and other_payer == payer
                ),
            )
        )
    return out


def _filings(claims: QuerySet[Claim]) -> Iterable[tuple[int, str, dt.datetime, str]]:
    """Each submission of the claims, with the status that followed it (rejected or not)."""
    rows = list(
        ClaimTransition.objects.filter(claim__in=claims.values("pk"))
        .order_by("claim_id", "at", "pk")
        .values_list("claim_id", "to_status", "at")
    )
    for i, (claim_id, to_status, at) in enumerate(rows):
        if to_status != ClaimStatus.SUBMITTED:
            continue
        nxt = rows[i + 1][1] if i + 1 < len(rows) and rows[i + 1][0] == claim_id else ""
        yield claim_id, to_status, at, nxt


def scrub_claims(
    *, actor: Actor, claims: QuerySet[Claim], today: dt.date | None = None
) -> list[ScrubOutcome]:
    """Scrub the claims that can still change (draft, scrubbed, ready); store what was found."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not scrub claims.")
    with collector_paused():
        return _scrub_claims(actor, claims, today)


def _scrub_claims(
    actor: Actor, claims: QuerySet[Claim], today: dt.date | None
) -> list[ScrubOutcome]:
    user = actor_user(actor)
    now = timezone.now()
    today = today or timezone.localdate(now)
    reference = scrub_reference(today)
    outcomes: list[ScrubOutcome] = []
    with transaction.atomic():
        scrubbable = claims.filter(status__in=SCRUBBABLE)
        chosen = list(scrubbable.select_for_update(of=("self",)).order_by("pk"))
        if not chosen:
            return []
        ids = [c.pk for c in chosen]
        inputs = _inputs(scrubbable, today, reference)  # the same claims, now locked
        kept_overrides: dict[tuple[int, str, int | None], ClaimFinding] = {
            (f.claim_id, f.code, f.line_number): f
            for f in ClaimFinding.objects.filter(claim_id__in=ids, overridden_at__isnull=False)
        }
        ClaimFinding.objects.filter(claim_id__in=ids).delete()
        rows: list[ClaimFinding] = []
        transitions: list[ClaimTransition] = []
        by_status: dict[str, list[int]] = defaultdict(list)
        first_clean: dict[bool, list[int]] = defaultdict(list)
        for claim, inp in zip(chosen, inputs, strict=True):
            findings = scrubber.scrub(inp)
            outcomes.append(ScrubOutcome(claim, findings))
            blocking = False
            for f in findings:
                earlier = kept_overrides.get((claim.pk, str(f.code), f.line))
                overridden = earlier is not None and f.severity == scrubber.Severity.WARNING
                rows.append(
                    ClaimFinding(
                        claim=claim,
                        code=str(f.code),
                        severity=FindingSeverity(str(f.severity)),
                        message=f.message,
                        fix=f.fix,
                        line_number=f.line,
                        field=f.field[:60],
                        found_at=now,
                        overridden_by=earlier.overridden_by if overridden and earlier else None,
                        overridden_at=earlier.overridden_at if overridden and earlier else None,
                        override_reason=earlier.override_reason if overridden and earlier else "",
                    )
                )
                blocking = blocking or not overridden
            # Errors hold the claim until fixed; a warning until fixed or overridden.
            status = ClaimStatus.SCRUBBED if blocking else ClaimStatus.READY
            note = (
                f"{sum(1 for f in findings if f.severity == scrubber.Severity.ERROR)} error(s), "
                f"{sum(1 for f in findings if f.severity == scrubber.Severity.WARNING)} warning(s)"
                if findings
                else "clean"
            )
            transitions.append(
                ClaimTransition(
                    claim=claim,
                    from_status=claim.status,
                    to_status=status,
                    by=user,
                    at=now,
                    note=note,
                )
            )
            by_status[status].append(claim.pk)
            if claim.first_scrub_clean is None:
                first_clean[not findings].append(claim.pk)
            claim.status = status
        ClaimFinding.objects.bulk_create(rows, batch_size=2000)
        ClaimTransition.objects.bulk_create(transitions, batch_size=2000)
        for new_status, ids in by_status.items():
            Claim.objects.filter(pk__in=ids).update(status=new_status, scrubbed_at=now)
        for clean, ids in first_clean.items():
            Claim.objects.filter(pk__in=ids).update(first_scrub_clean=clean)
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=None,
            data_category="claims",
            detail=f"scrubbed {len(chosen)} claim(s): {len(by_status.get(ClaimStatus.READY, []))} "
            f"ready, {len(by_status.get(ClaimStatus.SCRUBBED, []))} with errors",
        )
    return outcomes


def override_warning(*, finding: ClaimFinding, actor: Actor, reason: str) -> ClaimFinding:
    """Let a claim go despite a warning, saying why; an error cannot be overridden."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not override scrubber warnings.")
    reason = one_line(reason)
    errors: dict[str, list[ValidationError]] = {}
    if not reason:
        errors["reason"] = [
            ValidationError("Say why the warning does not apply.", code=Code.REASON_REQUIRED)
        ]
    elif len(reason) > 200:
        errors["reason"] = [
            ValidationError("Keep the reason under 200 characters.", code=Code.REASON_TOO_LONG)
        ]
    with transaction.atomic():
        finding = (
            ClaimFinding.objects.select_for_update().select_related("claim").get(pk=finding.pk)
        )
        if finding.severity != FindingSeverity.WARNING:
            errors.setdefault("__all__", []).append(
                ValidationError(
                    "An error cannot be overridden: fix the claim and scrub it again.",
                    code=Code.ERROR_NOT_OVERRIDABLE,
                )
            )
        elif finding.overridden_at is not None:
            errors.setdefault("__all__", []).append(
                ValidationError(
                    "That warning was already overridden.", code=Code.ALREADY_OVERRIDDEN
                )
            )
        if finding.claim.status not in SCRUBBABLE:
            errors.setdefault("__all__", []).append(
                ValidationError(
                    f"Claim {finding.claim.control_number} is "
                    f"“{finding.claim.get_status_display()}”; its findings no longer change.",
                    code=Code.CLAIM_LOCKED,
                )
            )
        if errors:
            raise ValidationError(errors)
        finding.overridden_by = actor_user(actor)
        finding.overridden_at = timezone.now()
        finding.override_reason = reason
        finding.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
        claim = finding.claim
        still_held = claim.findings.filter(
            Q(severity=FindingSeverity.ERROR) | Q(overridden_at__isnull=True)
        ).exists()
        if claim.status == ClaimStatus.SCRUBBED and not still_held:
            transition(claim=claim, to=ClaimStatus.READY, actor=actor, note="warnings overridden")
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=finding.claim,
            patient_id=finding.claim.patient_id,
            data_category="claims",
            detail=f"claim {finding.claim.control_number}: warning {finding.code} overridden: {reason}",
        )
    return finding


@dataclass(frozen=True)
class CleanClaimRate:
    clean: int
    scrubbed: int

    @property
    def rate(self) -> Decimal | None:
        if not self.scrubbed:
            return None
        return (Decimal(self.clean) * 100 / Decimal(self.scrubbed)).quantize(Decimal("0.1"))


def clean_claim_rate(claims: QuerySet[Claim]) -> CleanClaimRate:
    """Claims whose first scrub found nothing ÷ claims scrubbed (HFMA MAP CL-1)."""
    counts = claims.filter(first_scrub_clean__isnull=False).aggregate(
        clean=Count("pk", filter=Q(first_scrub_clean=True)), scrubbed=Count("pk")
    )
    return CleanClaimRate(clean=counts["clean"] or 0, scrubbed=counts["scrubbed"] or 0)
