"""The service-line rules: codes, diagnosis pointers, units and charges, dates, add-ons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import Severity
from medoffice.billing.scrubber.registry import Context, Hit, line_field, positive, rule

E = Severity.ERROR

MAX_LINES = 50
MAX_POINTERS = 4
MAX_DESCRIPTION = 80  # SV101-7


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
    if len(ctx.known) == len(ctx.lines):
        return
    for (number, line), info in zip(ctx.lines, ctx.procedures, strict=True):
        if info is None:
            yield Hit(
                f"Line {number}: the procedure code {line.procedure_code!r} is not in the code table.",
                number,
                line_field(number, "procedure_code"),
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
                line_field(number, "procedure_code"),
            )


# --- diagnosis pointers -----------------------------------------------------------------------


@rule(C.POINTER_MISSING, E, "Point the line to the diagnosis (or diagnoses) the service treated.")
def pointer_missing(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not line.diagnosis_pointers:
            yield Hit(
                f"Line {number} points to no diagnosis.",
                number,
                line_field(number, "diagnosis_pointers"),
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
                    line_field(number, "diagnosis_pointers"),
                )


@rule(C.POINTER_TOO_MANY, E, "Keep the 4 diagnoses most relevant to the service; a line holds 4.")
def pointer_too_many(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.diagnosis_pointers) > MAX_POINTERS:
            yield Hit(
                f"Line {number} points to {len(line.diagnosis_pointers)} diagnoses; at most 4 fit.",
                number,
                line_field(number, "diagnosis_pointers"),
            )


@rule(C.POINTER_REPEATED, E, "Remove the repeated diagnosis pointer from the line.")
def pointer_repeated(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(set(line.diagnosis_pointers)) != len(line.diagnosis_pointers):
            yield Hit(
                f"Line {number} points to the same diagnosis twice.",
                number,
                line_field(number, "diagnosis_pointers"),
            )


# --- units, charges, dates --------------------------------------------------------------------


@rule(C.UNITS_NOT_POSITIVE, E, "Enter the number of units given (1 for most services).")
def units_not_positive(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not positive(line.units):
            yield Hit(f"Line {number} has {line.units} units.", number, line_field(number, "units"))


@rule(
    C.CHARGE_NOT_POSITIVE,
    E,
    "Enter the practice's fee for the service from the fee schedule; a line must charge more "
    "than zero.",
)
def charge_not_positive(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if not positive(line.charge):
            yield Hit(f"Line {number} charges {line.charge}.", number, line_field(number, "charge"))


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
                line_field(number, "service_from"),
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
                line_field(number, "service_to"),
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
                line_field(number, "service_from"),
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
                line_field(number, "procedure_code"),
            )


@rule(C.DESCRIPTION_TOO_LONG, E, "Shorten the line's description to 80 characters.")
def description_too_long(ctx: Context) -> Iterator[Hit]:
    for number, line in ctx.lines:
        if len(line.description) > MAX_DESCRIPTION:
            yield Hit(
                f"Line {number}: the description is {len(line.description)} characters; at most 80 fit.",
                number,
                line_field(number, "description"),
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
                line_field(number, "description"),
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
                line_field(number, "procedure_code"),
            )
