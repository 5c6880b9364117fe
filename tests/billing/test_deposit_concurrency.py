"""Two people matching the same deposit to the same held payment at the same instant post
it once: the deposit's and the payment's rows are locked (``select_for_update``) and the
second matching finds the payment matched and posted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from medoffice.billing.models import EraPayment, EraPaymentStatus, LedgerEntry
from medoffice.billing.services.deposits import create_deposit, match_deposit
from medoffice.billing.services.era import import_era
from medoffice.billing.services.era_rules import seed_posting_rules
from medoffice.billing.services.options import set_hold_posting
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import PAID_ON, era_for, submitted_claim
from tests.conftest import database_on_disk, in_new_thread
from tests.factories import SYSTEM, PracticeFactory

THREADS = 2


@pytest.mark.django_db(transaction=True)
def test_two_matchings_of_one_held_payment_at_once_post_it_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are tested on PostgreSQL")
    PracticeFactory()
    office_visit_codes()
    claim = submitted_claim()
    seed_posting_rules()
    set_hold_posting(hold=True, actor=SYSTEM)
    import_era(data=era_for(claim), filename="held.835", actor=SYSTEM)
    deposit = create_deposit(
        actor=SYSTEM, deposit_date=PAID_ON, amount="95.00", method="eft", reference="BANK-1"
    )
    payment_id = EraPayment.objects.get().pk
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            posted = match_deposit(deposit_id=deposit.pk, payment_ids=[payment_id], actor=SYSTEM)
            outcome = f"posted:{posted}"
        except Exception as exc:
            outcome = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    with database_on_disk(tmp_path):
        threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        payments = in_new_thread(
            lambda: LedgerEntry.objects.filter(source_kind="era", kind="ins_payment").count()
        )
        status = in_new_thread(lambda: EraPayment.objects.get().status)

    assert sorted(outcomes) == ["posted:0", "posted:1"]
    assert payments == 1
    assert status == EraPaymentStatus.POSTED
