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
    APPLY_PATIENTPAYMENT = "billing.apply_patientpayment"
    VIEW_LEDGER = "billing.view_ledgerentry"
    POST_LEDGER = "billing.add_ledgerentry"
    VIEW_BILLING_REFERENCE = "billing.view_reference"
    CHANGE_BILLING_REFERENCE = "billing.change_reference"
    VIEW_ENCOUNTER = "billing.view_encounter"
    CODE_ENCOUNTER = "billing.code_encounter"
    REVIEW_ENCOUNTER = "billing.review_encounter"
    VIEW_CLAIM = "billing.view_claim"
    CHANGE_CLAIM = "billing.change_claim"
    VIEW_ELIGIBILITY = "billing.view_eligibility"
    CHECK_ELIGIBILITY = "billing.check_eligibility"
    VIEW_CONTRACT = "billing.view_contract"
    CHANGE_CONTRACT = "billing.change_contract"


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
    Permission.APPLY_PATIENTPAYMENT: "Apply a desk payment to the patient's balances",
    Permission.VIEW_LEDGER: "See patients' ledgers and the credit balances",
    Permission.POST_LEDGER: "Post to the ledger: transfers, adjustments, write-offs, reversals",
    Permission.VIEW_BILLING_REFERENCE: "See code sets, NCCI edits, payers' billing settings and fee schedules",
    Permission.CHANGE_BILLING_REFERENCE: "Import code sets and NCCI edits; change payers, plans, clearinghouses and fee schedules",
    Permission.VIEW_ENCOUNTER: "See visits' charges (within the user's locations)",
    Permission.CODE_ENCOUNTER: "Enter a visit's diagnoses and service lines (charge capture)",
    Permission.REVIEW_ENCOUNTER: "Review coded visits (the coder queue) and send them to claims",
    Permission.VIEW_CLAIM: "See claims, batches and acknowledgements",
    Permission.CHANGE_CLAIM: "Scrub, submit, void and replace claims; import acknowledgements",
    Permission.VIEW_ELIGIBILITY: "See insurance eligibility answers",
    Permission.CHECK_ELIGIBILITY: "Ask payers for eligibility (270) and import their answers (271)",
    Permission.VIEW_CONTRACT: "See managed-care contracts, the underpayment report and the what-if",
    Permission.CHANGE_CONTRACT: "Create, change and end managed-care contracts; save a what-if as a draft",
}

_ALL_STAFF = {Permission.VIEW_PRACTICE}

# Claims work: the biller's and the office manager's.
BILLING_WORK = frozenset(
    {
        Permission.VIEW_BILLING_REFERENCE,
        Permission.CHANGE_BILLING_REFERENCE,
        Permission.VIEW_ENCOUNTER,
        Permission.CODE_ENCOUNTER,
        Permission.REVIEW_ENCOUNTER,
        Permission.VIEW_CLAIM,
        Permission.CHANGE_CLAIM,
        Permission.VIEW_ELIGIBILITY,
        Permission.CHECK_ELIGIBILITY,
        Permission.VIEW_LEDGER,
        Permission.POST_LEDGER,
        Permission.APPLY_PATIENTPAYMENT,
    }
)

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
            Permission.VIEW_CONTRACT,
            Permission.CHANGE_CONTRACT,
            *BILLING_WORK,
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
            Permission.APPLY_PATIENTPAYMENT,
            Permission.VIEW_BILLING_REFERENCE,
            Permission.VIEW_ENCOUNTER,
            Permission.CODE_ENCOUNTER,
            Permission.VIEW_ELIGIBILITY,
            Permission.CHECK_ELIGIBILITY,
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
            Permission.VIEW_CONTRACT,
            *BILLING_WORK,
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
            Permission.VIEW_BILLING_REFERENCE,
            Permission.VIEW_ENCOUNTER,
            Permission.CODE_ENCOUNTER,
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
