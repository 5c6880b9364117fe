"""Managed-care contracts' services: saving a contract (every problem at once, no overlap
with another contract of the payer), ending one, recording a line's adjudication with the
contract's expected allowed amount (also from the EOB entry), and the what-if's draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medoffice.billing import contracts as pure
from medoffice.billing.models import Contract, LineAdjudication
from medoffice.billing.selectors import contracts as selectors
from medoffice.billing.services.contracts import end_contract, save_contract, save_what_if_draft
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_cob import accepted_primary, bill_secondary
from tests.billing.factories_contracts import (
    ContractFactory,
    adjudicated_visit,
    allowed_schedule,
)
from tests.factories import SYSTEM, UserFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def contract_fields(payer, **changes):
    fields = {
        "payer": payer,
        "name": "Harbor agreement",
        "effective_from": dt.date(2026, 1, 1),
        "effective_to": None,
        "method": "charges",
        "fee_schedule": None,
        "percent": Decimal("65"),
        "actor": SYSTEM,
    }
    fields.update(changes)
    return fields


def messages_of(caught) -> dict[str, str]:
    return {
        k: " ".join(str(m) for e in v for m in e.messages)
        for k, v in caught.value.error_dict.items()
    }


def test_a_contract_is_saved_with_its_carve_outs_and_audited():
    payer = PayerFactory()
    contract = save_contract(
        **contract_fields(payer, carve_outs=[pure.CarveOut("J3490", percent=Decimal("80"))])
    )

    assert contract.carve_outs.get().percent == Decimal("80")
    assert AuditEvent.objects.filter(
        object_type="billing.contract", object_id=str(contract.pk)
    ).exists()


def test_every_problem_of_a_contract_is_named_at_once():
    with pytest.raises(ValidationError) as caught:
        save_contract(
            **contract_fields(
                None,
                name=" ",
                effective_from=dt.date(2026, 5, 1),
                effective_to=dt.date(2026, 4, 1),
                method="medicare",
                percent=None,
            )
        )

    assert set(messages_of(caught)) >= {"name", "payer", "effective_to", "fee_schedule", "percent"}


def test_a_contract_overlapping_another_of_the_payer_is_refused_naming_it():
    payer = PayerFactory()
    ContractFactory(payer=payer, name="Old agreement", effective_from=dt.date(2025, 1, 1))

    with pytest.raises(ValidationError) as caught:
        save_contract(**contract_fields(payer))

    assert "Old agreement" in messages_of(caught)["effective_from"]
    assert Contract.objects.count() == 1


def test_a_contract_after_the_other_ended_is_saved():
    payer = PayerFactory()
    ContractFactory(
        payer=payer, effective_from=dt.date(2025, 1, 1), effective_to=dt.date(2025, 12, 31)
    )

    save_contract(**contract_fields(payer))

    assert Contract.objects.filter(payer=payer).count() == 2


def test_a_draft_may_overlap_the_contract_in_force():
    payer = PayerFactory()
    ContractFactory(payer=payer, effective_from=dt.date(2025, 1, 1))

    draft = save_contract(**contract_fields(payer, is_draft=True))

    assert draft.is_draft


def test_a_fee_schedule_contract_needs_the_payers_own_schedule():
    payer, other = PayerFactory(), PayerFactory()
    schedule = allowed_schedule(other, {"99213": "90.00"})

    with pytest.raises(ValidationError) as caught:
        save_contract(**contract_fields(payer, method="schedule", fee_schedule=schedule))

    assert "another payer" in messages_of(caught)["fee_schedule"]


def test_a_biller_may_not_save_a_contract():
    with pytest.raises(PermissionDenied):
        save_contract(**contract_fields(PayerFactory(), actor=UserFactory(roles=[Role.BILLER])))


def test_ending_a_contract_sets_its_last_day():
    contract = ContractFactory()

    end_contract(contract=contract, last_day=dt.date(2026, 6, 30), actor=SYSTEM)

    contract.refresh_from_db()
    assert contract.effective_to == dt.date(2026, 6, 30)


def test_a_contract_cannot_end_before_it_began():
    contract = ContractFactory(effective_from=dt.date(2026, 1, 1))

    with pytest.raises(ValidationError, match="before the first"):
        end_contract(contract=contract, last_day=dt.date(2025, 12, 31), actor=SYSTEM)


def test_the_adjudication_keeps_the_expected_allowed_of_the_contract_in_force():
    payer = PayerFactory()
    schedule = allowed_schedule(payer, {"99213": "90.00", "99213-25": "97.00", "36415": "8.00"})
    ContractFactory(payer=payer, method="schedule", fee_schedule=schedule, percent=None)

    first, second = adjudicated_visit(payer=payer, allowed=("95.00", "8.00"))

    assert first.expected_allowed == Decimal("97.00")  # the line carries modifier 25
    assert first.shortfall == Decimal("2.00")
    assert second.expected_allowed == Decimal("8.00")
    assert first.contract is not None


def test_without_a_contract_nothing_is_expected():
    first, _ = adjudicated_visit()

    assert first.expected_allowed is None
    assert first.contract is None


def test_a_contract_ended_before_the_visit_expects_nothing():
    payer = PayerFactory()
    ContractFactory(payer=payer, effective_to=dt.date(2021, 1, 1))

    first, _ = adjudicated_visit(payer=payer)

    assert first.expected_allowed is None


def test_recording_the_same_source_again_adds_nothing():
    from medoffice.billing.services.contracts import record_adjudication

    first, _ = adjudicated_visit()
    again = record_adjudication(
        charge_line=first.charge_line,
        claim=first.claim,
        payer=first.payer,
        allowed=Decimal("1.00"),
        paid=Decimal("1.00"),
        source_kind=first.source_kind,
        source_id=first.source_id,
        actor=SYSTEM,
    )

    assert again.pk == first.pk
    assert LineAdjudication.objects.count() == 2


def test_the_eob_entry_records_each_lines_allowed_as_paid_plus_the_patients_share():
    claim = accepted_primary()
    ContractFactory(payer=claim.payer, percent=Decimal("70"))

    bill_secondary(claim)

    rows = {r.code: r for r in LineAdjudication.objects.filter(claim=claim)}
    assert rows["99213"].allowed == Decimal("120.00")  # paid 100 + PR-2 20
    assert rows["99213"].paid == Decimal("100.00")
    assert rows["99213"].expected_allowed == Decimal("105.00")  # 70 % of 150
    assert rows["36415"].allowed == Decimal("20.00")
    assert rows["36415"].source_kind == "eob"


def test_the_draft_keeps_the_proposal_and_is_never_in_force():
    payer = PayerFactory()
    ContractFactory(payer=payer, effective_from=dt.date(2025, 1, 1), percent=Decimal("60"))

    draft = save_what_if_draft(
        payer=payer,
        name="Proposal 2027",
        effective_from=dt.date(2027, 1, 1),
        proposed_rates={"99213": Decimal("104.00")},
        percent_change=Decimal("5"),
        today=dt.date(2026, 12, 2),
        actor=SYSTEM,
    )

    assert draft.is_draft
    assert draft.percent == Decimal("63.000")
    assert draft.carve_outs.get().amount == Decimal("104.00")
    assert selectors.contract_in_force(payer.pk, dt.date(2027, 2, 1)).pk != draft.pk


def test_a_draft_needs_something_to_start_from():
    with pytest.raises(ValidationError, match="no contract and no allowed-amount schedule"):
        save_what_if_draft(
            payer=PayerFactory(),
            name="Proposal",
            effective_from=dt.date(2027, 1, 1),
            proposed_rates={"99213": Decimal("104.00")},
            percent_change=None,
            today=dt.date(2026, 12, 2),
            actor=SYSTEM,
        )


def test_many_lines_of_one_source_are_recorded_together_in_order():
    from medoffice.billing.services.contracts import AdjudicatedLine, record_adjudications
    from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of

    encounter = claimed_visit()
    claim = claim_of(encounter)
    ContractFactory(payer=claim.payer, percent=Decimal("50"))
    lines = [
        AdjudicatedLine(line, claim, claim.payer_id, Decimal("10.00"), Decimal("8.00"))
        for line in lines_of(encounter)
    ]

    rows = record_adjudications(lines, source_kind="remittance", source_id="835-1", actor=SYSTEM)
    again = record_adjudications(lines, source_kind="remittance", source_id="835-1", actor=SYSTEM)

    assert [r.code for r in rows] == ["99213", "36415"]
    assert [r.expected_allowed for r in rows] == [Decimal("75.00"), Decimal("10.00")]
    assert [r.pk for r in again] == [r.pk for r in rows]
    assert LineAdjudication.objects.count() == 2


def test_a_line_named_twice_in_one_source_is_recorded_once():
    from medoffice.billing.services.contracts import AdjudicatedLine, record_adjudications
    from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of

    encounter = claimed_visit()
    claim = claim_of(encounter)
    line = AdjudicatedLine(
        lines_of(encounter)[0], claim, claim.payer_id, Decimal("10.00"), Decimal("8.00")
    )

    first, second = record_adjudications(
        [line, line], source_kind="remittance", source_id="835-2", actor=SYSTEM
    )

    assert first.pk == second.pk
    assert LineAdjudication.objects.count() == 1
