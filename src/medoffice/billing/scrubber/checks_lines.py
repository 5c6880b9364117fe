"""The service-line rules: codes, pointers, units and charges, dates, modifiers, drugs, NCCI."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import cast

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import MueLimit, Severity
from medoffice.billing.scrubber.registry import Context, Hit, positive, rule

E, W = Severity.ERROR, Severity.WARNING

MAX_LINES = 50
MAX_POINTERS = 4
MAX_MODIFIERS = 4
MAX_DESCRIPTION = 80  # SV101-7
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


def _line_field(number: int, name: str) -> str:
    return f"lines[{number}].{name}"


# --- lines as a whole -------------------------------------------------------------------------


@rule(C.LINES_MISSING, E, "Add the services of the visit; a claim needs at least one line.")
def lines_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.lines:
        yield Hit("The claim has no service lines.", None, "lines")


@rule(C.LINES_TOO_MANY, E, "Split the services over two claims: one claim holds at most 50 lines.")
def lines_too_many(ctx: Context) -> Iterator[Hit]:
    if len(ctx.lines) > MAX_LINES:
        yield Hit(f"The claim has {len(ctx.lines)} lines; at most 50 fit.", None, "lines")


@rule(
    C.PROCEDURE_UNKNOWN,
    E,
    "Check the procedure code; if it is right, add it to the practice's code table (CPT codes "
    "come from the practice's AMA licence, HCPCS from CMS's quarterly file).",
)
def procedure_unknown(ctx: Context) -> Iterator[Hit]:
    for (number, line), info in zip(ctx.lines, ctx.procedures, strict=True):
        if info is None:
            yield Hit(
                f"Line {number}: the procedure code {line.procedure_code!r} is not in the code table.",
                number,
                _line_field(number, "procedure_code"),
            )


@rule(
    C.PROCEDURE_SEX_MISMATCH,
    E,
    "Check the procedure and the patient's sex in the record. If both are right (for example "
    "for a transgender patient), add modifier KX to the line.",
)
def procedure_sex_mismatch(ctx: Context) -> Iterator[Hit]:
    if ctx.sex not in ("M", "F"):
        return
    for (number, line), info, mods in zip(
        ctx.lines, ctx.procedures, ctx.modifier_sets, strict=True
    ):
        if info is not None and info.sex is not None and info.sex != ctx.sex and "KX" not in mods:
            yield Hit(
                f"Line {number}: {line.procedure_code} is for {'female' if info.sex == 'F' else 'male'} "
                f"patients and the patient's sex is {ctx.sex}.",
                number,
                _line_field(number, "procedure_code"),
            )


# --- diagnosis pointers -----------------------------------------------------------------------


@rule(C.POINTER_MISSING, E, "Point the line to the diagnosis (or diagnoses) the service treated.")
def pointer_missing(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not line.diagnosis_pointers:
            yield Hit(
                f"Line {number} points to no diagnosis.",
                number,
                _line_field(number, "diagnosis_pointers"),
            )


@rule(
    C.POINTER_OUT_OF_RANGE,
    E,
    "Point the line to one of the claim's diagnoses (1 to the number of diagnoses listed).",
)
def pointer_out_of_range(ctx: Context) -> Iterator[Hit]:
    count = min(len(ctx.claim.diagnoses), 12)
    for number, line in ctx.lines:
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= count:
                yield Hit(
                    f"Line {number} points to diagnosis {pointer}, but the claim lists {count}.",
                    number,
                    _line_field(number, "diagnosis_pointers"),
                )


@rule(C.POINTER_TOO_MANY, E, "Keep the 4 diagnoses most relevant to the service; a line holds 4.")
def pointer_too_many(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.diagnosis_pointers) > MAX_POINTERS:
            yield Hit(
                f"Line {number} points to {len(line.diagnosis_pointers)} diagnoses; at most 4 fit.",
                number,
                _line_field(number, "diagnosis_pointers"),
            )


@rule(C.POINTER_REPEATED, E, "Remove the repeated diagnosis pointer from the line.")
def pointer_repeated(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(set(line.diagnosis_pointers)) != len(line.diagnosis_pointers):
            yield Hit(
                f"Line {number} points to the same diagnosis twice.",
                number,
                _line_field(number, "diagnosis_pointers"),
            )


# --- units, charges, dates --------------------------------------------------------------------


@rule(C.UNITS_NOT_POSITIVE, E, "Enter the number of units given (1 for most services).")
def units_not_positive(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not positive(line.units):
            yield Hit(
                f"Line {number} has {line.units} units.", number, _line_field(number, "units")
            )


@rule(
    C.CHARGE_NOT_POSITIVE,
    E,
    "Enter the practice's fee for the service from the fee schedule; a line must charge more "
    "than zero.",
)
def charge_not_positive(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not positive(line.charge):
            yield Hit(
                f"Line {number} charges {line.charge}.", number, _line_field(number, "charge")
            )


@rule(
    C.SERVICE_DATE_FUTURE,
    E,
    "Correct the date of service; a service can be billed only once it has been given.",
)
def service_date_future(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        last = line.service_to if line.service_to is not None else line.service_from
        if max(last, line.service_from) > ctx.today:
            yield Hit(
                f"Line {number}: the date of service is in the future.",
                number,
                _line_field(number, "service_from"),
            )


@rule(
    C.SERVICE_TO_BEFORE_FROM,
    E,
    "Correct the line's dates: the to-date is on or after the from-date.",
)
def service_to_before_from(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if line.service_to is not None and line.service_to < line.service_from:
            yield Hit(
                f"Line {number}: the service ends ({line.service_to.isoformat()}) before it "
                f"starts ({line.service_from.isoformat()}).",
                number,
                _line_field(number, "service_to"),
            )


@rule(
    C.SERVICE_BEFORE_BIRTH,
    E,
    "Check the patient's date of birth and the date of service: one of them is mistyped.",
)
def service_before_birth(ctx: Context) -> Iterator[Hit]:
    born = ctx.date_of_birth
    if born is None:
        return
    for number, line in ctx.lines:
        if line.service_from < born:
            yield Hit(
                f"Line {number}: the date of service {line.service_from.isoformat()} is before "
                f"the patient's birth ({born.isoformat()}).",
                number,
                _line_field(number, "service_from"),
            )


@rule(
    C.DUPLICATE_LINE,
    E,
    "Bill a service given more than once on one line with its units, or add the modifier "
    "that says why it was repeated (76, 77, 91).",
)
def duplicate_line(ctx: Context) -> Iterator[Hit]:
    seen: dict[tuple[str, tuple[str, ...], dt.date], int] = {}
    for number, line in ctx.lines:
        key = (line.procedure_code, tuple(sorted(line.modifiers)), line.service_from)
        first = seen.setdefault(key, number)
        if first != number:
            yield Hit(
                f"Line {number} repeats line {first} ({line.procedure_code} on "
                f"{line.service_from.isoformat()}).",
                number,
                _line_field(number, "procedure_code"),
            )


@rule(C.DESCRIPTION_TOO_LONG, E, "Shorten the line's description to 80 characters.")
def description_too_long(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.description) > MAX_DESCRIPTION:
            yield Hit(
                f"Line {number}: the description is {len(line.description)} characters; at most 80 fit.",
                number,
                _line_field(number, "description"),
            )


@rule(
    C.NOC_DESCRIPTION_MISSING,
    E,
    "An unlisted (not otherwise classified) code needs a description of what was done: enter "
    "it on the line (the drug's name and dose for an unlisted drug).",
)
def noc_description_missing(ctx: Context) -> Iterator[Hit]:
    for number, line, info in ctx.known:
        if info.is_noc and not line.description.strip():
            yield Hit(
                f"Line {number}: {line.procedure_code} is an unlisted code and the line has no description.",
                number,
                _line_field(number, "description"),
            )


@rule(
    C.ADDON_WITHOUT_PRIMARY,
    E,
    "An add-on code is billed only with its primary procedure on the same date: add the "
    "primary service, or remove the add-on.",
)
def addon_without_primary(ctx: Context) -> Iterator[Hit]:
    for number, line, info in ctx.known:
        if not info.is_addon:
            continue
        day = line.service_from
        found = False
        for index in ctx.by_day[day]:
            other_info = ctx.procedures[index]
            if index == number - 1 or other_info is None:
                continue
            other = ctx.claim.lines[index]
            if info.addon_primaries:
                found = other.procedure_code in info.addon_primaries
            else:
                found = not other_info.is_addon
            if found:
                break
        if not found:
            yield Hit(
                f"Line {number}: add-on code {line.procedure_code} has no primary procedure on "
                f"{day.isoformat()}.",
                number,
                _line_field(number, "procedure_code"),
            )


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
                    _line_field(number, "modifiers"),
                )


@rule(C.MODIFIER_TOO_MANY, E, "Keep the 4 modifiers that matter for payment; a line holds 4.")
def modifier_too_many(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.modifiers) > MAX_MODIFIERS:
            yield Hit(
                f"Line {number} has {len(line.modifiers)} modifiers; at most 4 fit.",
                number,
                _line_field(number, "modifiers"),
            )


@rule(C.MODIFIER_REPEATED, E, "Remove the repeated modifier from the line.")
def modifier_repeated(ctx: Context) -> Iterator[Hit]:
    for (number, line), mods in zip(ctx.lines, ctx.modifier_sets, strict=True):
        if len(mods) != len(line.modifiers):
            yield Hit(
                f"Line {number} repeats a modifier.", number, _line_field(number, "modifiers")
            )


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
            yield Hit(
                f"Line {number} has both 26 and TC.", number, _line_field(number, "modifiers")
            )


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
                _line_field(number, "modifiers"),
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
                _line_field(number, "modifiers"),
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
                _line_field(number, "modifiers"),
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
                _line_field(number, "modifiers"),
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
                _line_field(number, "modifiers"),
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
                _line_field(number, "drug.ndc"),
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
                _line_field(number, "drug.ndc"),
            )


@rule(C.NDC_QUANTITY_MISSING, E, "Enter the quantity of the drug given (for example 2 ML).")
def ndc_quantity_missing(ctx: Context) -> Iterator[Hit]:
    for number, _, drug in ctx.drugs:
        if not positive(drug.quantity):
            yield Hit(
                f"Line {number}: the drug quantity is {drug.quantity}.",
                number,
                _line_field(number, "drug.quantity"),
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
                _line_field(number, "drug.unit"),
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
            _line_field(number2, "procedure_code"),
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
                _line_field(number, "units"),
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
                _line_field(number, "units"),
            )
