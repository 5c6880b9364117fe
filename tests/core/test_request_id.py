"""The request id: a client's X-Request-ID is kept only when it is a UUID (issue "Security", 5)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core.middleware import given_request_id
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_uuid_sent_by_the_client_is_echoed_and_audited(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    sent = str(uuid.uuid4())
    response = client.get("/api/v1/me", headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] == sent
    assert AuditEvent.objects.filter(request_id=sent).exists()


def test_a_uuid_in_another_spelling_is_kept_in_canonical_form(client_for):
    sent = uuid.uuid4()
    response = client_for(Role.FRONT_DESK).get(
        "/practice/", headers={"X-Request-ID": "{" + sent.hex.upper() + "}"}
    )
    assert response["X-Request-ID"] == str(sent)


@pytest.mark.parametrize(
    "sent", ["abc", "x" * 36, "1' OR '1'='1", "id\r\nForged: header", "ünïcode-ïd"]
)
def test_anything_else_is_replaced_by_an_id_of_our_own(client_for, sent):
    response = client_for(Role.FRONT_DESK).get("/practice/", headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] != sent
    assert str(uuid.UUID(response["X-Request-ID"])) == response["X-Request-ID"]


@given(st.text())
def test_the_kept_id_is_always_a_canonical_uuid_or_nothing(value):
    kept = given_request_id(value)
    assert kept == "" or str(uuid.UUID(kept)) == kept
