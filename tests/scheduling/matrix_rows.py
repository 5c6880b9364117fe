"""Authorization-matrix rows for the appointment book's pages and API (wired in by the lead).

Everyone who sees the book (office manager, front desk, biller, provider, clinical)
may open the lists and the set-up lists; only the office manager changes the set-up;
booking, cancelling, the waitlist and recalls belong to those who book (OM, FD).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page

BOOK_VIEWERS = {OM, FD, BI, PR, CL}
BOOKERS = {OM, FD}
SETUP = {OM}


def _fixed(body: dict[str, Any]) -> Any:
    def make(target: Any) -> dict[str, Any]:
        return dict(body)

    return make


def waitlist_body(target: Any) -> dict[str, Any]:
    from tests.factories import PatientFactory
    from tests.scheduling.factories import AppointmentTypeFactory

    return {
        "patient": PatientFactory().pk,
        "appointment_type": AppointmentTypeFactory().pk,
        "part_of_day": "any",
    }


def recall_body(target: Any) -> dict[str, Any]:
    from tests.factories import PatientFactory

    return {"patient": PatientFactory().pk, "reason": "Annual physical", "due_date": "2099-01-01"}


ROWS = [
    page("/schedule/find/", "Find a slot", BOOK_VIEWERS),
    page("/schedule/book/", "Book a visit", BOOKERS),
    page("/schedule/book/", "Book a visit: confirm (no slot chosen)", BOOKERS, method="POST"),
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
        "Mark a no-show",
        BOOKERS,
        method="POST",
        ok=302,
        target="appointment",
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
        "Reschedule: move to the slot chosen (no slot given: back to the visit)",
        BOOKERS,
        method="POST",
        ok=302,
        target="appointment",
    ),
    page("/schedule/series/", "Book a recurring series", BOOKERS),
    page(
        "/schedule/series/",
        "Book a recurring series: preview (no dates given)",
        BOOKERS,
        method="POST",
    ),
    page("/schedule/waitlist/", "Waitlist", BOOK_VIEWERS),
    page("/schedule/waitlist/new/", "Add to the waitlist", BOOKERS),
    page(
        "/schedule/waitlist/new/",
        "Add to the waitlist: save",
        BOOKERS,
        method="POST",
        ok=302,
        body=waitlist_body,
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
        "Offer a freed time (no appointment given: not found)",
        BOOKERS,
        method="POST",
        ok=404,
        target="waitlist_entry",
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
for _kind, (_label, _target) in _SETUP_PAGES.items():
    ROWS += [
        page(f"/schedule/setup/{_kind}/", _label, BOOK_VIEWERS),
        page(f"/schedule/setup/{_kind}/new/", f"{_label}: add", SETUP),
        page(
            f"/schedule/setup/{_kind}/new/",
            f"{_label}: add (empty form: errors shown)",
            SETUP,
            method="POST",
        ),
        page(f"/schedule/setup/{_kind}/<int:pk>/", f"{_label}: edit", SETUP, target=_target),
        page(
            f"/schedule/setup/{_kind}/<int:pk>/",
            f"{_label}: edit (empty form: errors shown)",
            SETUP,
            method="POST",
            target=_target,
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
        "API: book (empty body: 422)",
        BOOKERS,
        ok=422,
        refused=422,
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
        "API: no-show (before the start: 400)",
        BOOKERS,
        ok=400,
        target="appointment",
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
