"""API tokens carry a scope (read-only or read-write, and areas) and an expiry of at most a
year; a token used outside its scope answers 403 with a code; reading the audit log needs a
token made after a two-step check, and the read is flagged; the office manager sees and
revokes every user's tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medoffice.api.base import AREAS, area_of, area_slug, token_areas
from medoffice.core import services
from medoffice.core.models import ApiToken, AuditAction, AuditEvent, AuditOutcome
from medoffice.core.roles import Role
from tests.api.conftest import token_client
from tests.conftest import login_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user, **scope):
    _, raw = services.create_api_token(user=user, name="scoped", **scope)
    return token_client(raw)


@pytest.fixture
def manager(practice):
    return UserFactory(roles=[Role.OFFICE_MANAGER])


# --- the area of an operation -----------------------------------------------------------


def test_the_area_comes_from_the_path_or_the_django_route():
    assert area_of("appointments/{id}/check-in") == "Front desk"
    assert area_of("appointments/<id>/check-in") == "Front desk"
    assert area_of("appointments/<id>") == "Scheduling"
    assert area_of("staff-tokens/<id>") == "Users"
    assert [slug for slug, _ in token_areas()] == [area_slug(tag) for tag, _, _ in AREAS]


# --- scope -----------------------------------------------------------------------------


def test_a_token_outside_its_areas_answers_403_with_a_code(manager):
    client = _client(manager, areas=["patients"])

    response = client.get("/api/v1/users")

    assert response.status_code == 403
    assert response.json()["code"] == "token_area_not_allowed"
    assert "Users area" in response.json()["detail"]
    event = AuditEvent.objects.get(outcome=AuditOutcome.DENIED, detail__contains="Users area")
    assert event.user_id == manager.pk


def test_a_token_inside_its_areas_works(manager):
    assert _client(manager, areas=["users"]).get("/api/v1/users").status_code == 200


def test_a_read_only_token_cannot_change_data(manager):
    spare, _ = services.create_api_token(user=manager, name="spare")
    client = _client(manager, access="read", areas=["users"])

    response = client.delete(f"/api/v1/tokens/{spare.pk}")

    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert ApiToken.objects.get(pk=spare.pk).revoked_at is None
    assert (
        _client(manager, access="write", areas=["users"])
        .delete(f"/api/v1/tokens/{spare.pk}")
        .status_code
        == 204
    )


def test_the_default_token_is_read_only_for_every_area(manager):
    token, _ = services.create_api_token(user=manager, name="default")

    assert token.access == "read"
    assert token.areas == [slug for slug, _ in token_areas()]
    assert token.expires_at - timezone.now() == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(minutes=1)
    )


@pytest.mark.parametrize("days", [0, 366, 10_000])
def test_the_expiry_is_one_day_to_a_year(manager, days):
    with pytest.raises(ValidationError) as caught:
        services.create_api_token(user=manager, name="long", expires_in_days=days)
    assert caught.value.error_dict["expires_in_days"][0].code == "token_expiry_invalid"


@pytest.mark.parametrize("areas", [[], ["billing-secrets"]])
def test_the_areas_must_be_known_and_not_empty(manager, areas):
    with pytest.raises(ValidationError) as caught:
        services.create_api_token(user=manager, name="odd", areas=areas)
    assert caught.value.error_dict["areas"][0].code == "token_areas_required"


# --- the audit log -----------------------------------------------------------------------


def test_reading_the_audit_log_needs_a_token_made_after_a_two_step_check(manager):
    response = _client(manager, areas=["audit"]).get("/api/v1/audit-events")

    assert response.status_code == 403
    assert response.json()["code"] == "token_needs_two_step"


def test_a_two_step_tokens_audit_read_is_flagged(manager):
    client = _client(manager, areas=["audit"], mfa_verified=True)

    assert client.get("/api/v1/audit-events").status_code == 200

    read = AuditEvent.objects.filter(action=AuditAction.READ, object_type="core.auditevent")
    assert read.get().detail.startswith("[read with API token")


def test_the_token_page_records_that_the_session_passed_the_second_step(manager):
    page = login_client(manager, verified=True)

    response = page.post(
        "/accounts/tokens/",
        {
            "name": "audit export",
            "expires_in_days": 30,
            "access": "read",
            "areas": ["audit", "reports"],
        },
    )

    assert response.status_code == 302
    token = ApiToken.objects.get(name="audit export")
    assert token.mfa_verified
    assert (token.access, token.areas) == ("read", ["reports", "audit"])


def test_the_token_page_without_a_second_step_makes_a_token_that_cannot_read_the_audit(practice):
    user = UserFactory(roles=[Role.FRONT_DESK])
    page = login_client(user, verified=False)

    response = page.post(
        "/accounts/tokens/",
        {"name": "desk", "expires_in_days": 7, "access": "write", "areas": ["scheduling"]},
    )

    assert response.status_code == 302
    assert not ApiToken.objects.get(name="desk").mfa_verified


def test_the_token_page_requires_an_expiry_and_areas(practice):
    page = login_client(UserFactory(roles=[Role.FRONT_DESK]))

    response = page.post("/accounts/tokens/", {"name": "x", "access": "read"})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


# --- the office manager and everyone's tokens ---------------------------------------------


def test_the_office_manager_lists_and_revokes_anyones_token_through_the_api(manager):
    theirs, raw = services.create_api_token(user=UserFactory(roles=[Role.BILLER]), name="theirs")
    client = _client(manager, access="write", areas=["users"])

    listed = client.get("/api/v1/staff-tokens").json()
    assert {"theirs", "scoped"} <= {t["name"] for t in listed}
    assert any(t["username"] == theirs.user.username for t in listed)

    assert client.delete(f"/api/v1/staff-tokens/{theirs.pk}").status_code == 204
    assert token_client(raw).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(detail__contains=f"of {theirs.user.username} revoked").exists()


def test_other_roles_cannot_see_everyones_tokens(practice):
    client = _client(UserFactory(roles=[Role.HR]), access="write")

    assert client.get("/api/v1/staff-tokens").status_code == 403
    assert client.delete("/api/v1/staff-tokens/1").status_code == 403


def test_the_office_manager_page_lists_and_revokes_every_token(manager):
    theirs, _ = services.create_api_token(user=UserFactory(roles=[Role.BILLER]), name="theirs")
    page = login_client(manager)

    assert "theirs" in page.get("/users/tokens/").content.decode()
    response = page.post(f"/accounts/tokens/{theirs.pk}/revoke/", {"next": "/users/tokens/"})

    assert response.status_code == 302
    assert response["Location"] == "/users/tokens/"
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is not None
    assert login_client(theirs.user).get("/users/tokens/").status_code == 403
