"""The appointment book's choices: appointment statuses, resource kinds, patient kinds, closure kinds, waitlist and recall statuses."""

from django.db import models


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CONFIRMED = "confirmed", "Confirmed"
    ARRIVED = "arrived", "Arrived"
    ROOMED = "roomed", "Roomed"
    WITH_PROVIDER = "with_provider", "With provider"
    CHECKOUT = "checkout", "Check-out"
    COMPLETED = "completed", "Done"
    LEFT_WITHOUT_BEING_SEEN = "lwbs", "Left without being seen"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


class ResourceKind(models.TextChoices):
    ROOM = "room", "Room"
    EQUIPMENT = "equipment", "Equipment"


class PatientKind(models.TextChoices):
    ANY = "any", "New or established"
    NEW = "new", "New patients"
    ESTABLISHED = "established", "Established patients"


class ExceptionKind(models.TextChoices):
    TIME_OFF = "time_off", "Time off"
    MEETING = "meeting", "Meeting"
    CLOSURE = "closure", "Closure"
    HOLIDAY = "holiday", "Holiday"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a slot"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class RecallStatus(models.TextChoices):
    DUE = "due", "Due"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"
