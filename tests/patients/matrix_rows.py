"""Rows of the authorization matrix for the patients area (wired in by the matrix test)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page

VIEWERS = {OM, FD, BI, PR, CL}
CHANGERS = {OM, FD}

ROWS = [
    page("/patients/new/", "Register a patient", CHANGERS),
    page("/patients/quick-search/", "Live patient search results", VIEWERS),
    page("/patients/<int:pk>/edit/", "Edit a patient", CHANGERS, target="patient"),
    page("/patients/<int:pk>/merge/", "Merge a duplicate into a patient", {OM}, target="patient"),
    page(
        "/patients/<int:pk>/alerts/add/",
        "Add an alert",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
    ),
    page(
        "/patients/alerts/<int:pk>/deactivate/",
        "Remove an alert",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient_alert",
    ),
    page(
        "/patients/<int:pk>/consents/add/",
        "Record a consent",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
    ),
    page(
        "/patients/consents/<int:pk>/revoke/",
        "Revoke a consent",
        CHANGERS,
        method="POST",
        ok=302,
        target="consent",
    ),
    page("/patients/<int:pk>/coverages/add/", "Add a coverage", CHANGERS, target="patient"),
    page("/patients/coverages/<int:pk>/edit/", "Edit a coverage", CHANGERS, target="coverage"),
    page(
        "/patients/coverages/<int:pk>/end/",
        "End a coverage",
        CHANGERS,
        method="POST",
        ok=302,
        target="coverage",
    ),
    page(
        "/patients/coverages/<int:pk>/card-front/",
        "Insurance card, front",
        VIEWERS,
        target="coverage_with_cards",
    ),
    page(
        "/patients/coverages/<int:pk>/card-back/",
        "Insurance card, back",
        VIEWERS,
        target="coverage_with_cards",
    ),
    page("/patients/<int:pk>/documents/add/", "Add a document", CHANGERS, target="patient"),
    page(
        "/patients/documents/<int:pk>/", "Download a document", VIEWERS, target="patient_document"
    ),
    api("GET", "/api/v1/patients", "API: search patients", VIEWERS),
    api("POST", "/api/v1/patients", "API: register a patient (no body: 400)", CHANGERS, ok=400),
    api("GET", "/api/v1/patients/{id}", "API: one patient", VIEWERS, target="patient"),
    api(
        "GET",
        "/api/v1/patients/{id}/coverages",
        "API: a patient's coverages",
        VIEWERS,
        target="patient",
    ),
    api(
        "POST",
        "/api/v1/patients/{id}/coverages",
        "API: add a coverage (no body: 400)",
        CHANGERS,
        ok=400,
        target="patient",
    ),
    api("GET", "/api/v1/patients/{id}/consents", "API: consents", VIEWERS, target="patient"),
    api(
        "POST",
        "/api/v1/patients/{id}/consents",
        "API: record a consent (no body: 422)",
        CHANGERS,
        ok=422,
        target="patient",
    ),
    api("GET", "/api/v1/patients/{id}/alerts", "API: alerts", VIEWERS, target="patient"),
    api(
        "POST",
        "/api/v1/patients/{id}/alerts",
        "API: add an alert (no body: 422)",
        CHANGERS,
        ok=422,
        target="patient",
    ),
    api(
        "GET",
        "/api/v1/patients/{id}/documents",
        "API: documents (metadata)",
        VIEWERS,
        target="patient",
    ),
    api(
        "POST",
        "/api/v1/patients/{id}/documents",
        "API: upload a document (no form: 422)",
        CHANGERS,
        ok=422,
        target="patient",
    ),
    api(
        "GET",
        "/api/v1/documents/{id}/file",
        "API: a document's file",
        VIEWERS,
        target="patient_document",
    ),
    api(
        "POST",
        "/api/v1/patients/{id}/merge",
        "API: merge a duplicate (no body: 422)",
        {OM},
        ok=422,
        target="patient",
    ),
]


def _patient() -> Any:
    from tests.factories import PatientFactory

    return PatientFactory()


def _coverage_with_cards() -> Any:
    from django.core.files.base import ContentFile

    from tests.patients.factories import PNG_BYTES, CoverageFactory

    return CoverageFactory(
        card_front=ContentFile(PNG_BYTES, name="front.png"),
        card_back=ContentFile(PNG_BYTES, name="back.png"),
    )


def _factory(name: str) -> Callable[[], Any]:
    def make() -> Any:
        from tests.patients import factories

        return getattr(factories, name)()

    return make


TARGETS: dict[str, Callable[[], Any]] = {
    "patient_alert": _factory("AlertFactory"),
    "consent": _factory("ConsentFactory"),
    "coverage": _factory("CoverageFactory"),
    "coverage_with_cards": _coverage_with_cards,
    "patient_document": _factory("DocumentFactory"),
}
