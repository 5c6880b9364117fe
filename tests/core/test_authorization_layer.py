"""One authorization layer: ``require()``, the ``Permission`` enum and the system actor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

import medoffice
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.permissions import SystemActor, actor_user, require
from medoffice.core.roles import ROLE_PERMISSIONS, Permission, Role
from medoffice.patients.models import Patient
from tests.factories import PatientFactory, UserFactory

SOURCE = Path(medoffice.__file__).parent
PERMISSION_LITERAL = re.compile(
    "|".join(re.escape(f'"{p.value}"') + "|" + re.escape(f"'{p.value}'") for p in Permission)
)


def _python_sources():
    return [p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts]


def test_require_refuses_with_the_message_given(db):
    hr = UserFactory(roles=[Role.HR])
    with pytest.raises(PermissionDenied, match="Your role does not register patients"):
        require(hr, Permission.CHANGE_PATIENT, "Your role does not register patients.")


def test_require_lets_a_user_with_the_permission_through(db):
    require(UserFactory(roles=[Role.FRONT_DESK]), Permission.CHANGE_PATIENT, "refused")


def test_require_has_no_actor_that_skips_the_check():
    with pytest.raises(TypeError):
        require(None, Permission.CHANGE_PATIENT, "refused")  # type: ignore[arg-type]


def test_the_system_actor_holds_every_permission_and_every_location(db):
    PatientFactory()
    system = SystemActor("nightly job")
    require(system, Permission.MERGE_PATIENT, "refused")
    assert Patient.objects.restrict(system, "view").count() == 1
    assert actor_user(system) is None


def test_the_system_actor_needs_a_name():
    with pytest.raises(ValueError, match="named after the work"):
        SystemActor("  ")


def test_the_audit_log_records_the_system_actor_by_name(db):
    event = record_event(AuditAction.SECURITY, user=SystemActor("task: send_due_reminders"))
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user_id is None
    assert stored.username == "system: task: send_due_reminders"


def test_every_role_permission_is_a_named_permission():
    for perms in ROLE_PERMISSIONS.values():
        assert all(isinstance(p, Permission) for p in perms)


def test_permissions_are_never_spelled_as_strings_outside_the_roles_module():
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in _python_sources()
        if path.name != "roles.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PERMISSION_LITERAL.search(line)
    ]
    assert offenders == [], "use medoffice.core.roles.Permission"


def test_role_membership_is_tested_only_in_cores_role_code():
    offenders = [
        str(path.relative_to(SOURCE))
        for path in _python_sources()
        if path.relative_to(SOURCE).parts[0] != "core" and ".role_set" in path.read_text()
    ]
    assert offenders == [], "grant a permission to the role instead"
