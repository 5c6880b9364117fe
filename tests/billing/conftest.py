"""Billing's tests run from 10:00 practice time today: a void is allowed only the practice
day a payment was taken, so these tests say which day and hour it is."""

import pytest


def flush_keeping_reference_rows() -> None:
    """Empty the test database after a module's demo; the flush takes the data migrations'
    reference rows too, and later tests in this process need them."""
    from django.apps import apps
    from django.core.management import call_command

    call_command("flush", interactive=False)
    reference = __import__(
        "medoffice.billing.migrations.0005_reference_tables", fromlist=["add_reference_rows"]
    )
    reference.add_reference_rows(apps, None)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo practice, built once for the module and flushed after it."""
    from tests.scheduling.test_demo import build_small

    with django_db_blocker.unblock():
        build_small()
        yield
        flush_keeping_reference_rows()


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
