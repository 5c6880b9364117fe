"""The authorization matrix: every page and API operation, requested as every role and anonymously.

``MATRIX`` is the specification, written out by hand, not derived from the code. It is keyed
by URL pattern and HTTP method: every method every view accepts must have a row, and a new
pattern or method without one fails ``test_every_url_pattern_is_in_the_matrix`` with a message
naming it. docs/security.md prints the same table between the role-matrix markers
(``render_markdown``; run ``python -m tests.core.test_authorization_matrix`` to print it).

**Which methods a view accepts** is read from the view itself, not from a list here:

- a class-based view (``callback.view_class``): each name of ``http_method_names`` the class
  has a handler for;
- a function view: the methods of Django's ``require_http_methods`` (``require_POST``,
  ``require_GET``, ``require_safe`` are that one decorator). Django sets no attribute on the
  view, so ``declared_methods`` follows the ``__wrapped__`` chain that ``functools.wraps``
  leaves through every decorator and reads the list the decorator's inner function closes
  over (``request_method_list``). That finds the declaration in whatever order the
  decorators are stacked, and costs no request. A function view without the decorator
  accepts every method (a PUT would be served as a GET), so it is reported as undeclared:
  every view declares its methods;
- the API: the operations of the OpenAPI schema (ninja answers 405 for any other method).

HEAD and OPTIONS need no row: Django answers them as the GET (without the body) and with the
list of methods. ``test_declared_methods_are_enforced`` proves what the introspection reads
is what the client gets: a method a view does not declare answers 405.

**Writes are real.** A row for a write carries ``body``: a form (or JSON) body the view accepts,
built for the row's target, so an allowed role's request really does the write and the row
names its success answer (302 after a form, 201/200 from the API), never a form re-rendered
with errors; and because some pages redirect after an error too, an allowed write must also
have changed the database (a row marked ``writes_nothing``, such as log-out, is exempt).
A row whose page acts on the requester (the two-step set-up) names ``target="requester"``.

**A refused write changes nothing**: for every non-GET request answered with a refusal (any
role, anonymous, any status of 400 and above or the log-in redirect) the test fingerprints the
database before and after (``tests/dbsnapshot.py``: per table the row count and a digest of
every row, leaving out the audit log, the sessions and django-axes' tables, which a refusal
legitimately writes to) and asserts both are equal.

The same rows, sent as a front-desk user of one location against the records of another,
are the cross-location sweep: ``tests/core/test_cross_location.py``.
"""

from __future__ import annotations

import json
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
    target: str = ""  # which object fills the path parameter (see ``target_object``)
    operation: bool = False  # an operation of the OpenAPI schema
    # The body of a write, built for the row's target object (None when there is none):
    # a body the view accepts, so an allowed request really writes.
    body: Callable[[Any], dict[str, Any]] | None = field(default=None, compare=False)
    encoding: str = "form"  # "form" (multipart, as a browser posts) or "json"
    # A write that, allowed, leaves the watched tables as they were (log-out ends only the
    # session); every other allowed write must change the database.
    writes_nothing: bool = False
    # "patient": the body names a patient, and ``body`` builds it for the patient it is given
    # (the cross-location sweep gives another location's); without one it makes its own.
    body_subject: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.pattern}"

    @property
    def writes(self) -> bool:
        return self.method not in {"GET", "HEAD", "OPTIONS"}

    def expected(self, role: Role | None) -> int | str:
        if role is None:
            return self.anonymous
        return self.ok if role in self.allowed else self.refused


def _login_body(_target: Any) -> dict[str, Any]:
    from tests.factories import TEST_PASSWORD, UserFactory

    return {"username": UserFactory(roles=[FD]).username, "password": TEST_PASSWORD}


def _enrolment_code(user: Any) -> dict[str, Any] | None:
    """The current code of the authenticator app the user is setting up (None: no user)."""
    if user is None:
        return None
    from django_otp.oath import TOTP

    from medoffice.core import mfa

    device = mfa.pending_totp_device(user)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return {"code": f"{code:0{device.digits}d}"}


def _practice_body(_target: Any) -> dict[str, Any]:
    from medoffice.core.forms import PracticeForm
    from medoffice.core.models import Practice
    from tests.formdata import form_body

    return form_body(PracticeForm(instance=Practice.objects.get()))


