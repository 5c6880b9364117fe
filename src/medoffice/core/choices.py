"""Core's choices: audit actions and outcomes, places of service, weekdays."""

from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "Create"
    READ = "read", "Read"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    PRINT = "print", "Print"
    EXPORT = "export", "Export"
    LOGIN = "login", "Log-in"
    LOGOUT = "logout", "Log-out"
    LOGIN_FAILED = "login_failed", "Failed log-in"
    PERMISSION_CHANGE = "permission_change", "Permission change"
    EMERGENCY_ACCESS = "emergency_access", "Emergency access"
    SECURITY = "security", "Security setting"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"
    # The request failed on the server (an unexpected exception, answered 500).
    ERROR = "error", "Error"


class PlaceOfService(models.TextChoices):
    """CMS place-of-service codes a physician practice uses most."""

    TELEHEALTH_OTHER = "02", "02 Telehealth (not in patient's home)"
    TELEHEALTH_HOME = "10", "10 Telehealth in patient's home"
    OFFICE = "11", "11 Office"
    HOME = "12", "12 Home"
    URGENT_CARE = "20", "20 Urgent care facility"
    INPATIENT = "21", "21 Inpatient hospital"
    OUTPATIENT_ON_CAMPUS = "22", "22 On-campus outpatient hospital"
    ASC = "24", "24 Ambulatory surgical center"
    SNF = "31", "31 Skilled nursing facility"
    NURSING = "32", "32 Nursing facility"
    CLINIC = "49", "49 Independent clinic"
    RHC = "72", "72 Rural health clinic"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
