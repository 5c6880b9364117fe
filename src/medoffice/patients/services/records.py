"""The patient record: numbers, demographics and their validation, duplicates,
registration and changes, alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from medoffice.core import inputs
from medoffice.core.audit import record_change, record_event
from medoffice.core.identifiers import normalize_ssn
from medoffice.core.models import AuditAction, AuditOutcome, Location
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients import duplicates
from medoffice.patients.error_codes import PatientErrorCode as Code
from medoffice.patients.models import (
    Coverage,
    Patient,
    PatientAlert,
    Relationship,
)
from medoffice.patients.phones import to_e164
from medoffice.patients.search import fold

EMERGENCY_ACCESS_HOURS = 4
MIN_REASON_LENGTH = 10
MRN_ATTEMPTS = 8
PHONE_FIELDS = ("phone", "phone_home", "phone_work", "guarantor_phone", "emergency_contact_phone")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/heic": ".heic",
    "image/tiff": ".tif",
}


class DuplicateSuspected(Exception):
    """Registration found records that may be the same person; confirm to create anyway.

    ``candidates`` are the ones the user may open; ``elsewhere`` says that others match
    at locations outside the user's, which the user is not shown (minimum necessary).
    """

    def __init__(self, candidates: list[Suggestion], *, elsewhere: bool = False) -> None:
        super().__init__(f"{len(candidates)} possible duplicate(s)")
        self.candidates = candidates
        self.elsewhere = elsewhere


def next_mrn() -> str:
    """The next free medical record number ("M0100001"); the unique index settles races."""
    last = Patient.objects.order_by("-mrn").values_list("mrn", flat=True).first()
    number = int(last[1:]) + 1 if last and last[1:].isdigit() else 100001
    return f"M{number:07d}"


# --- validation of demographics --------------------------------------------------------------


def clean_demographics(fields: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Normalised fields (E.164 phones, upper-case state, SSN); ValidationError naming each field."""
    today = today or timezone.localdate()
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message: str, code: Code) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    cleaned = dict(fields)
    for name in PHONE_FIELDS:
        if name in cleaned:
            try:
                cleaned[name] = to_e164(cleaned[name] or "")
            except ValueError as exc:
                refuse(name, str(exc), Code.INVALID_PHONE)
    born = cleaned.get("date_of_birth")
    for name, whose in (("date_of_birth", "The"), ("guarantor_date_of_birth", "The guarantor's")):
        day = cleaned.get(name)
        if isinstance(day, dt.date):
            problem = inputs.birth_date_problem(day, today, whose=whose)
            if problem:
                code = Code.BIRTH_IN_FUTURE if day > today else Code.BIRTH_TOO_LONG_AGO
                refuse(name, problem, code)
    died = cleaned.get("deceased_date")
    if isinstance(died, dt.date):
        if died > today:
            refuse(
                "deceased_date", "The date of death cannot be in the future.", Code.DEATH_IN_FUTURE
            )
        elif isinstance(born, dt.date) and died < born:
            refuse(
                "deceased_date",
                "The date of death cannot be before the date of birth.",
                Code.DEATH_BEFORE_BIRTH,
            )
    if (cleaned.get("postal_code") or "").strip():
        try:
            cleaned["postal_code"] = inputs.normalize_zip(cleaned["postal_code"])
        except ValueError as exc:
            refuse("postal_code", str(exc), Code.INVALID_ZIP_CODE)
    if (cleaned.get("state") or "").strip():
        try:
            cleaned["state"] = inputs.normalize_state(cleaned["state"])
        except ValueError as exc:
            refuse("state", str(exc), Code.INVALID_STATE)
    if cleaned.get("ssn"):
        ssn = normalize_ssn(cleaned["ssn"])
        if ssn is None:
            refuse("ssn", "Enter a social security number as 123-45-6789.", Code.INVALID_SSN)
        else:
            cleaned["ssn"] = ssn
    relationship = cleaned.get("guarantor_relationship")
    if relationship and relationship != Relationship.SELF:
        for name, label in (("guarantor_first_name", "first"), ("guarantor_last_name", "last")):
            if not (cleaned.get(name) or "").strip():
                refuse(
                    name,
                    f"Enter the guarantor's {label} name, or choose “Self” as guarantor.",
                    Code.GUARANTOR_NAME_REQUIRED,
                )
    elif relationship == Relationship.SELF:
        for name in (
            "guarantor_first_name",
            "guarantor_last_name",
            "guarantor_phone",
            "guarantor_address",
        ):
            cleaned[name] = ""
        cleaned["guarantor_date_of_birth"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- duplicates ------------------------------------------------------------------------------

# Rows read per check; enough for the busiest birth date of a large practice.
DUPLICATE_ROWS = 500
DUPLICATES_SHOWN = 10


@dataclass(frozen=True)
class Suggestion:
    """A record that may be the patient being registered: why (``match.reasons``) and how
    strongly. Reads as its patient otherwise (``s.mrn``, ``s.pk``), for pages and the API."""

    patient: Patient
    match: duplicates.Match

    @property
    def reasons(self) -> list[str]:
        return list(self.match.reasons)

    @property
    def strength(self) -> str:
        return self.match.strength.value

    @property
    def score(self) -> int:
        return self.match.score

    def __getattr__(self, name: str) -> Any:
        if name == "patient":  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.patient, name)


