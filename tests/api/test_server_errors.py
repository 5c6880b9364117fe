"""A request that fails on the server still leaves its audit entry, and answers a plain 500 JSON.

The failing operations exist only here: a small API of this test module, with the
project's authentication and error handlers, mounted beside the project's URLs
(``pytest.mark.urls``, as the page fuzzer's probe view in tests/core/test_page_fuzz.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import HttpRequest
from django.urls import path

from medoffice.api.auth import TokenAuth, VerifiedSessionAuth
from medoffice.api.base import MedOfficeAPI
from medoffice.api.common import audit
from medoffice.api.errors import register_error_handlers
from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome
from medoffice.core.roles import Role
from medoffice.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

SECRET = "Jane Roe 1970-04-02 (413) 555-0123"  # what an exception's message might carry

probe = MedOfficeAPI(
    title="failure probe",
    urls_namespace="failure-probe",
    auth=[TokenAuth(), VerifiedSessionAuth()],
)
register_error_handlers(probe)


@probe.get("/fails")
def fails(request: HttpRequest) -> Any:
    raise RuntimeError(f"unexpected: {SECRET}")


@probe.get("/reads-then-fails")
def reads_then_fails(request: Any) -> Any:
    audit(request, AuditAction.READ, object_type="patients.patient", detail="probe read")
    raise KeyError(SECRET)


probe_urls = probe.urls
for pattern in probe_urls[0]:  # the API answers 401 itself, as medoffice/urls.py marks it
    login_not_required(pattern.callback)
urlpatterns: list[Any] = [path("probe-api/", probe_urls), *project_urlpatterns]


def entries_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]).order_by("seq"))


@pytest.mark.urls(__name__)
def test_an_operation_that_raises_answers_a_plain_500_json_without_the_traceback(api_for):
    response = api_for(Role.FRONT_DESK).get("/probe-api/fails")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["errors"] == []
    assert response["X-Request-ID"] in body["detail"]
    assert "Traceback" not in response.content.decode()
    assert SECRET not in response.content.decode()


@pytest.mark.urls(__name__)
def test_an_operation_that_raises_still_records_its_audit_entry_with_outcome_error(api_for):
    client = api_for(Role.FRONT_DESK)
    response = client.get("/probe-api/fails")
    (entry,) = entries_of(response)
    assert entry.outcome == AuditOutcome.ERROR
    assert entry.action == AuditAction.READ
    assert entry.user_id == client.user.pk
    assert "500 RuntimeError" in entry.detail
    assert SECRET not in entry.detail


@pytest.mark.urls(__name__)
def test_a_failure_after_the_operation_recorded_its_read_is_recorded_as_an_error_too(client_for):
    response = client_for(Role.FRONT_DESK).get("/probe-api/reads-then-fails")
    assert response.status_code == 500
    outcomes = [e.outcome for e in entries_of(response)]
    assert outcomes == [AuditOutcome.SUCCESS, AuditOutcome.ERROR]


@pytest.mark.urls(__name__)
def test_when_the_audit_log_cannot_be_written_either_the_answer_is_still_500_json(
    api_for, monkeypatch
):
    def database_gone(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("the database went away")

    monkeypatch.setattr("medoffice.api.errors.record_event", database_gone)
    response = api_for(Role.FRONT_DESK).get("/probe-api/fails")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
