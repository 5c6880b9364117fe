"""Every API error is JSON, {"detail", "code", "errors": [{"field", "message", "code"}]}."""

from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core import services
from medoffice.core.roles import Role


def _assert_error_body(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["code"]
    assert all(set(e) == {"field", "message", "code"} and e["code"] for e in body["errors"])
    return body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("offset=-1", "offset"),
        ("patient_id=abc", "patient_id"),
        ("action=shred", "action"),
        ("since=yesterday", "since"),
        ("user=%00", "user"),
    ],
)
def test_a_bad_parameter_answers_422_naming_it(api_for, query, field):
    response = api_for(Role.AUDITOR).get(f"/api/v1/audit-events?{query}")

    body = _assert_error_body(response, 422)
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"]
    assert field in body["detail"]


def test_every_bad_parameter_is_named_at_once(api_for):
    response = api_for(Role.AUDITOR).get("/api/v1/audit-events?limit=x&patient_id=y")

    body = _assert_error_body(response, 422)
    assert sorted(e["field"] for e in body["errors"]) == ["limit", "patient_id"]


def test_a_path_id_out_of_range_answers_422_naming_id(api_for):
    response = api_for(Role.HR).get("/api/v1/users/99999999999999999999999")

    body = _assert_error_body(response, 422)
    assert [e["field"] for e in body["errors"]] == ["id"]


def test_missing_credentials_answer_401_json(practice):
    _assert_error_body(Client().get("/api/v1/audit-events"), 401)


def test_a_missing_permission_answers_403_json_naming_it(api_for):
    body = _assert_error_body(api_for(Role.CLINICAL).get("/api/v1/audit-events"), 403)
    assert "core.view_auditevent" in body["detail"]


def test_nothing_there_answers_404_json(api_for):
    _assert_error_body(api_for(Role.HR).get("/api/v1/users/424242"), 404)


def test_a_refused_request_answers_400_json_naming_the_field(api_for):
    response = api_for(Role.AUDITOR).get(
        "/api/v1/audit-events?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z"
    )

    body = _assert_error_body(response, 400)
    assert body["errors"][0]["field"] == "until"
    assert "since" in body["errors"][0]["message"]


# --- the browser session -----------------------------------------------------------------


def test_a_logged_in_session_uses_the_api(client_for):
    client = client_for(Role.HR)

    assert client.get("/api/v1/users").status_code == 200


def test_a_session_that_has_not_passed_two_step_log_in_answers_401(client_for):
    client = client_for(Role.OFFICE_MANAGER, verified=False)

    _assert_error_body(client.get("/api/v1/me"), 401)


def test_a_session_write_without_the_csrf_token_answers_403_json(client_for):
    strict = client_for(Role.BILLER)
    strict.handler.enforce_csrf_checks = True
    token, _ = services.create_api_token(user=strict.user, name="spare")

    body = _assert_error_body(strict.delete(f"/api/v1/tokens/{token.pk}"), 403)
    assert "CSRF" in body["detail"]