def _person(patient: Patient, member_ids: frozenset[str]) -> duplicates.Person:
    return duplicates.Person(
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        phones=frozenset({patient.phone, patient.phone_home, patient.phone_work} - {""}),
        member_ids=member_ids,
        address_line1=patient.address_line1,
        postal_code=patient.postal_code,
    )


def find_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    phones: Iterable[str] = (),
    member_id: str = "",
    address_line1: str = "",
    postal_code: str = "",
    exclude_pk: int | None = None,
) -> list[Suggestion]:
    """Every record that may be the same person, strongest first, each with its reasons.

    The database finds the records sharing the birth date, the name (or the names
    swapped), a telephone number or the member ID; ``patients.duplicates`` scores them
    (a birth date alone is not a match). Not scoped: :func:`duplicates_for` is.
    """
    first, last = fold(first_name or ""), fold(last_name or "")
    member_id = (member_id or "").strip()
    numbers = sorted({p for p in phones if p})
    condition = models.Q(pk__in=[])
    if date_of_birth:
        condition |= models.Q(date_of_birth=date_of_birth)
    if first and last:
        condition |= models.Q(search_first=first, search_last=last)
        condition |= models.Q(search_first=last, search_last=first)
    if numbers:
        condition |= (
            models.Q(phone__in=numbers)
            | models.Q(phone_home__in=numbers)
            | models.Q(phone_work__in=numbers)
        )
    insured: set[int] = set()
    if member_id:
        insured = set(
            Coverage.objects.filter(member_id=member_id).values_list("patient_id", flat=True)
        )
        condition |= models.Q(pk__in=insured)
    found = Patient.objects.filter(condition, merged_into__isnull=True)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    rows = {p.pk: p for p in found.select_related("home_location").order_by("pk")[:DUPLICATE_ROWS]}
    new = duplicates.Person(
        first_name=first_name or "",
        last_name=last_name or "",
        date_of_birth=date_of_birth,
        phones=frozenset(numbers),
        member_ids=frozenset({member_id} - {""}),
        address_line1=address_line1 or "",
        postal_code=postal_code or "",
    )
    people = {
        pk: _person(p, frozenset({member_id}) if pk in insured else frozenset())
        for pk, p in rows.items()
    }
    return [Suggestion(rows[pk], match) for pk, match in duplicates.ranked(new, people)]


def duplicates_for(
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    phones: Iterable[str] = (),
    member_id: str = "",
    address_line1: str = "",
    postal_code: str = "",
    exclude_pk: int | None = None,
) -> tuple[list[Suggestion], bool]:
    """The possible duplicates ``actor`` is shown, and whether others match elsewhere.

    Nothing is shown unless a match is at least "possible" (a shared phone alone does
    not hold a registration); then the strongest ten the user may open, weak hints
    last. A user limited to some locations is shown only the matches registered there;
    that a possible one exists elsewhere is all they learn of the rest (no name, number,
    date or id). The cap comes after the scoping, so another location's records never
    crowd out the user's own. Every match considered is recorded against its patient: a
    read of the ones shown, a denied read of those elsewhere.
    """
    found = find_duplicates(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        phones=phones,
        member_id=member_id,
        address_line1=address_line1,
        postal_code=postal_code,
        exclude_pk=exclude_pk,
    )
    if not any(s.match.holds_registration for s in found):
        return [], False
    visible = set(
        Patient.objects.restrict(actor, "view")
        .filter(pk__in=[s.patient.pk for s in found])
        .values_list("pk", flat=True)
    )
    shown = [s for s in found if s.patient.pk in visible][:DUPLICATES_SHOWN]
    hidden = [s for s in found if s.patient.pk not in visible]
    elsewhere = any(s.match.holds_registration for s in hidden)
    if not elsewhere and not any(s.match.holds_registration for s in shown):
        return [], False
    for suggestion in shown:
        record_event(
            AuditAction.READ,
            user=actor,
            obj=suggestion.patient,
            patient_id=suggestion.patient.pk,
            data_category="demographics",
            detail="shown as a possible duplicate: " + ", ".join(suggestion.reasons),
        )
    for suggestion in hidden:
        record_event(
            AuditAction.READ,
            user=actor,
            obj=suggestion.patient,
            patient_id=suggestion.patient.pk,
            data_category="demographics",
            outcome=AuditOutcome.DENIED,
            detail="possible duplicate outside the user's locations, not shown",
        )
    return shown, elsewhere


# --- registration and changes ----------------------------------------------------------------


