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


class Permission(StrEnum):
    """Every permission a role can grant, named once.

    The values are "<app>.<action>_<thing>", the form Django's has_perm uses; code
    names the member (``Permission.CHANGE_PATIENT``), never the string.
    """

    VIEW_PRACTICE = "core.view_practice"
    CHANGE_PRACTICE = "core.change_practice"
    VIEW_USER = "core.view_user"
    CHANGE_USER = "core.change_user"
    VIEW_AUDITEVENT = "core.view_auditevent"
    EXPORT_AUDITEVENT = "core.export_auditevent"
    REVIEW_EMERGENCYACCESS = "core.review_emergencyaccess"
    USE_ADMIN = "core.use_admin"
    VIEW_PATIENT = "patients.view_patient"
    CHANGE_PATIENT = "patients.change_patient"
    VIEW_SSN = "patients.view_ssn"
    EMERGENCY_ACCESS = "patients.emergency_access"
    MERGE_PATIENT = "patients.merge_patient"
    EXPORT_PATIENT = "patients.export_patient"
    VIEW_APPOINTMENT = "scheduling.view_appointment"
    CHANGE_APPOINTMENT = "scheduling.change_appointment"
    CHANGE_FLOW = "scheduling.change_flow"
    CHANGE_SCHEDULE = "scheduling.change_schedule"
    VIEW_REPORTS = "scheduling.view_reports"
    VIEW_OWN_FEED = "scheduling.view_own_feed"
    VIEW_PATIENTPAYMENT = "billing.view_patientpayment"
    ADD_PATIENTPAYMENT = "billing.add_patientpayment"
    VOID_PATIENTPAYMENT = "billing.void_patientpayment"
    REFUND_PATIENTPAYMENT = "billing.refund_patientpayment"


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW_PRACTICE: "See the practice and its locations",
    Permission.CHANGE_PRACTICE: "Change the practice and its locations",
    Permission.VIEW_USER: "See staff user accounts",
    Permission.CHANGE_USER: "Create and change user accounts, roles and locations; unlock accounts",
    Permission.VIEW_AUDITEVENT: "Read the audit log and its report",
    Permission.EXPORT_AUDITEVENT: "Export the audit log as CSV",
    Permission.REVIEW_EMERGENCYACCESS: "Review emergency (break-glass) accesses",
    Permission.USE_ADMIN: "Use the configuration admin",
    Permission.VIEW_PATIENT: "Open patient records (within the user's locations)",
    Permission.CHANGE_PATIENT: "Register and change patients",
    Permission.VIEW_SSN: "See full social security numbers",
    Permission.EMERGENCY_ACCESS: "Open a patient record outside the user's locations after giving a reason",
    Permission.MERGE_PATIENT: "Merge duplicate patient records",
    Permission.EXPORT_PATIENT: "Export the patient list as CSV",
    Permission.VIEW_APPOINTMENT: "See the appointment book, the flow board and the waitlist",
    Permission.CHANGE_APPOINTMENT: "Book, reschedule, cancel, check in and check out; manage the waitlist and recalls",
    Permission.CHANGE_FLOW: "Move patients along the flow board (roomed, with provider, done)",
    Permission.CHANGE_SCHEDULE: "Set up providers, rooms, appointment types, templates, closures, reminders and overbooking",
    Permission.VIEW_REPORTS: "See the front-office reports (wait times, no-shows, utilisation, access)",
    Permission.VIEW_OWN_FEED: "See and renew one's own calendar-feed address (providers)",
    Permission.VIEW_PATIENTPAYMENT: "See payments taken at the desk",
    Permission.ADD_PATIENTPAYMENT: "Take payments at the desk and print receipts",
    Permission.VOID_PATIENTPAYMENT: "Void a payment taken in error, the same day, with a reason",
    Permission.REFUND_PATIENTPAYMENT: "Refund a payment (up to what was paid), with a reason",
}

_ALL_STAFF = {Permission.VIEW_PRACTICE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICE_MANAGER: frozenset(
        _ALL_STAFF
        | {
            Permission.CHANGE_PRACTICE,
            Permission.VIEW_USER,
            Permission.CHANGE_USER,
            Permission.VIEW_AUDITEVENT,
            Permission.EXPORT_AUDITEVENT,
            Permission.REVIEW_EMERGENCYACCESS,
            Permission.USE_ADMIN,
            Permission.VIEW_PATIENT,
            Permission.CHANGE_PATIENT,
            Permission.VIEW_SSN,
            Permission.EMERGENCY_ACCESS,
            Permission.MERGE_PATIENT,
            Permission.EXPORT_PATIENT,
            Permission.VIEW_APPOINTMENT,
            Permission.CHANGE_APPOINTMENT,
            Permission.CHANGE_FLOW,
            Permission.CHANGE_SCHEDULE,
            Permission.VIEW_REPORTS,
            Permission.VIEW_PATIENTPAYMENT,
            Permission.ADD_PATIENTPAYMENT,
            Permission.VOID_PATIENTPAYMENT,
            Permission.REFUND_PATIENTPAYMENT,
        }
    ),
    Role.FRONT_DESK: frozenset(
        _ALL_STAFF
        | {
            Permission.VIEW_PATIENT,
            Permission.CHANGE_PATIENT,
            Permission.VIEW_APPOINTMENT,
            Permission.CHANGE_APPOINTMENT,
            Permission.CHANGE_FLOW,
            Permission.VIEW_PATIENTPAYMENT,
            Permission.ADD_PATIENTPAYMENT,
            Permission.VOID_PATIENTPAYMENT,
        }
    ),
    Role.BILLER: frozenset(
        _ALL_STAFF
        | {
            Permission.VIEW_PATIENT,
            Permission.VIEW_SSN,
            Permission.VIEW_APPOINTMENT,
            Permission.VIEW_PATIENTPAYMENT,
            Permission.ADD_PATIENTPAYMENT,
            Permission.REFUND_PATIENTPAYMENT,
        }
    ),
    Role.PROVIDER: frozenset(
        _ALL_STAFF
        | {
            Permission.VIEW_OWN_FEED,
            Permission.VIEW_PATIENT,
            Permission.EMERGENCY_ACCESS,
            Permission.VIEW_APPOINTMENT,
            Permission.CHANGE_FLOW,
            Permission.VIEW_REPORTS,
        }
    ),
    Role.CLINICAL: frozenset(
        _ALL_STAFF
        | {
            Permission.VIEW_PATIENT,
            Permission.EMERGENCY_ACCESS,
            Permission.VIEW_APPOINTMENT,
            Permission.CHANGE_FLOW,
        }
    ),
    Role.HR: frozenset(_ALL_STAFF | {Permission.VIEW_USER}),
    Role.AUDITOR: frozenset(
        _ALL_STAFF | {Permission.VIEW_AUDITEVENT, Permission.EXPORT_AUDITEVENT}
    ),
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
