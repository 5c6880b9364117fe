"""Reads of denials and appeals, scoped to the user's locations: the queue, one denial with
its claim, codes in words and history, its groups by category and code, an appeal letter's
values, the letter templates, and the report's figures (denial rate, top reasons, appeals)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from medoffice.billing import kpis
from medoffice.billing.adjustments import (
    AdjustmentCodeError,
    DenialCategory,
    carc,
    describe_adjustment,
    rarc,
)
from medoffice.billing.choices import AppealOutcome, ClaimStatus, DenialStatus
from medoffice.billing.models import (
    Appeal,
    AppealTemplate,
    ChargeLine,
    ClaimTransition,
    Denial,
    DenialEvent,
    PayerProfile,
)
from medoffice.billing.selectors.ledger import cents_sum
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.formats import as_date
from medoffice.core.models import Practice
from medoffice.core.money import format_money
from medoffice.core.permissions import Actor

ZERO = Decimal("0.00")

# What to do, per category: the detail page's hint table.
HINTS: dict[str, str] = {
    DenialCategory.ELIGIBILITY: "Check the patient's coverage on the date of service (run an "
    "eligibility check); bill the right payer, or the patient if there was no coverage.",
    DenialCategory.AUTHORISATION: "Find the authorisation or referral number; appeal with it "
    "(letter “Authorisation obtained”), or ask the payer for a retro-authorisation.",
    DenialCategory.CODING: "Review the codes, modifiers and diagnosis pointers with the coder; "
    "correct the claim (a replacement, frequency 7).",
    DenialCategory.MEDICAL_NECESSITY: "Send the visit notes that show why the service was "
    "needed (letter “Medical necessity”); check the payer's coverage policy and the diagnoses.",
    DenialCategory.TIMELY_FILING: "Find the clearinghouse's acceptance report of the first "
    "submission; appeal with it (letter “Timely filing”). Without proof, write it off.",
    DenialCategory.DUPLICATE: "Look for the claim it was matched with: if it is a true "
    "duplicate close this; if not, appeal (letter “Duplicate denied in error”).",
    DenialCategory.COORDINATION_OF_BENEFITS: "Update the order of the patient's coverages; "
    "bill the primary payer first, then send the secondary with the primary's payment.",
    DenialCategory.BUNDLING: "Check the NCCI edits: add modifier 59/XS/25 where the service "
    "was separate and documented, and correct the claim; otherwise write it off.",
    DenialCategory.NON_COVERED: "Bill the patient if a waiver (ABN) was signed; otherwise "
    "appeal with the notes, or write it off.",
    DenialCategory.MISSING_INFORMATION: "Add what the remarks ask for (referring provider, "
    "NDC, attachment…) and correct the claim.",
    DenialCategory.PATIENT_RESPONSIBILITY: "The patient owes it: transfer it to the patient.",
    DenialCategory.CONTRACTUAL: "The contract says so: write it off (check the fee schedule).",
    DenialCategory.OTHER: "Read the remarks and the payer's remittance; call the payer.",
}


def denials(user: Actor) -> QuerySet[Denial]:
    """The denials the user may see, with what the queue shows."""
    return Denial.objects.restrict(user, "view").select_related(
        "claim", "patient", "payer", "assigned_to", "charge_line"
    )


def get_denial(user: Actor, pk: int, *, audit: bool = True) -> Denial:
    found = (
        denials(user).select_related("claim__coverage", "claim__encounter").filter(pk=pk).first()
    )
    if found is None:
        raise Http404("No such denial.")
    if audit:
        record_event(
            AuditAction.READ,
            user=user,
            obj=found,
            patient_id=found.patient_id,
            data_category="claims",
            detail=f"denial {found.code} on claim {found.claim.control_number}",
        )
    return found


def events(denial: Denial) -> QuerySet[DenialEvent]:
    return denial.events.select_related("by")


def appeals(user: Actor) -> QuerySet[Appeal]:
    return Appeal.objects.restrict(user, "view").select_related("claim", "template", "created_by")


def appeals_of(user: Actor, denial: Denial) -> QuerySet[Appeal]:
    return appeals(user).filter(denials=denial).prefetch_related("denials")


def get_appeal(user: Actor, pk: int) -> Appeal:
    found = appeals(user).select_related("claim__patient").filter(pk=pk).first()
    if found is None:
        raise Http404("No such appeal.")
    return found


def templates(*, active_only: bool = True) -> QuerySet[AppealTemplate]:
    rows = AppealTemplate.objects.all()
    return rows.filter(is_active=True) if active_only else rows


def days_old(denial: Denial, today: dt.date | None = None) -> int:
    return max(0, ((today or timezone.localdate()) - denial.denied_on).days)


def code_words(group: str, reason: str) -> str:
    try:
        return describe_adjustment(group, reason)
    except AdjustmentCodeError:
        return f"{group}-{reason}"


def remark_words(code: str) -> str:
    try:
        entry = rarc(code)
    except AdjustmentCodeError:
        entry = None
    return entry.description if entry else "a remark code MedOffice does not know"


def reason_words(code: str) -> str:
    try:
        entry = carc(code)
    except AdjustmentCodeError:
        entry = None
    return entry.description if entry else "a reason code MedOffice does not know"


@dataclass
class Group:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO
    description: str = ""


@dataclass
class Groups:
    by_category: list[Group] = field(default_factory=list)
    by_code: list[Group] = field(default_factory=list)
    by_remark: list[Group] = field(default_factory=list)


def groups(rows: QuerySet[Denial]) -> Groups:
    """The rows counted and summed by category, by group+CARC and by RARC (with words)."""
    result = Groups()
    plain = rows.order_by()
    for row in plain.values("category").annotate(n=Count("pk"), total=cents_sum("amount")):
        key = row["category"]
        try:
            label = DenialCategory(key).label
        except ValueError:
            label = key
        result.by_category.append(Group(key, label, row["n"], row["total"]))
    for code_row in plain.values("group_code", "reason_code").annotate(
        n=Count("pk"), total=cents_sum("amount")
    ):
        key = f"{code_row['group_code']}-{code_row['reason_code']}"
        result.by_code.append(
            Group(key, key, code_row["n"], code_row["total"], reason_words(code_row["reason_code"]))
        )
    remarks: dict[str, Group] = {}
    for codes, amount in plain.exclude(remark_codes="").values_list("remark_codes", "amount"):
        for code in codes.split(","):
            group = remarks.setdefault(code, Group(code, code, description=remark_words(code)))
            group.count += 1
            group.amount += amount
    result.by_remark = sorted(remarks.values(), key=lambda g: (-g.count, g.key))
    result.by_category.sort(key=lambda g: (-g.count, g.key))
    result.by_code.sort(key=lambda g: (-g.count, g.key))
    return result


def _payer_address(payer_id: int | None, fallback: str) -> str:
    profile = PayerProfile.objects.filter(payer_id=payer_id).first() if payer_id else None
    if profile is not None and profile.claims_address_line1:
        parts = [
            profile.claims_address_line1,
            profile.claims_address_line2,
            f"{profile.claims_city}, {profile.claims_state} {profile.claims_postal_code}".strip(
                ", "
            ),
        ]
        return "\n".join(p for p in parts if p)
    return fallback


def letter_values(chosen: list[Denial]) -> dict[str, str]:
    """The placeholders' values for a letter appealing ``chosen`` (denials of one claim)."""
    first = chosen[0]
    claim = first.claim
    patient = claim.patient
    practice = Practice.current()
    lines = {
        line.pk: line
        for line in ChargeLine.with_removed.filter(encounter_id=claim.encounter_id).order_by(
            "line_number"
        )
    }
    denied_lines = [lines[d.charge_line_id] for d in chosen if d.charge_line_id in lines]
    shown_lines = denied_lines or list(lines.values())
    codes = []
    for denial in chosen:
        text = denial.code
        if denial.remark_codes:
            text += " " + " ".join(denial.remark_list)
        codes.append(text)
    reasons = [code_words(d.group_code, d.reason_code) for d in chosen]
    for denial in chosen:
        reasons.extend(f"{r}: {remark_words(r)}" for r in denial.remark_list)
    payer = claim.payer
    return {
        "today": as_date(timezone.localdate()),
        "practice": (practice.display_name or practice.legal_name) if practice else "",
        "practice_address": practice.address_text if practice else "",
        "practice_phone": practice.phone if practice else "",
        "practice_npi": practice.group_npi if practice else "",
        "payer_name": payer.name if payer else "",
        "payer_address": _payer_address(claim.payer_id, payer.address if payer else ""),
        "patient_name": f"{patient.first_name} {patient.last_name}",
        "date_of_birth": as_date(patient.date_of_birth),
        "member_id": claim.coverage.member_id if claim.coverage else "",
        "claim_number": claim.control_number,
        "payer_claim_number": claim.payer_claim_number or "not given",
        "dates_of_service": as_date(claim.date_of_service),
        "procedures": ", ".join(
            line.procedure_code + (f"-{line.modifiers.replace(',', '-')}" if line.modifiers else "")
            for line in shown_lines
        ),
        "codes": "; ".join(codes),
        "reason": "; ".join(reasons),
        "amount": format_money(sum((d.amount for d in chosen), ZERO)),
        "denied_on": as_date(min(d.denied_on for d in chosen)),
    }


