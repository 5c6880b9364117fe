from .appointments import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    SlotClaim,
    StatusChange,
)
from .calendar import (
    AppointmentType,
    OverbookRule,
    Provider,
    Resource,
    ResourceKind,
    ResourceRequirement,
    ScheduleException,
    TemplateBlock,
)
from .outreach import (
    Recall,
    RecallOutreach,
    WaitlistEntry,
)

__all__ = [
    "Appointment",
    "AppointmentSeries",
    "AppointmentStatus",
    "AppointmentType",
    "OverbookRule",
    "Provider",
    "Recall",
    "RecallOutreach",
    "Resource",
    "ResourceKind",
    "ResourceRequirement",
    "ScheduleException",
    "SlotClaim",
    "StatusChange",
    "TemplateBlock",
    "WaitlistEntry",
]
