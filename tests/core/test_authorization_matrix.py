"""The authorization matrix: every page and API operation, requested as every role and anonymously.

``MATRIX`` is the specification, written out by hand, not derived from the code. Every URL
pattern of the project (pages, the configuration admin, the API operations in the OpenAPI
schema) must have a row; a new pattern without one fails ``test_every_url_pattern_is_in_the_matrix``
with a message naming it. docs/security.md prints the same table between the role-matrix
markers (``render_markdown``; run ``python -m tests.core.test_authorization_matrix`` to print it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medoffice.core.roles import Role

OM = Role.OFFICE_MANAGER
FD = Role.FRONT_DESK
BI = Role.BILLER
PR = Role.PROVIDER
CL = Role.CLINICAL
HR = Role.HR
AU = Role.AUDITOR
EVERY_ROLE = frozenset(Role)

LOGIN = "log-in"  # anonymous answer: 302 to /accounts/login/
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "security.md"
MARK_START = "<!-- role-matrix:start -->"
MARK_END = "<!-- role-matrix:end -->"


@dataclass(frozen=True)
class Row:
    """One page or API operation: who gets ``ok``, everyone else ``refused``."""

    pattern: str  # the URL pattern; API operations as in the OpenAPI schema ("/api/v1/users/{id}")
    method: str
    what: str
    allowed: frozenset[Role]
    ok: int = 200
    refused: int = 403
    anonymous: int | str = LOGIN
    target: str = ""  # which object fills the path parameter (see ``path_value``)
    operation: bool = False  # an operation of the OpenAPI schema

    def expected(self, role: Role | None) -> int | str:
        if role is None:
            return self.anonymous
        return self.ok if role in self.allowed else self.refused


def page(pattern: str, what: str, allowed: frozenset[Role] | set[Role], **kw: Any) -> Row:
    return Row(pattern, kw.pop("method", "GET"), what, frozenset(allowed), **kw)


def api(method: str, pattern: str, what: str, allowed: frozenset[Role] | set[Role], **kw: Any):
    return Row(pattern, method, what, frozenset(allowed), anonymous=401, operation=True, **kw)


MATRIX: list[Row] = [
    # --- log-in, account -------------------------------------------------------------------
    page("/accounts/login/", "Log-in page", EVERY_ROLE, ok=302, anonymous=200),
    page("/accounts/logout/", "Log out", EVERY_ROLE, method="POST", ok=302),
    page("/accounts/mfa/verify/", "Two-step log-in: code prompt", EVERY_ROLE, ok=302),
    page("/accounts/mfa/enrol/", "Two-step log-in: set up an app", EVERY_ROLE),
    page("/accounts/mfa/recovery-codes/", "Two-step log-in: recovery codes", EVERY_ROLE),
    page("/accounts/password/", "Change own password", EVERY_ROLE),
    page("/accounts/tokens/", "Own API tokens", EVERY_ROLE),
    page(
        "/accounts/tokens/<int:pk>/revoke/",
        "Revoke another user's API token",
        {OM},
        method="POST",
        ok=302,
        refused=404,
        target="other_token",
    ),
    page("/health", "Health check", EVERY_ROLE, anonymous=200),
    # --- home, practice, users, audit -------------------------------------------------------
    page("/", "Home page", EVERY_ROLE),
    page("/practice/", "Practice and locations", EVERY_ROLE),
    page("/practice/edit/", "Edit the practice", {OM}),
    page("/users/", "Users list", {OM, HR}),
    page("/users/new/", "New user", {OM}),
    page("/users/<int:pk>/", "Edit a user", {OM}, target="staff_user"),
    page(
        "/users/<int:pk>/unlock/",
        "Unlock a user",
        {OM},
        method="POST",
        ok=302,
        target="staff_user",
    ),
    page(
        "/users/<int:pk>/reset-mfa/",
        "Reset a user's two-step log-in",
        {OM},
        method="POST",
        ok=302,
        target="staff_user",
    ),
    page(
        "/users/<int:pk>/require-password-change/",
        "Require a new password at next log-in",
        {OM},
        method="POST",
        ok=302,
        target="staff_user",
    ),
    page("/audit/", "Audit report", {OM, AU}),
    # --- patients -----------------------------------------------------------------------------
    page("/patients/", "Patients list", {OM, FD, BI, PR, CL}),
    page("/patients/<int:pk>/", "Open a patient record", {OM, FD, BI, PR, CL}, target="patient"),
    page(
        "/patients/<int:pk>/emergency-access/",
        "Emergency access (record in scope: back to the record)",
        {OM, PR, CL},
        ok=302,
        target="patient",
    ),
    page("/patients/emergency-accesses/", "Emergency accesses to review", {OM}),
    page(
        "/patients/emergency-accesses/<int:pk>/review/",
        "Mark an emergency access reviewed",
        {OM},
        method="POST",
        ok=302,
        target="emergency_access",
    ),
    # --- configuration admin (every admin URL passes the same site guard) ---------------------
    page("/admin/", "Configuration admin", {OM}),
    page("/admin/core/practice/", "Admin: practice", {OM}),
    page("/admin/core/location/", "Admin: locations", {OM}),
    # --- API ------------------------------------------------------------------------------------
    page("/users/tokens/", "Everyone's API tokens", {OM}),
    page("/api/v1/docs", "API documentation page", EVERY_ROLE),
    page("/api/v1/openapi.json", "OpenAPI schema", EVERY_ROLE, anonymous=401),
    page("/api/v1/", "API root (nothing there)", frozenset(), refused=404, anonymous=404),
    api("GET", "/api/v1/me", "API: me", EVERY_ROLE),
    api("GET", "/api/v1/practice", "API: the practice", EVERY_ROLE),
    api("GET", "/api/v1/locations", "API: locations", EVERY_ROLE),
    api("GET", "/api/v1/locations/{id}", "API: one location", EVERY_ROLE, target="location"),
    api("GET", "/api/v1/users", "API: users", {OM, HR}),
    api("GET", "/api/v1/users/{id}", "API: one user", {OM, HR}, target="staff_user"),
    api("GET", "/api/v1/audit-events", "API: audit log", {OM, AU}),
    api("GET", "/api/v1/tokens", "API: own tokens", EVERY_ROLE),
    api(
        "DELETE",
        "/api/v1/tokens/{id}",
        "API: revoke an own token",
        EVERY_ROLE,
        ok=204,
        target="own_token",
    ),
    api("GET", "/api/v1/staff-tokens", "API: everyone's tokens", {OM}),
    api(
        "DELETE",
        "/api/v1/staff-tokens/{id}",
        "API: revoke anyone's token",
        {OM},
        ok=204,
        target="own_token",
    ),
]

# Admin URLs other than those in MATRIX are served by the same ConfigurationAdminSite guard.
ADMIN_ROWS = {"/admin/", "/admin/core/practice/", "/admin/core/location/"}


# --- walking the project's URLs ------------------------------------------------------------


def url_patterns() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every URL pattern of the project as (route, namespaces), walked recursively."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver: Any, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                extra = (entry.namespace,) if entry.namespace else ()
                yield from walk(entry, route, namespaces + extra)
            else:
                yield "/" + route, namespaces

    yield from walk(get_resolver(), "", ())


def api_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in the OpenAPI schema."""
    from medoffice.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def _api_route_as_schema_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def missing_from_matrix() -> list[str]:
    rows = {(r.method, r.pattern) for r in MATRIX}
    patterns = {r.pattern for r in MATRIX}
    missing = []
    for route, namespaces in url_patterns():
        if "admin" in namespaces:
            continue  # covered by ADMIN_ROWS: one guard serves the whole site
        if "api" in namespaces:
            route = _api_route_as_schema_path(route)
        if route not in patterns:
            missing.append(route)
    for method, path in sorted(api_operations()):
        if (method, path) not in rows:
            missing.append(f"{method} {path}")
    return missing


