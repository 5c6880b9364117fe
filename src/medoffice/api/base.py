from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string
from ninja import NinjaAPI

from medoffice.api.auth import TokenAuth, VerifiedSessionAuth
from medoffice.api.docs import docs_access
from medoffice.api.errors import register_error_handlers

__all__ = ["TokenAuth", "VerifiedSessionAuth", "api"]

DESCRIPTION = """\
The MedOffice JSON API.

**Authentication.** Send a personal API token as `Authorization: Bearer mo_…`, or use a
logged-in browser session (writes then need the CSRF token). Tokens are made on the
*API tokens* page of the web application (Account → API tokens), where the token is shown
once; the API lists and revokes your own tokens but does not create them. A request acts as
the token's owner, with exactly the permissions of the owner's roles.

**Authorization.** An operation whose permission your roles lack answers 403.

**Audit.** Every request made with a token is recorded in the audit log, including the
reading of the audit log itself.

**Errors.** Every error is JSON: `{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`.
400 a request the data rules refuse, 401 missing or invalid credentials, 403 a permission
your roles lack, 404 nothing there (or nothing you may see), 422 parameters that do not
parse; `errors` names each field at fault.

**Lists** are paginated with `limit` and `offset` and answer `{"items": […], "count": n}`.
"""

api = NinjaAPI(
    title="MedOffice API",
    version="1",
    description=DESCRIPTION,
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
    docs_decorator=docs_access,
)
register_error_handlers(api)


def mount_app_routers(target: NinjaAPI) -> None:
    """Mount every installed app's router, in INSTALLED_APPS order.

    An app offers its router by naming it on its AppConfig: ``api_router`` (the dotted
    path of a ninja ``Router``) and, when all its paths share one, ``api_prefix``
    (e.g. ``"/reports"``); the router's own paths are relative to that prefix.
    """
    for config in apps.get_app_configs():
        dotted = getattr(config, "api_router", None)
        if dotted:
            target.add_router(getattr(config, "api_prefix", ""), import_string(dotted))


mount_app_routers(api)
