"""GET /audit-events: the office manager and the auditor read the audit log through the API."""

from __future__ import annotations

import pytest

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome
from medoffice.core.roles import Role
from tests.factories import UserFactory

ALLOWED = {Role.OFFICE_MANAGER, Role.AUDITOR}
FIELDS = {
    "seq",
    "occurred_at",
    "username",
    "roles",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "patient_ids",
    "data_category",
    "outcome",
    "client_ip",
    "request_id",
    "detail",
    "prev_hash",
    "entry_hash",
}


@pytest.fixture
def auditor(api_for):
    return api_for(Role.AUDITOR)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_office_manager_and_the_auditor_read_the_audit_log(api_for, role):
    response = api_for(role).get("/api/v1/audit-events")

    if role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "core.view_auditevent" in response.json()["detail"]


def test_an_event_carries_every_audit_field(auditor):
    biller = UserFactory(username="bill", roles=[Role.BILLER])
    record_event(
        AuditAction.READ,
        user=biller,
        object_type="patients.patient",
        object_id=42,
        patient_id=42,
        data_category="ssn",
        detail="full SSN shown",
    )

    body = auditor.get("/api/v1/audit-events?user=bill").json()

    [event] = body["items"]
    assert set(event) == FIELDS
    stored = AuditEvent.objects.get(seq=event["seq"])
    assert event["username"] == "bill"
    assert event["roles"] == ["biller"]
    assert (event["action"], event["outcome"]) == ("read", "success")
    assert (event["object_type"], event["object_id"]) == ("patients.patient", "42")
    assert (event["patient_id"], event["data_category"]) == (42, "ssn")
    assert event["detail"] == "full SSN shown"
    assert (event["prev_hash"], event["entry_hash"]) == (stored.prev_hash, stored.entry_hash)


def test_reading_the_audit_log_is_itself_recorded(auditor):
    response = auditor.get("/api/v1/audit-events?action=login")

    read = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert (read.username, read.action, read.object_type, read.data_category) == (
        auditor.user.username,
        "read",
        "core.auditevent",
        "audit",
    )
    assert "action=login" in read.detail


def test_events_come_newest_first_and_paginate(auditor):
    for n in range(1, 6):
        record_event(AuditAction.UPDATE, object_type="scheduling.resource", object_id=n)

    first = auditor.get("/api/v1/audit-events?object_type=scheduling.resource&limit=2").json()
    last = auditor.get(
        "/api/v1/audit-events?object_type=scheduling.resource&limit=2&offset=4"
    ).json()

    assert first["count"] == last["count"] == 5
    assert [e["object_id"] for e in first["items"]] == ["5", "4"]
    assert [e["object_id"] for e in last["items"]] == ["1"]


def test_events_filter_by_patient_action_and_object_type(auditor):
    record_event(AuditAction.READ, object_type="patients.patient", patient_id=7)
    record_event(AuditAction.UPDATE, object_type="patients.patient", patient_id=7)
    record_event(AuditAction.READ, object_type="patients.patient", patient_id=8)
    record_event(AuditAction.READ, object_type="patients.coverage", patient_id=7)

    body = auditor.get(
        "/api/v1/audit-events?patient_id=7&action=read&object_type=patients.patient"
    ).json()

    assert body["count"] == 1
    [event] = body["items"]
    assert (event["patient_id"], event["action"], event["object_type"]) == (
        7,
        "read",
        "patients.patient",
    )


def test_events_filter_by_outcome(auditor):
    record_event(AuditAction.LOGIN_FAILED, username="mallory", outcome=AuditOutcome.FAILURE)

    body = auditor.get("/api/v1/audit-events?outcome=failure&user=MALLORY").json()

    assert [e["username"] for e in body["items"]] == ["mallory"]


def test_since_and_until_bound_the_period(auditor):
    record_event(AuditAction.UPDATE, object_type="patients.payer")
    url = "/api/v1/audit-events?object_type=patients.payer"

    assert auditor.get(url + "&since=2000-01-01T00:00:00Z").json()["count"] == 1
    assert auditor.get(url + "&until=2000-01-01T00:00:00-05:00").json()["count"] == 0
    assert auditor.get(url + "&since=2099-01-01").json()["count"] == 0


def test_until_before_since_answers_400_naming_until(auditor):
    response = auditor.get("/api/v1/audit-events?since=2025-03-02&until=2025-03-01")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["until"]


def test_an_unreadable_since_answers_422_naming_since(auditor):
    response = auditor.get("/api/v1/audit-events?since=last-tuesday")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["since"]


def test_a_date_time_out_of_range_answers_422_not_500(auditor):
    response = auditor.get("/api/v1/audit-events?since=0001-01-01T00:00:00%2B05:00")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"
