"""The docs page and the OpenAPI schema: who may read them, and the committed openapi.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_page_sends_an_anonymous_visitor_to_log_in(practice):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_docs_page_sends_a_user_who_has_not_passed_two_step_log_in_to_it(client_for):
    response = client_for(Role.AUDITOR, verified=False).get("/api/v1/docs")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/")


def test_the_docs_page_uses_the_bundled_swagger_files_not_a_cdn(client_for):
    response = client_for(Role.FRONT_DESK).get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    # Every script, style and link comes from this server (a CSRF token may well spell "cdn").
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses
    assert [a for a in addresses if not a.startswith(("/", "#"))] == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_schema_needs_a_session_or_a_token(practice):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "errors"}
    assert response.json()["code"] == "not_authenticated"


def test_a_logged_in_session_reads_the_schema(client_for):
    response = client_for(Role.BILLER).get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "MedOffice API"


def test_a_token_reads_the_schema_and_the_use_is_audited(api_for):
    client = api_for(Role.CLINICAL)

    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert (event.username, event.object_type) == (client.user.username, "api.openapi")


def test_the_schema_is_built_once_and_then_served_from_memory(client_for, monkeypatch):
    from medoffice.api import api, docs

    docs._schema_bodies.clear()
    reader = client_for(Role.BILLER)
    first = reader.get("/api/v1/openapi.json")

    def build_again(**kwargs):
        raise AssertionError("the schema was built a second time")

    monkeypatch.setattr(api, "get_openapi_schema", build_again)
    again = reader.get("/api/v1/openapi.json")

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_the_schema_documents_every_operation_and_the_error_body(client_for):
    schema = client_for(Role.BILLER).get("/api/v1/openapi.json").json()

    # The core operations; every area's operations are held to the authorization matrix
    # (tests/core/test_authorization_matrix.py fails for an operation without a row).
    assert set(schema["paths"]) >= {
        "/api/v1/me",
        "/api/v1/practice",
        "/api/v1/locations",
        "/api/v1/locations/{id}",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/audit-events",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
    }
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "detail",
        "code",
        "errors",
    }
    assert set(schema["components"]["schemas"]["FieldError"]["properties"]) == {
        "field",
        "message",
        "code",
    }
    assert "API tokens" in schema["info"]["description"]


# --- medoffice export-openapi -----------------------------------------------------------


def test_export_openapi_writes_pretty_sorted_json_with_a_trailing_newline(tmp_path, db):
    target = tmp_path / "openapi.json"

    call_command("export_openapi", str(target))

    text = target.read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_export_openapi_check_passes_on_a_current_file(tmp_path, db):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))

    call_command("export_openapi", "--check", str(target))


def test_export_openapi_check_fails_naming_the_stale_file(tmp_path, db):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    target.write_text(target.read_text().replace('"MedOffice API"', '"Old API"'))

    with pytest.raises(CommandError, match="out of date") as raised:
        call_command("export_openapi", "--check", str(target))
    assert "export-openapi" in str(raised.value)


def test_the_committed_openapi_json_matches_the_api(db):
    call_command("export_openapi", "--check", str(REPO_ROOT / "openapi.json"))
