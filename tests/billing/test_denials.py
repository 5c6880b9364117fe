"""Denial management's services: opening denials (idempotent per source), manual entry,
assignment, status changes with a reason, write-off to the ledger, appeals and outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError

from medoffice.billing.choices import AppealOutcome, DenialStatus, LedgerKind
from medoffice.billing.models import Denial, DenialEvent, LedgerEntry
from medoffice.billing.selectors.ledger import party_balance_of
from medoffice.billing.services import denials as services
from medoffice.billing.services.denials import DenialInput
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_denials import a_denial, denied_claim, first_line_id
from tests.factories import SYSTEM, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(practice, tmp_path: Path):
    office_visit_codes()
    return denied_claim(LocationFactory(), tmp_path / "outbox")


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_open_denials_makes_one_open_denial_per_adjustment(claim):
    line = first_line_id(claim)

    made = services.open_denials(
        claim=claim,
        adjustments=[
            DenialInput(line, "CO", "16", ("N290",), Decimal("150.00")),
            DenialInput(None, "CO", "29", (), Decimal("20.00")),
        ],
        source_kind="era",
        source_id="TRN-77",
        actor=SYSTEM,
    )

    assert [(d.charge_line_id, d.code, d.status) for d in made] == [
        (line, "CO-16", DenialStatus.OPEN),
        (None, "CO-29", DenialStatus.OPEN),
    ]


def test_the_category_comes_from_the_code_tables(claim):
    assert a_denial(claim, reason="29", remarks=()).category == "timely_filing"


def test_a_denial_is_due_by_the_payers_appeal_days_after_it_was_denied(claim):
    profile = claim.payer.billing
    profile.appeal_days = 60
    profile.save()

    denial = a_denial(claim)

    assert denial.due_on == denial.denied_on + dt.timedelta(days=60)


def test_without_the_payers_days_a_denial_is_due_in_90_days(claim):
    denial = a_denial(claim)

    assert denial.due_on - denial.denied_on == dt.timedelta(days=90)


def test_opening_the_same_source_again_opens_nothing_twice(claim):
    first = a_denial(claim)
    again = a_denial(claim)

    assert again.pk == first.pk
    assert Denial.objects.count() == 1


def test_another_source_opens_a_new_denial(claim):
    a_denial(claim, source_id="TRN1")
    a_denial(claim, source_id="TRN2")

    assert Denial.objects.count() == 2


def test_two_adjustments_of_one_key_are_one_denial_of_their_sum(claim):
    line = first_line_id(claim)

    made = services.open_denials(
        claim=claim,
        adjustments=[
            DenialInput(line, "CO", "16", ("N290",), Decimal("100.00")),
            DenialInput(line, "co", "016", ("MA130",), Decimal("50.00")),
        ],
        source_kind="era",
        source_id="T",
        actor=SYSTEM,
    )

    assert len(made) == 1
    assert made[0].amount == Decimal("150.00")
    assert made[0].remark_list == ["N290", "MA130"]


def test_opening_is_audited_naming_the_patient(claim):
    a_denial(claim)

    event = AuditEvent.objects.filter(object_type="billing.denial", action="create").get()
    assert event.patient_id == claim.patient_id


def test_every_bad_input_is_named_at_once_and_nothing_is_written(claim):
    with pytest.raises(ValidationError) as exc:
        services.open_denials(
            claim=claim,
            adjustments=[DenialInput(999999, "XX", "!!", ("Z1",), Decimal("-1"))],
            source_kind="fax",
            source_id="x",
            actor=SYSTEM,
        )

    assert set(_errors(exc)) == {
        "group",
        "reason",
        "remarks",
        "charge_line_id",
        "amount",
        "source_kind",
    }
    assert not Denial.objects.exists()


@pytest.mark.parametrize("amount", [1e309, "1e309", "NaN", "9999999999", "١٢", Decimal("Infinity")])
def test_an_odd_amount_is_refused_naming_the_field(claim, amount):
    with pytest.raises(ValidationError) as exc:
        services.record_denial(claim=claim, group="CO", reason="16", amount=amount, actor=SYSTEM)

    assert "amount" in _errors(exc)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_a_denial_date_out_of_range_is_refused(claim, day):
    with pytest.raises(ValidationError) as exc:
        services.record_denial(
            claim=claim, group="CO", reason="16", amount="10.00", actor=SYSTEM, denied_on=day
        )

    assert "denied_on" in _errors(exc)


def test_the_biller_records_a_denial_by_hand(claim):
    denial = services.record_denial(
        claim=claim, group="PR", reason="204", amount="20.00", actor=SYSTEM, notes="By phone"
    )

    assert (denial.source_kind, denial.category, denial.notes) == (
        "manual",
        "non_covered",
        "By phone",
    )


def test_a_status_change_needs_a_reason(claim):
    denial = a_denial(claim)

    with pytest.raises(ValidationError) as exc:
        services.change_status(denial=denial, status="closed", reason=" ", actor=SYSTEM)

    assert "reason" in _errors(exc)


def test_a_status_change_is_kept_with_its_reason_and_audited(claim):
    denial = a_denial(claim)

    services.change_status(
        denial=denial, status="closed", reason="Paid on the next 835", actor=SYSTEM
    )

    event = DenialEvent.objects.filter(denial=denial).last()
    assert (event.from_status, event.to_status, event.reason) == (
        "open",
        "closed",
        "Paid on the next 835",
    )
    assert AuditEvent.objects.filter(object_type="billing.denial", action="update").exists()


def test_closing_a_denial_settles_it_with_the_time(claim):
    denial = services.change_status(
        denial=a_denial(claim), status="closed", reason="done", actor=SYSTEM
    )

    assert denial.closed_at is not None


def test_a_status_the_denial_cannot_go_to_is_refused(claim):
    denial = services.change_status(
        denial=a_denial(claim), status="closed", reason="done", actor=SYSTEM
    )

    with pytest.raises(ValidationError) as exc:
        services.change_status(denial=denial, status="upheld", reason="x", actor=SYSTEM)

    assert "status" in _errors(exc)


def test_written_off_is_reached_only_through_the_write_off(claim):
    with pytest.raises(ValidationError) as exc:
        services.change_status(
            denial=a_denial(claim), status="written_off", reason="x", actor=SYSTEM
        )

    assert "status" in _errors(exc)


def test_an_overturned_denial_keeps_what_was_recovered(claim):
    denial = services.change_status(
        denial=a_denial(claim), status="overturned", reason="won", recovered="120.00", actor=SYSTEM
    )

    assert denial.recovered == Decimal("120.00")


def test_more_recovered_than_denied_is_refused(claim):
    with pytest.raises(ValidationError) as exc:
        services.change_status(
            denial=a_denial(claim, amount="50.00"),
            status="overturned",
            reason="won",
            recovered="60.00",
            actor=SYSTEM,
        )

    assert "recovered" in _errors(exc)


def test_the_denial_goes_to_a_biller_of_its_location(claim):
    biller = UserFactory(roles=[Role.BILLER], locations=[claim.encounter.location])

    denial = services.assign_denial(denial=a_denial(claim), assignee=biller, actor=SYSTEM)

    assert denial.assigned_to == biller


def test_the_denial_does_not_go_to_a_biller_of_another_location(claim):
    other = UserFactory(roles=[Role.BILLER], locations=[LocationFactory()])

    with pytest.raises(ValidationError) as exc:
        services.assign_denial(denial=a_denial(claim), assignee=other, actor=SYSTEM)

    assert "assigned_to" in _errors(exc)


def test_a_write_off_takes_the_denied_amount_off_the_payers_balance(claim):
    denial = a_denial(claim, amount="150.00")
    line = denial.charge_line_id
    before = party_balance_of(line, "insurance", claim.payer_id)

    entries = services.write_off_denial(denial=denial, actor=SYSTEM)

    assert [(e.kind, e.amount, e.reason_code) for e in entries] == [
        (LedgerKind.DENIAL_WRITE_OFF, Decimal("-150.00"), "16")
    ]
    assert party_balance_of(line, "insurance", claim.payer_id) == before - Decimal("150.00")
    denial.refresh_from_db()
    assert denial.status == DenialStatus.WRITTEN_OFF


def test_a_write_off_takes_no_more_than_the_payer_owes(claim):
    denial = a_denial(claim, amount="9000.00")

    entries = services.write_off_denial(denial=denial, actor=SYSTEM)

    assert [-e.amount for e in entries] == [Decimal("150.00")]  # the line's charge
    assert party_balance_of(denial.charge_line_id, "insurance", claim.payer_id) == 0


def test_a_claim_level_write_off_is_spread_over_the_lines(claim):
    denial = a_denial(claim, amount="160.00", line=False)

    entries = services.write_off_denial(denial=denial, actor=SYSTEM)

    assert [-e.amount for e in entries] == [Decimal("150.00"), Decimal("10.00")]


def test_a_second_write_off_is_refused(claim):
    denial = a_denial(claim)
    services.write_off_denial(denial=denial, actor=SYSTEM)

    with pytest.raises(ValidationError):
        services.write_off_denial(denial=denial, actor=SYSTEM)
    assert LedgerEntry.objects.filter(kind=LedgerKind.DENIAL_WRITE_OFF).count() == 1


def test_an_appeal_makes_its_denials_appealed(claim):
    denial = a_denial(claim)

    appeal = services.create_appeal(denials=[denial], letter_text="Please pay.", actor=SYSTEM)

    denial.refresh_from_db()
    assert denial.status == DenialStatus.APPEALED
    assert list(appeal.denials.all()) == [denial]


def test_an_appeal_without_a_letter_is_refused(claim):
    with pytest.raises(ValidationError) as exc:
        services.create_appeal(
            denials=[a_denial(claim)], letter_text="  ", actor=SYSTEM, method="pigeon"
        )

    assert set(_errors(exc)) == {"letter_text", "method"}


def test_an_overturned_appeal_settles_its_denials_with_the_money_recovered(claim):
    denial = a_denial(claim, amount="150.00")
    appeal = services.create_appeal(denials=[denial], letter_text="Please pay.", actor=SYSTEM)

    services.record_appeal_outcome(
        appeal=appeal, outcome=AppealOutcome.OVERTURNED, recovered="150.00", actor=SYSTEM
    )

    denial.refresh_from_db()
    assert (denial.status, denial.recovered) == (DenialStatus.OVERTURNED, Decimal("150.00"))


def test_an_upheld_appeal_leaves_its_denials_upheld(claim):
    denial = a_denial(claim)
    appeal = services.create_appeal(denials=[denial], letter_text="Please pay.", actor=SYSTEM)

    services.record_appeal_outcome(appeal=appeal, outcome=AppealOutcome.UPHELD, actor=SYSTEM)

    denial.refresh_from_db()
    assert denial.status == DenialStatus.UPHELD


def test_an_appeals_outcome_is_recorded_once(claim):
    appeal = services.create_appeal(denials=[a_denial(claim)], letter_text="x", actor=SYSTEM)
    services.record_appeal_outcome(appeal=appeal, outcome="upheld", actor=SYSTEM)

    with pytest.raises(ValidationError) as exc:
        services.record_appeal_outcome(appeal=appeal, outcome="overturned", actor=SYSTEM)

    assert "outcome" in _errors(exc)


def test_a_front_desk_user_cannot_open_denials(claim):
    desk = UserFactory(roles=[Role.FRONT_DESK])

    with pytest.raises(Exception, match="role"):
        a_denial_by(desk, claim)


def a_denial_by(actor, claim):
    return services.record_denial(claim=claim, group="CO", reason="16", amount="1.00", actor=actor)


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))
def test_a_denial_defaults_to_todays_date(claim):
    assert a_denial(claim).denied_on == dt.date(2026, 6, 15)
