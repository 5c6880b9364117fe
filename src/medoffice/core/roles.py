"""Roles are named permission sets. This module is the role matrix's source.

docs/security.md prints the same matrix; tests/core/test_authorization_matrix.py
holds every page and API operation to it. Pure module: no Django import.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICE_MANAGER = "office_manager"
    FRONT_DESK = "front_desk"
    BILLER = "biller"
    PROVIDER = "provider"
    CLINICAL = "clinical"
    HR = "hr"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICE_MANAGER: "Office manager",
    Role.FRONT_DESK: "Front desk",
    Role.BILLER: "Biller / coder",
    Role.PROVIDER: "Provider",
    Role.CLINICAL: "Clinical staff",
    Role.HR: "HR",
    Role.AUDITOR: "Auditor",
}

# Permission names are "<app>.<action>_<thing>", the form Django's has_perm uses.
PERMISSION_LABELS: dict[str, str] = {
    "core.view_practice": "See the practice and its locations",
    "core.change_practice": "Change the practice and its locations",
    "core.view_user": "See staff user accounts",
    "core.change_user": "Create and change user accounts, roles and locations; unlock accounts",
    "core.view_auditevent": "Read the audit log and its report",
    "core.export_auditevent": "Export the audit log as CSV",
    "core.review_emergencyaccess": "Review emergency (break-glass) accesses",
    "core.use_admin": "Use the configuration admin",
    "patients.view_patient": "Open patient records (within the user's locations)",
    "patients.change_patient": "Register and change patients",
    "patients.view_ssn": "See full social security numbers",
    "patients.emergency_access": "Open a patient record outside the user's locations after giving a reason",
    "patients.merge_patient": "Merge duplicate patient records",
    "patients.export_patient": "Export the patient list as CSV",
    "scheduling.view_appointment": "See the appointment book, the flow board and the waitlist",
    "scheduling.change_appointment": "Book, reschedule, cancel, check in and check out; manage the waitlist and recalls",
    "scheduling.change_flow": "Move patients along the flow board (roomed, with provider, done)",
    "scheduling.change_schedule": "Set up providers, rooms, appointment types, templates, closures, reminders and overbooking",
    "scheduling.view_reports": "See the front-office reports (wait times, no-shows, utilisation, access)",
    "billing.view_patientpayment": "See payments taken at the desk",
    "billing.add_patientpayment": "Take payments at the desk and print receipts",
}

_ALL_STAFF = {"core.view_practice"}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OFFICE_MANAGER: frozenset(
        _ALL_STAFF
        | {
            "core.change_practice",
            "core.view_user",
            "core.change_user",
            "core.view_auditevent",
            "core.export_auditevent",
            "core.review_emergencyaccess",
            "core.use_admin",
            "patients.view_patient",
            "patients.change_patient",
            "patients.view_ssn",
            "patients.emergency_access",
            "patients.merge_patient",
            "patients.export_patient",
            "scheduling.view_appointment",
            "scheduling.change_appointment",
            "scheduling.change_flow",
            "scheduling.change_schedule",
            "scheduling.view_reports",
            "billing.view_patientpayment",
            "billing.add_patientpayment",
        }
    ),
    Role.FRONT_DESK: frozenset(
        _ALL_STAFF
        | {
            "patients.view_patient",
            "patients.change_patient",
            "scheduling.view_appointment",
            "scheduling.change_appointment",
            "scheduling.change_flow",
            "billing.view_patientpayment",
            "billing.add_patientpayment",
        }
    ),
    Role.BILLER: frozenset(
        _ALL_STAFF
        | {
            "patients.view_patient",
            "patients.view_ssn",
            "scheduling.view_appointment",
            "billing.view_patientpayment",
            "billing.add_patientpayment",
        }
    ),
    Role.PROVIDER: frozenset(
        _ALL_STAFF
        | {
            "patients.view_patient",
            "patients.emergency_access",
            "scheduling.view_appointment",
            "scheduling.change_flow",
            "scheduling.view_reports",
        }
    ),
    Role.CLINICAL: frozenset(
        _ALL_STAFF
        | {
            "patients.view_patient",
            "patients.emergency_access",
            "scheduling.view_appointment",
            "scheduling.change_flow",
        }
    ),
    Role.HR: frozenset(_ALL_STAFF | {"core.view_user"}),
    Role.AUDITOR: frozenset(_ALL_STAFF | {"core.view_auditevent", "core.export_auditevent"}),
}

# Roles whose members must use multi-factor authentication whatever the
# practice setting says (HIPAA 164.312(d); the 2025 NPRM makes MFA required).
MFA_REQUIRED_ROLES: frozenset[Role] = frozenset(
    {Role.OFFICE_MANAGER, Role.BILLER, Role.HR, Role.AUDITOR}
)


def permissions_for(roles: list[Role] | set[Role] | frozenset[Role]) -> frozenset[str]:
    """The union of the permissions of the given roles."""
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)
