"""The monthly statement run: one statement per guarantor due more than the minimum, with
aging by service date, dunning stages at 30/60/90 days, e-mail only with consent (else the
print queue), once a month, and none for accounts in collections; the small-balance rule;
the collections flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from medoffice.billing.choices import ClaimStatus, LedgerKind, LedgerParty
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import CollectionsFlag, LedgerEntry, Statement
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.services import claims as claim_service
from medoffice.billing.services import ledger as ledger_service
from medoffice.billing.services import statements as service
from medoffice.core.models import AuditEvent, practice_zone
from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from medoffice.patients.choices import Relationship
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.billing.factories_statements import consents_to_email, guarantor, self_pay_visit
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def today() -> dt.date:
    from django.utils import timezone

    return timezone.now().astimezone(practice_zone()).date()


def run(as_of=None, **kwargs):
    return service.run_statements(as_of=as_of or today(), actor=SYSTEM, **kwargs)


def statements_of(patient):
    return list(Statement.objects.filter(patients=patient).order_by("as_of"))


# --- who gets a statement ------------------------------------------------------------------


def test_a_self_pay_visit_gets_a_statement_for_its_whole_due():
    visit = self_pay_visit()
    run()
    [statement] = statements_of(visit.patient)
    assert statement.amount_due == D("170.00")


def test_patient_due_excludes_visits_still_awaiting_a_payer():
    waiting = claimed_visit(guarantor())
    ledger_service.transfer(
        actor=SYSTEM,
        line=lines_of(waiting)[0],
        amount="30.00",
        from_party=LedgerParty.INSURANCE,
        from_payer_id=claim_of(waiting).payer_id,
        to_party=LedgerParty.PATIENT,
    )
    run()
    assert statements_of(waiting.patient) == []


def test_the_patient_share_is_stated_once_every_payer_adjudicated():
    visit = claimed_visit(guarantor())
    ledger_service.transfer(
        actor=SYSTEM,
        line=lines_of(visit)[0],
        amount="30.00",
        from_party=LedgerParty.INSURANCE,
        from_payer_id=claim_of(visit).payer_id,
        to_party=LedgerParty.PATIENT,
    )
    claim = claim_of(visit)
    for status in (ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED):
        claim = claim_service.transition(claim=claim, to=status, actor=SYSTEM)
    claim_service.mark_adjudicated(claim=claim, actor=SYSTEM)
    run()
    assert [s.amount_due for s in statements_of(visit.patient)] == [D("30.00")]


def test_a_due_at_or_below_the_minimum_gets_no_statement():
    visit = self_pay_visit()
    for line in lines_of(visit):
        ledger_service.write_off(
            actor=SYSTEM,
            line=line,
            kind=LedgerKind.OTHER_ADJUSTMENT,
            amount=line.charge - (D("5.00") if line.line_number == 1 else 0),
            party=LedgerParty.PATIENT,
            note="courtesy",
        )
    run()
    assert statements_of(visit.patient) == []


@override_settings(STATEMENT_MINIMUM_DUE="200.00")
def test_the_minimum_is_a_setting():
    visit = self_pay_visit()
    run()
    assert statements_of(visit.patient) == []


def test_a_parent_gets_one_statement_for_two_children():
    location = LocationFactory()
    parent = {
        "guarantor_relationship": Relationship.CHILD,
        "guarantor_first_name": "Dana",
        "guarantor_last_name": "Okafor",
        "guarantor_date_of_birth": dt.date(1980, 5, 1),
        "guarantor_address": "4 Oak Lane, Springfield, MA 01103",
    }
    first = self_pay_visit(guarantor(location, **parent))
    second = self_pay_visit(guarantor(location, **parent))
    run()
    [statement] = Statement.objects.all()
    assert statement.amount_due == D("340.00")
    assert statement.guarantor_name == "Dana Okafor"
    assert set(statement.patients.all()) == {first.patient, second.patient}


# --- aging and visits ------------------------------------------------------------------------


def test_aging_puts_each_visit_in_its_bucket_by_service_date():
    patient = guarantor()
    for days in (10, 45, 75, 100, 200):
        self_pay_visit(patient, days_ago=days)
    run()
    [s] = statements_of(patient)
    assert (s.aging_0_30, s.aging_31_60, s.aging_61_90, s.aging_91_120, s.aging_over_120) == (
        D("170.00"),
    ) * 5


def test_the_statement_lists_each_visit_with_codes_charges_and_what_is_owed():
    visit = self_pay_visit(days_ago=12)
    run()
    [s] = statements_of(visit.patient)
    [row] = s.content["visits"]
    assert row["date"] == visit.date_of_service.isoformat()
    assert row["codes"] == "99213-25, 36415"
    assert (row["charges"], row["patient_due"]) == ("170.00", "170.00")


# --- dunning ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("runs", "stage"), [(1, 0), (2, 1), (3, 2), (4, 3)])
def test_dunning_stage_follows_days_since_the_first_statement(runs, stage):
    visit = self_pay_visit(days_ago=130)
    for n in range(runs):
        run(as_of=today() - dt.timedelta(days=30 * (runs - 1 - n)))
    assert statements_of(visit.patient)[-1].stage == stage


def test_the_final_notice_says_collections():
    visit = self_pay_visit(days_ago=130)
    for n in range(4):
        run(as_of=today() - dt.timedelta(days=30 * (3 - n)))
    assert "collection agency" in statements_of(visit.patient)[-1].content["message"]


def test_a_balance_starts_over_after_a_month_without_a_statement():
    visit = self_pay_visit(days_ago=130)
    run(as_of=today() - dt.timedelta(days=90))
    run()
    last = statements_of(visit.patient)[-1]
    assert (last.stage, last.balance_since) == (0, today())


# --- delivery ------------------------------------------------------------------------------


def test_a_statement_is_emailed_when_the_patient_consented_to_email():
    patient = guarantor()
    consents_to_email(patient)
    self_pay_visit(patient)
    run()
    [s] = statements_of(patient)
    message = Message.objects.get(pk=s.message_id)
    assert (s.delivery, s.email_to, message.channel) == ("email", "pat@example.org", "email")
    assert "$170.00" in message.body


def test_without_an_email_consent_the_statement_goes_to_print():
    patient = guarantor(email="pat@example.org")
    self_pay_visit(patient)
    run()
    [s] = statements_of(patient)
    assert (s.delivery, s.delivery_note) == ("print", "no consent to e-mail on file")
    assert not Message.objects.exists()


def test_a_revoked_email_consent_is_honoured():
    patient = guarantor()
    consents_to_email(patient, revoked_on=dt.date(2025, 3, 1))
    self_pay_visit(patient)
    run()
    [s] = statements_of(patient)
    assert s.delivery == "print"
    assert not Message.objects.exists()


# --- once a month ------------------------------------------------------------------------------


def test_running_the_month_again_adds_nothing():
    patient = guarantor()
    consents_to_email(patient)
    self_pay_visit(patient)
    first = run()
    second = run()
    assert first.pk == second.pk
    assert Statement.objects.count() == 1
    assert Message.objects.count() == 1


def test_running_the_month_again_states_a_new_guarantor_only():
    self_pay_visit()
    run()
    newcomer = self_pay_visit()
    run()
    assert Statement.objects.count() == 2
    assert len(statements_of(newcomer.patient)) == 1


def test_a_new_month_gets_a_new_statement():
    visit = self_pay_visit(days_ago=60)
    run(as_of=today() - dt.timedelta(days=31))
    run()
    assert len(statements_of(visit.patient)) == 2


def test_payments_since_the_last_statement_are_listed():
    from tests.billing.factories_ledger import desk_payment

    visit = self_pay_visit(days_ago=60)
    run(as_of=today() - dt.timedelta(days=31))
    desk_payment(visit.patient, "20.00")
    run()
    last = statements_of(visit.patient)[-1]
    assert [p["amount"] for p in last.content["payments"]] == ["20.00"]


# --- collections ---------------------------------------------------------------------------------


def test_an_account_in_collections_gets_no_statement():
    visit = self_pay_visit()
    service.flag_to_collections(
        patient=visit.patient, reason="No answer to 3 notices", actor=SYSTEM
    )
    run()
    assert statements_of(visit.patient) == []


def test_a_reversed_flag_lets_statements_resume():
    visit = self_pay_visit()
    flag = service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    service.unflag_collections(flag=flag, reason="Paying by plan", actor=SYSTEM)
    run()
    assert len(statements_of(visit.patient)) == 1


def test_flagging_is_audited_with_its_reason():
    visit = self_pay_visit()
    flag = service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    event = AuditEvent.objects.get(object_type="billing.collectionsflag", object_id=str(flag.pk))
    assert event.patient_id == visit.patient_id
    assert "No answer" in event.detail


def test_an_account_is_flagged_once():
    visit = self_pay_visit()
    service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    with pytest.raises(ValidationError) as caught:
        service.flag_to_collections(patient=visit.patient, reason="Again", actor=SYSTEM)
    assert caught.value.error_dict["__all__"][0].code == Code.COLLECTIONS_ALREADY
    assert CollectionsFlag.objects.count() == 1


def test_flagging_needs_a_reason():
    visit = self_pay_visit()
    with pytest.raises(ValidationError) as caught:
        service.flag_to_collections(patient=visit.patient, reason="  ", actor=SYSTEM)
    assert "reason" in caught.value.error_dict


def test_front_desk_cannot_run_statements():
    with pytest.raises(PermissionDenied):
        service.run_statements(as_of=today(), actor=UserFactory(roles=[Role.FRONT_DESK]))


# --- small balances --------------------------------------------------------------------------------


def _leave(visit, amount: str) -> None:
    for line in lines_of(visit):
        keep = D(amount) if line.line_number == 1 else D("0")
        ledger_service.write_off(
            actor=SYSTEM,
            line=line,
            kind=LedgerKind.OTHER_ADJUSTMENT,
            amount=line.charge - keep,
            party=LedgerParty.PATIENT,
            note="courtesy",
        )


def test_an_old_balance_under_the_threshold_is_written_off():
    visit = self_pay_visit(days_ago=120)
    _leave(visit, "1.50")
    [entry] = service.write_off_small_balances(as_of=today(), actor=SYSTEM)
    assert (entry.kind, entry.amount) == (LedgerKind.SMALL_BALANCE, D("-1.50"))
    assert balances.patient_due(SYSTEM, visit.patient_id) == D("0.00")


def test_a_recent_small_balance_is_kept():
    visit = self_pay_visit(days_ago=20)
    _leave(visit, "1.50")
    assert service.write_off_small_balances(as_of=today(), actor=SYSTEM) == []


def test_a_balance_at_the_threshold_is_kept():
    visit = self_pay_visit(days_ago=120)
    _leave(visit, "2.00")
    assert service.write_off_small_balances(as_of=today(), actor=SYSTEM) == []


def test_a_small_balance_write_off_is_reversible_through_the_ledger():
    visit = self_pay_visit(days_ago=120)
    _leave(visit, "1.50")
    [entry] = service.write_off_small_balances(as_of=today(), actor=SYSTEM)
    ledger_service.reverse_entry(actor=SYSTEM, entry=entry, reason="Patient asked to pay")
    assert balances.patient_due(SYSTEM, visit.patient_id) == D("1.50")
    assert LedgerEntry.objects.filter(reverses=entry).exists()


# --- odd input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1e309", "二〇二六", "", None, 7])
def test_an_odd_date_is_refused_naming_the_field(as_of):
    with pytest.raises(ValidationError) as caught:
        service.run_statements(as_of=as_of, actor=SYSTEM)
    assert "as_of" in caught.value.error_dict


@pytest.mark.parametrize("threshold", ["1e309", "-1", "NaN", "abc", "0"])
def test_an_odd_threshold_is_refused_naming_the_field(threshold):
    with pytest.raises(ValidationError) as caught:
        service.write_off_small_balances(as_of=today(), actor=SYSTEM, threshold=threshold)
    assert "threshold" in caught.value.error_dict


# --- bulk ---------------------------------------------------------------------------------------


def _queries_of_a_run(guarantors: int, location) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(guarantors):
        patient = guarantor(location)
        consents_to_email(patient, email=f"p{patient.pk}@example.org")
        self_pay_visit(patient)
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_a_run_takes_as_many_queries_for_six_guarantors_as_for_two():
    location = LocationFactory()
    two = _queries_of_a_run(2, location)
    Statement.objects.all().delete()
    Message.objects.all().delete()
    assert _queries_of_a_run(6, location) <= two  # the second run finds its run made
