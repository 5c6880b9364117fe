"""The scheduled monthly statement run: the practice's statement day and the automatic
switch (a page for the office manager and the biller, audited), the morning check that
makes the month's run on that day in the practice's time zone, once a month, e-mailing
those who consented and leaving the rest to print; the statements page's count of this
month's run."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import statement_rules as rules
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Statement, StatementRun, StatementSchedule
from medoffice.billing.services import statement_schedule as schedule_service
from medoffice.billing.services import statements as statement_service
from medoffice.billing.tasks import scheduled_statements
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_statements import consents_to_email, guarantor, self_pay_visit
from tests.factories import SYSTEM, UserFactory

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
PAGE = "/billing/statements/schedule/"


@pytest.fixture(autouse=True)
def codes(practice):
    practice.time_zone = "America/New_York"
    practice.save()
    office_visit_codes()


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """A moment in the practice's time (New York)."""
    return dt.datetime(year, month, day, hour, tzinfo=NEW_YORK)


def automatic_on(day: int) -> StatementSchedule:
    return schedule_service.update_schedule(actor=SYSTEM, statement_day=day, automatic=True)


@pytest.fixture
def two_guarantors():
    """One guarantor who agreed to e-mail, one on paper, each $170.00 due (visits made on
    2026-10-20)."""
    with time_machine.travel(at(2026, 10, 20), tick=False):
        emailed = guarantor()
        consents_to_email(emailed)
        self_pay_visit(emailed, days_ago=0)
        paper = guarantor()
        self_pay_visit(paper, days_ago=0)
    return emailed, paper


# --- the rule, pure ---------------------------------------------------------------------------


def test_the_run_is_not_due_before_the_statement_day():
    assert not rules.automatic_run_due(dt.date(2026, 11, 4), 5, None)


def test_the_run_is_due_on_the_statement_day():
    assert rules.automatic_run_due(dt.date(2026, 11, 5), 5, None)


def test_a_run_missed_on_the_day_is_caught_up_later_that_month():
    assert rules.automatic_run_due(dt.date(2026, 11, 9), 5, dt.date(2026, 10, 1))


def test_the_run_is_not_due_twice_in_a_month():
    assert not rules.automatic_run_due(dt.date(2026, 11, 20), 5, dt.date(2026, 11, 1))


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), st.integers(1, 28))
def test_once_run_this_month_it_is_never_due_again_this_month(day, statement_day):
    assert not rules.automatic_run_due(day, statement_day, rules.month_of(day))


# --- the setting ------------------------------------------------------------------------------


def test_the_schedule_is_by_hand_on_day_5_until_set():
    schedule = schedule_service.current_schedule()
    assert (schedule.statement_day, schedule.automatic) == (5, False)


def test_setting_the_schedule_is_audited():
    schedule = automatic_on(12)
    assert (schedule.statement_day, schedule.automatic) == (12, True)
    event = AuditEvent.objects.get(
        object_type="billing.statementschedule", object_id=str(schedule.pk), action="update"
    )
    assert "day 5 -> 12" in event.detail


@pytest.mark.parametrize("day", ["0", "29", "31", "-1", "1e309", "12345678901234567890", "٣", ""])
def test_a_day_outside_1_to_28_is_refused_with_its_code(day):
    with pytest.raises(ValidationError) as refused:
        schedule_service.update_schedule(actor=SYSTEM, statement_day=day, automatic=True)
    assert refused.value.error_dict["statement_day"][0].code == Code.STATEMENT_DAY_INVALID


def test_a_bad_day_and_a_bad_switch_are_refused_together_and_nothing_is_saved():
    with pytest.raises(ValidationError) as refused:
        schedule_service.update_schedule(actor=SYSTEM, statement_day="40", automatic="maybe")
    assert set(refused.value.error_dict) == {"statement_day", "automatic"}
    assert schedule_service.current_schedule().statement_day == 5


def test_a_role_without_posting_rights_cannot_change_the_schedule():
    with pytest.raises(PermissionDenied):
        schedule_service.update_schedule(
            actor=UserFactory(roles=[Role.FRONT_DESK]), statement_day=5, automatic=True
        )


# --- the morning check -------------------------------------------------------------------------


def test_by_hand_the_statement_day_makes_no_run(two_guarantors):
    with time_machine.travel(at(2026, 11, 5), tick=False):
        result = schedule_service.run_scheduled_statements()
    assert not result.ran
    assert not StatementRun.objects.exists()


def test_automatic_the_statement_day_makes_the_months_run(two_guarantors):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        result = schedule_service.run_scheduled_statements()
    assert result.ran
    assert result.run is not None
    assert result.run.period == dt.date(2026, 11, 1)
    assert Statement.objects.filter(run=result.run).count() == 2


