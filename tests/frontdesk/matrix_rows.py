"""The front desk's rows of the authorization matrix.

Everyone who sees the book sees the day/week views and the flow board; the front
desk and the office manager check in and out; providers and clinical staff move
patients along the flow board but take no money (receipts are billing's rows).
Requests carry no form data: a check-in answers with its form and errors (200), a
flow move or consent with a redirect and a message (302).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page

BOOK_READERS = {OM, FD, BI, PR, CL}
DESK = {OM, FD}
FLOW_MOVERS = {OM, FD, PR, CL}

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
        target="frontdesk_appointment",
    ),
    page(
        "/front-desk/appointments/<int:pk>/consent/",
        "Front desk: record a consent given today",
        DESK,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
    ),
    page(
        "/front-desk/appointments/<int:pk>/move/",
        "Front desk: move a patient on the flow board",
        FLOW_MOVERS,
        method="POST",
        ok=302,
        target="frontdesk_appointment",
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
        target="frontdesk_appointment",
    ),
]

# The JSON API: a POST without its body answers 422 for everyone (the body is read first).
ROWS += [
    api(
        "POST",
        "/api/v1/appointments/{id}/status",
        "API: move a visit along the flow (empty body: 422)",
        FLOW_MOVERS,
        ok=422,
        refused=422,
        target="frontdesk_appointment",
    ),
    api(
        "POST",
        "/api/v1/appointments/{id}/check-in",
        "API: check in (empty body: 422)",
        DESK,
        ok=422,
        refused=422,
        target="frontdesk_appointment",
    ),
    api("GET", "/api/v1/flow-board", "API: the flow board", BOOK_READERS),
    api("GET", "/api/v1/waitlist", "API: the waitlist", BOOK_READERS),
    api(
        "POST",
        "/api/v1/waitlist",
        "API: add to the waitlist (empty body: 422)",
        DESK,
        ok=422,
        refused=422,
    ),
    api("GET", "/api/v1/recalls", "API: recalls", BOOK_READERS),
    api(
        "POST",
        "/api/v1/recalls/{id}/outreach",
        "API: record recall outreach (empty body: 422)",
        DESK,
        ok=422,
        refused=422,
        target="frontdesk_recall",
    ),
]


def _appointment() -> Any:
    from tests.factories import LocationFactory
    from tests.frontdesk.factories import todays_visit

    return todays_visit(LocationFactory())


def _recall() -> Any:
    from tests.scheduling.factories import RecallFactory

    return RecallFactory()


TARGETS: dict[str, Callable[[], Any]] = {
    "frontdesk_appointment": _appointment,
    "frontdesk_recall": _recall,
}
