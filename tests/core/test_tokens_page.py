from medoffice.core import services
from medoffice.core.models import ApiToken
from medoffice.core.roles import Role


def test_creating_a_token_redirects_so_a_reload_cannot_create_a_second(client_for):
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        "/accounts/tokens/",
        {"name": "export script", "expires_in_days": 30, "access": "read", "areas": ["reports"]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.filter(user=client.user).count() == 1


def test_the_new_token_is_shown_on_the_next_page_only(client_for):
    client = client_for(Role.FRONT_DESK)
    client.post(
        "/accounts/tokens/",
        {"name": "export script", "expires_in_days": 30, "access": "read", "areas": ["reports"]},
    )
    first = client.get("/accounts/tokens/").content.decode()
    second = client.get("/accounts/tokens/").content.decode()
    assert 'data-testid="new-token"' in first
    assert 'data-testid="new-token"' not in second


def test_a_token_without_a_name_is_refused_naming_the_field(client_for):
    client = client_for(Role.FRONT_DESK)
    response = client.post("/accounts/tokens/", {"name": "", "expires_in_days": 30})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_another_users_token_answers_like_a_missing_one(client_for):
    owner = client_for(Role.FRONT_DESK).user
    token, _ = services.create_api_token(user=owner, name="theirs", access="read")
    client = client_for(Role.FRONT_DESK)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post("/accounts/tokens/999999/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
