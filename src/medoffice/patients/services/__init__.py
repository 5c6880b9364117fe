"""Writes for patients: registration, changes, alerts, coverages, consents, documents, merge.

Every function owns its transaction (nothing is half-written), validates with
errors naming the field, and records an audit event carrying the patient's id.
One module per part: ``records``, ``coverage``, ``merge``. Callers import the package:
``from medoffice.patients import services``.
"""

from medoffice.patients.services.coverage import (
    end_coverage,
    give_consent,
    revoke_consent,
    save_coverage,
    upload_document,
)
from medoffice.patients.services.merge import (
    conflicting_coverages,
    grant_emergency_access,
    merge_patients,
    merge_preview,
    review_emergency_access,
)
from medoffice.patients.services.records import (
    EMERGENCY_ACCESS_HOURS,
    MIN_REASON_LENGTH,
    MRN_ATTEMPTS,
    PHONE_FIELDS,
    DuplicateSuspected,
    Suggestion,
    add_alert,
    clean_demographics,
    deactivate_alert,
    duplicates_for,
    find_duplicates,
    next_mrn,
    register_patient,
    update_patient,
)

__all__ = [
    "EMERGENCY_ACCESS_HOURS",
    "MIN_REASON_LENGTH",
    "MRN_ATTEMPTS",
    "PHONE_FIELDS",
    "DuplicateSuspected",
    "Suggestion",
    "add_alert",
    "clean_demographics",
    "conflicting_coverages",
    "deactivate_alert",
    "duplicates_for",
    "end_coverage",
    "find_duplicates",
    "give_consent",
    "grant_emergency_access",
    "merge_patients",
    "merge_preview",
    "next_mrn",
    "register_patient",
    "review_emergency_access",
    "revoke_consent",
    "save_coverage",
    "update_patient",
    "upload_document",
]
