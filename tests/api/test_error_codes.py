"""Every API error carries a machine-readable ``code``, on the body and on each field error."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from medoffice.core.roles import Role
from medoffice.patients.models import Patient
from medoffice.scheduling.models import Appointment, AppointmentStatus
from tests.frontdesk.factories import todays_visit
from tests.patients.factories import PatientFactory
from tests.scheduling.factories import AppointmentFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "medoffice"


def _patient(location, **fields):
    return {
        "first_name": "Ada",
        "last_name": "Quill",
        "date_of_birth": "1980-04-02",
        "home_location_id": location.pk,
        **fields,
    }


def test_a_services_validation_error_code_reaches_the_api_body(desk, location):
    response = desk.post(
        "/api/v1/patients", _patient(location, state="M1"), content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {
            "field": "state",
            "message": "Choose a US state or territory (two letters, e.g. MA).",
            "code": "invalid_state",
        }
    ]
    assert body["code"] == "invalid_state"
    assert not Patient.objects.exists()


def test_field_errors_with_different_codes_give_the_body_the_generic_code(desk, location):
    response = desk.post(
        "/api/v1/patients",
        _patient(location, phone="12", state="M1"),
        content_type="application/json",
    )

    body = response.json()
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("phone", "invalid_phone"),
        ("state", "invalid_state"),
    }
    assert body["code"] == "invalid"


def test_a_reversed_report_period_answers_the_reports_code(client_for):
    response = client_for(Role.OFFICE_MANAGER).get(
        "/api/v1/reports/utilisation", {"from": "2026-02-01", "to": "2026-01-01"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "period_reversed"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("to", "period_reversed")]


def test_a_parameter_that_does_not_parse_carries_the_parsers_code(api_for):
    response = api_for(Role.AUDITOR).get("/api/v1/audit-events?limit=x")

    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "validation_error"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("limit", "int_parsing")]


@pytest.mark.parametrize(
    ("roles", "path", "status", "code"),
    [
        ((Role.CLINICAL,), "/api/v1/audit-events", 403, "permission_denied"),
        ((Role.HR,), "/api/v1/users/424242", 404, "not_found"),
    ],
)
def test_a_refusal_without_a_domain_code_gets_the_generic_code_of_its_status(
    api_for, roles, path, status, code
):
    response = api_for(*roles).get(path)

    assert response.status_code == status
    assert response.json()["code"] == code


def test_missing_credentials_answer_the_not_authenticated_code(client, practice):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_taken_slot_answers_conflict_with_the_slot_taken_field_code(client_for, location):
    first = AppointmentFactory(location=location)
    response = client_for(Role.FRONT_DESK).post(
        "/api/v1/appointments",
        {
            "patient_id": PatientFactory(home_location=location).pk,
            "provider_id": first.provider_id,
            "location_id": location.pk,
            "appointment_type_id": first.appointment_type_id,
            "start": (first.start + dt.timedelta(minutes=5)).isoformat(),
        },
        content_type="application/json",
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("start", "slot_taken")]


def test_a_possible_duplicate_answers_conflict_with_the_duplicate_suspected_code(desk, location):
    PatientFactory(
        first_name="Ada",
        last_name="Quill",
        date_of_birth=dt.date(1980, 4, 2),
        home_location=location,
    )

    response = desk.post("/api/v1/patients", _patient(location), content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_suspected"


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_booking_in_the_past_answers_the_past_code(client_for, location):
    taken = AppointmentFactory(location=location)
    response = _post(
        client_for(Role.FRONT_DESK),
        "/api/v1/appointments",
        {
            "patient_id": PatientFactory(home_location=location).pk,
            "provider_id": taken.provider_id,
            "location_id": location.pk,
            "appointment_type_id": taken.appointment_type_id,
            "start": (timezone.now() - dt.timedelta(days=2)).isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "past"
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("start", "past")]


def test_a_status_the_flow_does_not_allow_answers_its_scheduling_code(desk, location):
    visit = todays_visit(location)

    response = _post(desk, f"/api/v1/appointments/{visit.pk}/status", {"status": "checkout"})

    assert response.status_code == 400
    assert response.json()["code"] == "status_transition_not_allowed"


def test_checking_in_a_cancelled_visit_answers_the_front_desks_code(desk, location):
    visit = todays_visit(location)
    Appointment.objects.filter(pk=visit.pk).update(status=AppointmentStatus.CANCELLED)

    response = _post(desk, f"/api/v1/appointments/{visit.pk}/check-in", {})

    assert response.status_code == 400
    assert response.json()["code"] == "not_expected"


def test_a_check_without_its_number_answers_the_billing_code(desk, location):
    visit = todays_visit(location)

    response = _post(
        desk, f"/api/v1/appointments/{visit.pk}/check-in", {"amount": "25.00", "method": "check"}
    )

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reference", "check_number_required")
    ]


def test_an_unknown_placeholder_answers_the_messaging_code(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    template = client.get("/api/v1/message-templates").json()[0]

    response = client.put(
        f"/api/v1/message-templates/{template['id']}",
        {"body": "Hi {nickname}"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("body", "unknown_placeholder")
    ]


def test_the_schema_requires_code_on_the_error_body_and_each_field_error(client_for):
    schemas = client_for(Role.BILLER).get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert "code" in schemas["ErrorOut"]["required"]
    assert "code" in schemas["FieldError"]["required"]


def _is_text(node: ast.expr | None) -> bool:
    """A bare message: a string, an f-string, or a choice between them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.List):
        return any(_is_text(e) for e in node.elts)
    return False


