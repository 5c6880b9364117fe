"""Pages of the appointment book, one module per part: ``setup`` (the office manager's
set-up), ``book`` (find a slot, book, the appointment, series), ``outreach`` (waitlist,
recalls), ``feeds`` (calendar-feed addresses) and ``public`` (the patients' signed links
and the feeds themselves, no log-in). Thin: parse, call a service or selector, render."""

from medoffice.scheduling.views.book import (
    appointment_detail,
    book,
    cancel,
    find_slot,
    no_show,
    offer,
    reschedule,
    series,
)
from medoffice.scheduling.views.feeds import feed_regenerate, feeds
from medoffice.scheduling.views.lists import AppointmentList
from medoffice.scheduling.views.outreach import (
    RecallList,
    WaitlistList,
    recall_detail,
    recall_new,
    waitlist_new,
    waitlist_remove,
)
from medoffice.scheduling.views.setup import (
    AppointmentTypeList,
    ClosureList,
    OverbookRuleList,
    ProviderList,
    ResourceList,
    TemplateBlockList,
    setup_edit,
)

__all__ = [
    "AppointmentList",
    "AppointmentTypeList",
    "ClosureList",
    "OverbookRuleList",
    "ProviderList",
    "RecallList",
    "ResourceList",
    "TemplateBlockList",
    "WaitlistList",
    "appointment_detail",
    "book",
    "cancel",
    "feed_regenerate",
    "feeds",
    "find_slot",
    "no_show",
    "offer",
    "recall_detail",
    "recall_new",
    "reschedule",
    "series",
    "setup_edit",
    "waitlist_new",
    "waitlist_remove",
]
