"""The lines' modifiers and drugs, and the payer edits: NCCI procedure-to-procedure, MUEs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import cast

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import MueLimit, Severity
from medoffice.billing.scrubber.registry import Context, Hit, line_field, positive, rule

E, W = Severity.ERROR, Severity.WARNING

MAX_MODIFIERS = 4
TELEHEALTH_PLACES = frozenset({"02", "10"})
SIDES = frozenset({"LT", "RT"})
X_MODIFIERS = frozenset({"XE", "XP", "XS", "XU"})
NDC_UNITS = frozenset({"F2", "GR", "ME", "ML", "UN"})  # CTP05-1
_NDC = re.compile(r"\d{11}\Z", re.ASCII)
# The modifiers that may bypass an NCCI edit of modifier indicator 1 (CMS's NCCI Policy
# Manual, chapter I: anatomic, global surgery and other NCCI-associated modifiers).
NCCI_MODIFIERS = frozenset(
    {"59", "XE", "XP", "XS", "XU", "24", "25", "57", "58", "78", "79", "27", "91"}
    | {"E1", "E2", "E3", "E4", "FA", "TA", "LT", "RT", "LC", "LD", "RC", "LM", "RI"}
    | {f"F{n}" for n in range(1, 10)}
    | {f"T{n}" for n in range(1, 10)}
)


def is_evaluation_and_management(code: str) -> bool:
    """CPT E/M codes 99202–99499."""
    return len(code) == 5 and code.isascii() and code.isdigit() and "99202" <= code <= "99499"


# --- modifiers --------------------------------------------------------------------------------


@rule(
    C.MODIFIER_UNKNOWN, E, "Check the modifier against the CPT/HCPCS modifier list and correct it."
)
def modifier_unknown(ctx: Context) -> Iterator[Hit]:
    valid = ctx.reference.is_valid_modifier
    if all(valid(modifier) for modifier in ctx.all_modifiers):
        return
    for number, line in ctx.lines:
        for modifier in line.modifiers:
            if not valid(modifier):
                yield Hit(
                    f"Line {number}: modifier {modifier!r} is not a known modifier.",
                    number,
                    line_field(number, "modifiers"),
                )


@rule(C.MODIFIER_TOO_MANY, E, "Keep the 4 modifiers that matter for payment; a line holds 4.")
def modifier_too_many(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.modifiers) > MAX_MODIFIERS:
            yield Hit(
                f"Line {number} has {len(line.modifiers)} modifiers; at most 4 fit.",
                number,
                line_field(number, "modifiers"),
            )


@rule(C.MODIFIER_REPEATED, E, "Remove the repeated modifier from the line.")
def modifier_repeated(ctx: Context) -> Iterator[Hit]:
    for (number, line), mods in zip(ctx.lines, ctx.modifier_sets, strict=True):
        if len(mods) != len(line.modifiers):
            yield Hit(f"Line {number} repeats a modifier.", number, line_field(number, "modifiers"))


@rule(
    C.MODIFIER_26_WITH_TC,
    E,
    "Use 26 for the reading only or TC for the equipment only; for both, bill the code "
    "without either modifier.",
)
def modifier_26_with_tc(ctx: Context) -> Iterator[Hit]:
    if "26" not in ctx.all_modifiers or "TC" not in ctx.all_modifiers:
        return
    for number, mods in zip(range(1, len(ctx.lines) + 1), ctx.modifier_sets, strict=True):
        if "26" in mods and "TC" in mods:
            yield Hit(f"Line {number} has both 26 and TC.", number, line_field(number, "modifiers"))


@rule(
    C.MODIFIER_50_WITH_SIDE,
    E,
    "Use 50 for a bilateral procedure, or LT/RT for one side, not both on one line.",
)
def modifier_50_with_side(ctx: Context) -> Iterator[Hit]:
    if "50" not in ctx.all_modifiers:
        return
    for number, mods in zip(range(1, len(ctx.lines) + 1), ctx.modifier_sets, strict=True):
        if "50" in mods and mods & SIDES:
            yield Hit(
                f"Line {number} has 50 (bilateral) with {'/'.join(sorted(mods & SIDES))}.",
                number,
                line_field(number, "modifiers"),
            )


@rule(
    C.MODIFIER_25_NOT_EM,
    W,
    "Modifier 25 belongs on the office visit (E/M code), not on the procedure; move it.",
)
def modifier_25_not_em(ctx: Context) -> Iterator[Hit]:
    if "25" not in ctx.all_modifiers:
        return
    for (number, line), mods in zip(ctx.lines, ctx.modifier_sets, strict=True):
        if "25" in mods and not is_evaluation_and_management(line.procedure_code):
            yield Hit(
                f"Line {number}: modifier 25 is on {line.procedure_code}, which is not an E/M code.",
                number,
                line_field(number, "modifiers"),
            )


@rule(
    C.MODIFIER_59_WITH_X,
    E,
    "Use either 59 or the more specific X modifier (XE, XP, XS, XU), not both.",
)
def modifier_59_with_x(ctx: Context) -> Iterator[Hit]:
    if "59" not in ctx.all_modifiers:
        return
    for number, mods in zip(range(1, len(ctx.lines) + 1), ctx.modifier_sets, strict=True):
        if "59" in mods and mods & X_MODIFIERS:
            yield Hit(
                f"Line {number} has 59 with {'/'.join(sorted(mods & X_MODIFIERS))}.",
                number,
                line_field(number, "modifiers"),
            )


@rule(
    C.TELEHEALTH_PLACE_OF_SERVICE,
    W,
    "A telehealth visit (modifier 95) is billed with place of service 02 or 10 by most "
    "payers; check the payer's telehealth policy and correct the place or the modifier.",
)
def telehealth_place_of_service(ctx: Context) -> Iterator[Hit]:
    if "95" not in ctx.all_modifiers:
        return
    for number, place, mods in zip(
        range(1, len(ctx.lines) + 1), ctx.places, ctx.modifier_sets, strict=True
    ):
        if "95" in mods and place not in TELEHEALTH_PLACES:
            yield Hit(
                f"Line {number} has telehealth modifier 95 with place of service {place!r}.",
                number,
                line_field(number, "modifiers"),
            )


@rule(
    C.TELEHEALTH_MODIFIER_MISSING,
    W,
    "Check whether the payer wants modifier 95 on telehealth services and add it if so.",
)
def telehealth_modifier_missing(ctx: Context) -> Iterator[Hit]:
    for number, place, mods in zip(
        range(1, len(ctx.lines) + 1), ctx.places, ctx.modifier_sets, strict=True
    ):
        if place in TELEHEALTH_PLACES and "95" not in mods:
            yield Hit(
                f"Line {number} is telehealth (place of service {place}) without modifier 95.",
                number,
                line_field(number, "modifiers"),
            )


# --- drugs ------------------------------------------------------------------------------------


# A drug line: a HCPCS J-code (drugs administered other than orally, chemotherapy), or a
# code the practice's table marks as a drug (Q-codes for vaccines, for example).
@rule(
    C.DRUG_NDC_MISSING,
    E,
    "Enter the 11-digit NDC from the drug's vial or package, with the quantity given.",
)
def drug_ndc_missing(ctx: Context) -> Iterator[Hit]:
    for (number, line), info in zip(ctx.lines, ctx.procedures, strict=True):
        is_drug = line.procedure_code[:1] == "J" or (info is not None and info.is_drug)
        if is_drug and (line.drug is None or not line.drug.ndc.strip()):
            yield Hit(
                f"Line {number}: drug code {line.procedure_code} has no NDC.",
                number,
                line_field(number, "drug.ndc"),
            )


@rule(
    C.NDC_INVALID,
    E,
    "Write the NDC as 11 digits in 5-4-2 form: add the leading zero to the short part of a "
    "10-digit NDC (e.g. 1234-5678-90 → 01234567890).",
)
def ndc_invalid(ctx: Context) -> Iterator[Hit]:
    for number, _, drug in ctx.drugs:
        if drug.ndc.strip() and not _NDC.match(drug.ndc):
            yield Hit(
                f"Line {number}: the NDC {drug.ndc!r} is not 11 digits.",
                number,
                line_field(number, "drug.ndc"),
            )


@rule(C.NDC_QUANTITY_MISSING, E, "Enter the quantity of the drug given (for example 2 ML).")
def ndc_quantity_missing(ctx: Context) -> Iterator[Hit]:
    for number, _, drug in ctx.drugs:
        if not positive(drug.quantity):
            yield Hit(
                f"Line {number}: the drug quantity is {drug.quantity}.",
                number,
                line_field(number, "drug.quantity"),
            )


@rule(
    C.NDC_UNIT_INVALID,
    E,
    "Choose the drug's unit: F2 international unit, GR gram, ME milligram, ML millilitre or UN unit.",
)
def ndc_unit_invalid(ctx: Context) -> Iterator[Hit]:
    for number, _, drug in ctx.drugs:
        if drug.unit not in NDC_UNITS:
            yield Hit(
                f"Line {number}: the drug unit {drug.unit!r} is not F2, GR, ME, ML or UN.",
                number,
                line_field(number, "drug.unit"),
            )


# --- NCCI procedure-to-procedure edits and MUEs -----------------------------------------------


def _ptp_pairs(ctx: Context) -> list[tuple[int, int, int, str, str]]:
    """(modifier indicator, column-one line, column-two line, codes) of each pair of lines
    on one date that an NCCI edit in effect that day holds (indicator 0 or 1), worked out
    once for both rules."""
    found = cast("list[tuple[int, int, int, str, str]] | None", ctx.memo.get("ptp"))
    if found is not None:
        return found
    found = []
    edits = ctx.reference.ptp_edits
    lines = ctx.claim.lines
    for day, indexes in ctx.by_day.items():
        if len(indexes) < 2:
            continue
        for index1 in indexes:
            code1 = lines[index1].procedure_code
            column2 = edits(code1)
            if not column2:
                continue
            for index2 in indexes:
                code2 = lines[index2].procedure_code
                if code1 == code2 or code2 not in column2:
                    continue
                for edit in column2[code2]:
                    if edit.modifier_indicator in (0, 1) and edit.in_effect(day):
                        found.append(
                            (edit.modifier_indicator, index1 + 1, index2 + 1, code1, code2)
                        )
                        break
    ctx.memo["ptp"] = found
    return found


def _ptp(ctx: Context, indicator: int) -> Iterator[Hit]:
    """The pairs held with ``indicator``. The bypass modifier must be on the column-two
    line (the one the edit would deny), as CMS's NCCI manual directs."""
    for held, number1, number2, code1, code2 in _ptp_pairs(ctx):
        if held != indicator:
            continue
        if indicator == 1 and ctx.modifier_sets[number2 - 1] & NCCI_MODIFIERS:
            continue
        yield Hit(
            f"Line {number2}: {code2} is bundled into {code1} on line {number1} "
            f"(NCCI edit, modifier indicator {indicator}).",
            number2,
            line_field(number2, "procedure_code"),
        )


