"""Billing's tests run from 10:00 practice time today: a void is allowed only the practice
day a payment was taken, so these tests say which day and hour it is."""

import pytest


@pytest.fixture(autouse=True)
def _daytime(clock_at):
    clock_at(10)


@pytest.fixture
def api_for(practice):
    """A client holding a fresh write token of a new user with the given roles."""
    from medoffice.core import services as core_services
    from tests.api.conftest import token_client
    from tests.factories import UserFactory

    def make(*roles, locations=None):
        user = UserFactory(roles=list(roles), locations=locations or [])
        _, raw = core_services.create_api_token(
            user=user, name="test script", access="write", mfa_verified=True
        )
        client = token_client(raw)
        client.user = user
        return client

    return make
