"""Pay links and payment plans in the authorization matrix.

The office manager and the biller set up, see and cancel payment plans (pages and API);
everyone else is refused. The pay page under /p/pay/ answers everyone, logged in or not:
its signed token is the authorisation (the target makes a valid one). With the default
"none" processor the Pay button only shows how to pay by phone or mail, so pressing it
writes nothing; the return page without a session answers 404; the webhook refuses a call
without a processor signature (400) whoever sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.core.test_authorization_matrix import BI, EVERY_ROLE, OM, api, page

PLANNERS = {OM, BI}


def _owing_patient() -> Any:
    from tests.billing.factories_claims import office_visit_codes
    from tests.billing.factories_ledger import claimed_visit

    office_visit_codes()
    return claimed_visit(insured=False).patient  # self-pay: $170.00 due


def _plan() -> Any:
    from medoffice.billing.services.plans import create_plan, today
    from medoffice.core.permissions import SystemActor

    return create_plan(
        actor=SystemActor("matrix"),
        patient=_owing_patient(),
        total="100.00",
        instalment_amount="50.00",
        start_date=today(),
        day_of_month=1,
    )


def _pay_token() -> Any:
    from medoffice.billing.paylinks import make_token

    return SimpleNamespace(pk=make_token(patient_id=_owing_patient().pk))


def _plan_body(_target: Any) -> dict[str, Any]:
    from medoffice.billing.services.plans import today

    return {
        "total": "100.00",
        "instalment_amount": "25.00",
        "start_date": today().isoformat(),
        "day_of_month": 1,
    }


def _form_plan_body(target: Any) -> dict[str, Any]:
    return {**_plan_body(target), "day_of_month": "1"}


ROWS = [
    page(
        "/billing/patients/<int:pk>/payment-plans/new/",
        "New payment plan for a patient's balance",
        PLANNERS,
        target="patient",
    ),
    page(
        "/billing/patients/<int:pk>/payment-plans/new/",
        "New payment plan: save",
        PLANNERS,
        method="POST",
        ok=302,
        target="owing_patient",
        body=_form_plan_body,
    ),
    page(
        "/billing/payment-plans/<int:pk>/",
        "A payment plan: instalments, what is paid, the defaulted flag",
        PLANNERS,
        target="payment_plan",
    ),
    page(
        "/billing/payment-plans/<int:pk>/cancel/",
        "Cancel a payment plan",
        PLANNERS,
        method="POST",
        ok=302,
        target="payment_plan",
        body=lambda _plan: {"reason": "The patient paid in full elsewhere"},
    ),
    page(
        "/p/pay/<str:token>/",
        "Pay link: the amount due and how to pay (valid signed token)",
        EVERY_ROLE,
        anonymous=200,
        target="pay_token",
    ),
    page(
        "/p/pay/<str:token>/",
        "Pay link: Pay (no processor set up: how to pay by phone or mail)",
        EVERY_ROLE,
        method="POST",
        anonymous=200,
        target="pay_token",
        writes_nothing=True,
    ),
    page(
        "/p/pay/<str:token>/done/",
        "Pay link: the return from the processor (no such session: 404)",
        EVERY_ROLE,
        ok=404,
        anonymous=404,
        target="pay_token",
    ),
    page(
        "/p/pay/webhook/<slug:processor_name>/",
        "Payment processor webhook (refused without the processor's signature)",
        frozenset(),
        method="POST",
        refused=400,
        anonymous=400,
        target="processor_name",
        body=lambda _target: {"type": "checkout.session.completed"},
    ),
    api(
        "GET",
        "/api/v1/patients/{id}/payment-plans",
        "API: a patient's payment plans",
        PLANNERS,
        target="patient",
    ),
    api(
        "POST",
        "/api/v1/patients/{id}/payment-plans",
        "API: set up a payment plan",
        PLANNERS,
        ok=201,
        target="owing_patient",
        body=_plan_body,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "owing_patient": _owing_patient,
    "payment_plan": _plan,
    "pay_token": _pay_token,
    "processor_name": lambda: SimpleNamespace(pk="none"),
}