def _save_new_patient(patient: Patient, mrn_given: bool) -> None:
    """Save with a fresh MRN; when another desk took the same number meanwhile, take the next."""
    for attempt in range(MRN_ATTEMPTS):
        if not mrn_given:
            patient.mrn = next_mrn()
        try:
            with transaction.atomic():
                patient.save()
            return
        except IntegrityError:
            if mrn_given or attempt == MRN_ATTEMPTS - 1:
                raise
            if not Patient.objects.filter(mrn=patient.mrn).exists():
                raise


def _home_location_within_scope(actor: Actor, fields: dict[str, Any], *, creating: bool) -> None:
    """A user limited to some locations registers (or moves) patients only at those."""
    scope = actor.location_ids()
    if scope is None:
        return
    if "home_location" in fields:
        location = fields["home_location"]
        location_id = location.pk if location is not None else None
    elif "home_location_id" in fields:
        location_id = fields["home_location_id"]
    elif creating:
        location_id = None
    else:
        return
    if location_id not in scope:
        raise ValidationError(
            {
                "home_location": ValidationError(
                    "Choose one of your locations: you work only at "
                    + ", ".join(
                        sorted(Location.objects.filter(pk__in=scope).values_list("name", flat=True))
                    )
                    + ".",
                    code=Code.LOCATION_OUTSIDE_SCOPE,
                )
            }
        )


def register_patient(
    *,
    actor: Actor,
    confirm_duplicate: bool = False,
    member_id: str = "",
    **fields: Any,
) -> Patient:
    """Register a patient; DuplicateSuspected unless ``confirm_duplicate`` when similar ones exist.

    The duplicate check runs, and is audited, before the registration's transaction, so
    its audit entries stay when the registration is held.
    """
    require(actor, Permission.CHANGE_PATIENT, "Your role does not register patients.")
    _home_location_within_scope(actor, fields, creating=True)
    fields = clean_demographics(fields)
    candidates, elsewhere = duplicates_for(
        actor,
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        date_of_birth=fields.get("date_of_birth"),
        phones=[fields.get(name, "") for name in ("phone", "phone_home", "phone_work")],
        member_id=member_id,
        address_line1=fields.get("address_line1", ""),
        postal_code=fields.get("postal_code", ""),
    )
    if (candidates or elsewhere) and not confirm_duplicate:
        raise DuplicateSuspected(candidates, elsewhere=elsewhere)
    with transaction.atomic():
        return _create_patient(actor, fields, candidates=candidates, elsewhere=elsewhere)


def _create_patient(
    actor: Actor, fields: dict[str, Any], *, candidates: list[Suggestion], elsewhere: bool
) -> Patient:
    mrn = fields.pop("mrn", None)
    patient = Patient(mrn=mrn or "M0000000", **fields)
    patient.full_clean(exclude=["mrn"])
    _save_new_patient(patient, mrn_given=bool(mrn))
    detail = ""
    if candidates or elsewhere:
        detail = "created anyway despite possible duplicates: " + ", ".join(
            [c.patient.mrn for c in candidates]
            + (["others outside the user's locations"] if elsewhere else [])
        )
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=patient,
        patient_id=patient.pk,
        data_category="demographics",
        detail=detail,
    )
    return patient


@transaction.atomic
def update_patient(*, actor: Actor, patient: Patient, **fields: Any) -> Patient:
    """Change a patient's demographics, guarantor, contacts and state (inactive, deceased)."""
    require(actor, Permission.CHANGE_PATIENT, "Your role does not change patients.")
    _home_location_within_scope(actor, fields, creating=False)
    fields.pop("mrn", None)
    fields = clean_demographics({"date_of_birth": patient.date_of_birth, **fields})
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.merged_into_id:
        raise ValidationError(
            "This record was merged into another one; change that one instead.",
            code=Code.RECORD_MERGED,
        )
    changed = []
    for name, value in fields.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    record_change(
        locked,
        user=actor,
        patient_id=locked.pk,
        data_category="demographics",
        detail=("changed: " + ", ".join(sorted(changed)) if changed else "no change")[:500],
    )
    return locked


# --- alerts ----------------------------------------------------------------------------------


@transaction.atomic
def add_alert(*, actor: Actor, patient: Patient, kind: str, text: str = "") -> PatientAlert:
    require(actor, Permission.CHANGE_PATIENT, "Your role does not change patients.")
    alert = PatientAlert(
        patient=patient, kind=kind, text=text.strip(), created_by=actor_user(actor)
    )
    return record_change(alert, user=actor, patient_id=patient.pk, data_category="alerts")


@transaction.atomic
def deactivate_alert(*, actor: Actor, alert: PatientAlert) -> PatientAlert:
    require(actor, Permission.CHANGE_PATIENT, "Your role does not change patients.")
    alert = PatientAlert.objects.select_for_update().get(pk=alert.pk)
    alert.is_active = False
    record_change(
        alert,
        user=actor,
        validate=False,
        update_fields=["is_active"],
        patient_id=alert.patient_id,
        data_category="alerts",
        detail="alert deactivated",
    )
    return alert
