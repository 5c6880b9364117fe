"""Payment plans: set-up (every error at once), cancel, the instalments payments cover,
completed and defaulted, the pages and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from medoffice.billing.choices import PlanStatus
from medoffice.billing.models import PaymentPlan
from medoffice.billing.services import plans as service
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claimed_visit, desk_payment
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def patient():
    return claimed_visit(insured=False).patient  # self-pay: $170.00 due


def make_plan(patient, **kw):
    values = {
        "total": D("150.00"),
        "instalment_amount": D("50.00"),
        "start_date": service.today(),
        "day_of_month": 28 if service.today().day > 28 else max(service.today().day, 1),
    }
    values.update(kw)
    return service.create_plan(actor=SYSTEM, patient=patient, **values)


def test_a_plan_writes_its_monthly_instalments(patient):
    plan = make_plan(patient)
    assert [i.amount for i in plan.instalments.order_by("number")] == [D("50.00")] * 3
    assert plan.status == PlanStatus.ACTIVE


def test_a_plan_is_audited(patient):
    plan = make_plan(patient)
    assert AuditEvent.objects.filter(
        object_type="billing.paymentplan", object_id=str(plan.pk), action="create"
    ).exists()


def test_a_plan_cannot_be_for_more_than_the_patient_is_due(patient):
    with pytest.raises(ValidationError) as refused:
        make_plan(patient, total=D("500.00"))
    assert "total" in refused.value.error_dict
    assert "$170.00" in refused.value.error_dict["total"][0].message


def test_every_error_of_a_plan_is_named_at_once_and_nothing_is_written(patient):
    with pytest.raises(ValidationError) as refused:
        make_plan(patient, total="abc", instalment_amount="", start_date="soon", day_of_month=31)
    assert set(refused.value.error_dict) >= {
        "total",
        "instalment_amount",
        "start_date",
        "day_of_month",
    }
    assert not PaymentPlan.objects.exists()


def test_a_second_active_plan_is_refused(patient):
    make_plan(patient)
    with pytest.raises(ValidationError) as refused:
        make_plan(patient)
    assert NON_FIELD_ERRORS in refused.value.error_dict


def test_the_front_desk_cannot_set_up_a_plan(patient):
    with pytest.raises(PermissionDenied):
        service.create_plan(
            actor=UserFactory(roles=[Role.FRONT_DESK]),
            patient=patient,
            total="100",
            instalment_amount="50",
            start_date=service.today(),
            day_of_month=1,
        )


def test_a_cancelled_plan_says_why(patient):
    plan = service.cancel_plan(actor=SYSTEM, plan=make_plan(patient), reason="Paid by a relative")
    assert plan.status == PlanStatus.CANCELLED
    assert plan.end_reason == "Paid by a relative"


def test_a_cancellation_needs_a_reason(patient):
    with pytest.raises(ValidationError) as refused:
        service.cancel_plan(actor=SYSTEM, plan=make_plan(patient), reason=" ")
    assert "reason" in refused.value.error_dict


def test_payments_after_the_plan_began_count_toward_its_instalments(patient):
    plan = make_plan(patient)
    desk_payment(patient, "60.00")
    standing = service.plan_view(plan).standing
    assert standing.covered == 1
    assert standing.paid == D("60.00")


def test_a_void_payment_does_not_count(patient):
    from medoffice.billing.services.payments import void_payment

    plan = make_plan(patient)
    payment = desk_payment(patient, "60.00")
    void_payment(
        actor=UserFactory(roles=[Role.FRONT_DESK]), payment=payment, reason="Entered twice"
    )
    assert service.plan_view(plan).standing.paid == D("0.00")


def test_a_plan_paid_in_full_becomes_completed(patient):
    plan = make_plan(patient)
    desk_payment(patient, "150.00")
    service.refresh_plans(actor=SYSTEM)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED


def test_an_instalment_unpaid_past_the_grace_days_defaults_the_plan(patient, settings):
    settings.PLAN_DEFAULT_AFTER_DAYS = 15
    plan = make_plan(patient)
    first = plan.instalments.order_by("number").first()
    service.refresh_plans(actor=SYSTEM, on=first.due_date + dt.timedelta(days=15))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    service.refresh_plans(actor=SYSTEM, on=first.due_date + dt.timedelta(days=16))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DEFAULTED


def test_a_defaulted_plan_brought_up_to_date_is_active_again(patient):
    plan = make_plan(patient)
    first = plan.instalments.order_by("number").first()
    late = first.due_date + dt.timedelta(days=20)
    service.refresh_plans(actor=SYSTEM, on=late)
    desk_payment(patient, "50.00")
    service.refresh_plans(actor=SYSTEM, on=late)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


# --- pages ---------------------------------------------------------------------------------


def test_the_biller_sets_up_a_plan_from_the_ledger_page(patient, client_for):
    biller = client_for(Role.BILLER)
    ledger = biller.get(f"/billing/patients/{patient.pk}/ledger/")
    assert 'data-testid="plan-new"' in ledger.content.decode()
    answer = biller.post(
        f"/billing/patients/{patient.pk}/payment-plans/new/",
        {
            "total": "170.00",
            "instalment_amount": "40.00",
            "start_date": service.today().isoformat(),
            "day_of_month": "1",
        },
    )
    plan = PaymentPlan.objects.get(patient=patient)
    assert answer.status_code == 302
    assert answer["Location"] == f"/billing/payment-plans/{plan.pk}/"
    assert plan.instalments.count() == 5


def test_the_new_plan_page_names_every_wrong_field(patient, client_for):
    answer = client_for(Role.BILLER).post(
        f"/billing/patients/{patient.pk}/payment-plans/new/",
        {"total": "999.00", "instalment_amount": "x", "start_date": "", "day_of_month": "40"},
    )
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "Enter the day the plan starts." in text
    assert "from 1 to 28" in text
    assert not PaymentPlan.objects.exists()


def test_the_plan_page_flags_a_defaulted_plan_to_the_biller(patient, client_for):
    plan = make_plan(patient)
    first = plan.instalments.order_by("number").first()
    with time_machine.travel(
        dt.datetime.combine(first.due_date + dt.timedelta(days=30), dt.time(15), tzinfo=dt.UTC)
    ):
        text = client_for(Role.BILLER).get(f"/billing/payment-plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-defaulted"' in text


def test_the_biller_cancels_a_plan_on_its_page(patient, client_for):
    plan = make_plan(patient)
    answer = client_for(Role.BILLER).post(
        f"/billing/payment-plans/{plan.pk}/cancel/", {"reason": "Patient asked"}
    )
    plan.refresh_from_db()
    assert answer.status_code == 302
    assert plan.status == PlanStatus.CANCELLED


def test_a_plan_of_another_location_is_not_found(patient, client_for):
    plan = make_plan(patient)
    elsewhere = client_for(Role.BILLER, locations=[LocationFactory()])
    assert elsewhere.get(f"/billing/payment-plans/{plan.pk}/").status_code == 404


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_a_patients_plans_with_their_instalments(patient, api_for):
    make_plan(patient)
    answer = api_for(Role.BILLER).get(f"/api/v1/patients/{patient.pk}/payment-plans")
    assert answer.status_code == 200
    [plan] = answer.json()
    assert plan["status"] == "active"
    assert len(plan["instalments"]) == 3


def test_the_api_sets_up_a_plan(patient, api_for):
    answer = api_for(Role.BILLER).post(
        f"/api/v1/patients/{patient.pk}/payment-plans",
        {
            "total": "100.00",
            "instalment_amount": "25.00",
            "start_date": service.today().isoformat(),
            "day_of_month": 10,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["total"] == "100.00"


def test_the_api_refuses_a_plan_over_the_due_amount_naming_the_field(patient, api_for):
    answer = api_for(Role.BILLER).post(
        f"/api/v1/patients/{patient.pk}/payment-plans",
        {
            "total": "900.00",
            "instalment_amount": "25.00",
            "start_date": service.today().isoformat(),
            "day_of_month": 10,
        },
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "total" in answer.content.decode()
