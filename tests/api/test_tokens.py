"""API tokens: authenticating with them, listing and revoking one's own, auditing each use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medoffice.core import services
from medoffice.core.models import ApiToken, AuditEvent
from medoffice.core.roles import Role
from tests.api.conftest import token_client
from tests.factories import UserFactory

# One call of every API operation; {other} is another user's id, {loc} a location's.
EVERY_OPERATION = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/practice"),
    ("get", "/api/v1/locations"),
    ("get", "/api/v1/locations/{loc}"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/{other}"),
    ("get", "/api/v1/audit-events"),
    ("get", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{spare}"),
]


def _unauthorized(response) -> bool:
    return response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


# --- authentication ------------------------------------------------------------------


def test_a_valid_token_acts_as_its_owner(api_for):
    client = api_for(Role.BILLER)

    body = client.get("/api/v1/me").json()

    assert body["username"] == client.user.username
    assert body["roles"] == ["biller"]


def test_the_owners_permissions_apply_to_the_token(api_for):
    assert api_for(Role.FRONT_DESK).get("/api/v1/users").status_code == 403
    assert api_for(Role.HR).get("/api/v1/users").status_code == 200


def test_a_request_without_credentials_answers_401(practice):
    from django.test import Client

    response = Client().get("/api/v1/me")

    assert _unauthorized(response)
    assert response.json()["errors"] == []


def test_a_wrong_token_answers_401_and_is_recorded(practice):
    response = token_client("mo_this-is-not-a-token").get("/api/v1/me")

    assert _unauthorized(response)
    failure = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert (failure.action, failure.object_type, failure.outcome) == (
        "login_failed",
        "core.apitoken",
        "denied",
    )


def test_a_revoked_token_answers_401(api_for):
    client = api_for(Role.OFFICE_MANAGER)
    token = ApiToken.objects.get(user=client.user)
    services.revoke_api_token(actor=client.user, token=token)

    assert _unauthorized(client.get("/api/v1/me"))


def test_an_expired_token_answers_401(practice):
    user = UserFactory(roles=[Role.AUDITOR])
    token, raw = services.create_api_token(user=user, name="old script", expires_in_days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))

    assert _unauthorized(token_client(raw).get("/api/v1/me"))


def test_the_token_of_a_deactivated_user_answers_401(api_for):
    client = api_for(Role.HR)
    type(client.user).objects.filter(pk=client.user.pk).update(is_active=False)

    assert _unauthorized(client.get("/api/v1/me"))


# --- every use audited -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICE_MANAGER, Role.FRONT_DESK])
@pytest.mark.parametrize(("method", "path"), EVERY_OPERATION)
def test_every_token_request_leaves_an_audit_row_of_its_owner(
    api_for, location, role, method, path
):
    client = api_for(role)
    spare, _ = services.create_api_token(user=client.user, name="spare")
    other = UserFactory(roles=[Role.CLINICAL])
    url = path.format(loc=location.pk, other=other.pk, spare=spare.pk)

    response = getattr(client, method)(url)

    assert response.status_code < 500
    events = AuditEvent.objects.filter(request_id=response["X-Request-ID"])
    assert events.exists()
    assert {e.username for e in events} == {client.user.username}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/audit-events?limit=0", "/api/v1/users/0", "/api/v1/locations/987654"],
)
def test_a_token_request_that_fails_is_audited_too(api_for, url):
    client = api_for(Role.OFFICE_MANAGER)

    response = client.get(url)

    assert response.status_code in {404, 422}
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert (event.username, event.outcome) == (client.user.username, "failure")


# --- own tokens ------------------------------------------------------------------------


def test_tokens_lists_the_callers_own_tokens_without_secrets(api_for):
    client = api_for(Role.BILLER)
    services.create_api_token(user=client.user, name="month-end report")
    services.create_api_token(user=UserFactory(), name="someone else's")

    body = client.get("/api/v1/tokens").json()

    assert sorted(t["name"] for t in body) == ["month-end report", "test script"]
    for token in body:
        assert set(token) == {
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
            "access",
            "areas",
            "mfa_verified",
        }
        assert client.token not in str(token)


def test_deleting_an_own_token_revokes_it_and_it_stops_working(api_for):
    client = api_for(Role.AUDITOR)
    spare, raw = services.create_api_token(user=client.user, name="spare")

    response = client.delete(f"/api/v1/tokens/{spare.pk}")

    assert response.status_code == 204
    spare.refresh_from_db()
    assert spare.revoked_at is not None
    assert _unauthorized(token_client(raw).get("/api/v1/me"))
    assert AuditEvent.objects.filter(
        request_id=response["X-Request-ID"], action="security", object_id=str(spare.pk)
    ).exists()


def test_a_token_can_revoke_itself(api_for):
    client = api_for(Role.FRONT_DESK)
    own = ApiToken.objects.get(user=client.user)

    assert client.delete(f"/api/v1/tokens/{own.pk}").status_code == 204
    assert _unauthorized(client.get("/api/v1/me"))


def test_another_users_token_cannot_be_revoked_and_answers_404(api_for):
    manager = api_for(Role.OFFICE_MANAGER)
    theirs, raw = services.create_api_token(user=UserFactory(roles=[Role.BILLER]), name="theirs")

    response = manager.delete(f"/api/v1/tokens/{theirs.pk}")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert token_client(raw).get("/api/v1/me").status_code == 200