def _is_validation_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ValidationError"


def _coded(node: ast.expr, scope: ast.AST) -> bool:
    """Whether every message of this ValidationError(...) carries a code.

    Django keeps ``code=`` only on a single message: ``ValidationError({"f": "text"},
    code=...)`` loses it, so a dict's values must be coded ValidationErrors themselves. A
    dict built in a variable (``errors[...] = ...``, ``errors.setdefault(...)``) is coded
    when nothing puts a bare message in it within the same function.
    """
    if isinstance(node, ast.IfExp):
        return _coded(node.body, scope) and _coded(node.orelse, scope)
    if not _is_validation_error(node):
        return not _is_text(node)
    assert isinstance(node, ast.Call)
    if node.args and isinstance(node.args[0], ast.Dict):
        return all(_coded(v, scope) for v in node.args[0].values)
    if any(k.arg == "code" for k in node.keywords):
        return True
    if node.args and isinstance(node.args[0], ast.Name):
        return _builds_coded(node.args[0].id, scope)
    return False


def _builds_coded(name: str, scope: ast.AST) -> bool:
    def named(target: ast.expr) -> bool:
        return isinstance(target, ast.Name) and target.id == name

    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                puts_in_name = isinstance(target, ast.Subscript) and named(target.value)
                if puts_in_name and not _coded(node.value, scope):
                    return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            adds_to_name = named(owner) and node.func.attr == "setdefault"
            appends_to_name = (
                node.func.attr == "append"
                and isinstance(owner, ast.Call)
                and isinstance(owner.func, ast.Attribute)
                and named(owner.func.value)
            )
            if adds_to_name or appends_to_name:
                values = node.args[1:] if adds_to_name else node.args
                if not all(_coded(v, scope) for v in values if not isinstance(v, ast.List)):
                    return False
    return True


def _uncoded_validation_errors(path: Path) -> list[int]:
    """Lines of ``raise ValidationError(...)`` with a message that carries no code."""
    tree = ast.parse(path.read_text())
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]

    def scope_of(node: ast.AST) -> ast.AST:
        inner = [s for s in scopes if node in ast.walk(s)]
        return min(inner, key=lambda s: s.end_lineno - s.lineno) if inner else tree

    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and node.exc is not None
        if _is_validation_error(node.exc) and not _coded(node.exc, scope_of(node))
    ]


def _modules_that_refuse() -> list[str]:
    """Every app's services, the files and API modules of the apps with error codes, and
    the models whose ``clean()`` services call."""
    apps = ("core", "patients", "scheduling", "frontdesk", "messaging", "billing", "reports")
    found = {
        *SRC.glob("*/services.py"),
        *SRC.glob("*/services/*.py"),
        *SRC.glob("*/selectors.py"),
        *SRC.glob("*/selectors/*.py"),
        *(SRC / app / "api.py" for app in apps),
        *(f for app in apps for f in (SRC / app / "api").glob("*.py")),
        *(f for app in apps for f in (SRC / app / "models").glob("*.py")),
        *(SRC / app / "models.py" for app in apps),
        SRC / "patients" / "files.py",
    }
    return sorted(str(f.relative_to(SRC)) for f in found if f.exists())


def test_the_checker_finds_a_code_given_to_a_dict_which_django_drops(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "def f():\n"
        "    raise ValidationError({'start': 'x'}, code='past')\n"
        "def g():\n"
        "    errors = {}\n"
        "    errors['due'] = 'Enter it.'\n"
        "    raise ValidationError(errors)\n"
        "def h():\n"
        "    errors = {}\n"
        "    errors['due'] = ValidationError('Enter it.', code='due_required')\n"
        "    raise ValidationError(errors)\n"
    )

    assert _uncoded_validation_errors(module) == [2, 6]


def test_every_app_with_error_codes_has_its_refusals_checked():
    modules = _modules_that_refuse()

    for app in ("core", "patients", "scheduling", "frontdesk", "messaging", "billing"):
        assert (SRC / app / "error_codes.py").exists()
        assert any(m.startswith(f"{app}/services") for m in modules)


@pytest.mark.parametrize("module", _modules_that_refuse())
def test_every_validation_error_a_service_raises_carries_a_code(module):
    assert _uncoded_validation_errors(SRC / module) == []