# --- rendering for docs/security.md ------------------------------------------------------------


def _cell(row: Row, role: Role | None) -> str:
    answer = row.expected(role)
    if answer == LOGIN:
        return "→ log-in"
    allowed = role in row.allowed if role is not None else 200 <= int(answer) < 300
    return f"✓ {answer}" if allowed else f"✗ {answer}"


def render_markdown() -> str:
    """The matrix as a markdown table, as docs/security.md prints it."""
    roles = list(Role)
    head = ["Page or operation", "Method", "Path", *(r.label for r in roles), "Anonymous"]
    lines = [
        "| " + " | ".join(head) + " |",
        "| " + " | ".join(["---"] * len(head)) + " |",
    ]
    for row in MATRIX:
        cells = [row.what, row.method, f"`{row.pattern}`"]
        cells += [_cell(row, role) for role in roles]
        cells.append(_cell(row, None))
        lines.append("| " + " | ".join(cells) + " |")
    legend = (
        "✓ allowed, ✗ refused, with the HTTP status; → log-in: redirected to the log-in page. "
        "Other configuration-admin pages answer as the admin home."
    )
    return "\n".join([*lines, "", legend])


def matrix_block_in_docs(text: str) -> str:
    start = text.index(MARK_START) + len(MARK_START)
    end = text.index(MARK_END)
    return text[start:end].strip()


