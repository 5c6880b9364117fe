from __future__ import annotations

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

**Errors.** Every error is JSON:
`{"detail": "…", "code": "…", "errors": [{"field": "…", "message": "…", "code": "…"}]}`.
400 a request the data rules refuse, 401 missing or invalid credentials, 403 a permission
your roles lack, 404 nothing there (or nothing you may see), 409 a conflict (a slot just
taken, a possible duplicate patient), 422 parameters that do not parse, 429 too many
requests (wait `Retry-After` seconds); `errors` names each field at fault. `code` is stable
and machine-readable: a domain code such as `slot_taken`, `invalid_ssn` or
`consent_already_revoked`, a parser code such as `missing` or `int_parsing` for a 422, or a
generic one (`invalid`, `validation_error`, `not_authenticated`, `permission_denied`,
`not_found`, `conflict`, `throttled`, `server_error`). Messages may change; codes do not.

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

from medoffice.core.api import router as core_router  # noqa: E402

api.add_router("", core_router)

from medoffice.patients.api import router as patients_router  # noqa: E402

api.add_router("", patients_router)

from medoffice.scheduling.api import router as scheduling_router  # noqa: E402

api.add_router("", scheduling_router)

from medoffice.scheduling.api_frontdesk import router as frontdesk_router  # noqa: E402

api.add_router("", frontdesk_router)

from medoffice.reports.api import router as reports_router  # noqa: E402

api.add_router("", reports_router)

from medoffice.scheduling.api_messages import router as messages_router  # noqa: E402

api.add_router("", messages_router)
