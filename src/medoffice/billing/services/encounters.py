"""Charge capture: a visit's encounter, its diagnoses and service lines, and its review.

``open_encounter`` starts the charges of a visit that reached the provider;
``save_charges`` replaces its diagnoses and lines in one transaction after checking
everything (every problem at once, each named by its field); ``send_to_review`` puts it in
the coder queue; ``review_encounter`` approves it (and creates its claims,
``billing.services.claims.create_claims``) or returns it to the coder with a note;
``mark_no_charge`` closes a visit that bills nothing.

Error keys name the field: ``diagnoses``, ``diagnosis_<n>`` (1-based, in the order given),
``lines``, ``line_<n>_<field>`` (``line_2_units``), ``rendering_provider``,
``referring_npi``, ``place_of_service``…, each with its code from ``billing/error_codes.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing import icd10
from medoffice.billing.choices import EncounterStatus, OtherDateKind, ReferringRole
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    ChargeLine,
    Encounter,
    EncounterDiagnosis,
    Modifier,
    PlaceOfService,
    ProcedureCode,
)
from medoffice.billing.selectors.fees import standard_charge
from medoffice.core.audit import record_event
from medoffice.core.identifiers import is_valid_npi
from medoffice.core.models import AuditAction
from medoffice.core.money import MoneyError, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission, Role
from medoffice.scheduling.choices import AppointmentStatus
from medoffice.scheduling.models import Appointment, Provider

MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_MODIFIERS = 4
MAX_POINTERS = 4
MAX_CHARGE = Decimal("99999999.99")
MAX_UNITS = Decimal("9999.999")
POINTER_LETTERS = "ABCDEFGHIJKL"
NDC_UNITS = {
    "F2": "International unit",
    "GR": "Gram",
    "ME": "Milligram",
    "ML": "Millilitre",
    "UN": "Unit",
}
# A visit has charges once the patient was with the provider.
SEEN_STATUSES = frozenset(
    {AppointmentStatus.WITH_PROVIDER, AppointmentStatus.CHECKOUT, AppointmentStatus.COMPLETED}
)
EDITABLE = frozenset({EncounterStatus.DRAFT, EncounterStatus.REVIEW})
_NDC = re.compile(r"[0-9]{11}")
_POS = re.compile(r"[0-9]{2}")


@dataclass
class LineInput:
    """One service line as entered: text from a form, or values from the API."""

    procedure_code: str = ""
    modifiers: list[str] = field(default_factory=list)
    units: Any = "1"
    charge: Any = ""  # empty: the standard charge × units
    pointers: list[str] = field(default_factory=list)  # letters A–L (or positions 1–12)
    description: str = ""
    ndc: str = ""
    ndc_quantity: Any = ""
    ndc_unit: str = ""
    # CMS-1500 box 24C, 24H and (with the visit's outside lab) box 20.
    emergency: Any = False
    epsdt: Any = False
    family_planning: Any = False
    purchased_charge: Any = ""  # empty: not bought from the outside lab


@dataclass
class ChargesInput:
    diagnoses: list[str] = field(default_factory=list)
    lines: list[LineInput] = field(default_factory=list)
    rendering_provider_id: int | None = None
    referring_name: str = ""
    referring_npi: str = ""
    place_of_service: str = ""
    prior_authorization: str = ""
    note: str = ""
    # CMS-1500 boxes 15-19 (837P 2300 DTP and NTE*ADD): dates as YYYY-MM-DD or ``date``.
    referring_qualifier: str = ReferringRole.REFERRING.value
    other_date: Any = ""
    other_date_qualifier: str = ""
    unable_to_work_from: Any = ""
    unable_to_work_to: Any = ""
    hospitalized_from: Any = ""
    hospitalized_to: Any = ""
    claim_note: str = ""
    other_claim_id: str = ""  # box 11b
    outside_lab_npi: str = ""  # box 20


CLAIM_NOTE_MAX = 48  # what fits in box 19
OTHER_CLAIM_ID_MAX = 30
_OTHER_CLAIM_ID = re.compile(r"[A-Za-z0-9 -]*")


def _optional_date(errors: dict[str, ValidationError], name: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = ValidationError("Enter the date as YYYY-MM-DD.", code=Code.DATE_INVALID)
        return None


def _claim_boxes(errors: dict[str, ValidationError], data: ChargesInput) -> dict[str, Any]:
    """Boxes 15-19 of the visit's claim, checked: every problem goes in ``errors``."""
    found: dict[str, Any] = {
        name: _optional_date(errors, name, getattr(data, name))
        for name in (
            "other_date",
            "unable_to_work_from",
            "unable_to_work_to",
            "hospitalized_from",
            "hospitalized_to",
        )
    }
    qualifier = (data.other_date_qualifier or "").strip()
    if qualifier and qualifier not in OtherDateKind.values:
        errors["other_date_qualifier"] = ValidationError(
            "Choose what the other date is.", code=Code.DATE_INVALID
        )
    elif bool(qualifier) != bool(found["other_date"]) and "other_date" not in errors:
        errors["other_date_qualifier" if found["other_date"] else "other_date"] = ValidationError(
            "Box 15 needs both the other date and what it is.", code=Code.DATE_INVALID
        )
    found["other_date_qualifier"] = qualifier
    for start, end in (
        ("unable_to_work_from", "unable_to_work_to"),
        ("hospitalized_from", "hospitalized_to"),
    ):
        if found[start] and found[end] and found[end] < found[start]:
            errors[end] = ValidationError(
                "The end cannot be before the start.", code=Code.DATE_INVALID
            )
    role = (data.referring_qualifier or ReferringRole.REFERRING).strip()
    if role not in ReferringRole.values:
        errors["referring_qualifier"] = ValidationError(
            "Choose referring, ordering or supervising.", code=Code.REFERRING_ROLE_INVALID
        )
    found["referring_qualifier"] = role
    note = " ".join((data.claim_note or "").split())
    if len(note) > CLAIM_NOTE_MAX:
        errors["claim_note"] = ValidationError(
            f"Box 19 holds at most {CLAIM_NOTE_MAX} characters.", code=Code.TEXT_TOO_LONG
        )
    found["claim_note"] = note
    other_claim = " ".join((data.other_claim_id or "").split()).upper()
    if len(other_claim) > OTHER_CLAIM_ID_MAX or not _OTHER_CLAIM_ID.fullmatch(other_claim):
        errors["other_claim_id"] = ValidationError(
            f"Enter the other claim number as at most {OTHER_CLAIM_ID_MAX} letters, digits, "
            "spaces or hyphens.",
            code=Code.OTHER_CLAIM_ID_INVALID,
        )
    found["other_claim_id"] = other_claim
    lab = (data.outside_lab_npi or "").strip()
    if lab and not is_valid_npi(lab):
        errors["outside_lab_npi"] = ValidationError(
            "Enter the outside lab's 10-digit NPI (the last digit is a check digit).",
            code=Code.OUTSIDE_LAB_NPI_INVALID,
        )
    found["outside_lab_npi"] = lab
    return found


