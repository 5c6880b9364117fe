from .audit import AuditAction, AuditEvent, AuditOutcome, AuditVerification
from .practice import Location, LocationHours, Practice, practice_zone
from .tokens import ApiToken
from .users import RoleAssignment, User

__all__ = [
    "ApiToken",
    "AuditAction",
    "AuditEvent",
    "AuditOutcome",
    "AuditVerification",
    "Location",
    "LocationHours",
    "Practice",
    "RoleAssignment",
    "User",
    "practice_zone",
]
