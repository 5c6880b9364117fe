"""Authorization-matrix rows for the appointment book's pages and API (wired in by the lead).

Everyone who sees the book (office manager, front desk, biller, provider, clinical)
may open the lists and the set-up lists; only the office manager changes the set-up;
booking, cancelling, the waitlist and recalls belong to those who book (OM, FD).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page
from tests.factories import SYSTEM

BOOK_VIEWERS = {OM, FD, BI, PR, CL}
BOOKERS = {OM, FD}
SETUP = {OM}


def _fixed(body: dict[str, Any]) -> Any:
    def make(target: Any) -> dict[str, Any]:
        return dict(body)

    return make


def subject(patient: Any) -> Any:
    """The patient a body names: the one given (the cross-location sweep's), else a new one."""
    from tests.factories import PatientFactory

    return patient if patient is not None else PatientFactory()


def waitlist_body(patient: Any) -> dict[str, Any]:
    from tests.scheduling.factories import AppointmentTypeFactory

    return {
        "patient": subject(patient).pk,
        "appointment_type": AppointmentTypeFactory().pk,
        "part_of_day": "any",
    }


def recall_body(patient: Any) -> dict[str, Any]:
    return {"patient": subject(patient).pk, "reason": "Annual physical", "due_date": "2099-01-01"}


def open_slot(patient: Any) -> dict[str, Any]:
    """A free slot at the patient's home location: a provider working there next weekday."""
    from tests.scheduling.factories import (
        AppointmentTypeFactory,
        ProviderFactory,
        TemplateBlockFactory,
        next_weekday_at,
    )

    location = patient.home_location
    provider = ProviderFactory(locations=[location])
    start = next_weekday_at(11)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    kind = AppointmentTypeFactory(duration=20)
    return {"provider": provider, "location": location, "type": kind, "start": start}


def book_body(patient: Any) -> dict[str, Any]:
    patient = subject(patient)
    slot = open_slot(patient)
    return {
        "appointment_type": slot["type"].pk,
        "provider": slot["provider"].pk,
        "location": slot["location"].pk,
        "start": slot["start"].isoformat(),
        "patient": patient.pk,
        "reason": "Cough",
        "action": "book",
    }


def series_body(patient: Any) -> dict[str, Any]:
    patient = subject(patient)
    slot = open_slot(patient)
    return {
        "action": "book",
        "patient": patient.pk,
        "appointment_type": slot["type"].pk,
        "provider": slot["provider"].pk,
        "location": slot["location"].pk,
        "first_start": slot["start"].isoformat(),
        "interval_weeks": "1",
        "count": "2",
        "reason": "Physiotherapy",
    }


def reschedule_body(appointment: Any) -> dict[str, Any]:
    """A free time a week later with the same provider, where the provider works."""
    from tests.scheduling.factories import ensure_template, next_weekday_at

    start = next_weekday_at(14, days_ahead=9)
    ensure_template(appointment.provider, appointment.location, start)
    return {
        "start": start.isoformat(),
        "provider": appointment.provider_id,
        "location": appointment.location_id,
    }


def offer_body(entry: Any) -> dict[str, Any]:
    """A visit of the entry's type a week ahead, cancelled by its patient: its time is free."""
    from medoffice.scheduling import services
    from tests.messaging.factories import open_weekday_at
    from tests.scheduling.factories import AppointmentFactory

    visit = AppointmentFactory(
        start=open_weekday_at(10, days_ahead=7), appointment_type=entry.appointment_type
    )
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="patient called")
    return {"appointment": visit.pk}


def api_book_body(patient: Any) -> dict[str, Any]:
    patient = subject(patient)
    slot = open_slot(patient)
    return {
        "patient_id": patient.pk,
        "provider_id": slot["provider"].pk,
        "location_id": slot["location"].pk,
        "appointment_type_id": slot["type"].pk,
        "start": slot["start"].isoformat(),
    }