def pointer_letter(position: int) -> str:
    return POINTER_LETTERS[position - 1]


def _audit(
    actor: Actor, encounter: Encounter, detail: str, action: str = AuditAction.UPDATE
) -> None:
    record_event(
        action,
        user=actor,
        obj=encounter,
        patient_id=encounter.patient_id,
        data_category="charges",
        detail=detail,
    )


def codes_only_own_visits(actor: Actor) -> bool:
    """A provider (without a desk or billing role) codes only the visits booked with them."""
    roles = set(getattr(actor, "role_set", ()))
    return Role.PROVIDER in roles and not roles & {
        Role.FRONT_DESK,
        Role.BILLER,
        Role.OFFICE_MANAGER,
    }


def may_code(actor: Actor, encounter_or_visit: Encounter | Appointment) -> bool:
    if not actor.has_perm(Permission.CODE_ENCOUNTER):
        return False
    if codes_only_own_visits(actor) and actor.pk is not None:
        visit = (
            encounter_or_visit.appointment
            if isinstance(encounter_or_visit, Encounter)
            else encounter_or_visit
        )
        own = Provider.objects.filter(user_id=actor.pk).values_list("pk", flat=True).first()
        return own is not None and own == visit.provider_id
    return True


def _require_code(actor: Actor, target: Encounter | Appointment) -> None:
    require(actor, Permission.CODE_ENCOUNTER, "Your role does not enter charges.")
    if not may_code(actor, target):
        raise PermissionDenied("You enter charges only for your own visits.")