# --- the objects the path parameters are filled with --------------------------------------------


@dataclass
class Objects:
    location: Any
    staff_user: Any
    patient: Any
    emergency_access: Any
    other_token: Any
    tokens: dict[int, Any] = field(default_factory=dict)


@pytest.fixture
def objects(practice):
    from medoffice.core import services
    from medoffice.patients.models import EmergencyAccess
    from tests.factories import LocationFactory, PatientFactory, UserFactory

    location = LocationFactory(practice=practice)
    staff_user = UserFactory(roles=[FD], locations=[location])
    patient = PatientFactory(home_location=location)
    provider = UserFactory(roles=[PR])
    from django.utils import timezone

    access = EmergencyAccess.objects.create(
        user=provider,
        patient=patient,
        reason="Seen at the walk-in clinic after a fall.",
        expires_at=timezone.now(),
    )
    other_token, _ = services.create_api_token(user=staff_user, name="a script")
    return Objects(location, staff_user, patient, access, other_token)


def path_value(row: Row, objects: Objects, user: Any) -> str:
    if not row.target:
        return ""
    if row.target == "own_token":
        from medoffice.core import services

        owner = user if user is not None else objects.staff_user
        token, _ = services.create_api_token(user=owner, name="own token")
        return str(token.pk)
    if row.target in EXTRA_TARGETS:
        return str(EXTRA_TARGETS[row.target]().pk)
    chosen: Callable[[], Any] = {
        "location": lambda: objects.location,
        "staff_user": lambda: objects.staff_user,
        "patient": lambda: objects.patient,
        "emergency_access": lambda: objects.emergency_access,
        "other_token": lambda: objects.other_token,
    }[row.target]
    return str(chosen().pk)


def concrete_path(row: Row, value: str) -> str:
    path = re.sub(r"<(?:\w+:)?\w+>|\{\w+\}", value, row.pattern)
    assert "<" not in path, row.pattern
    assert "{" not in path, row.pattern
    return path


# --- tests ------------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    missing = missing_from_matrix()
    assert not missing, "\n".join(f"add {route} to the matrix" for route in missing)


def test_every_matrix_row_names_an_existing_pattern():
    routes = {route for route, _ in url_patterns()}
    routes |= {_api_route_as_schema_path(r) for r in routes}
    operations = api_operations()
    for row in MATRIX:
        if row.operation:
            assert (row.method, row.pattern) in operations, f"{row.method} {row.pattern} is gone"
        assert row.pattern in routes, f"{row.pattern} is in the matrix but not in the URLs"


def test_admin_rows_cover_the_admin_site():
    admin_routes = {route for route, ns in url_patterns() if "admin" in ns}
    assert admin_routes >= ADMIN_ROWS
    assert {row.pattern for row in MATRIX} >= ADMIN_ROWS


