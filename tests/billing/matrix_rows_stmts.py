"""Statement and collections rows of the authorization matrix: the office manager and the
biller run statements, open runs, statements and a patient's statement history, send an
account to collections and back, export the agency's CSV and apply the small-balance
rule; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _statement(*, pk_of_patient: bool = False) -> Any:
    """A run and one paper statement of a new patient (with the patient's id as its own
    when asked: the matrix fills every path parameter with one value)."""
    import datetime as dt

    from django.utils import timezone

    from medoffice.billing.models import Statement, StatementRun
    from tests.factories import PatientFactory

    patient = PatientFactory()
    day = dt.date(2026, 10, 31)
    # One run a month: a second target of the same database (the query counts fill
    # several) files its statement in the same run.
    run, _ = StatementRun.objects.get_or_create(
        period=day.replace(day=1),
        scope="",
        defaults={"as_of": day, "started_at": timezone.now(), "minimum_due": "5.00"},
    )
    empty = "0.00"
    statement = Statement.objects.create(
        pk=patient.pk if pk_of_patient else None,
        run=run,
        period=run.period,
        guarantor_key=f"p{patient.pk}",
        guarantor_name=f"{patient.first_name} {patient.last_name}",
        guarantor_address="12 Elm Street, Springfield, MA 01103",
        patient=patient,
        location=patient.home_location,
        as_of=day,
        amount_due="42.00",
        aging_0_30="42.00",
        aging_31_60=empty,
        aging_61_90=empty,
        aging_91_120=empty,
        aging_over_120=empty,
        stage=0,
        balance_since=day,
        delivery="print",
        content={
            "visits": [],
            "payments": [],
            "payments_since": "2026-10-01",
            "aging": {
                "0_30": "42.00",
                "31_60": empty,
                "61_90": empty,
                "91_120": empty,
                "over_120": empty,
            },
            "how_to_pay": {
                "practice": "Synthetic Practice",
                "phone": "555-0100",
                "mail_to": "1 Main St",
            },
            "due_by": "2026-11-30",
            "message": "Here is your statement.",
        },
        created_at=timezone.now(),
    )
    statement.patients.add(patient)
    return statement


def _run() -> Any:
    return _statement().run


def _patient_statement() -> Any:
    """A statement whose id is its patient's: the row's path takes both."""
    return _statement(pk_of_patient=True)


def _flag() -> Any:
    from django.utils import timezone

    from medoffice.billing.models import CollectionsFlag
    from tests.factories import PatientFactory

    patient = PatientFactory()
    now = timezone.now()
    return CollectionsFlag.objects.create(
        guarantor_key=f"p{patient.pk}",
        patient=patient,
        location=patient.home_location,
        reason="No answer to three notices",
        flagged_on=now.date(),
        flagged_at=now,
        balance_at_flag="120.00",
    )


def _small_balance() -> Any:
    """A small-balance write-off on a self-pay visit, to reverse."""
    from medoffice.billing.choices import LedgerKind, LedgerParty
    from medoffice.billing.services import ledger
    from tests.billing.factories_claims import office_visit_codes
    from tests.billing.factories_ledger import claimed_visit, lines_of
    from tests.factories import SYSTEM

    office_visit_codes()
    visit = claimed_visit(insured=False)
    line = lines_of(visit)[0]
    return ledger.write_off(
        actor=SYSTEM,
        line=line,
        kind=LedgerKind.SMALL_BALANCE,
        amount="1.00",
        party=LedgerParty.PATIENT,
        note="Small-balance rule",
    )


def _today() -> str:
    from medoffice.billing.services.statements import practice_today

    return practice_today().isoformat()


def _run_body(_target: Any) -> dict[str, Any]:
    return {"as_of": _today()}


def _reason(_target: Any) -> dict[str, Any]:
    return {"reason": "Agreed a payment plan"}


def _schedule_body(_target: Any) -> dict[str, Any]:
    return {"statement_day": "5", "automatic": "on"}


def _nothing(_target: Any) -> dict[str, Any]:
    return {}


ROWS = [
    page("/billing/statements/", "Statement runs: preview and list", BILLERS),
    page(
        "/billing/statements/",
        "Run the month's statements (none due: an empty run)",
        BILLERS,
        method="POST",
        ok=302,
        body=_run_body,
    ),
    page(
        "/billing/statements/runs/<int:pk>/",
        "A statement run: its statements, e-mailed and to print",
        BILLERS,
        target="billing_statement_run",
    ),
    page(
        "/billing/statements/runs/<int:pk>/print.pdf",
        "A statement run's paper statements (PDF)",
        BILLERS,
        target="billing_statement_run",
    ),
    page(
        "/billing/statements/<int:pk>.pdf",
        "A statement's PDF",
        BILLERS,
        target="billing_statement",
    ),
    page(
        "/billing/patients/<int:pk>/statements/",
        "A patient's statement history",
        BILLERS,
        target="patient",
    ),
    page(
        "/billing/patients/<int:pk>/collections/",
        "Send a patient's account to collections",
        BILLERS,
        method="POST",
        ok=302,
        target="patient",
        body=_reason,
    ),
    page("/billing/statements/schedule/", "Statement schedule: the day, automatic or not", BILLERS),
    page(
        "/billing/statements/schedule/",
        "Statement schedule: save",
        BILLERS,
        method="POST",
        ok=302,
        body=_schedule_body,
    ),
    page("/billing/collections/", "Accounts in collections", BILLERS),
    page("/billing/collections/export.csv", "Accounts in collections: the agency's CSV", BILLERS),
    page(
        "/billing/collections/<int:pk>/reverse/",
        "Bring an account back from collections",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_collections_flag",
        body=_reason,
    ),
    page("/billing/small-balances/", "Small-balance write-offs", BILLERS),
    page(
        "/billing/small-balances/",
        "Apply the small-balance rule (none here: nothing written)",
        BILLERS,
        method="POST",
        ok=302,
        body=_run_body,
        writes_nothing=True,
    ),
    page(
        "/billing/small-balances/<int:pk>/reverse/",
        "Reverse a small-balance write-off",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_small_balance",
        body=_reason,
    ),
    api(
        "POST",
        "/api/v1/statement-runs",
        "API: run the month's statements (none due: an empty run)",
        BILLERS,
        body=_run_body,
    ),
    api("GET", "/api/v1/statement-runs", "API: the statement runs", BILLERS),
    api("GET", "/api/v1/statement-schedule", "API: the statement schedule", BILLERS),
    api(
        "PUT",
        "/api/v1/statement-schedule",
        "API: set the statement schedule",
        BILLERS,
        body=lambda _target: {"statement_day": 5, "automatic": True},
    ),
    api(
        "GET",
        "/api/v1/patients/{id}/statements",
        "API: a patient's statement history",
        BILLERS,
        target="patient",
    ),
    api(
        "GET",
        "/api/v1/patients/{id}/statements/{statement_id}/pdf",
        "API: a statement's PDF",
        BILLERS,
        target="billing_patient_statement",
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_statement_run": _run,
    "billing_statement": _statement,
    "billing_patient_statement": _patient_statement,
    "billing_collections_flag": _flag,
    "billing_small_balance": _small_balance,
}
