"""Billing's reference reads: the code sets and NCCI edits as the scrubber takes them,
a code's edits for its page, and payers' timely filing deadlines.

Reference data holds no patient data: these reads are not audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from medoffice.billing import timely
from medoffice.billing.choices import NcciTable, TimelyFilingRule
from medoffice.billing.models import (
    AddOnCode,
    FeeSchedule,
    Modifier,
    MueLimit,
    PayerProfile,
    PlaceOfService,
    ProcedureCode,
    PtpEdit,
)
from medoffice.patients.models import Payer

PtpKey = tuple[str, str]
PtpFact = tuple[str, dt.date, dt.date | None]  # (modifier indicator, effective, deleted)


@dataclass(frozen=True)
class ScrubReference:
    """Plain data for the scrubber, loaded once (six queries).

    - ``ptp``: (column 1, column 2) → [(modifier indicator, effective, deleted or None)]
    - ``mue``: code → (units, adjudication indicator "1"/"2"/"3")
    - ``addon_primaries``: add-on code → the primary codes it may be billed with
    - ``procedures``: code → (short description, is NOC, requires NDC)
    - ``modifiers``, ``places``: the active codes
    """

    on: dt.date | None
    ptp: dict[PtpKey, list[PtpFact]] = field(default_factory=dict)
    mue: dict[str, tuple[int, str]] = field(default_factory=dict)
    addon_primaries: dict[str, set[str]] = field(default_factory=dict)
    procedures: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)
    modifiers: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)


def _in_force(on: dt.date | None, start: str, end: str, *, end_inclusive: bool) -> Q:
    """Rows in force on ``on`` (all rows when None). CMS's deletion date is the first day
    an edit no longer applies; an effective-to date is the last day it does."""
    if on is None:
        return Q()
    ends = Q(**{f"{end}__gte" if end_inclusive else f"{end}__gt": on})
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | ends)


def scrub_reference(
    on: dt.date | None = None, *, table: str = NcciTable.PRACTITIONER
) -> ScrubReference:
    """The code sets and NCCI edits of ``table`` (practitioner by default) in force on
    ``on``; every row, whatever its dates, when ``on`` is None (each PTP fact keeps its
    dates, so the scrubber can check each line's date itself)."""
    ptp: dict[PtpKey, list[PtpFact]] = defaultdict(list)
    for col1, col2, indicator, start, deleted in (
        PtpEdit.objects.filter(_in_force(on, "effective_from", "deleted_on", end_inclusive=False))
        .filter(table=table)
        .order_by("column1", "column2", "effective_from")
        .values_list("column1", "column2", "modifier_indicator", "effective_from", "deleted_on")
    ):
        ptp[(col1, col2)].append((indicator, start, deleted))
    mue: dict[str, tuple[int, str]] = {}
    for code, units, adjudication in (
        MueLimit.objects.filter(_in_force(on, "effective_from", "effective_to", end_inclusive=True))
        .filter(table=table)
        .order_by("code", "effective_from")
        .values_list("code", "units", "adjudication")
    ):
        mue[code] = (units, adjudication)  # the latest limit wins
    primaries: dict[str, set[str]] = defaultdict(set)
    for addon, primary in AddOnCode.objects.filter(
        _in_force(on, "effective_from", "deleted_on", end_inclusive=False)
    ).values_list("addon", "primary"):
        primaries[addon].add(primary)
    codes = ProcedureCode.objects.filter(is_active=True)
    if on is not None:
        codes = codes.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )
    procedures = {
        code: (description, noc, ndc)
        for code, description, noc, ndc in codes.values_list(
            "code", "short_description", "is_not_otherwise_classified", "requires_ndc"
        )
    }
    return ScrubReference(
        on=on,
        ptp=dict(ptp),
        mue=mue,
        addon_primaries=dict(primaries),
        procedures=procedures,
        modifiers=set(Modifier.objects.filter(is_active=True).values_list("code", flat=True)),
        places=set(PlaceOfService.objects.filter(is_active=True).values_list("code", flat=True)),
    )


# --- a code's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class CodeEdits:
    as_column1: list[PtpEdit]
    as_column2: list[PtpEdit]
    mues: list[MueLimit]
    primaries: list[AddOnCode]  # the code is an add-on: its primaries
    addons: list[AddOnCode]  # the code is a primary: add-ons billed with it


def code_edits(code: str, *, limit: int = 200) -> CodeEdits:
    """The NCCI edits naming a code (each list at most ``limit`` rows)."""
    return CodeEdits(
        as_column1=list(PtpEdit.objects.filter(column1=code)[:limit]),
        as_column2=list(PtpEdit.objects.filter(column2=code)[:limit]),
        mues=list(MueLimit.objects.filter(code=code).order_by("table", "-effective_from")[:limit]),
        primaries=list(AddOnCode.objects.filter(addon=code)[:limit]),
        addons=list(AddOnCode.objects.filter(primary=code)[:limit]),
    )


# --- payers -----------------------------------------------------------------------------


def payers_with_profiles() -> QuerySet[Payer]:
    """Every payer with its billing profile (or none yet) and clearinghouse."""
    return Payer.objects.select_related("billing", "billing__clearinghouse").order_by("name")


def profile_of(payer: Payer) -> PayerProfile | None:
    try:
        return payer.billing
    except PayerProfile.DoesNotExist:
        return None


def timely_filing_deadline(payer: Payer, from_date: dt.date) -> dt.date:
    """The last day the payer takes a claim line with this from-date (``billing.timely``).
    A payer without a billing profile is held to the profile's defaults (180 days)."""
    profile = profile_of(payer)
    if profile is None:
        return timely.filing_deadline(TimelyFilingRule.DAYS, 180, from_date)
    return timely.filing_deadline(profile.timely_filing_rule, profile.timely_filing_days, from_date)


def filing_warning(deadline: dt.date, today: dt.date) -> timely.FilingWarning | None:
    """A warning from 30 days before the deadline (``billing.timely.filing_warning``)."""
    return timely.filing_warning(deadline, today)


def schedules_with_counts() -> QuerySet[FeeSchedule]:
    from django.db.models import Count

    return FeeSchedule.objects.select_related("payer").annotate(entry_count=Count("entries"))