ROWS = [
    page("/schedule/find/", "Find a slot", BOOK_VIEWERS),
    page("/schedule/book/", "Book a visit", BOOKERS),
    page(
        "/schedule/book/",
        "Book a visit: confirm",
        BOOKERS,
        method="POST",
        ok=302,
        body=book_body,
        body_subject="patient",
    ),
    page("/schedule/appointments/<int:pk>/", "An appointment", BOOK_VIEWERS, target="appointment"),
    page(
        "/schedule/appointments/<int:pk>/cancel/",
        "Cancel an appointment",
        BOOKERS,
        method="POST",
        ok=302,
        target="appointment",
        body=_fixed({"cancel_reason": "Away", "by_patient": "on"}),
    ),
    page(
        "/schedule/appointments/<int:pk>/no-show/",
        "Mark a no-show",  # of a visit that has started
        BOOKERS,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
    ),
    page(
        "/schedule/appointments/<int:pk>/reschedule/",
        "Reschedule (to the slot finder)",
        BOOKERS,
        ok=302,
        target="appointment",
    ),
    page(
        "/schedule/appointments/<int:pk>/reschedule/",
        "Reschedule: move to the slot chosen",
        BOOKERS,
        method="POST",
        ok=302,
        target="appointment",
        body=reschedule_body,
    ),
    page("/schedule/series/", "Book a recurring series", BOOKERS),
    page(
        "/schedule/series/",
        "Book a recurring series: book",
        BOOKERS,
        method="POST",
        ok=302,
        body=series_body,
        body_subject="patient",
    ),
    page("/schedule/appointments/", "Appointments list", BOOK_VIEWERS),
    page("/schedule/waitlist/", "Waitlist", BOOK_VIEWERS),
    page("/schedule/waitlist/new/", "Add to the waitlist", BOOKERS),
    page(
        "/schedule/waitlist/new/",
        "Add to the waitlist: save",
        BOOKERS,
        method="POST",
        ok=302,
        body=waitlist_body,
        body_subject="patient",
    ),
    page(
        "/schedule/waitlist/<int:pk>/remove/",
        "Remove from the waitlist",
        BOOKERS,
        method="POST",
        ok=302,
        target="waitlist_entry",
    ),
    page(
        "/schedule/waitlist/<int:pk>/offer/",
        "Offer a freed time",
        BOOKERS,
        method="POST",
        ok=302,
        target="waitlist_entry",
        body=offer_body,
    ),
    page("/schedule/recalls/", "Recalls", BOOK_VIEWERS),
    page("/schedule/recalls/new/", "Create a recall", BOOKERS),
    page(
        "/schedule/recalls/new/",
        "Create a recall: save",
        BOOKERS,
        method="POST",
        ok=302,
        body=recall_body,
        body_subject="patient",
    ),
    page("/schedule/recalls/<int:pk>/", "A recall", BOOK_VIEWERS, target="recall"),
    page(
        "/schedule/recalls/<int:pk>/",
        "A recall: record outreach",
        BOOKERS,
        method="POST",
        ok=302,
        target="recall",
        body=_fixed(
            {"action": "outreach", "outreach-method": "phone", "outreach-outcome": "Left a message"}
        ),
    ),
]

_SETUP_PAGES = {
    "providers": ("Providers", "provider"),
    "resources": ("Rooms and equipment", "resource"),
    "types": ("Appointment types", "appointment_type"),
    "templates": ("Provider templates", "template_block"),
    "closures": ("Closures and time off", "schedule_exception"),
    "overbooking": ("Overbooking rules", "overbook_rule"),
}


def _setup_form(kind: str) -> Any:
    from medoffice.scheduling.views.setup import SETUP_KINDS

    return SETUP_KINDS[kind][1]


def new_setup_body(kind: str, target: str) -> Callable[[Any], dict[str, Any]]:
    """The "new" page's body: the values of a factory-made one, then removed."""

    def make(_target: Any) -> dict[str, Any]:
        from tests.formdata import new_object_body

        return new_object_body(_setup_form(kind), TARGETS[target])

    return make