def test_the_day_before_the_statement_day_makes_no_run(two_guarantors):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 4, 23), tick=False):
        assert not schedule_service.run_scheduled_statements().ran
    assert not StatementRun.objects.exists()


def test_the_day_is_the_practices_not_utc(two_guarantors):
    """03:00 UTC on the 5th is still the 4th in New York: no run yet."""
    automatic_on(5)
    with time_machine.travel(dt.datetime(2026, 11, 5, 3, tzinfo=dt.UTC), tick=False):
        assert not schedule_service.run_scheduled_statements().ran


def test_the_consenting_guarantor_is_emailed_and_the_other_left_to_print(two_guarantors):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        result = schedule_service.run_scheduled_statements()
    assert (result.emailed, result.to_print) == (1, 1)


def test_a_second_check_the_same_month_makes_nothing_more(two_guarantors):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        schedule_service.run_scheduled_statements()
    with time_machine.travel(at(2026, 11, 6), tick=False):
        again = schedule_service.run_scheduled_statements()
    assert not again.ran
    assert Statement.objects.count() == 2


def test_a_run_made_by_hand_earlier_in_the_month_is_completed_not_doubled(two_guarantors):
    emailed, _paper = two_guarantors
    with time_machine.travel(at(2026, 11, 2), tick=False):
        statement_service.run_statements(as_of=dt.date(2026, 11, 2), actor=SYSTEM)
        late = guarantor()
        self_pay_visit(late, days_ago=1)
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        result = schedule_service.run_scheduled_statements()
    assert StatementRun.objects.count() == 1
    assert Statement.objects.filter(patient=emailed).count() == 1
    assert Statement.objects.filter(patient=late).count() == 1
    assert result.ran


def test_next_month_runs_again(two_guarantors):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        schedule_service.run_scheduled_statements()
    with time_machine.travel(at(2026, 12, 5), tick=False):
        result = schedule_service.run_scheduled_statements()
    assert result.ran
    assert StatementRun.objects.count() == 2


def test_the_task_sends_the_statement_emails_it_queued(two_guarantors):
    emailed, _paper = two_guarantors
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        outcome = scheduled_statements.call()
    assert outcome["ran"]
    message = Message.objects.get(patient=emailed, kind="statement")
    assert message.status == "sent"


def test_the_task_is_registered_as_periodic():
    from medoffice.core.tasks import periodic_tasks

    assert "statements" in {p.name for p in periodic_tasks()}


# --- the pages ---------------------------------------------------------------------------------


def test_the_statements_page_counts_this_months_run(two_guarantors, client_for):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        schedule_service.run_scheduled_statements()
        text = client_for(Role.BILLER).get("/billing/statements/").content.decode()
    assert 'data-testid="month-emailed">1<' in text
    assert 'data-testid="month-to-print">1<' in text


def test_the_statements_page_says_when_this_month_has_not_run(client_for):
    text = client_for(Role.BILLER).get("/billing/statements/").content.decode()
    assert 'data-testid="month-none"' in text


def test_the_biller_saves_the_schedule_on_its_page(client_for):
    answer = client_for(Role.BILLER).post(PAGE, {"statement_day": "7", "automatic": "on"})
    assert answer.status_code == 302
    schedule = schedule_service.current_schedule()
    assert (schedule.statement_day, schedule.automatic) == (7, True)


def test_a_bad_day_on_the_page_is_named_and_nothing_saved(client_for):
    answer = client_for(Role.OFFICE_MANAGER).post(PAGE, {"statement_day": "1e309"})
    assert answer.status_code == 400
    assert "Statement day" in answer.content.decode()
    assert schedule_service.current_schedule().statement_day == 5


def test_the_front_desk_cannot_open_the_schedule(client_for):
    assert client_for(Role.FRONT_DESK).get(PAGE).status_code == 403


# --- the API -----------------------------------------------------------------------------------


def test_the_api_sets_the_schedule_and_answers_it(api_for):
    answer = api_for(Role.BILLER).put(
        "/api/v1/statement-schedule",
        {"statement_day": 12, "automatic": True},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["statement_day"] == 12
    assert schedule_service.current_schedule().automatic


def test_the_api_refuses_a_day_outside_1_to_28_with_its_code(api_for):
    answer = api_for(Role.BILLER).put(
        "/api/v1/statement-schedule",
        {"statement_day": 31, "automatic": True},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert Code.STATEMENT_DAY_INVALID in answer.content.decode()


def test_the_api_counts_this_months_run(two_guarantors, api_for):
    automatic_on(5)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        schedule_service.run_scheduled_statements()
        body = api_for(Role.BILLER).get("/api/v1/statement-schedule").json()
    assert (body["this_month_emailed"], body["this_month_to_print"]) == (1, 1)