@rule(
    C.NCCI_PTP_NEVER_TOGETHER,
    E,
    "These two codes are never paid together on one day for one patient (NCCI modifier "
    "indicator 0), whatever the modifier: remove the bundled code.",
)
def ncci_ptp_never_together(ctx: Context) -> Iterator[Hit]:
    return _ptp(ctx, 0)


@rule(
    C.NCCI_PTP_MODIFIER_MISSING,
    E,
    "The second code is bundled into the first: remove it, or, when the note documents a "
    "separate site, session or service, add 59 or XE/XP/XS/XU (or an anatomic modifier) to it.",
)
def ncci_ptp_modifier_missing(ctx: Context) -> Iterator[Hit]:
    return _ptp(ctx, 1)


def _mues(ctx: Context) -> list[MueLimit | None]:
    """Each line's MUE, looked up once for both rules."""
    found = cast("list[MueLimit | None] | None", ctx.memo.get("mues"))
    if found is None:
        mue = ctx.reference.mue
        found = [mue(line.procedure_code) for line in ctx.claim.lines]
        ctx.memo["mues"] = found
    return found


@rule(
    C.MUE_LINE_EXCEEDED,
    E,
    "The units are more than any payer pays on one line (CMS's MUE): check the units, and "
    "split the line only if the note supports it and the payer allows.",
)
def mue_line_exceeded(ctx: Context) -> Iterator[Hit]:
    for (number, line), limit in zip(ctx.lines, _mues(ctx), strict=True):
        if (
            limit is not None
            and limit.adjudication == 1
            and line.units.is_finite()
            and line.units > limit.units
        ):
            yield Hit(
                f"Line {number}: {line.units} units of {line.procedure_code}; the MUE is {limit.units}.",
                number,
                line_field(number, "units"),
            )


@rule(
    C.MUE_DAY_EXCEEDED,
    E,
    "The units of this code on one day are more than the payer pays (CMS's MUE, per day): "
    "check the units on every line of that day.",
)
def mue_day_exceeded(ctx: Context) -> Iterator[Hit]:
    units: dict[tuple[str, dt.date], Decimal] = {}  # (code, day) → units summed
    first: dict[tuple[str, dt.date], tuple[int, int]] = {}  # → (first line, MUE)
    for (number, line), limit in zip(ctx.lines, _mues(ctx), strict=True):
        if limit is None or limit.adjudication not in (2, 3) or not line.units.is_finite():
            continue
        key = (line.procedure_code, line.service_from)
        if key in units:
            units[key] += line.units
        else:
            units[key] = line.units
            first[key] = (number, limit.units)
    for key, total in units.items():
        number, allowed = first[key]
        if total > allowed:
            code, day = key
            yield Hit(
                f"Line {number}: {total} units of {code} on {day.isoformat()}; the MUE is "
                f"{allowed} a day.",
                number,
                line_field(number, "units"),
            )
