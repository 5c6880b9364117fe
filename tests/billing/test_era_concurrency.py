"""Two imports of the same 835 at the same instant post it once: the payment's unique key
(payer id, TRN02, TRN03, BPR02) decides, and the other import says "already imported"."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from medoffice.billing.models import EraPayment, LedgerEntry
from medoffice.billing.services.era import import_era
from medoffice.billing.services.era_rules import seed_posting_rules
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, submitted_claim
from tests.conftest import database_on_disk, in_new_thread
from tests.factories import SYSTEM, PracticeFactory

THREADS = 2


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_post_it_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row-level waiting on the unique key is tested on PostgreSQL")
    PracticeFactory()
    office_visit_codes()
    claim = submitted_claim()
    seed_posting_rules()
    data = era_for(claim)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(name: str) -> None:
        try:
            barrier.wait(timeout=30)
            result = import_era(data=data, filename=name, actor=SYSTEM)
            outcome = (
                "posted"
                if result.payments_posted
                else "skipped:" + " ".join(result.already_imported)
            )
        except Exception as exc:
            outcome = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    with database_on_disk(tmp_path):
        threads = [threading.Thread(target=attempt, args=(f"t{i}.835",)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        payments = in_new_thread(lambda: EraPayment.objects.count())
        payments_entries = in_new_thread(
            lambda: LedgerEntry.objects.filter(source_kind="era", kind="ins_payment").count()
        )

    assert [o for o in outcomes if o.startswith("error")] == []
    assert outcomes.count("posted") == 1
    assert any("already imported" in o for o in outcomes if o.startswith("skipped"))
    assert payments == 1
    assert payments_entries == 1
