"""The diagnoses' rules (HI): present, known, billable, in order, matching the patient."""

from __future__ import annotations

from collections.abc import Iterator

from medoffice.billing import icd10
from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import Severity
from medoffice.billing.scrubber.registry import Context, Hit, rule

E, W = Severity.ERROR, Severity.WARNING

MAX_DIAGNOSES = 12


# --- diagnoses --------------------------------------------------------------------------------


@rule(C.DIAGNOSIS_MISSING, E, "Enter at least one diagnosis code from the visit's note.")
def diagnosis_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.diagnoses:
        yield Hit("The claim has no diagnosis.", None, "diagnoses")


@rule(
    C.DIAGNOSIS_TOO_MANY,
    E,
    "Keep the 12 diagnoses the services point to; split the services over two claims if more "
    "are needed.",
)
def diagnosis_too_many(ctx: Context) -> Iterator[Hit]:
    count = len(ctx.claim.diagnoses)
    if count > MAX_DIAGNOSES:
        yield Hit(f"The claim has {count} diagnoses; at most 12 fit.", None, "diagnoses")


def _diagnoses(ctx: Context) -> Iterator[tuple[int, str]]:
    return enumerate(ctx.claim.diagnoses, start=1)


@rule(
    C.DIAGNOSIS_NOT_X12_FORM,
    E,
    "Pick the diagnosis again from the ICD-10-CM search; the claim stores it in capitals "
    "without the dot (E119, not E11.9).",
)
def diagnosis_not_x12_form(ctx: Context) -> Iterator[Hit]:
    for position, code in _diagnoses(ctx):
        if code != icd10.normalize(code):
            yield Hit(
                f"Diagnosis {position} {code!r} is not written as the claim needs it "
                f"({icd10.normalize(code)}).",
                None,
                f"diagnoses[{position}]",
            )


@rule(
    C.DIAGNOSIS_UNKNOWN,
    E,
    "Look the diagnosis up in the ICD-10-CM search and pick a current code.",
)
def diagnosis_unknown(ctx: Context) -> Iterator[Hit]:
    facts = ctx.reference.diagnoses.facts
    for position, code in _diagnoses(ctx):
        if facts(code) is None:
            yield Hit(
                f"Diagnosis {position} {code!r} is not an ICD-10-CM code.",
                None,
                f"diagnoses[{position}]",
            )


@rule(
    C.DIAGNOSIS_NOT_BILLABLE,
    E,
    "The code is a heading: pick the most specific code under it (all its characters, "
    "including a 7th where required).",
)
def diagnosis_not_billable(ctx: Context) -> Iterator[Hit]:
    facts = ctx.reference.diagnoses.facts
    for position, code in _diagnoses(ctx):
        found = facts(code)
        if found is not None and not found.billable:
            yield Hit(
                f"Diagnosis {position} {code} is a heading, not a billable code.",
                None,
                f"diagnoses[{position}]",
            )


@rule(C.DIAGNOSIS_REPEATED, E, "Remove the second copy of the diagnosis and re-point the lines.")
def diagnosis_repeated(ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    for position, code in _diagnoses(ctx):
        if code in seen:
            yield Hit(
                f"Diagnosis {position} {code} is listed twice.", None, f"diagnoses[{position}]"
            )
        seen.add(code)


@rule(
    C.DIAGNOSIS_EXTERNAL_CAUSE_PRINCIPAL,
    E,
    "Put the injury or condition first; an external cause code (V00–Y99) only explains how it "
    "happened and is never the first diagnosis.",
)
def diagnosis_external_cause_principal(ctx: Context) -> Iterator[Hit]:
    if ctx.claim.diagnoses and ctx.claim.diagnoses[0][:1] in ("V", "W", "X", "Y"):
        yield Hit(
            f"The first diagnosis {ctx.claim.diagnoses[0]} is an external cause code.",
            None,
            "diagnoses[1]",
        )


@rule(
    C.DIAGNOSIS_SEX_MISMATCH,
    E,
    "Check the diagnosis and the patient's sex in the record. If both are right (for example "
    "for a transgender patient), add modifier KX to the lines pointing to the diagnosis.",
)
def diagnosis_sex_mismatch(ctx: Context) -> Iterator[Hit]:
    if ctx.sex not in ("M", "F"):
        return
    facts = ctx.reference.diagnoses.facts
    for position, code in _diagnoses(ctx):
        found = facts(code)
        code_sex = found.sex if found is not None else None
        if code_sex is None or code_sex == ctx.sex:
            continue
        pointing = [
            mods
            for (_, line), mods in zip(ctx.lines, ctx.modifier_sets, strict=True)
            if position in line.diagnosis_pointers
        ]
        if pointing and all("KX" in mods for mods in pointing):
            continue
        yield Hit(
            f"Diagnosis {position} {code} is for {'female' if code_sex == 'F' else 'male'} "
            f"patients and the patient's sex is {ctx.sex}.",
            None,
            f"diagnoses[{position}]",
        )


@rule(
    C.DIAGNOSIS_NOT_POINTED,
    W,
    "Point a service to the diagnosis, or remove it if no service on this claim treated it.",
)
def diagnosis_not_pointed(ctx: Context) -> Iterator[Hit]:
    if not ctx.lines:
        return
    pointed = {p for _, line in ctx.lines for p in line.diagnosis_pointers}
    for position, code in _diagnoses(ctx):
        if position not in pointed and position <= MAX_DIAGNOSES:
            yield Hit(
                f"No line points to diagnosis {position} {code}.", None, f"diagnoses[{position}]"
            )
