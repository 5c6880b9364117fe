from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.operation import Operation

from medoffice.api.auth import TokenAuth, VerifiedSessionAuth
from medoffice.api.docs import docs_access
from medoffice.api.errors import register_error_handlers
from medoffice.api.throttling import ApiRateThrottle

__all__ = ["MedOfficeAPI", "TokenAuth", "VerifiedSessionAuth", "api"]

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

# --- operation ids and tags ----------------------------------------------------------------
#
# Generated clients name their functions after the operationId and their modules after the
# tag, so both are part of the API's contract and live here, in one place. An operation's
# id is its view function's name in camelCase (``add_to_waitlist`` → ``addToWaitlist``),
# unless the name alone does not say what it does on its own, outside its module: then
# OPERATION_IDS gives the id. The keys are function names, not modules, so moving a view
# to another app keeps its id. tests/api/test_operation_ids.py holds every id unique and
# camelCase and every operation to exactly one of the AREAS' tags.

OPERATION_IDS = {
    # Users
    "me": "getMe",
    "users": "listUsers",
    "user_detail": "getUser",
    "tokens": "listTokens",
    "token_revoke": "revokeToken",
    # Practice
    "practice": "getPractice",
    "locations": "listLocations",
    "location_detail": "getLocation",
    # Audit
    "audit_events": "listAuditEvents",
    # Patients
    "search": "searchPatients",
    "detail": "getPatient",
    "register": "registerPatient",
    "coverages": "listCoverages",
    "consents": "listConsents",
    "alerts": "listAlerts",
    "documents": "listDocuments",
    "document_file": "downloadDocument",
    "merge": "mergePatients",
    # Scheduling
    "appointment_types": "listAppointmentTypes",
    "providers": "listProviders",
    "slots": "listSlots",
    "appointments": "listAppointments",
    "appointment_detail": "getAppointment",
    "book": "bookAppointment",
    "cancel": "cancelAppointment",
    "no_show": "markNoShow",
    # Front desk
    "change_status": "changeVisitStatus",
    "flow_board": "getFlowBoard",
    "waitlist": "listWaitlist",
    "recalls": "listRecalls",
    "recall_outreach": "recordRecallOutreach",
    # Messaging
    "list_templates": "listMessageTemplates",
    "update_template": "updateMessageTemplate",
    "list_rules": "listReminderRules",
    "create_rule": "createReminderRule",
    "delete_rule": "deleteReminderRule",
    "list_feeds": "listCalendarFeeds",
    "renew_feed": "renewCalendarFeed",
    # Billing
    "eligibility_checks": "listEligibilityChecks",
    "eligibility_check": "getEligibilityCheck",
    "import_eligibility_271": "importEligibility271",
    "run_statements": "runStatements",
    "list_runs": "listStatementRuns",
    "patient_statements": "listPatientStatements",
    "statement_file": "downloadStatement",
    # Reports
    "wait_times": "reportWaitTimes",
    "no_shows": "reportNoShows",
    "utilisation": "reportUtilisation",
    "access": "reportAccess",
}

# (tag, description, the paths under /api/v1/ it covers): the longest matching path wins.
AREAS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Practice", "The practice and its locations.", ("practice", "locations")),
    (
        "Users",
        "Staff accounts, the caller, personal API tokens.",
        ("me", "users", "tokens", "staff-tokens"),
    ),
    (
        "Patients",
        "Patient records, coverages, consents, alerts, documents.",
        ("patients", "documents"),
    ),
    (
        "Scheduling",
        "Appointment types, providers, open slots, booking and cancelling.",
        ("appointment-types", "providers", "slots", "appointments"),
    ),
    (
        "Front desk",
        "The flow of the day: check-in, visit status, the flow board, waitlist, recalls, "
        "voiding and refunding payments.",
        (
            "appointments/{id}/check-in",
            "payments",
            "appointments/{id}/status",
            "flow-board",
            "waitlist",
            "recalls",
        ),
    ),
    (
        "Messaging",
        "Reminder rules, message templates, calendar feeds.",
        ("message-templates", "reminder-rules", "calendar-feeds"),
    ),
    (
        "Billing",
        "Code sets, NCCI edits, payers' billing profiles, fee schedules and their imports; "
        "insurance eligibility: the checks (270 inquiries) and the payers' answers (271); "
        "visits' charges (diagnoses, service lines, coder review), claims, ICD-10-CM search; "
        "claims out: scrubbing, 837P batches, acknowledgements (999, 277CA), rejections; "
        "follow-up of silent claims: claim status requests (276) and answers (277); "
        "patient statements: the monthly runs and their schedule, a patient's statements and "
        "their PDFs; "
        "remittances (835), their exceptions and corrected insured; insurance deposits and "
        "the provider account; A/R aging; denials and appeals; "
        "managed-care contracts; payment plans.",
        (
            "billing",
            "encounters",
            "visits/{id}/encounter",
            "claims",
            "icd10",
            "batches",
            "acknowledgements",
            "claim-status",
            "statement-runs",
            "statement-schedule",
            "patients/{id}/statements",
            "eras",
            "era-exceptions",
            "era-coverage-proposals",
            "deposits",
            "provider-account",
            "ar",
            "denials",
        ),
    ),
    ("Reports", "The practice's figures.", ("reports",)),
    ("Audit", "The audit log.", ("audit-events",)),
]


def camel_case(name: str) -> str:
    head, *rest = name.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_PARAMETER = re.compile(r"\{[^}]*\}|<[^>]*>")


def _shape(path: str) -> str:
    # OpenAPI writes a parameter {id}, Django's route <id>: both become {}.
    return _PARAMETER.sub("{}", path.strip("/"))


def area_of(path: str) -> str | None:
    """The tag of a path relative to the API root (``appointments/{id}/cancel``).

    The path may be an OpenAPI path or a Django route (``appointments/<id>/cancel``).
    """
    path = _shape(path)
    best: tuple[int, str] | None = None
    for tag, _description, prefixes in AREAS:
        for prefix in map(_shape, prefixes):
            if (path == prefix or path.startswith(prefix + "/")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), tag)
    return best[1] if best else None


def area_slug(tag: str) -> str:
    """The slug an API token's scope names an area by: ``Front desk`` → ``front-desk``."""
    return tag.lower().replace(" ", "-")


def token_areas() -> list[tuple[str, str]]:
    """(slug, tag) of every area a token may be given; a new app's area is one more row."""
    return [(area_slug(tag), tag) for tag, _description, _prefixes in AREAS]


class MedOfficeAPI(NinjaAPI):
    """NinjaAPI with short camelCase operation ids and one tag per area (see AREAS)."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        name = operation.view_func.__name__
        return OPERATION_IDS.get(name) or camel_case(name)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        root = "/" + path_prefix.strip("/")
        for path, operations in schema["paths"].items():
            tag = area_of(path.removeprefix(root))
            if tag is not None:
                for details in operations.values():
                    details["tags"] = [tag]
        return schema


api = MedOfficeAPI(
    title="MedOffice API",
    openapi_extra={"tags": [{"name": tag, "description": d} for tag, d, _ in AREAS]},
    version="1",
    description=DESCRIPTION,
    auth=[TokenAuth(), VerifiedSessionAuth()],
    throttle=[ApiRateThrottle()],
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
