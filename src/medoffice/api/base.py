from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from medoffice.core import services


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mo_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.authenticate_api_token(token)
        if user is not None:
            request.user = user
            from medoffice.core.middleware import bind_user

            bind_user(request)
        return user


api = NinjaAPI(
    title="MedOffice API",
    version="1",
    description="The MedOffice JSON API. Authenticate with a personal API token "
    "(Authorization: Bearer …) made on the API tokens page, or with a browser session.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)

from medoffice.core.api import router as core_router  # noqa: E402

api.add_router("", core_router)
