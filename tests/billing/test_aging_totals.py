"""The ledger's daily totals the A/R aging sums: after any postings — charges, payments,
write-offs, transfers, reversals, the 835's bulk posting, entries written any way at all —
they hold exactly the ledger's sums (per payer or the patients' share, per patient, per
location, date of service and effective date), and the aging read from them is the aging
summed from the entries, to the cent; a busy ledger falls back to the entries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing import aging
from medoffice.billing.choices import LedgerKind, LedgerParty
from medoffice.billing.models import (
    LedgerEntry,
    LedgerTotalsMark,
    PatientDayTotal,
    PayerDayTotal,
)
from medoffice.billing.selectors import aging as selectors
from medoffice.billing.services import ledger as service
from medoffice.billing.services import ledger_totals
from medoffice.billing.services.era import import_era
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, submitted_claim
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import CoverageFactory

INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
D = Decimal
KEY = ("location_id", "service_date", "effective_date")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def manager(**kw):
    return UserFactory(roles=[Role.OFFICE_MANAGER], **kw)


def raw_payer_sums() -> dict[tuple, int]:
    """The ledger summed per (payer or 0, location, service date, effective date), in cents."""
    sums: dict[tuple, int] = defaultdict(int)
    for e in LedgerEntry._base_manager.all():
        key = (e.payer_id or 0, e.location_id, e.service_date, e.effective_date)
        sums[key] += int(e.amount * 100)
    return {k: v for k, v in sums.items() if v}


def raw_patient_sums() -> dict[tuple, int]:
    sums: dict[tuple, int] = defaultdict(int)
    for e in LedgerEntry._base_manager.filter(payer__isnull=True):
        sums[(e.patient_id, e.location_id, e.service_date, e.effective_date)] += int(e.amount * 100)
    return {k: v for k, v in sums.items() if v}


def folded_payer_sums() -> dict[tuple, int]:
    return {
        (t.payer_key, t.location_id, t.service_date, t.effective_date): t.cents
        for t in PayerDayTotal._base_manager.all()
        if t.cents
    }


def folded_patient_sums() -> dict[tuple, int]:
    return {
        (t.patient_id, t.location_id, t.service_date, t.effective_date): t.cents
        for t in PatientDayTotal._base_manager.all()
        if t.cents
    }


def mark() -> int:
    row = LedgerTotalsMark._base_manager.filter(pk=ledger_totals.MARK_ID).first()
    return row.last_entry_id if row else 0


def to_patient(visit, amount="30.00", line=0):
    service.transfer(
        actor=SYSTEM, line=lines_of(visit)[line], amount=amount, from_party=INS,
        from_payer_id=claim_of(visit).payer_id, to_party=PAT,
    )  # fmt: skip


def busy_ledger(monkeypatch):
    """The fold cannot have its lock (another writer holds the ledger)."""

    def refuse() -> None:
        raise OperationalError("could not obtain lock on relation")

    monkeypatch.setattr(ledger_totals, "_lock_ledger", refuse)


# --- the totals are the ledger's sums -------------------------------------------------------


def test_the_fold_of_an_empty_ledger_leaves_nothing_to_sum():
    assert ledger_totals.fold() is True
    assert folded_payer_sums() == {}
    assert ledger_totals.is_current()


def test_after_charges_the_totals_are_the_ledgers_sums():
    claimed_visit()
    claimed_visit(insured=False, days_ago=40)
    ledger_totals.fold()
    assert folded_payer_sums() == raw_payer_sums()
    assert folded_patient_sums() == raw_patient_sums()


def test_after_payments_write_offs_and_transfers_the_totals_are_the_ledgers_sums():
    visit = claimed_visit(days_ago=50)
    ledger_totals.fold()
    line = lines_of(visit)[0]
    payer_id = claim_of(visit).payer_id
    service.post_insurance_payment(actor=SYSTEM, line=line, payer_id=payer_id, amount="80.00")
    service.write_off(
        actor=SYSTEM, line=line, kind=LedgerKind.CONTRACTUAL, amount="40.00", party=INS,
        payer_id=payer_id, reason_code="45",
    )  # fmt: skip
    to_patient(visit, "30.00")
    ledger_totals.fold()
    assert folded_payer_sums() == raw_payer_sums()
    assert folded_patient_sums() == raw_patient_sums()


def test_a_reversal_takes_its_entry_back_out_of_the_totals():
    visit = claimed_visit(days_ago=20)
    to_patient(visit, "30.00")
    ledger_totals.fold()
    transfer = LedgerEntry.objects.filter(kind=LedgerKind.TRANSFER, party=PAT).get()
    service.reverse_entry(actor=SYSTEM, entry=transfer, reason="posted to the wrong line")
    ledger_totals.fold()
    assert folded_payer_sums() == raw_payer_sums()
    assert folded_patient_sums() == raw_patient_sums() == {}


def test_the_835_posting_folds_its_entries_in_once_committed(django_capture_on_commit_callbacks):
    claim = submitted_claim()
    ledger_totals.fold()
    with django_capture_on_commit_callbacks(execute=True):
        import_era(data=era_for(claim), filename="remit.835", actor=SYSTEM)
    assert mark() == LedgerEntry._base_manager.order_by("-pk").values_list("pk", flat=True)[0]
    assert folded_payer_sums() == raw_payer_sums()
    assert folded_patient_sums() == raw_patient_sums()


def test_a_writer_asking_twice_in_one_transaction_folds_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ledger_totals.after_commit()
        ledger_totals.after_commit()
    assert len(callbacks) == 1


def test_folding_again_adds_nothing():
    claimed_visit()
    ledger_totals.fold()
    before = folded_payer_sums()
    ledger_totals.fold()
    assert folded_payer_sums() == before


def test_the_mark_is_the_last_entry_folded_in():
    claimed_visit()
    ledger_totals.fold()
    assert mark() == LedgerEntry._base_manager.order_by("-pk").values_list("pk", flat=True)[0]


def test_entries_written_after_the_fold_are_counted_by_the_next_aging():
    visit = claimed_visit(days_ago=10)
    ledger_totals.fold()
    claimed_visit(days_ago=10)
    assert not ledger_totals.is_current()
    view = selectors.aging_by_payer(manager(), as_of=visit.date_of_service + dt.timedelta(days=10))
    assert view.total == D("340.00")
    assert ledger_totals.is_current()


def test_a_busy_ledger_leaves_the_totals_and_the_mark_as_they_were(monkeypatch):
    claimed_visit()
    busy_ledger(monkeypatch)
    assert ledger_totals.fold() is False
    assert mark() == 0
    assert folded_payer_sums() == {}


def test_with_the_ledger_busy_the_aging_sums_the_entries_themselves(monkeypatch):
    visit = claimed_visit(days_ago=45)
    to_patient(visit, "30.00")
    busy_ledger(monkeypatch)
    as_of = visit.date_of_service + dt.timedelta(days=45)
    view = selectors.aging_by_payer(manager(), as_of=as_of)
    assert view.total == D("170.00")
    assert view.totals["days_31_60"] == D("170.00")
    assert selectors.aging_by_patient(manager(), as_of=as_of).total == D("30.00")
    assert mark() == 0


# --- the aging from the totals is the aging from the entries ----------------------------------


def views(user, as_of, location_id=None):
    return (
        selectors.aging_by_payer(user, as_of=as_of, location_id=location_id),
        selectors.aging_by_patient(user, as_of=as_of, location_id=location_id, limit=None),
        selectors.ar_over(user, as_of=as_of),
    )


def test_the_aging_from_the_totals_is_the_aging_from_the_entries(monkeypatch):
    first = claimed_visit(days_ago=100)
    second = claimed_visit(days_ago=35, insured=False)
    to_patient(first, "30.00")
    as_of = first.date_of_service + dt.timedelta(days=100)
    user = manager()
    from_totals = views(user, as_of)
    assert ledger_totals.is_current()
    monkeypatch.setattr(ledger_totals, "catch_up", lambda: False)
    assert views(user, as_of) == from_totals
    assert second.date_of_service <= as_of


def test_a_user_limited_to_a_location_sees_only_its_totals():
    north = LocationFactory(name="Northgate", code="NG")
    south = LocationFactory(name="Riverside Main", code="RM")
    here = claimed_visit(location=north, insured=False, days_ago=5)
    claimed_visit(location=south, insured=False, days_ago=5)
    ledger_totals.fold()
    user = manager(locations=[north])
    as_of = here.date_of_service + dt.timedelta(days=5)
    assert selectors.aging_by_payer(user, as_of=as_of).total == D("170.00")
    assert [r.patient_id for r in selectors.aging_by_patient(user, as_of=as_of).rows] == [
        here.patient_id
    ]
    assert selectors.ar_over(user, as_of=as_of)[0] == D("170.00")


# --- random ledgers (hypothesis) --------------------------------------------------------------

AS_OF = dt.date(2026, 6, 30)
DAYS = st.integers(min_value=-5, max_value=400)  # days before AS_OF (a few after it)
ENTRY = st.tuples(
    st.integers(min_value=0, max_value=3),  # whose: 0-1 a payer, 2-3 a patient
    st.integers(min_value=0, max_value=1),  # which visit (location)
    st.integers(min_value=-50_000, max_value=50_000).filter(bool),  # cents, never 0
    DAYS,  # service date
    st.integers(min_value=0, max_value=60),  # effective that many days after the service
)


@pytest.fixture
def ledger_parts():
    """Two visits at two locations and two payers, for entries written straight to the
    ledger (as a bulk writer does)."""
    visits = []
    payers = []
    for name, code in (("Northgate", "NG"), ("Riverside Main", "RM")):
        location = LocationFactory(name=name, code=code)
        patient = PatientFactory(home_location=location)
        payers.append(CoverageFactory(patient=patient, order=1).payer_id)
        visits.append(claimed_visit(patient, location=location))
    lines = [lines_of(v)[0] for v in visits]
    return visits, payers, lines


def write(entries, visits, payers, lines) -> list[LedgerEntry]:
    rows = []
    now = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
    for whose, which, cents, days, after in entries:
        service_date = AS_OF - dt.timedelta(days=days)
        payer = payers[whose] if whose < 2 else None
        visit = visits[which]
        rows.append(
            LedgerEntry(
                charge_line=lines[which], patient_id=visit.patient_id,
                location_id=visit.location_id, kind=LedgerKind.OTHER_ADJUSTMENT,
                party=INS if payer else PAT, payer_id=payer, amount=D(cents).scaleb(-2),
                allows_credit=True, service_date=service_date,
                effective_date=service_date + dt.timedelta(days=after), posted_at=now,
            )
        )  # fmt: skip
    return LedgerEntry.objects.bulk_create(rows)


def expected_by_payer(user, as_of):
    """The aging by payer computed in Python from the entries with the pure bucket rule."""
    rows: dict[int | None, dict[str, Decimal]] = defaultdict(
        lambda: {b.key: D("0.00") for b in aging.BUCKETS}
    )
    for e in LedgerEntry.objects.restrict(user, "view").filter(effective_date__lte=as_of):
        rows[e.payer_id][aging.bucket_of(e.service_date, as_of)] += e.amount
    return {k: v for k, v in rows.items() if sum(v.values())}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.lists(ENTRY, min_size=1, max_size=8), min_size=1, max_size=4),
    as_of_back=st.integers(min_value=-5, max_value=200),
)
def test_on_any_ledger_folded_in_any_batches_the_totals_and_the_aging_are_exact(
    ledger_parts, batches, as_of_back
):
    visits, payers, lines = ledger_parts
    user = manager()
    as_of = AS_OF - dt.timedelta(days=as_of_back)
    with transaction.atomic():
        for batch in batches:
            write(batch, visits, payers, lines)
            ledger_totals.fold()
        assert folded_payer_sums() == raw_payer_sums()
        assert folded_patient_sums() == raw_patient_sums()
        view = selectors.aging_by_payer(user, as_of=as_of)
        assert {r.key: r.buckets for r in view.rows} == expected_by_payer(user, as_of)
        transaction.set_rollback(True)


def test_the_totals_are_whole_cents_summed_exactly():
    """Sums SQLite would add in binary floating point (0.1 + 0.2) come out to the cent."""
    visit = claimed_visit(insured=False, days_ago=1)
    line = lines_of(visit)[0]
    for amount in ("0.10", "0.20", "0.05"):
        service.write_off(
            actor=SYSTEM,
            line=line,
            kind=LedgerKind.SMALL_BALANCE,
            amount=amount,
            party=PAT,
            note="small balance",
        )
    ledger_totals.fold()
    assert PatientDayTotal._base_manager.aggregate(c=Sum("cents"))["c"] == 17000 - 35
