"""The front desk's rows of the authorization matrix.

Everyone who sees the book sees the day/week views and the flow board; the front
desk and the office manager check in and out; providers and clinical staff move
patients along the flow board but take no money (receipts are billing's rows).
Every write carries a body the view accepts, so an allowed request really checks in,
records the consent, moves the visit or checks out (302, or 200/201 from the API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page
from tests.factories import SYSTEM

BOOK_READERS = {OM, FD, BI, PR, CL}
DESK = {OM, FD}
FLOW_MOVERS = {OM, FD, PR, CL}


def _fixed(body: dict[str, Any]) -> Any:
    def make(target: Any) -> dict[str, Any]:
        return dict(body)

    return make


def waitlist_body(patient: Any) -> dict[str, Any]:
    from tests.scheduling.factories import AppointmentTypeFactory
    from tests.scheduling.matrix_rows import subject

    return {"patient_id": subject(patient).pk, "appointment_type_id": AppointmentTypeFactory().pk}


ROWS = [
    page("/front-desk/day/", "Front desk: day view", BOOK_READERS),
    page("/front-desk/week/", "Front desk: week view", BOOK_READERS),
    page("/front-desk/flow/", "Front desk: patient flow board", BOOK_READERS),
    page(
        "/front-desk/appointments/<int:pk>/check-in/",
        "Front desk: check-in page",
        DESK,
        target="frontdesk_appointment",
    ),
    page(
        "/front-desk/appointments/<int:pk>/check-in/",
        "Front desk: check in (copay, arrival)",
        DESK,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
        body=_fixed({"demographics_confirmed": "on", "amount": "25.00", "method": "cash"}),
    ),
    page(
        "/front-desk/appointments/<int:pk>/consent/",
        "Front desk: record a consent given today",
        DESK,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
        body=_fixed({"kind": "npp"}),
    ),
    page(
        "/front-desk/appointments/<int:pk>/move/",
        "Front desk: move a patient on the flow board",
        FLOW_MOVERS,
        method="POST",
        ok=302,
        target="frontdesk_arrived_visit",
        body=_fixed({"to_status": "lwbs"}),
    ),
    page(
        "/front-desk/appointments/<int:pk>/check-out/",
        "Front desk: check-out page",
        DESK,
        target="frontdesk_appointment",
    ),
    page(
        "/front-desk/appointments/<int:pk>/check-out/",
        "Front desk: check out (follow-up, recall, payment, done)",
        DESK,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
        body=_fixed({"action": "payment", "amount": "80.00", "method": "cash"}),
    ),
]

# The JSON API: each write with a body the operation accepts.
ROWS += [
    api(
        "POST",
        "/api/v1/appointments/{id}/status",
        "API: move a visit along the flow",
        FLOW_MOVERS,
        target="frontdesk_arrived_visit",
        body=_fixed({"status": "lwbs"}),
    ),
    api(
        "POST",
        "/api/v1/appointments/{id}/check-in",
        "API: check in",
        DESK,
        target="frontdesk_appointment",
        body=_fixed({"amount": "25.00", "method": "cash"}),
    ),
    api("GET", "/api/v1/flow-board", "API: the flow board", BOOK_READERS),
    api("GET", "/api/v1/waitlist", "API: the waitlist", BOOK_READERS),
    api(
        "POST",
        "/api/v1/waitlist",
        "API: add to the waitlist",
        DESK,
        ok=201,
        body=waitlist_body,
        body_subject="patient",
    ),
    api("GET", "/api/v1/recalls", "API: recalls", BOOK_READERS),
    api(
        "POST",
        "/api/v1/recalls/{id}/outreach",
        "API: record recall outreach",
        DESK,
        ok=201,
        target="frontdesk_recall",
        body=_fixed({"method": "phone", "outcome": "Left a message"}),
    ),
]


def _appointment() -> Any:
    from tests.factories import LocationFactory
    from tests.frontdesk.factories import todays_visit

    return todays_visit(LocationFactory())


def arrived(visit: Any) -> Any:
    """``visit`` checked in: on the flow board, where the clinical staff move it on."""
    from medoffice.scheduling.services import change_status

    return change_status(actor=SYSTEM, appointment=visit, to_status="arrived")


def _arrived_visit() -> Any:
    return arrived(_appointment())


def _recall() -> Any:
    from tests.scheduling.factories import RecallFactory

    return RecallFactory()


TARGETS: dict[str, Callable[[], Any]] = {
    "frontdesk_appointment": _appointment,
    "frontdesk_arrived_visit": _arrived_visit,
    "frontdesk_recall": _recall,
}
