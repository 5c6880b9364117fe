"""Billing's reference reads: the code sets and NCCI edits as the scrubber takes them
(``scrub_reference``, what ``services.scrub.scrub_claims`` scrubs against),
a code's edits for its page, and payers' timely filing deadlines.

Reference data holds no patient data: these reads are not audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from medoffice.billing import scrubber, timely
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


def scrub_reference(
    today: dt.date, *, table: str = NcciTable.PRACTITIONER
) -> scrubber.InMemoryReference:
    """The practice's code tables as the scrubber's reference, in six queries.

    ``table``'s NCCI edits (practitioner by default): every PTP edit with its dates (the
    scrubber checks each line's date of service against them), the MUE in force on
    ``today`` (the latest when two are), the add-on edits not deleted by ``today`` (CMS's
    deletion date is the first day an edit no longer applies); the active procedure codes,
    modifiers and places of service.
    """
    primaries: dict[str, set[str]] = defaultdict(set)
    for addon, primary in AddOnCode.objects.filter(
        Q(deleted_on__isnull=True) | Q(deleted_on__gt=today)
    ).values_list("addon", "primary"):
        primaries[addon].add(primary)
    procedures = [
        scrubber.ProcedureInfo(
            code=code,
            description=short,
            is_addon=code in primaries,
            addon_primaries=frozenset(primaries.get(code, ())),
            is_noc=noc,
            is_drug=ndc,
        )
        for code, short, noc, ndc in ProcedureCode.objects.filter(is_active=True).values_list(
            "code", "short_description", "is_not_otherwise_classified", "requires_ndc"
        )
    ]
    ptp = [
        scrubber.PtpEdit(
            column1=c1,
            column2=c2,
            modifier_indicator=int(indicator),
            effective=effective,
            deleted=deleted,
        )
        for c1, c2, indicator, effective, deleted in PtpEdit.objects.filter(
            table=table
        ).values_list("column1", "column2", "modifier_indicator", "effective_from", "deleted_on")
    ]
    mues: dict[str, scrubber.MueLimit] = {}
    for code, units, adjudication in (
        MueLimit.objects.filter(table=table, effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("code", "effective_from")
        .values_list("code", "units", "adjudication")
    ):
        mues[code] = scrubber.MueLimit(code=code, units=units, adjudication=int(adjudication))
    return scrubber.InMemoryReference(
        procedures=procedures,
        modifiers=Modifier.objects.filter(is_active=True).values_list("code", flat=True),
        places_of_service=PlaceOfService.objects.filter(is_active=True).values_list(
            "code", flat=True
        ),
        ptp_edits=ptp,
        mues=mues.values(),
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
