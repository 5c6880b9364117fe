from .audit import AuditAction, AuditEvent, AuditOutcome, AuditVerification, concerning_patient
from .failures import FailureTally
from .mfa import AuthenticatorApp, RecoveryCode, RecoveryCodes
from .practice import Location, LocationHours, Practice, practice_zone
from .tokens import TOKEN_MAX_DAYS, ApiToken, TokenAccess
from .users import RoleAssignment, User

__all__ = [
    "TOKEN_MAX_DAYS",
    "ApiToken",
    "AuditAction",
    "AuditEvent",
    "AuditOutcome",
    "AuditVerification",
    "AuthenticatorApp",
    "FailureTally",
    "Location",
    "LocationHours",
    "Practice",
    "RecoveryCode",
    "RecoveryCodes",
    "RoleAssignment",
    "TokenAccess",
    "User",
    "concerning_patient",
    "practice_zone",
]
