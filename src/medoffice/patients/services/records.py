"""The patient record: numbers, demographics and their validation, duplicates,
registration and changes, alerts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.identifiers import normalize_ssn
from medoffice.core.models import AuditAction, AuditOutcome, Location
from medoffice.core.models.practice import zip_validator
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
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

    def __init__(self, candidates: list[Patient], *, elsewhere: bool = False) -> None:
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
    if isinstance(born, dt.date) and born > today:
        refuse("date_of_birth", "The date of birth cannot be in the future.", Code.BIRTH_IN_FUTURE)
    guarantor_born = cleaned.get("guarantor_date_of_birth")
    if isinstance(guarantor_born, dt.date) and guarantor_born > today:
        refuse(
            "guarantor_date_of_birth",
            "The guarantor's date of birth cannot be in the future.",
            Code.BIRTH_IN_FUTURE,
        )
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
    if cleaned.get("postal_code"):
        cleaned["postal_code"] = cleaned["postal_code"].strip()
        try:
            zip_validator(cleaned["postal_code"])
        except ValidationError as exc:
            for message in exc.messages:
                refuse("postal_code", message, Code.INVALID_ZIP_CODE)
    if cleaned.get("state"):
        cleaned["state"] = cleaned["state"].strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", cleaned["state"]):
            refuse("state", "Enter the state as two letters, e.g. MA.", Code.INVALID_STATE)
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


def find_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    phones: Iterable[str] = (),
    member_id: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[Patient]:
    """Records that may be the same person.

    Same date of birth and a similar name (folded last names equal, or the same
    first three letters of the last name and the same first initial, or first and
    last names swapped); or the same telephone number; or the same member ID.
    """
    first, last = fold(first_name or ""), fold(last_name or "")
    condition = models.Q(pk__in=[])
    if date_of_birth and last:
        similar = models.Q(search_last=last)
        if first:
            similar |= models.Q(search_last__startswith=last[:3], search_first__startswith=first[0])
            similar |= models.Q(search_first=last, search_last=first)
        condition |= models.Q(date_of_birth=date_of_birth) & similar
    numbers = sorted({p for p in phones if p})
    if numbers:
        condition |= (
            models.Q(phone__in=numbers)
            | models.Q(phone_home__in=numbers)
            | models.Q(phone_work__in=numbers)
        )
    if member_id and member_id.strip():
        condition |= models.Q(
            pk__in=Coverage.objects.filter(member_id=member_id.strip()).values("patient_id")
        )
    found = Patient.objects.filter(condition, merged_into__isnull=True)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.select_related("home_location").order_by("last_name", "first_name")[:limit])


def duplicates_for(
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    phones: Iterable[str] = (),
    member_id: str = "",
    exclude_pk: int | None = None,
) -> tuple[list[Patient], bool]:
    """The possible duplicates ``actor`` may be shown, and whether others match elsewhere.

    A user limited to some locations is shown only the matches registered there; that
    others exist is all they learn of the rest (no name, number, date or id). Every match
    is recorded against its patient: a read of the ones shown, a denied read of the rest.
    """
    found = find_duplicates(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        phones=phones,
        member_id=member_id,
        exclude_pk=exclude_pk,
    )
    if not found:
        return [], False
    visible = set(
        Patient.objects.restrict(actor, "view")
        .filter(pk__in=[p.pk for p in found])
        .values_list("pk", flat=True)
    )
    shown = [p for p in found if p.pk in visible]
    for patient in found:
        seen = patient.pk in visible
        record_event(
            AuditAction.READ,
            user=actor,
            obj=patient,
            patient_id=patient.pk,
            data_category="demographics",
            outcome=AuditOutcome.SUCCESS if seen else AuditOutcome.DENIED,
            detail="shown as a possible duplicate"
            if seen
            else "possible duplicate outside the user's locations, not shown",
        )
    return shown, len(shown) < len(found)


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
    )
    if (candidates or elsewhere) and not confirm_duplicate:
        raise DuplicateSuspected(candidates, elsewhere=elsewhere)
    with transaction.atomic():
        return _create_patient(actor, fields, candidates=candidates, elsewhere=elsewhere)


def _create_patient(
    actor: Actor, fields: dict[str, Any], *, candidates: list[Patient], elsewhere: bool
) -> Patient:
    mrn = fields.pop("mrn", None)
    patient = Patient(mrn=mrn or "M0000000", **fields)
    patient.full_clean(exclude=["mrn"])
    _save_new_patient(patient, mrn_given=bool(mrn))
    detail = ""
    if candidates or elsewhere:
        detail = "created anyway despite possible duplicates: " + ", ".join(
            [c.mrn for c in candidates]
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
