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
    MessageChannel,
    MessageTemplate,
    Recall,
    RecallOutreach,
    ReminderMessage,
    ReminderRule,
    WaitlistEntry,
)

__all__ = [
    "Appointment",
    "AppointmentSeries",
    "AppointmentStatus",
    "AppointmentType",
    "MessageChannel",
    "MessageTemplate",
    "OverbookRule",
    "Provider",
    "Recall",
    "RecallOutreach",
    "ReminderMessage",
    "ReminderRule",
    "Resource",
    "ResourceKind",
    "ResourceRequirement",
    "ScheduleException",
    "SlotClaim",
    "StatusChange",
    "TemplateBlock",
    "WaitlistEntry",
]
