"""Rows of the authorization matrix for the patients area (wired in by the matrix test).

Every write is sent with a body the view accepts (``body``), so an allowed role's request
really registers, edits, adds or ends something and answers its success (302, 201).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, CL, FD, OM, PR, api, page

VIEWERS = {OM, FD, BI, PR, CL}
CHANGERS = {OM, FD}


def _first_location() -> Any:
    from medoffice.core.models import Location

    return Location.objects.order_by("pk").first()


def _location_of(target: Any) -> Any:
    patient = getattr(target, "patient", target)
    return patient.home_location if patient is not None else _first_location()


REGISTRATION = {
    "first_name": "Ada",
    "last_name": "Quillfeather",
    "date_of_birth": "1980-04-02",
    "sex": "F",
    "preferred_contact": "sms",
    "preferred_language": "en",
    "guarantor_relationship": "18",
    "phone": "(413) 555-0123",
    "postal_code": "01103",
    "state": "ma",
}


def registration_body(target: Any) -> dict[str, Any]:
    return {**REGISTRATION, "home_location": _location_of(target).pk, "confirm_duplicate": "on"}


def edit_body(patient: Any) -> dict[str, Any]:
    return {
        **REGISTRATION,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "home_location": patient.home_location_id,
    }


def api_registration_body(target: Any) -> dict[str, Any]:
    return {
        "first_name": "Ada",
        "last_name": "Quill",
        "date_of_birth": "1980-04-02",
        "phone": "413.555.0123",
        "home_location_id": _location_of(target).pk,
        "confirm_duplicate": True,
    }


def _payer() -> Any:
    from tests.patients.factories import PayerFactory

    return PayerFactory()


def coverage_body(target: Any) -> dict[str, Any]:
    """A secondary coverage: valid whether or not the patient has a primary one."""
    return {
        "payer": _payer().pk,
        "member_id": "W123",
        "order": 2,
        "relationship": "18",
        "effective_from": "2024-01-01",
    }


def coverage_edit_body(coverage: Any) -> dict[str, Any]:
    return {
        "payer": coverage.payer_id,
        "member_id": "W124",
        "order": coverage.order,
        "relationship": "18",
        "effective_from": "2024-01-01",
    }


def api_coverage_body(target: Any) -> dict[str, Any]:
    return {
        "payer_id": _payer().pk,
        "member_id": "API1",
        "order": 2,
        "effective_from": "2024-01-01",
    }


def document_body(target: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.patients.factories import PDF_BYTES

    upload = SimpleUploadedFile("referral.pdf", PDF_BYTES, content_type="application/pdf")
    return {"kind": "referral", "title": "Referral", "file": upload}


def _duplicate_of(patient: Any) -> Any:
    from tests.factories import PatientFactory

    return PatientFactory(
        home_location=patient.home_location,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
    )


def merge_body(patient: Any) -> dict[str, Any]:
    return {"duplicate": _duplicate_of(patient).mrn, "confirm": "on"}


def api_merge_body(patient: Any) -> dict[str, Any]:
    return {"duplicate_id": _duplicate_of(patient).pk}


def _fixed(body: dict[str, Any]) -> Any:
    def make(target: Any) -> dict[str, Any]:
        return dict(body)

    return make


ROWS = [
    page("/patients/new/", "Register a patient", CHANGERS),
    page(
        "/patients/new/",
        "Register a patient: save",
        CHANGERS,
        method="POST",
        ok=302,
        body=registration_body,
        body_subject="patient",
    ),
    page("/patients/quick-search/", "Live patient search results", VIEWERS),
    page("/patients/<int:pk>/edit/", "Edit a patient", CHANGERS, target="patient"),
    page(
        "/patients/<int:pk>/edit/",
        "Edit a patient: save",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
        body=edit_body,
    ),
    page("/patients/<int:pk>/merge/", "Merge a duplicate into a patient", {OM}, target="patient"),
    page(
        "/patients/<int:pk>/merge/",
        "Merge a duplicate into a patient: confirm",
        {OM},
        method="POST",
        ok=302,
        target="patient",
        body=merge_body,
    ),
    page(
        "/patients/<int:pk>/alerts/add/",
        "Add an alert",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
        body=_fixed({"kind": "interpreter", "text": "Spanish"}),
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
        body=_fixed({"kind": "sms", "given_on": "2024-03-01"}),
    ),
    page(
        "/patients/consents/<int:pk>/revoke/",
        "Revoke a consent: confirm",
        CHANGERS,
        target="consent",
    ),
    page(
        "/patients/consents/<int:pk>/revoke/",
        "Revoke a consent",
        CHANGERS,
        method="POST",
        ok=302,
        target="consent",
        body=_fixed({"revoked_on": "2024-04-01"}),
    ),
    page("/patients/<int:pk>/coverages/add/", "Add a coverage", CHANGERS, target="patient"),
    page(
        "/patients/<int:pk>/coverages/add/",
        "Add a coverage: save",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
        body=coverage_body,
    ),
    page("/patients/coverages/<int:pk>/edit/", "Edit a coverage", CHANGERS, target="coverage"),
    page(
        "/patients/coverages/<int:pk>/edit/",
        "Edit a coverage: save",
        CHANGERS,
        method="POST",
        ok=302,
        target="coverage",
        body=coverage_edit_body,
    ),
    page(
        "/patients/coverages/<int:pk>/end/",
        "End a coverage: confirm",
        CHANGERS,
        target="coverage",
    ),
    page(
        "/patients/coverages/<int:pk>/end/",
        "End a coverage",
        CHANGERS,
        method="POST",
        ok=302,
        target="coverage",
        body=_fixed({"end_date": "2024-12-31"}),
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
        "/patients/<int:pk>/documents/add/",
        "Add a document: upload",
        CHANGERS,
        method="POST",
        ok=302,
        target="patient",
        body=document_body,
    ),
    page(
        "/patients/documents/<int:pk>/", "Download a document", VIEWERS, target="patient_document"
    ),
    api("GET", "/api/v1/patients", "API: search patients", VIEWERS),
    api(
        "POST",
        "/api/v1/patients",
        "API: register a patient",
        CHANGERS,
        ok=201,
        body=api_registration_body,
        body_subject="patient",
    ),
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
        "API: add a coverage",
        CHANGERS,
        ok=201,
        target="patient",
        body=api_coverage_body,
    ),
    api("GET", "/api/v1/patients/{id}/consents", "API: consents", VIEWERS, target="patient"),
    api(
        "POST",
        "/api/v1/patients/{id}/consents",
        "API: record a consent",
        CHANGERS,
        ok=201,
        target="patient",
        body=_fixed({"kind": "npp", "given_on": "2024-03-01"}),
    ),
    api("GET", "/api/v1/patients/{id}/alerts", "API: alerts", VIEWERS, target="patient"),
    api(
        "POST",
        "/api/v1/patients/{id}/alerts",
        "API: add an alert",
        CHANGERS,
        ok=201,
        target="patient",
        body=_fixed({"kind": "other", "text": "Prefers afternoon calls"}),
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
        "API: upload a document",
        CHANGERS,
        ok=201,
        target="patient",
        body=document_body,
        encoding="form",
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
        "API: merge a duplicate",
        {OM},
        ok=200,
        target="patient",
        body=api_merge_body,
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
