"""Roles grant permissions; RestrictedQuerySet.restrict is the one authorization layer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from medoffice.core.auth import RoleBackend
from medoffice.core.models import AuditEvent, Location, Practice, User
from medoffice.core.roles import ROLE_PERMISSIONS, Role, permissions_for
from medoffice.patients.models import Patient
from tests.factories import LocationFactory, PatientFactory, PracticeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_locations(practice):
    return LocationFactory(practice=practice), LocationFactory(practice=practice)


def test_restrict_gives_nothing_without_the_permission(two_locations):
    PatientFactory(home_location=two_locations[0])
    hr = UserFactory(roles=[Role.HR])
    assert not Patient.objects.restrict(hr, "view").exists()


def test_restrict_gives_every_row_in_scope_with_the_permission(two_locations):
    patients = {PatientFactory(home_location=loc).pk for loc in two_locations}
    biller = UserFactory(roles=[Role.BILLER])
    assert set(Patient.objects.restrict(biller, "view").values_list("pk", flat=True)) == patients


def test_restrict_gives_nothing_to_anonymous_or_missing_users(two_locations):
    PatientFactory(home_location=two_locations[0])
    assert not Patient.objects.restrict(AnonymousUser(), "view").exists()
    assert not Patient.objects.restrict(None, "view").exists()


def test_restrict_gives_nothing_to_a_deactivated_user(two_locations):
    PatientFactory(home_location=two_locations[0])
    manager = UserFactory(roles=[Role.OFFICE_MANAGER], is_active=False)
    assert not Patient.objects.restrict(manager, "view").exists()


def test_user_limited_to_a_location_sees_only_that_locations_patients(two_locations):
    here, there = two_locations
    mine = PatientFactory(home_location=here)
    PatientFactory(home_location=there)
    desk = UserFactory(roles=[Role.FRONT_DESK], locations=[here])
    assert list(Patient.objects.restrict(desk, "view")) == [mine]


def test_user_with_no_locations_sees_patients_of_every_location(two_locations):
    for loc in two_locations:
        PatientFactory(home_location=loc)
    desk = UserFactory(roles=[Role.FRONT_DESK])
    assert Patient.objects.restrict(desk, "view").count() == 2


def test_change_needs_its_own_permission(two_locations):
    PatientFactory(home_location=two_locations[0])
    provider = UserFactory(roles=[Role.PROVIDER])
    assert Patient.objects.restrict(provider, "view").exists()
    assert not Patient.objects.restrict(provider, "change").exists()


def test_locations_are_seen_with_the_practice_permission(two_locations):
    clinical = UserFactory(roles=[Role.CLINICAL])
    assert Location.objects.restrict(clinical, "view").count() == 2
    assert not Location.objects.restrict(clinical, "change").exists()


def test_audit_log_is_restricted_to_roles_that_read_it(practice):
    from medoffice.core.audit import record_event

    record_event("read", object_type="core.practice", object_id=practice.pk)
    assert AuditEvent.objects.restrict(UserFactory(roles=[Role.AUDITOR]), "view").exists()
    assert not AuditEvent.objects.restrict(UserFactory(roles=[Role.FRONT_DESK]), "view").exists()


def test_users_are_restricted_to_roles_that_see_accounts(practice):
    assert User.objects.restrict(UserFactory(roles=[Role.HR]), "view").exists()
    assert not User.objects.restrict(UserFactory(roles=[Role.BILLER]), "view").exists()


def test_superuser_flag_grants_nothing_extra(practice):
    PatientFactory(home_location=LocationFactory(practice=practice))
    superuser = UserFactory(roles=[Role.FRONT_DESK], is_superuser=True, is_staff=True)
    assert superuser.get_all_permissions() == set(ROLE_PERMISSIONS[Role.FRONT_DESK])
    assert not superuser.has_perm("core.view_auditevent")
    assert not AuditEvent.objects.restrict(superuser, "view").exists()
    assert not Practice.objects.restrict(superuser, "change").exists()


def test_superuser_without_roles_has_no_permission_at_all(practice):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert superuser.get_all_permissions() == set()
    assert not superuser.has_perm("core.use_admin")
    assert not superuser.has_module_perms("core")


def test_inactive_user_has_no_permissions(practice):
    manager = UserFactory(roles=[Role.OFFICE_MANAGER], is_active=False)
    assert RoleBackend().get_all_permissions(manager) == set()


def test_object_permissions_are_never_granted(practice):
    manager = UserFactory(roles=[Role.OFFICE_MANAGER])
    assert not RoleBackend().has_perm(manager, "core.view_practice", obj=practice)


def test_every_role_permission_is_a_known_permission():
    from medoffice.core.roles import PERMISSION_LABELS

    for role, perms in ROLE_PERMISSIONS.items():
        assert perms <= set(PERMISSION_LABELS), role


class RoleUnionTests(HypothesisTestCase):
    """For any set of roles, the user's permissions are exactly the union from core/roles.py."""

    @settings(max_examples=30, deadline=None)
    @given(st.sets(st.sampled_from(list(Role))))
    def test_permissions_are_exactly_the_union_of_the_roles(self, roles):
        PracticeFactory()
        user = UserFactory(roles=sorted(roles))
        fresh = User.objects.get(pk=user.pk)
        expected = set().union(*(ROLE_PERMISSIONS[r] for r in roles)) if roles else set()
        assert fresh.get_all_permissions() == expected
        assert set(permissions_for(roles)) == expected
        for perm in {p for perms in ROLE_PERMISSIONS.values() for p in perms}:
            assert fresh.has_perm(perm) == (perm in expected)
