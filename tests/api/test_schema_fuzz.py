"""Schemathesis over the whole OpenAPI schema, in process against the WSGI application.

Every operation, with generated parameters, as an office manager + auditor holding an API
token: no server error, the status codes and bodies the schema documents.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from medoffice.api import api
from medoffice.core import services
from medoffice.core.roles import Role
from medoffice.wsgi import application
from tests.factories import LocationFactory, LocationHoursFactory, UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_test_transaction():
    """Keep the WSGI handler from closing the test's database connection after each request.

    Django's own test client does the same: a real WSGI request closes connections
    that are inside a transaction, which would end the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(practice, in_test_transaction) -> str:
    location = LocationFactory(practice=practice)
    LocationHoursFactory(location=location)
    UserFactory(roles=[Role.FRONT_DESK], locations=[location])
    user = UserFactory(roles=[Role.OFFICE_MANAGER, Role.AUDITOR])
    _, raw = services.create_api_token(
        user=user, name="schemathesis", access="write", mfa_verified=True
    )
    return raw


def _load_schema() -> schemathesis.schemas.BaseSchema:
    # The schema /api/v1/openapi.json serves, built in process; requests go to the WSGI app.
    # (schemathesis.pytest.from_fixture does not work with pytest 9, hence no fixture here.)
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, manager_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {manager_token}"}, checks=CHECKS)
