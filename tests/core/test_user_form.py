"""The new-user form names every problem at once: the e-mail and the password rules together."""

from __future__ import annotations

import pytest

from medoffice.core.models import User
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_bad_email_and_a_short_password_are_named_together(client_for):
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post(
        "/users/new/",
        {
            "username": "newdesk",
            "first_name": "Nora",
            "last_name": "Desk",
            "email": "not-an-address",
            "roles": [Role.FRONT_DESK.value],
            "password": "short",
        },
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["email", "password"]
    page = response.content.decode()
    assert "2 things to fix before saving" in page
    assert 'href="#id_email_group"' in page
    assert 'href="#id_password_group"' in page
    assert not User.objects.filter(username="newdesk").exists()
