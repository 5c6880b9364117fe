from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core import services
from tests.factories import UserFactory


def token_client(raw: str) -> Client:
    """A client that sends ``Authorization: Bearer <raw>`` and has no session."""
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api_for(practice):
    """``api_for(Role.HR)`` gives a client authenticated by a fresh API token of a new user.

    ``client.user`` is the token's owner, ``client.token`` the raw token.
    """

    def make(*roles, locations=None, **fields) -> Client:
        user = UserFactory(roles=list(roles), locations=locations or [], **fields)
        # Every area, read and write, made after a two-step check: only the owner's roles limit it.
        _, raw = services.create_api_token(
            user=user, name="test script", access="write", mfa_verified=True
        )
        client = token_client(raw)
        client.user = user  # type: ignore[attr-defined]
        client.token = raw  # type: ignore[attr-defined]
        return client

    return make