@transaction.atomic
def open_encounter(*, actor: Actor, appointment: Appointment) -> Encounter:
    """The visit's encounter, made on first opening (defaults from the visit)."""
    existing = Encounter.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    _require_code(actor, appointment)
    if appointment.status not in SEEN_STATUSES:
        raise ValidationError(
            "Charges are entered once the patient has been with the provider "
            f"(this visit is “{appointment.get_status_display()}”).",
            code=Code.VISIT_NOT_SEEN,
        )
    encounter = Encounter.objects.create(
        appointment=appointment,
        patient_id=appointment.patient_id,
        location_id=appointment.location_id,
        rendering_provider_id=appointment.provider_id,
        date_of_service=timezone.localtime(appointment.start).date(),
        place_of_service=appointment.location.place_of_service or "11",
    )
    _audit(actor, encounter, "charges opened", AuditAction.CREATE)
    return encounter


def _text(errors: dict[str, ValidationError], key: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        errors[key] = ValidationError(
            f"At most {limit} characters of plain text on one line.", code=Code.TEXT_TOO_LONG
        )
    return value


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, (bool, float)):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _pointer_position(value: str) -> int | None:
    value = str(value).strip().upper()
    if len(value) == 1 and value in POINTER_LETTERS:
        return POINTER_LETTERS.index(value) + 1
    if value.isdigit() and 1 <= int(value) <= MAX_DIAGNOSES:
        return int(value)
    return None


@dataclass
class _CleanLine:
    procedure_code: str
    modifiers: list[str]
    units: Decimal
    charge: Decimal
    pointers: list[int]
    description: str
    ndc: str
    ndc_quantity: Decimal | None
    ndc_unit: str
    emergency: bool = False
    epsdt: bool = False
    family_planning: bool = False
    purchased_charge: Decimal | None = None