def test_only_the_login_page_health_check_and_signed_patient_links_answer_anonymously():
    """Besides log-in and the health check, only /p/ answers without a session: the
    patients' signed confirm/cancel links and the providers' secret calendar feeds,
    each authorised by its token (tests/messaging/ prove a bad token is refused)."""
    answering = {row.pattern for row in MATRIX if 200 <= int_or_zero(row.anonymous) < 400}
    assert {p for p in answering if not p.startswith("/p/")} == {"/accounts/login/", "/health"}


def int_or_zero(value: int | str) -> int:
    return value if isinstance(value, int) else 0


def test_static_files_answer_anonymously(client, db):
    response = client.get("/static/core/app.css")
    assert response.status_code == 200


# Each area of the product declares its own rows in tests/<area>/matrix_rows.py: ``ROWS``
# (built with ``page``/``api`` above) and ``TARGETS``, zero-argument factories creating
# the object a row's path parameter needs, keyed by the row's ``target``.
MATRIX_EXTENSIONS = [
    "tests.patients.matrix_rows",
    "tests.scheduling.matrix_rows",
    "tests.frontdesk.matrix_rows",
    "tests.billing.matrix_rows",
    "tests.messaging.matrix_rows",
    "tests.reports.matrix_rows",
]
EXTRA_TARGETS: dict[str, Callable[[], Any]] = {}


def _load_extensions() -> None:
    import importlib
    import importlib.util

    for name in MATRIX_EXTENSIONS:
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except ModuleNotFoundError:
            continue
        module = importlib.import_module(name)
        MATRIX.extend(module.ROWS)
        EXTRA_TARGETS.update(getattr(module, "TARGETS", {}))


_load_extensions()


CASES = [
    pytest.param(row, role, id=f"{row.method} {row.pattern} as {role or 'anonymous'}")
    for row in MATRIX
    for role in [*Role, None]
]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_matrix(row: Row, role: Role | None, client_for, objects, client):
    requester = client_for(role) if role is not None else client
    user = getattr(requester, "user", None)
    path = concrete_path(row, path_value(row, objects, user))
    response = requester.generic(row.method, path)
    expected = row.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{row.method} {path}: {response.status_code}"
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{row.method} {path} as {role or 'anonymous'}: "
            f"expected {expected}, got {response.status_code}"
        )


def test_security_doc_prints_the_matrix():
    table = render_markdown()
    assert DOCS_PATH.exists(), "docs/security.md is missing"
    text = DOCS_PATH.read_text(encoding="utf-8")
    assert MARK_START in text, "docs/security.md lost its role-matrix start marker"
    assert MARK_END in text, "docs/security.md lost its role-matrix end marker"
    assert matrix_block_in_docs(text) == table, (
        "docs/security.md's role matrix is out of date; put this between the markers:\n\n" + table
    )


if __name__ == "__main__":
    import importlib
    import sys

    # Import under the package name, so the areas' matrix_rows modules share this table.
    matrix = importlib.import_module("tests.core.test_authorization_matrix")
    sys.stdout.write(matrix.render_markdown() + "\n")


def _admin_paths(objects: Objects) -> list[str]:
    paths = []
    for route, namespaces in url_patterns():
        if "admin" not in namespaces or "(?P<url>" in route:
            continue
        route = route.replace("^(?P<app_label>core)/$", "core/")
        route = route.replace("<path:content_type_id>", "1")
        paths.append(route.replace("<path:object_id>", str(objects.location.pk)))
    return paths


@pytest.mark.parametrize("role", [FD, BI, PR, CL, HR, AU])
def test_every_admin_url_refuses_every_role_but_the_office_manager(role, client_for, objects):
    requester = client_for(role)
    answers = {path: requester.get(path).status_code for path in _admin_paths(objects)}
    assert set(answers.values()) == {403}, answers


def test_every_admin_url_sends_anonymous_visitors_to_the_log_in_page(client, objects):
    for path in _admin_paths(objects):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