def _new_user_body(_target: Any) -> dict[str, Any]:
    return {
        "username": "new.colleague",
        "first_name": "Noor",
        "last_name": "Colleague",
        "email": "new.colleague@example.com",
        "roles": [FD.value],
        "password": "a long synthetic passphrase 2026",
    }


def _user_body(user: Any) -> dict[str, Any]:
    from medoffice.core.forms import UserForm
    from tests.formdata import form_body

    return {**form_body(UserForm(instance=user)), "title": "Front desk lead"}


def _own_password_body(_target: Any) -> dict[str, Any]:
    from tests.factories import TEST_PASSWORD

    new = "a new synthetic passphrase 2026"
    return {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}


def _token_body(_target: Any) -> dict[str, Any]:
    from medoffice.api.base import token_areas

    areas = [value for value, _label in token_areas()]
    return {"name": "a script", "expires_in_days": "30", "access": "read", "areas": areas}


def page(pattern: str, what: str, allowed: frozenset[Role] | set[Role], **kw: Any) -> Row:
    return Row(pattern, kw.pop("method", "GET"), what, frozenset(allowed), **kw)


def api(method: str, pattern: str, what: str, allowed: frozenset[Role] | set[Role], **kw: Any):
    kw.setdefault("encoding", "json")
    return Row(pattern, method, what, frozenset(allowed), anonymous=401, operation=True, **kw)