def _flag(errors: dict[str, ValidationError], key: str, value: Any) -> bool:
    """A check box: true, false, or the text a form or a CSV sends (on, yes, 1, y)."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in {"", "0", "false", "no", "n", "off"}:
        return False
    if text in {"1", "true", "yes", "y", "on"}:
        return True
    errors[key] = ValidationError("Tick the box or leave it empty.", code=Code.LINE_FLAG_INVALID)
    return False


def _purchased(errors: dict[str, ValidationError], key: str, value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, float):
            raise MoneyError("Enter the price in dollars and cents, e.g. 18.00.")
        return parse_money(value, maximum=MAX_CHARGE, allow_zero=True)
    except MoneyError as exc:
        errors[key] = ValidationError(str(exc), code=Code.PURCHASED_CHARGE_INVALID)
        return None


def _clean_diagnoses(errors: dict[str, ValidationError], raw: list[str]) -> list[str]:
    entered = [(n, icd10.normalize(code)) for n, code in enumerate(raw, start=1)]
    entered = [(n, code) for n, code in entered if code]
    if not entered:
        errors["diagnoses"] = ValidationError(
            "Enter at least one diagnosis (ICD-10-CM).", code=Code.DIAGNOSIS_REQUIRED
        )
        return []
    if len(entered) > MAX_DIAGNOSES:
        errors["diagnoses"] = ValidationError(
            f"A claim holds at most {MAX_DIAGNOSES} diagnoses (A–L).", code=Code.TOO_MANY_DIAGNOSES
        )
    seen: set[str] = set()
    codes = []
    for n, code in entered[:MAX_DIAGNOSES]:
        key = f"diagnosis_{n}"
        if not icd10.describe(code):
            errors[key] = ValidationError(
                f"{icd10.display(code)} is not an ICD-10-CM code.", code=Code.DIAGNOSIS_UNKNOWN
            )
        elif not icd10.is_billable(code):
            errors[key] = ValidationError(
                f"{icd10.display(code)} is a category, not a billable code: choose a more "
                "specific code under it.",
                code=Code.DIAGNOSIS_NOT_BILLABLE,
            )
        elif code in seen:
            errors[key] = ValidationError(
                f"{icd10.display(code)} is entered twice.", code=Code.DIAGNOSIS_REPEATED
            )
        seen.add(code)
        codes.append(code)
    return codes


def _clean_line(
    errors: dict[str, ValidationError],
    n: int,
    line: LineInput,
    diagnosis_count: int,
    procedures: dict[str, ProcedureCode],
    modifiers: set[str],
    on: dt.date,
) -> _CleanLine:
    key = f"line_{n}_"
    code = (line.procedure_code or "").strip().upper()
    procedure = procedures.get(code)
    if not code:
        errors[key + "procedure_code"] = ValidationError(
            "Enter the procedure code (CPT or HCPCS).", code=Code.PROCEDURE_REQUIRED
        )
    elif procedure is None:
        errors[key + "procedure_code"] = ValidationError(
            f"{code} is not an active procedure code of the practice's code set.",
            code=Code.PROCEDURE_UNKNOWN,
        )
    mods = [m.strip().upper() for m in line.modifiers if m and m.strip()]
    if len(mods) > MAX_MODIFIERS:
        errors[key + "modifiers"] = ValidationError(
            f"A line takes at most {MAX_MODIFIERS} modifiers.", code=Code.TOO_MANY_MODIFIERS
        )
    elif len(set(mods)) != len(mods):
        errors[key + "modifiers"] = ValidationError(
            "A modifier is entered twice.", code=Code.MODIFIER_REPEATED
        )
    else:
        unknown = [m for m in mods if m not in modifiers]
        if unknown:
            errors[key + "modifiers"] = ValidationError(
                f"Not a modifier: {', '.join(unknown)}.", code=Code.MODIFIER_UNKNOWN
            )
    units = _decimal(line.units if line.units not in (None, "") else "1")
    if (
        units is None
        or units <= 0
        or units > MAX_UNITS
        or units != units.quantize(Decimal("0.001"))
    ):
        errors[key + "units"] = ValidationError(
            "Enter the units as a number more than 0 (at most 3 decimals).", code=Code.UNITS_INVALID
        )
        units = Decimal("1")
    charge = Decimal("0")
    if line.charge in (None, ""):
        if procedure is not None:
            standard = standard_charge(code, mods, on)
            if standard is None:
                errors[key + "charge"] = ValidationError(
                    f"The fee schedule has no charge for {code}: enter the charge.",
                    code=Code.CHARGE_REQUIRED,
                )
            else:
                charge = (standard * units).quantize(Decimal("0.01"))
    else:
        try:
            if isinstance(line.charge, float):
                raise MoneyError("Enter the charge in dollars and cents, e.g. 125.00.")
            charge = parse_money(line.charge, maximum=MAX_CHARGE, allow_zero=True)
        except MoneyError as exc:
            errors[key + "charge"] = ValidationError(str(exc), code=Code.CHARGE_INVALID)
    pointers: list[int] = []
    raw_pointers = [str(p).strip() for p in line.pointers if p is not None and str(p).strip()]
    if not raw_pointers:
        errors[key + "pointers"] = ValidationError(
            "Point the line to at least one diagnosis (A–L).", code=Code.POINTER_REQUIRED
        )
    elif len(raw_pointers) > MAX_POINTERS:
        errors[key + "pointers"] = ValidationError(
            f"A line points to at most {MAX_POINTERS} diagnoses.", code=Code.TOO_MANY_POINTERS
        )
    else:
        for raw in raw_pointers:
            position = _pointer_position(raw)
            if position is None or position in pointers:
                errors[key + "pointers"] = ValidationError(
                    f"“{raw}” is not a diagnosis letter A–L (each once).", code=Code.POINTER_INVALID
                )
                break
            if position > diagnosis_count:
                errors[key + "pointers"] = ValidationError(
                    f"Pointer {pointer_letter(position)} has no diagnosis.",
                    code=Code.POINTER_NO_DIAGNOSIS,
                )
                break
            pointers.append(position)
    description = (line.description or "").strip()
    if len(description) > 80 or any(ord(c) < 32 for c in description):
        errors[key + "description"] = ValidationError(
            "The description can be at most 80 characters on one line.",
            code=Code.DESCRIPTION_TOO_LONG,
        )
    elif procedure is not None and procedure.is_not_otherwise_classified and not description:
        errors[key + "description"] = ValidationError(
            f"{code} is a not-otherwise-classified code: describe what was done or given.",
            code=Code.DESCRIPTION_REQUIRED,
        )
    ndc = re.sub(r"[-\s]", "", line.ndc or "")
    ndc_quantity: Decimal | None = None
    ndc_unit = (line.ndc_unit or "").strip().upper()
    if ndc:
        if not _NDC.fullmatch(ndc):
            errors[key + "ndc"] = ValidationError(
                "Enter the NDC as 11 digits (5-4-2, e.g. 00006-4047-41).", code=Code.NDC_INVALID
            )
        ndc_quantity = _decimal(line.ndc_quantity)
        if ndc_quantity is None or ndc_quantity <= 0 or ndc_quantity >= Decimal("10000000"):
            errors[key + "ndc_quantity"] = ValidationError(
                "Enter the quantity of the drug given, more than 0.",
                code=Code.NDC_QUANTITY_INVALID,
            )
            ndc_quantity = None
        else:
            ndc_quantity = ndc_quantity.quantize(Decimal("0.001"))
        if ndc_unit not in NDC_UNITS:
            errors[key + "ndc_unit"] = ValidationError(
                "Choose the unit of the quantity: " + ", ".join(NDC_UNITS) + ".",
                code=Code.NDC_UNIT_INVALID,
            )
    elif procedure is not None and procedure.requires_ndc:
        errors[key + "ndc"] = ValidationError(
            f"{code} is a drug code: enter the NDC of what was given.", code=Code.NDC_REQUIRED
        )
    return _CleanLine(
        code,
        mods,
        units,
        charge,
        pointers,
        description,
        ndc,
        ndc_quantity,
        ndc_unit if ndc else "",
        emergency=_flag(errors, key + "emergency", line.emergency),
        epsdt=_flag(errors, key + "epsdt", line.epsdt),
        family_planning=_flag(errors, key + "family_planning", line.family_planning),
        purchased_charge=_purchased(errors, key + "purchased_charge", line.purchased_charge),
    )


@transaction.atomic
def save_charges(*, actor: Actor, encounter: Encounter, data: ChargesInput) -> Encounter:
    """Replace the encounter's diagnoses, lines and header after checking all of it."""
    encounter = (
        Encounter.objects.select_for_update().select_related("appointment").get(pk=encounter.pk)
    )
    _require_code(actor, encounter)
    if encounter.status not in EDITABLE:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    f"These charges are “{encounter.get_status_display()}” and can no longer be "
                    "changed; a biller corrects a claimed visit from its claim.",
                    code=Code.ENCOUNTER_LOCKED
                    if encounter.status == EncounterStatus.CLAIMED
                    else Code.ENCOUNTER_NOT_EDITABLE,
                )
            }
        )
    errors: dict[str, ValidationError] = {}
    diagnoses = _clean_diagnoses(errors, list(data.diagnoses))
    if not data.lines:
        errors["lines"] = ValidationError(
            "Enter at least one service line.", code=Code.LINE_REQUIRED
        )
    elif len(data.lines) > MAX_LINES:
        errors["lines"] = ValidationError(
            f"A claim holds at most {MAX_LINES} lines.", code=Code.TOO_MANY_LINES
        )
    codes = {(line.procedure_code or "").strip().upper() for line in data.lines}
    procedures = {
        p.code: p
        for p in ProcedureCode.objects.filter(code__in=codes, is_active=True)
        if (p.effective_from is None or p.effective_from <= encounter.date_of_service)
        and (p.effective_to is None or encounter.date_of_service <= p.effective_to)
    }
    modifiers = set(Modifier.objects.filter(is_active=True).values_list("code", flat=True))
    lines = [
        _clean_line(
            errors, n, line, len(diagnoses), procedures, modifiers, encounter.date_of_service
        )
        for n, line in enumerate(data.lines[:MAX_LINES], start=1)
    ]
    provider_id = data.rendering_provider_id or encounter.rendering_provider_id
    if not Provider.objects.filter(pk=provider_id, is_active=True).exists():
        errors["rendering_provider"] = ValidationError(
            "Choose an active provider.", code=Code.PROVIDER_INVALID
        )
    referring_name = _text(errors, "referring_name", data.referring_name, 120)
    referring_npi = (data.referring_npi or "").strip()
    if referring_npi and not is_valid_npi(referring_npi):
        errors["referring_npi"] = ValidationError(
            "Enter the referring provider's 10-digit NPI (the last digit is a check digit).",
            code=Code.REFERRING_NPI_INVALID,
        )
    if referring_npi and not referring_name and "referring_name" not in errors:
        errors["referring_name"] = ValidationError(
            "Enter the referring provider's name with the NPI.", code=Code.REFERRING_NAME_REQUIRED
        )
    place = (data.place_of_service or encounter.place_of_service).strip()
    known_places = set(PlaceOfService.objects.filter(is_active=True).values_list("code", flat=True))
    if not _POS.fullmatch(place) or (known_places and place not in known_places):
        errors["place_of_service"] = ValidationError(
            "Choose a place of service (two digits, e.g. 11 office).",
            code=Code.PLACE_OF_SERVICE_INVALID,
        )
    prior_authorization = _text(errors, "prior_authorization", data.prior_authorization, 50)
    boxes = _claim_boxes(errors, data)
    purchased = [n for n, line in enumerate(lines, 1) if line.purchased_charge is not None]
    if "outside_lab_npi" in errors:
        pass
    elif purchased and not boxes["outside_lab_npi"]:
        errors["outside_lab_npi"] = ValidationError(
            f"Line {purchased[0]} was bought from an outside lab (box 20): enter the lab's NPI.",
            code=Code.OUTSIDE_LAB_NPI_REQUIRED,
        )
    elif boxes["outside_lab_npi"] and not purchased and lines:
        errors["outside_lab_npi"] = ValidationError(
            "No line has a purchase price: enter what the lab charged on its line, or leave "
            "the outside lab empty.",
            code=Code.OUTSIDE_LAB_NOT_USED,
        )
    note = (data.note or "").strip()
    if len(note) > 2000:
        errors["note"] = ValidationError("At most 2000 characters.", code=Code.TEXT_TOO_LONG)
    if errors:
        raise ValidationError(errors)
    kept = {line.line_number: line for line in encounter.lines.all()}
    dropped = [line for number, line in kept.items() if number > len(lines)]
    posted = {line.pk for line in dropped if line.ledger_entries.exists()}
    encounter.diagnoses.all().delete()
    # A line the ledger charged stays as a row, removed; the next claim reverses its charge.
    ChargeLine.objects.filter(pk__in=posted).update(removed_at=timezone.now())
    ChargeLine.objects.filter(
        pk__in=[line.pk for line in dropped if line.pk not in posted]
    ).delete()
    EncounterDiagnosis.objects.bulk_create(
        EncounterDiagnosis(encounter=encounter, position=i, code=code)
        for i, code in enumerate(diagnoses, start=1)
    )
    # Lines keep their rows by number: the ledger's entries hang on them across corrections.
    rows = [
        ChargeLine(
            pk=kept[i].pk if i in kept else None,
            encounter=encounter,
            line_number=i,
            procedure_code=line.procedure_code,
            modifiers=",".join(line.modifiers),
            units=line.units,
            charge=line.charge,
            diagnosis_pointers=",".join(str(p) for p in line.pointers),
            description=line.description,
            ndc=line.ndc,
            ndc_quantity=line.ndc_quantity,
            ndc_unit=line.ndc_unit,
            emergency=line.emergency,
            epsdt=line.epsdt,
            family_planning=line.family_planning,
            purchased_charge=line.purchased_charge,
        )
        for i, line in enumerate(lines, start=1)
    ]
    changed = [row for row in rows if row.pk is not None]
    ChargeLine.objects.bulk_update(
        changed,
        [
            "procedure_code",
            "modifiers",
            "units",
            "charge",
            "diagnosis_pointers",
            "description",
            "ndc",
            "ndc_quantity",
            "ndc_unit",
            "service_to",
            "emergency",
            "epsdt",
            "family_planning",
            "purchased_charge",
        ],
    )
    ChargeLine.objects.bulk_create([row for row in rows if row.pk is None])
    encounter.rendering_provider_id = provider_id
    encounter.referring_name = referring_name
    encounter.referring_npi = referring_npi
    encounter.place_of_service = place
    encounter.prior_authorization = prior_authorization
    for name, value in boxes.items():
        setattr(encounter, name, value)
    encounter.note = note
    encounter.coded_by = actor_user(actor)
    encounter.coded_at = timezone.now()
    encounter.save()
    _audit(actor, encounter, f"charges saved: {len(diagnoses)} diagnoses, {len(lines)} lines")
    return encounter


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: ValidationError(message, code=code)})