# --- the report ------------------------------------------------------------------------------


@dataclass
class MonthRate:
    month: dt.date  # its first day
    denied: int
    adjudicated: int
    rate: Decimal | None  # a fraction (0.08 is 8 %)


@dataclass
class Report:
    months: list[MonthRate]
    top_by_count: list[Group]
    top_by_amount: list[Group]
    appeals_decided: int
    appeals_won: int
    appeal_success_rate: Decimal | None
    recovered: Decimal
    denied_amount: Decimal
    open_count: int


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = _month(today)
    out = [first]
    for _ in range(count - 1):
        first = _month(first - dt.timedelta(days=1))
        out.append(first)
    return list(reversed(out))


def report(user: Actor, *, months: int = 12, today: dt.date | None = None) -> Report:
    """The figures of the last ``months`` months (this one included), the user's claims.

    Denial rate by month (``kpis.denial_rate`` in claims): the claims with a denial that
    month ÷ the claims adjudicated that month (a claim denied that month counts as
    adjudicated even when no payment was posted).
    """
    today = today or timezone.localdate()
    starts = _months_back(today, max(1, min(months, 36)))
    since = starts[0]
    mine = denials(user)
    denied_by_month: dict[dt.date, set[int]] = defaultdict(set)
    for claim_id, day in mine.filter(denied_on__gte=since).values_list("claim_id", "denied_on"):
        denied_by_month[_month(day)].add(claim_id)
    zone = timezone.get_current_timezone()
    bounds = [dt.datetime.combine(m, dt.time.min, tzinfo=zone) for m in starts]
    bounds.append(
        dt.datetime.combine(_month(starts[-1] + dt.timedelta(days=31)), dt.time.min, tzinfo=zone)
    )
    adjudications = ClaimTransition.objects.restrict(user, "view").filter(
        to_status=ClaimStatus.ADJUDICATED, at__gte=bounds[0]
    )
    # The claims adjudicated each month, counted in the database (one query, no rows); the
    # denied claims (few) adjudicated in their month too are found to count each claim once.
    adjudicated_count = adjudications.order_by().aggregate(
        **{
            f"m{n}": Count(
                "claim_id", distinct=True, filter=Q(at__gte=bounds[n], at__lt=bounds[n + 1])
            )
            for n in range(len(starts))
        }
    )
    denied_ids = set().union(*denied_by_month.values())
    both: dict[dt.date, set[int]] = defaultdict(set)
    for claim_id, at in adjudications.filter(claim_id__in=denied_ids).values_list("claim_id", "at"):
        both[_month(at.astimezone(zone).date())].add(claim_id)
    rates = []
    for n, start in enumerate(starts):
        denied = denied_by_month.get(start, set())
        adjudicated = adjudicated_count[f"m{n}"] + len(denied - both.get(start, set()))
        rates.append(
            MonthRate(
                start,
                len(denied),
                adjudicated,
                kpis.denial_rate(len(denied), adjudicated) if adjudicated else None,
            )
        )
    window = mine.filter(denied_on__gte=since).order_by()
    codes = [
        Group(
            f"{r['group_code']}-{r['reason_code']}",
            f"{r['group_code']}-{r['reason_code']}",
            r["n"],
            r["total"],
            reason_words(r["reason_code"]),
        )
        for r in window.values("group_code", "reason_code").annotate(
            n=Count("pk"), total=cents_sum("amount")
        )
    ]
    decided = (
        appeals(user)
        .filter(outcome__in=[AppealOutcome.OVERTURNED, AppealOutcome.UPHELD])
        .order_by()
        .aggregate(
            n=Count("pk"),
            won=Count("pk", filter=Q(outcome=AppealOutcome.OVERTURNED)),
        )
    )
    totals = window.aggregate(
        denied=cents_sum("amount"),
        recovered=Sum("recovered"),
    )
    n, won = decided["n"] or 0, decided["won"] or 0
    return Report(
        months=rates,
        top_by_count=sorted(codes, key=lambda g: (-g.count, -g.amount, g.key))[:10],
        top_by_amount=sorted(codes, key=lambda g: (-g.amount, -g.count, g.key))[:10],
        appeals_decided=n,
        appeals_won=won,
        appeal_success_rate=(Decimal(won) / Decimal(n)).quantize(Decimal("0.0001")) if n else None,
        recovered=(totals["recovered"] or ZERO).quantize(Decimal("0.01")),
        denied_amount=totals["denied"] or ZERO,
        open_count=mine.filter(
            status__in=[DenialStatus.OPEN, DenialStatus.APPEALED, DenialStatus.CORRECTED]
        ).count(),
    )


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'))} %"