# What each edit changes, so that saving it really writes.
SETUP_CHANGES = {
    "providers": {"credentials": "DO"},
    "resources": {"name": "Exam room 9"},
    "types": {"name": "Renamed visit"},
    "templates": {"effective_to": "2099-12-31"},
    "closures": {"reason": "Staff training"},
    "overbooking": {"max_per_day": "7"},
}


def edit_setup_body(kind: str) -> Callable[[Any], dict[str, Any]]:
    """The edit page's body: the object's own values, one of them changed."""

    def make(instance: Any) -> dict[str, Any]:
        from tests.formdata import form_body

        return {**form_body(_setup_form(kind)(instance=instance)), **SETUP_CHANGES[kind]}

    return make


for _kind, (_label, _target) in _SETUP_PAGES.items():
    ROWS += [
        page(f"/schedule/setup/{_kind}/", _label, BOOK_VIEWERS),
        page(f"/schedule/setup/{_kind}/new/", f"{_label}: add", SETUP),
        page(
            f"/schedule/setup/{_kind}/new/",
            f"{_label}: add, save",
            SETUP,
            method="POST",
            ok=302,
            body=new_setup_body(_kind, _target),
        ),
        page(f"/schedule/setup/{_kind}/<int:pk>/", f"{_label}: edit", SETUP, target=_target),
        page(
            f"/schedule/setup/{_kind}/<int:pk>/",
            f"{_label}: edit, save",
            SETUP,
            method="POST",
            ok=302,
            target=_target,
            body=edit_setup_body(_kind),
        ),
    ]

ROWS += [
    api("GET", "/api/v1/appointment-types", "API: appointment types", BOOK_VIEWERS),
    api("GET", "/api/v1/providers", "API: providers", BOOK_VIEWERS),
    api(
        "GET",
        "/api/v1/slots",
        "API: open slots (no type given: 422)",
        BOOK_VIEWERS,
        ok=422,
        refused=422,
    ),
    api(
        "GET",
        "/api/v1/appointments",
        "API: a day's appointments (no date given: 422)",
        BOOK_VIEWERS,
        ok=422,
        refused=422,
    ),
    api(
        "GET",
        "/api/v1/appointments/{id}",
        "API: an appointment",
        BOOK_VIEWERS,
        target="appointment",
    ),
    api(
        "POST",
        "/api/v1/appointments",
        "API: book",
        BOOKERS,
        ok=201,
        body=api_book_body,
        body_subject="patient",
    ),
    api(
        "POST",
        "/api/v1/appointments/{id}/cancel",
        "API: cancel",
        BOOKERS,
        ok=200,
        target="appointment",
        body=_fixed({"reason": "Away"}),
    ),
    api(
        "POST",
        "/api/v1/appointments/{id}/no-show",
        "API: no-show (a visit that has started)",
        BOOKERS,
        target="frontdesk_appointment",
    ),
]


def _appointment() -> Any:
    from tests.scheduling.factories import AppointmentFactory

    return AppointmentFactory()


def _waitlist_entry() -> Any:
    from tests.scheduling.factories import WaitlistEntryFactory

    return WaitlistEntryFactory()


def _recall() -> Any:
    from tests.scheduling.factories import RecallFactory

    return RecallFactory()


def _factory(name: str) -> Callable[[], Any]:
    def make() -> Any:
        from tests.scheduling import factories

        return getattr(factories, name)()

    return make


TARGETS: dict[str, Callable[[], Any]] = {
    "appointment": _appointment,
    "waitlist_entry": _waitlist_entry,
    "recall": _recall,
    "provider": _factory("ProviderFactory"),
    "resource": _factory("ResourceFactory"),
    "appointment_type": _factory("AppointmentTypeFactory"),
    "template_block": _factory("TemplateBlockFactory"),
    "schedule_exception": _factory("ScheduleExceptionFactory"),
    "overbook_rule": _factory("OverbookRuleFactory"),
}
