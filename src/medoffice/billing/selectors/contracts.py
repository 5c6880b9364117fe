"""Managed-care contracts read: the contract in force, its terms as plain data for
``billing/contracts.py``, the underpayment report and the volume a what-if prices."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.http import Http404

from medoffice.billing import contracts as pure
from medoffice.billing.choices import FeeScheduleKind
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    Contract,
    FeeSchedule,
    FeeScheduleEntry,
    LineAdjudication,
)
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor
from medoffice.patients.models import Payer

ZERO = Decimal("0")


def contracts(user: Actor) -> QuerySet[Contract]:
    return Contract.objects.restrict(user, "view").select_related("payer", "fee_schedule")


def get_contract(user: Actor, pk: int) -> Contract:
    found = contracts(user).prefetch_related("carve_outs").filter(pk=pk).first()
    if found is None:
        raise Http404("No such contract.")
    return found


def contract_in_force(payer_id: int, day: dt.date) -> Contract | None:
    """The payer's (not draft) contract in force on the day, or None."""
    return (
        Contract.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
            payer_id=payer_id,
            is_draft=False,
            effective_from__lte=day,
        )
        .order_by("-effective_from", "-pk")
        .first()
    )


def overlapping(
    payer_id: int, start: dt.date, end: dt.date | None, *, exclude: int | None = None
) -> Contract | None:
    """A (not draft) contract of the payer whose dates meet [start, end]."""
    qs = Contract.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start), payer_id=payer_id, is_draft=False
    )
    if end is not None:
        qs = qs.filter(effective_from__lte=end)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("effective_from", "pk").first()


def terms_of(contract: Contract, *, codes: Iterable[str] | None = None) -> pure.ContractTerms:
    """The contract as plain data, with its schedule's rates (of ``codes`` only, if named)."""
    rates: list[pure.Rate] = []
    if contract.fee_schedule_id is not None:
        entries = FeeScheduleEntry.objects.filter(schedule_id=contract.fee_schedule_id)
        if codes is not None:
            entries = entries.filter(code__in=sorted(set(codes)))
        rates = [
            pure.Rate(code, modifier, amount, start, end)
            for code, modifier, amount, start, end in entries.values_list(
                "code", "modifier", "amount", "effective_from", "effective_to"
            )
        ]
    return pure.ContractTerms(
        method=contract.method,
        effective_from=contract.effective_from,
        effective_to=contract.effective_to,
        percent=contract.percent,
        rates=rates,
        carve_outs=[
            pure.CarveOut(c.code, c.modifier, c.amount, c.percent)
            for c in contract.carve_outs.all()
        ],
        contract_id=contract.pk,
        payer_id=contract.payer_id,
    )


# --- the underpayment report ---------------------------------------------------------------


@dataclass
class Total:
    key: str
    label: str
    lines: int = 0
    expected: Decimal = ZERO
    allowed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def shortfall(self) -> Decimal:
        return self.expected - self.allowed


@dataclass
class Underpayments:
    lines: list[LineAdjudication]  # the page's lines (all of them when not paged)
    by_payer: list[Total] = field(default_factory=list)
    by_code: list[Total] = field(default_factory=list)
    total: Total = field(default_factory=lambda: Total("all", "All payers"))
    truncated: bool = False  # more lines than the page shows
    page: int = 1
    pages: int = 1


MAX_SHOWN = 50  # lines a page shows
_CHUNK = 500  # ids a query names at most