MATRIX: list[Row] = [
    # --- log-in, account -------------------------------------------------------------------
    page("/accounts/login/", "Log-in page", EVERY_ROLE, ok=302, anonymous=200),
    page(
        "/accounts/login/",
        "Log in (a staff member's user name and password)",
        EVERY_ROLE,
        method="POST",
        ok=302,
        anonymous=302,
        body=_login_body,
    ),
    page("/accounts/logout/", "Log out", EVERY_ROLE, method="POST", ok=302, writes_nothing=True),
    page("/accounts/mfa/verify/", "Two-step log-in: code prompt", EVERY_ROLE, ok=302),
    page(
        "/accounts/mfa/verify/",
        "Two-step log-in: check a code (already verified: home)",
        EVERY_ROLE,
        method="POST",
        ok=302,
        writes_nothing=True,
    ),
    page("/accounts/mfa/enrol/", "Two-step log-in: set up an app", EVERY_ROLE),
    page(
        "/accounts/mfa/enrol/",
        "Two-step log-in: confirm the app (its current code)",
        EVERY_ROLE,
        method="POST",
        ok=302,
        target="requester",
        body=_enrolment_code,
    ),
    page("/accounts/mfa/recovery-codes/", "Two-step log-in: recovery codes", EVERY_ROLE),
    page("/accounts/password/", "Change own password", EVERY_ROLE),
    page(
        "/accounts/password/",
        "Change own password: save",
        EVERY_ROLE,
        method="POST",
        ok=302,
        body=_own_password_body,
    ),
    page(
        "/accounts/mfa/recovery-codes/",
        "Two-step log-in: make new recovery codes (shown once)",
        EVERY_ROLE,
        method="POST",
    ),
    page("/accounts/tokens/", "Own API tokens", EVERY_ROLE),
    page(
        "/accounts/tokens/",
        "Own API tokens: make one",
        EVERY_ROLE,
        method="POST",
        ok=302,
        body=_token_body,
    ),
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
    page(
        "/practice/edit/",
        "Edit the practice: save",
        {OM},
        method="POST",
        ok=302,
        body=_practice_body,
    ),
    page("/users/", "Users list", {OM, HR}),
    page("/users/new/", "New user", {OM}),
    page("/users/new/", "New user: save", {OM}, method="POST", ok=302, body=_new_user_body),
    page("/users/<int:pk>/", "Edit a user", {OM}, target="staff_user"),
    page(
        "/users/<int:pk>/",
        "Edit a user: save",
        {OM},
        method="POST",
        ok=302,
        target="staff_user",
        body=_user_body,
    ),
    page(
        "/users/<int:pk>/unlock/",
        "Unlock a user",  # the lock is in django-axes' tables, outside the fingerprint
        {OM},
        method="POST",
        ok=302,
        target="staff_user",
        writes_nothing=True,
    ),
    page(
        "/users/<int:pk>/reset-mfa/",
        "Reset a user's two-step log-in",
        {OM},
        method="POST",
        ok=302,
        target="mfa_user",
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
    page(
        "/audit/verify/",
        "Verify the audit chain now",  # writes the log and its checkpoints, outside the fingerprint
        {OM, AU},
        method="POST",
        ok=302,
        writes_nothing=True,
    ),
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
    page(
        "/patients/<int:pk>/emergency-access/",
        "Emergency access: open (record in scope: back to the record)",
        {OM, PR, CL},
        method="POST",
        ok=302,
        target="patient",
        writes_nothing=True,
        body=lambda patient: {"reason": "Seen at the walk-in clinic after a fall."},
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


def url_views() -> Iterator[tuple[str, tuple[str, ...], Callable[..., Any]]]:
    """Every URL pattern of the project as (route, namespaces, view), walked recursively."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver: Any, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                extra = (entry.namespace,) if entry.namespace else ()
                yield from walk(entry, route, namespaces + extra)
            else:
                yield "/" + route, namespaces, entry.callback

    yield from walk(get_resolver(), "", ())


def url_patterns() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every URL pattern of the project as (route, namespaces)."""
    for route, namespaces, _view in url_views():
        yield route, namespaces


# Methods Django answers by itself for any view that serves GET: no row of their own.
ANSWERED_BY_DJANGO = frozenset({"HEAD", "OPTIONS"})


def declared_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    """The HTTP methods ``view`` accepts, or None when it does not say (it takes them all).

    Class-based views: the handlers named in ``http_method_names``. Function views: the
    list of ``require_http_methods`` found along the ``__wrapped__`` chain (see the module
    docstring for why the closure, and why that is reliable).
    """
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        names = view_class.http_method_names
        return frozenset(name.upper() for name in names if hasattr(view_class, name))
    current: Any = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(method.upper() for method in cell.cell_contents)
        current = getattr(current, "__wrapped__", None)
    return None


def page_methods() -> dict[str, frozenset[str] | None]:
    """Route → methods it needs rows for, for every page outside the admin and the API."""
    methods: dict[str, frozenset[str] | None] = {}
    for route, namespaces, view in url_views():
        if "admin" in namespaces or "api" in namespaces:
            continue
        declared = declared_methods(view)
        methods[route] = None if declared is None else declared - ANSWERED_BY_DJANGO
    return methods


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
    """Every (method, pattern) a view accepts without a row, and every undeclared view."""
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
    for route, methods in page_methods().items():
        if methods is None:
            missing.append(f"{route} (its view declares no methods: add require_http_methods)")
            continue
        missing.extend(
            f"{method} {route}" for method in sorted(methods) if (method, route) not in rows
        )
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


def target_object(row: Row, objects: Objects, user: Any) -> Any:
    """The object whose id fills the row's path parameter (None for a row without one)."""
    if not row.target:
        return None
    if row.target == "requester":
        return user
    if row.target == "own_token":
        from medoffice.core import services

        owner = user if user is not None else objects.staff_user
        token, _ = services.create_api_token(user=owner, name="own token")
        return token
    if row.target in EXTRA_TARGETS:
        return EXTRA_TARGETS[row.target]()
    chosen: Callable[[], Any] = {
        "location": lambda: objects.location,
        "staff_user": lambda: objects.staff_user,
        "patient": lambda: objects.patient,
        "emergency_access": lambda: objects.emergency_access,
        "other_token": lambda: objects.other_token,
        "mfa_user": lambda: _user_with_an_authenticator(objects.location),
    }[row.target]
    return chosen()


def _user_with_an_authenticator(location: Any) -> Any:
    from medoffice.core.models import AuthenticatorApp
    from tests.factories import UserFactory

    user = UserFactory(roles=[FD], locations=[location])
    AuthenticatorApp.objects.create(user=user, name="phone", confirmed=True)
    return user


def path_value(row: Row, objects: Objects, user: Any) -> str:
    target = target_object(row, objects, user)
    return "" if target is None else str(target.pk)


def body_for(row: Row, target: Any) -> dict[str, Any] | None:
    """The row's body for ``target``; built before the request (it may create rows)."""
    return row.body(target) if row.body is not None else None


def send(requester: Any, row: Row, path: str, body: dict[str, Any] | None) -> Any:
    """The row's request: its method, and for a write its body, encoded as the row says."""
    if body is None:
        return requester.generic(row.method, path)
    if row.encoding == "json":
        return requester.generic(
            row.method, path, json.dumps(body), content_type="application/json"
        )
    if row.method == "POST":
        return requester.post(path, body)
    raise AssertionError(f"{row.key}: a form body is posted, not sent with {row.method}")


def is_refusal(status: int, location: str = "") -> bool:
    """A refused request: an error status, or the redirect to the log-in page."""
    return status >= 400 or (status == 302 and location.startswith("/accounts/login/"))


def concrete_path(row: Row, value: str) -> str:
    if row.target == "requester":
        return row.pattern  # the requester is the page's subject, not in its path
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


def test_every_matrix_row_names_a_method_its_view_accepts():
    methods = page_methods()
    stale = [
        row.key
        for row in MATRIX
        if row.pattern in methods and row.method not in (methods[row.pattern] or set())
    ]
    assert not stale, "rows for methods their views refuse: " + ", ".join(stale)


def test_every_view_declares_its_methods():
    undeclared = [route for route, methods in page_methods().items() if methods is None]
    assert not undeclared, "views taking every method: " + ", ".join(undeclared)


def test_declared_methods_are_read_through_every_decorator():
    from django.contrib.auth.decorators import login_required, permission_required
    from django.http import HttpResponse
    from django.views.decorators.http import require_http_methods

    @permission_required("core.change_user")
    @require_http_methods(["GET", "POST"])
    @login_required
    def inner_declaration(request: Any) -> HttpResponse:
        return HttpResponse()

    def undeclared(request: Any) -> HttpResponse:
        return HttpResponse()

    assert declared_methods(inner_declaration) == {"GET", "POST"}
    assert declared_methods(undeclared) is None


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_declared_methods_are_enforced(method, client_for):
    """What the introspection reads is what a client gets: an undeclared method answers 405."""
    requester = client_for(*Role)
    answers = {
        route: requester.generic(method, concrete_path_for_probe(route)).status_code
        for route, methods in page_methods().items()
        if methods is not None and method not in methods
    }
    assert set(answers.values()) == {405}, {r: s for r, s in answers.items() if s != 405}


def concrete_path_for_probe(route: str) -> str:
    """A route with every parameter filled by 1: 405 is decided before the view looks."""
    return re.sub(r"<(?:\w+:)?\w+>", "1", route)


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
    "tests.billing.matrix_rows_reference",
    "tests.billing.matrix_rows_eligibility",
    "tests.billing.matrix_rows_claims",
    "tests.billing.matrix_rows_submission",
    "tests.billing.matrix_rows_cob",
    "tests.billing.matrix_rows_ledger",
    "tests.billing.matrix_rows_followup",
    "tests.billing.matrix_rows_denials",
    "tests.billing.matrix_rows_paylinks",
    "tests.billing.matrix_rows_contracts",
    "tests.billing.matrix_rows_era",
    "tests.billing.matrix_rows_erapages",
    "tests.billing.matrix_rows_deposits",
    "tests.billing.matrix_rows_stmts",
    "tests.billing.matrix_rows_aging",
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
    from tests.dbsnapshot import changed_tables, snapshot

    requester = client_for(role) if role is not None else client
    user = getattr(requester, "user", None)
    target = target_object(row, objects, user)
    path = concrete_path(row, "" if target is None else str(target.pk))
    expected = row.expected(role)
    refused = expected == LOGIN or int(expected) >= 400
    body = body_for(row, target)
    watched = row.writes and (refused or not row.writes_nothing)
    before = snapshot() if watched else None
    response = send(requester, row, path, body)
    if expected == LOGIN:
        assert response.status_code == 302, f"{row.method} {path}: {response.status_code}"
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{row.method} {path} as {role or 'anonymous'}: "
            f"expected {expected}, got {response.status_code}"
        )
    if before is not None:
        changed = changed_tables(before, snapshot())
        who = role or "anonymous"
        if refused:
            assert not changed, f"{row.key} as {who} was refused but wrote: {changed}"
        else:
            assert changed, f"{row.key} as {who} answered {response.status_code}, wrote nothing"


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