@transaction.atomic
def send_to_review(*, actor: Actor, encounter: Encounter) -> Encounter:
    """Put coded charges in the coder queue."""
    encounter = (
        Encounter.objects.select_for_update().select_related("appointment").get(pk=encounter.pk)
    )
    _require_code(actor, encounter)
    if encounter.status != EncounterStatus.DRAFT:
        raise _refuse(
            f"Only charges being coded go to review (these are “{encounter.get_status_display()}”).",
            Code.ENCOUNTER_NOT_EDITABLE,
        )
    if not encounter.lines.exists() or not encounter.diagnoses.exists():
        raise _refuse(
            "Save at least one diagnosis and one service line first.", Code.NOTHING_TO_REVIEW
        )
    encounter.status = EncounterStatus.REVIEW
    encounter.save(update_fields=["status", "updated_at"])
    _audit(actor, encounter, "sent to review")
    return encounter


@transaction.atomic
def review_encounter(
    *, actor: Actor, encounter: Encounter, approve: bool, note: str = ""
) -> Encounter:
    """Approve (READY, then its claims: CLAIMED) or return to the coder with a note."""
    from medoffice.billing.services.claims import create_claims

    require(actor, Permission.REVIEW_ENCOUNTER, "Your role does not review charges.")
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if encounter.status != EncounterStatus.REVIEW:
        raise _refuse(
            f"These charges are not waiting for review (they are “{encounter.get_status_display()}”).",
            Code.NOT_WAITING_FOR_REVIEW,
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError(
            {"note": ValidationError("At most 2000 characters.", code=Code.TEXT_TOO_LONG)}
        )
    encounter.reviewed_by = actor_user(actor)
    encounter.reviewed_at = timezone.now()
    if not approve:
        if not note:
            raise ValidationError(
                {"note": ValidationError("Say what the coder should fix.", code=Code.NOTE_REQUIRED)}
            )
        encounter.status = EncounterStatus.DRAFT
        encounter.note = note
        encounter.save()
        _audit(actor, encounter, "returned to the coder")
        return encounter
    encounter.status = EncounterStatus.READY
    if note:
        encounter.note = note
    encounter.save()
    _audit(actor, encounter, "approved")
    create_claims(encounter=encounter, actor=actor)
    encounter.refresh_from_db()
    return encounter


@transaction.atomic
def mark_no_charge(*, actor: Actor, encounter: Encounter, note: str) -> Encounter:
    """Close a visit that bills nothing (a courtesy visit, a documentation-only encounter)."""
    encounter = (
        Encounter.objects.select_for_update().select_related("appointment").get(pk=encounter.pk)
    )
    _require_code(actor, encounter)
    if encounter.status not in EDITABLE:
        raise _refuse(
            f"These charges are “{encounter.get_status_display()}” and cannot become no charge.",
            Code.ENCOUNTER_NOT_EDITABLE,
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError("Say why the visit bills nothing.", code=Code.NOTE_REQUIRED)}
        )
    if len(note) > 2000:
        raise ValidationError(
            {"note": ValidationError("At most 2000 characters.", code=Code.TEXT_TOO_LONG)}
        )
    encounter.status = EncounterStatus.NO_CHARGE
    encounter.note = note
    encounter.save()
    _audit(actor, encounter, "no charge")
    return encounter