def underpayments(
    user: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    payer_id: int | None = None,
    tolerance_amount: Decimal = ZERO,
    tolerance_percent: Decimal = ZERO,
    limit: int | None = MAX_SHOWN,
    page: int = 1,
    audit: bool = True,
) -> Underpayments:
    """The lines the payers allowed below what their contract expects, by more than the
    tolerances (both: an amount and a percent of expected), with totals per payer and code;
    the user's locations only. ``limit`` lines a page (None: every line), page ``page``
    (out of range: the nearest). The lines shown (patients' claims) are audited.

    The totals are summed from plain values (one query, no record built); only the lines
    shown are read as records, with their claim, payer and patient."""
    qs = (
        LineAdjudication.objects.restrict(user, "view")
        .filter(
            expected_allowed__isnull=False,
            allowed__lt=F("expected_allowed"),
            reversed_at__isnull=True,  # a posting the payer reversed no longer counts
        )
        .order_by("service_date", "pk")
    )
    if date_from is not None:
        qs = qs.filter(service_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(service_date__lte=date_to)
    if payer_id is not None:
        qs = qs.filter(payer_id=payer_id)
    result = Underpayments(lines=[])
    payers: dict[int, Total] = {}
    codes: dict[str, Total] = {}
    ids: list[int] = []
    values = qs.values_list("pk", "payer_id", "code", "expected_allowed", "allowed", "paid")
    for pk, payer, code, expected, allowed, paid in values.iterator(chunk_size=2000):
        if not pure.is_underpaid(
            expected=expected,
            allowed=allowed,
            tolerance_amount=tolerance_amount,
            tolerance_percent=tolerance_percent,
        ):
            continue
        assert expected is not None  # is_underpaid is False without an expected amount
        for total in (
            payers.setdefault(payer, Total(str(payer), "")),
            codes.setdefault(code, Total(code, code)),
            result.total,
        ):
            total.lines += 1
            total.expected += expected
            total.allowed += allowed
            total.paid += paid
        ids.append(pk)
    names = dict(Payer.objects.filter(pk__in=list(payers)).values_list("pk", "name"))
    for payer, total in payers.items():
        total.label = names.get(payer, "")
    if limit is not None:
        result.pages = max(1, -(-len(ids) // limit))
        result.page = min(max(page, 1), result.pages)
        shown = ids[(result.page - 1) * limit : result.page * limit]
        result.truncated = len(shown) < len(ids)
    else:
        shown = ids
    rows = LineAdjudication.objects.select_related("payer", "claim", "patient")
    for start in range(0, len(shown), _CHUNK):
        chunk = shown[start : start + _CHUNK]
        result.lines.extend(rows.filter(pk__in=chunk).order_by("service_date", "pk"))
    result.by_payer = sorted(payers.values(), key=lambda t: (-t.shortfall, t.label))
    result.by_code = sorted(codes.values(), key=lambda t: (-t.shortfall, t.label))
    if audit and result.lines:
        record_event(
            AuditAction.READ,
            user=user,
            object_type="billing.lineadjudication",
            data_category="claims",
            patient_ids=[row.patient_id for row in result.lines],
            detail=f"underpayment report: {result.total.lines} line(s)",
        )
    return result


# --- the what-if's volume --------------------------------------------------------------------


def volume(
    user: Actor, payer_id: int, *, until: dt.date, months: int = 12
) -> tuple[list[pure.Volume], str]:
    """The payer's service lines of the ``months`` before ``until``: from the adjudications
    posted (one per line, the latest; "adjudications"), else from the charge lines billed to
    the payer ("charges"). The user's locations only."""
    since = _months_before(until, months)
    adjudicated = (
        LineAdjudication.objects.restrict(user, "view")
        .filter(
            payer_id=payer_id,
            service_date__gt=since,
            service_date__lte=until,
            reversed_at__isnull=True,
        )
        .order_by("charge_line_id", "-posted_at", "-pk")
        .values_list("charge_line_id", "code", "modifiers", "units", "billed", "service_date")
    )
    seen: set[int] = set()
    rows: list[pure.Volume] = []
    for line_id, code, modifiers, units, billed, day in adjudicated:
        if line_id in seen:
            continue
        seen.add(line_id)
        rows.append(pure.Volume(code, _mods(modifiers), units, billed, day))
    if rows:
        return rows, "adjudications"
    encounter_ids = (
        Claim.objects.restrict(user, "view")
        .filter(payer_id=payer_id, date_of_service__gt=since, date_of_service__lte=until)
        .exclude(status__in=["voided", "draft"])
        .values("encounter_id")
    )
    for code, modifiers, units, charge, day in (
        ChargeLine.objects.filter(encounter_id__in=encounter_ids)
        .order_by("pk")
        .values_list("procedure_code", "modifiers", "units", "charge", "encounter__date_of_service")
    ):
        rows.append(pure.Volume(code, _mods(modifiers), units, charge, day))
    return rows, "charges"


def _mods(text: str) -> tuple[str, ...]:
    return tuple(m for m in text.split(",") if m)


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def codes_in(rows: Sequence[pure.Volume]) -> set[str]:
    return {row.code for row in rows}


def current_terms(payer_id: int, day: dt.date) -> tuple[Contract | None, pure.ContractTerms | None]:
    """What prices the payer's lines today: its contract in force, else its active
    allowed-amount schedule (as a fee-schedule contract without dates), else nothing."""
    contract = contract_in_force(payer_id, day)
    if contract is not None:
        return contract, terms_of(contract)
    schedule = (
        FeeSchedule.objects.filter(kind=FeeScheduleKind.ALLOWED, payer_id=payer_id, is_active=True)
        .order_by("pk")
        .first()
    )
    if schedule is None:
        return None, None
    rates = [
        pure.Rate(code, modifier, amount, start, end)
        for code, modifier, amount, start, end in schedule.entries.values_list(
            "code", "modifier", "amount", "effective_from", "effective_to"
        )
    ]
    return None, pure.ContractTerms(
        method=pure.FEE_SCHEDULE, effective_from=dt.date.min, rates=rates, payer_id=payer_id
    )


@dataclass
class WhatIf:
    payer: Payer
    since: dt.date
    until: dt.date
    contract: Contract | None
    priced: bool  # something prices the payer's lines today
    source: str  # "adjudications" or "charges"
    rows: list[pure.CodeChange]
    line_count: int

    @property
    def current(self) -> Decimal:
        return sum((r.current for r in self.rows), ZERO)

    @property
    def proposed(self) -> Decimal:
        return sum((r.proposed for r in self.rows), ZERO)

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current


def run_what_if(
    user: Actor,
    payer: Payer,
    *,
    today: dt.date,
    proposed_rates: dict[str, Decimal],
    percent_change: Decimal | None,
) -> WhatIf:
    """The payer's last 12 months' volume priced as today and as proposed. Reads only
    counts and amounts (no patient is shown); nothing is written."""
    rows, source = volume(user, payer.pk, until=today)
    contract, terms = current_terms(payer.pk, today)
    # Price every line with today's terms: the negotiation is about the rates from now on.
    if terms is not None:
        rows = [dataclasses.replace(r, service_date=today) for r in rows]
    changes = pure.what_if(
        rows, current=terms, proposed_rates=proposed_rates, percent_change=percent_change
    )
    return WhatIf(
        payer=payer,
        since=_months_before(today, 12),
        until=today,
        contract=contract,
        priced=terms is not None,
        source=source,
        rows=changes,
        line_count=len(rows),
    )
