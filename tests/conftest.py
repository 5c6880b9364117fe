from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core.roles import Role
from tests.factories import LocationFactory, PracticeFactory, UserFactory


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def location(practice):
    return LocationFactory(practice=practice)


def login_client(user, *, verified: bool = True) -> Client:
    """A test client logged in as ``user``; ``verified`` marks the second step as passed."""
    client = Client()
    client.force_login(user, backend="medoffice.core.auth.RoleBackend")
    if verified:
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="test device", confirmed=True
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(practice):
    """``client_for(Role.OFFICE_MANAGER)`` gives a logged-in, MFA-verified client."""

    def make(*roles: Role, locations=None, verified: bool = True, **fields) -> Client:
        user = UserFactory(roles=list(roles), locations=locations or [], **fields)
        client = login_client(user, verified=verified)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
