"""The ledger's invariants under any sequence of postings.

Hypothesis draws a sequence of insurance payments, adjustments and write-offs, transfers
(payer to payer, payer to patient, back), desk payments with their applications, voids and
refunds, and reversals of any entry, on two visits of one patient with a primary and a
secondary payer. Whatever the services accept or refuse, after every step:

- total A/R equals the sum of the line balances, and of all the entries;
- each party's balance on each line (each payer, the patient) equals the sum of its entries,
  and the patient's balance the sum of the patient's entries;
- no party's balance on a line is below zero unless an entry of it was posted as a credit;
- a refused posting writes nothing;
- no desk payment has more applied than it kept (its unapplied money is never below zero).

Each example runs in a transaction rolled back at its end, on the same two visits.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing.choices import LedgerKind, LedgerParty
from medoffice.billing.models import LedgerEntry, PatientPayment
from medoffice.billing.selectors import ledger as balances
from medoffice.billing.services import ledger as service
from medoffice.billing.services.payments import refund_payment, take_payment, void_payment
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import CoverageFactory

pytestmark = pytest.mark.django_db
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200.00"), places=2)
line_index = st.integers(min_value=0, max_value=3)
party_index = st.integers(min_value=0, max_value=2)  # primary, secondary, patient
index = st.integers(min_value=0, max_value=30)
operation = st.one_of(
    st.tuples(st.just("insurance_payment"), line_index, st.integers(0, 1), amounts, st.booleans()),
    st.tuples(
        st.just("write_off"),
        line_index,
        party_index,
        amounts,
        st.sampled_from(sorted(service.WRITE_OFF_KINDS)),
    ),
    st.tuples(st.just("transfer"), line_index, party_index, party_index, amounts),
    st.tuples(st.just("desk_payment"), amounts),
    st.tuples(st.just("apply"), index, st.none() | amounts),
    st.tuples(st.just("apply_to_line"), index, line_index, amounts),
    st.tuples(st.just("void"), index),
    st.tuples(st.just("refund"), index, amounts),
    st.tuples(st.just("reverse"), index, st.booleans()),
)


@pytest.fixture
def office(practice):
    """Two claimed visits of one patient (four lines), a primary and a secondary payer."""
    office_visit_codes()
    location = LocationFactory()
    patient = PatientFactory(home_location=location)
    primary = CoverageFactory(patient=patient, order=1)
    secondary = CoverageFactory(patient=patient, order=2)
    visits = [claimed_visit(patient, location=location, days_ago=d) for d in (20, 3)]
    assert {claim_of(v).payer_id for v in visits} == {primary.payer_id}
    return {
        "patient": patient,
        "location": location,
        "lines": [line for v in visits for line in lines_of(v)],
        "parties": [(INS, primary.payer_id), (INS, secondary.payer_id), (PAT, None)],
        "desk": UserFactory(roles=[Role.FRONT_DESK], locations=[location]),
        "manager": UserFactory(roles=[Role.OFFICE_MANAGER]),
    }


def _pick(items: list, i: int):
    return items[i % len(items)] if items else None


def _run(office, op) -> None:
    lines, parties = office["lines"], office["parties"]
    payments = list(PatientPayment.objects.filter(patient=office["patient"]).order_by("pk"))
    name, *args = op
    if name == "insurance_payment":
        line, (_, payer_id), amount, credit = lines[args[0]], parties[args[1]], args[2], args[3]
        service.post_insurance_payment(
            actor=SYSTEM, line=line, payer_id=payer_id, amount=amount, allows_credit=credit
        )
    elif name == "write_off":
        (party, payer_id), kind = parties[args[1]], args[3]
        service.write_off(
            actor=SYSTEM, line=lines[args[0]], kind=kind, amount=args[2], party=party,
            payer_id=payer_id, reason_code="45",
        )  # fmt: skip
    elif name == "transfer":
        (from_party, from_payer), (to_party, to_payer) = parties[args[1]], parties[args[2]]
        service.transfer(
            actor=SYSTEM, line=lines[args[0]], amount=args[3], from_party=from_party,
            from_payer_id=from_payer, to_party=to_party, to_payer_id=to_payer,
        )  # fmt: skip
    elif name == "desk_payment":
        take_payment(
            actor=office["desk"], patient=office["patient"], location=office["location"],
            amount=args[0], method="cash",
        )  # fmt: skip
    elif name == "apply" and payments:
        service.apply_payment(
            actor=office["desk"], payment=_pick(payments, args[0]), amount=args[1]
        )
    elif name == "apply_to_line" and payments:
        service.apply_payment(
            actor=office["desk"], payment=_pick(payments, args[0]),
            lines={lines[args[1]].pk: args[2]},
        )  # fmt: skip
    elif name == "void" and payments:
        void_payment(actor=office["manager"], payment=_pick(payments, args[0]), reason="In error")
    elif name == "refund" and payments:
        refund_payment(
            actor=office["manager"], payment=_pick(payments, args[0]), amount=args[1],
            reason="Asked for it back",
        )  # fmt: skip
    elif name == "reverse":
        entry = _pick(list(LedgerEntry.objects.order_by("pk")), args[0])
        service.reverse_entry(
            actor=SYSTEM, entry=entry, reason="Posted in error", allows_credit=args[1]
        )


def _check(office) -> None:
    entries = list(
        LedgerEntry.objects.values_list(
            "charge_line_id", "party", "payer_id", "amount", "allows_credit"
        )
    )
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    credit: dict[tuple, bool] = defaultdict(bool)
    for line_id, party, payer_id, amount, allows_credit in entries:
        sums[line_id, party, payer_id] += amount
        credit[line_id, party, payer_id] |= allows_credit
    for (line_id, party, payer_id), total in sums.items():
        assert balances.party_balance_of(line_id, party, payer_id) == total
        assert total >= 0 or credit[line_id, party, payer_id], (line_id, party, payer_id, total)
    line_totals = [balances.line_balance_of(line.pk).total for line in office["lines"]]
    everything = sum((e[3] for e in entries), Decimal("0"))
    assert balances.total_ar(SYSTEM).total == sum(line_totals, Decimal("0")) == everything
    assert balances.patient_balance(SYSTEM, office["patient"].pk) == balances.Balance(
        insurance=sum((e[3] for e in entries if e[1] == INS), Decimal("0.00")),
        patient=sum((e[3] for e in entries if e[1] == PAT), Decimal("0.00")),
    )
    unapplied = [balances.unapplied_of(p) for p in PatientPayment.objects.all()]
    assert all(u >= 0 for u in unapplied), unapplied
    assert balances.patient_unapplied_of(office["patient"].pk) == sum(unapplied, Decimal("0.00"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, max_size=14))
def test_balances_are_the_sum_of_their_entries_after_any_postings(office, operations):
    with transaction.atomic():
        for op in operations:
            before = LedgerEntry.objects.count()
            try:
                _run(office, op)
            except ValidationError:
                assert LedgerEntry.objects.count() == before, f"{op} was refused but wrote"
            _check(office)
        transaction.set_rollback(True)


def test_the_kinds_drawn_are_the_write_offs():
    assert {
        LedgerKind.CONTRACTUAL,
        LedgerKind.OTHER_ADJUSTMENT,
        LedgerKind.DENIAL_WRITE_OFF,
        LedgerKind.SMALL_BALANCE,
    } == service.WRITE_OFF_KINDS