def charges_input_from_encounter(encounter: Encounter) -> ChargesInput:
    """What the encounter holds, as the form's and the API's input."""
    return ChargesInput(
        diagnoses=[d.code for d in encounter.diagnoses.all()],
        lines=[
            LineInput(
                procedure_code=line.procedure_code,
                modifiers=line.modifier_list,
                units=str(line.units.normalize()),
                charge=str(line.charge),
                pointers=[pointer_letter(p) for p in line.pointer_list],
                description=line.description,
                ndc=line.ndc,
                ndc_quantity=""
                if line.ndc_quantity is None
                else str(line.ndc_quantity.normalize()),
                ndc_unit=line.ndc_unit,
                emergency=line.emergency,
                epsdt=line.epsdt,
                family_planning=line.family_planning,
                purchased_charge=""
                if line.purchased_charge is None
                else str(line.purchased_charge),
            )
            for line in encounter.lines.all()
        ],
        rendering_provider_id=encounter.rendering_provider_id,
        referring_name=encounter.referring_name,
        referring_npi=encounter.referring_npi,
        place_of_service=encounter.place_of_service,
        prior_authorization=encounter.prior_authorization,
        note=encounter.note,
        referring_qualifier=encounter.referring_qualifier,
        other_date=_iso(encounter.other_date),
        other_date_qualifier=encounter.other_date_qualifier,
        unable_to_work_from=_iso(encounter.unable_to_work_from),
        unable_to_work_to=_iso(encounter.unable_to_work_to),
        hospitalized_from=_iso(encounter.hospitalized_from),
        hospitalized_to=_iso(encounter.hospitalized_to),
        claim_note=encounter.claim_note,
        other_claim_id=encounter.other_claim_id,
        outside_lab_npi=encounter.outside_lab_npi,
    )


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
