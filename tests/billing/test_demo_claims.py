"""The demo's charges and claims keep the services' invariants."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, Q, Sum

from medoffice.billing import icd10
from medoffice.billing.demo_claims import build_claims
from medoffice.billing.models import ChargeLine, Claim, ClaimLine, Encounter, ProcedureCode
from medoffice.billing.selectors.fees import standard_charge
from medoffice.scheduling.models import Appointment
from tests.billing.conftest import flush_keeping_reference_rows
from tests.billing.factories_claims import standard_fee
from tests.billing.factories_reference import ProcedureCodeFactory
from tests.scheduling.test_demo import build_small

pytestmark = pytest.mark.django_db
PREVENTIVE = [f"993{n}" for n in (81, 82, 83, 84, 85, 86, 87, 91, 92, 93, 94, 95, 96, 97)]
CODES = [
    "99212", "99213", "99214", "99203", "36415", "85025", "90686", "90471", "96372", "J1030",
    *PREVENTIVE,
]  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_small()
        for code in CODES:
            ProcedureCodeFactory(code=code, requires_ndc=code.startswith("J"))
        standard_fee("99213", "150.00")
        build_claims({}, 7)
        yield
        flush_keeping_reference_rows()


def test_every_seen_past_visit_has_charges(demo):
    seen = Appointment.objects.filter(
        status__in=["with_provider", "checkout", "completed"], encounter__isnull=False
    )
    assert Encounter.objects.count() == seen.count() > 0


def test_about_thirty_charges_wait_for_review(demo):
    assert Encounter.objects.filter(status="review").count() == 30


def test_every_claimed_encounter_has_one_original_claim_to_its_primary_payer(demo):
    claimed = Encounter.objects.filter(status="claimed").annotate(
        originals=Count(
            "claims", filter=Q(claims__frequency="1", claims__prior_payer_claim__isnull=True)
        )
    )
    assert {e.originals for e in claimed} == {1}


def test_a_secondary_claim_follows_an_adjudicated_primary_of_the_same_visit(demo):
    for follow in Claim.objects.filter(prior_payer_claim__isnull=False).select_related(
        "prior_payer_claim"
    ):
        primary = follow.prior_payer_claim
        assert follow.encounter_id == primary.encounter_id
        assert primary.status == "adjudicated"
        assert primary.adjudication.paid > 0


def test_claims_come_in_many_statuses(demo):
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    # The recent drafts are scrubbed and sent by the next builder (billing-submission).
    assert {"submitted", "accepted", "adjudicated", "closed", "rejected"} <= set(statuses)
    assert statuses["draft"] + statuses["ready"] + statuses["scrubbed"] > 0


def test_a_claims_total_is_the_sum_of_its_lines(demo):
    for claim in Claim.objects.annotate(lines_total=Sum("lines__charge"))[:200]:
        assert claim.total_charge == claim.lines_total


def test_the_demo_bills_only_existing_codes_and_billable_diagnoses(demo):
    known = set(ProcedureCode.objects.values_list("code", flat=True))
    assert set(ChargeLine.objects.values_list("procedure_code", flat=True)) <= known
    for codes in Claim.objects.values_list("diagnoses", flat=True)[:300]:
        assert all(icd10.is_billable(code) for code in codes.split(","))


def test_a_drug_line_carries_an_ndc(demo):
    assert not ClaimLine.objects.filter(procedure_code="J1030", ndc="").exists()


def test_the_standard_fee_is_used_when_there_is_one(demo):
    lines = ChargeLine.objects.filter(procedure_code="99213", modifiers="", units=1)
    day = lines.values_list("encounter__date_of_service", flat=True).first()
    expected = standard_charge("99213", (), day)
    assert expected is not None
    assert set(lines.values_list("charge", flat=True)) == {expected}


def test_a_voided_claim_has_its_void_claim(demo):
    for claim in Claim.objects.filter(status="voided"):
        assert claim.corrections.filter(frequency="8").count() == 1


def test_a_second_run_changes_nothing(demo, django_assert_max_num_queries):
    before = Claim.objects.count()
    with django_assert_max_num_queries(2):
        build_claims({}, 7)
    assert Claim.objects.count() == before


def test_no_self_pay_claim_is_sent_to_a_payer(demo):
    self_pay = Claim.objects.filter(payer__isnull=True)
    assert self_pay.exists()
    assert set(self_pay.values_list("status", flat=True)) <= {"draft", "scrubbed", "ready"}


def test_the_rejection_queue_holds_only_the_last_weeks_claims(demo):
    from tests.frontdesk.factories import local_today

    oldest = local_today() - dt.timedelta(days=60)
    rejected = Claim.objects.filter(status="rejected")
    assert not rejected.filter(date_of_service__lt=oldest).exists()
    assert all(
        reason.startswith("277CA rejected") or reason.startswith("999")
        for reason in rejected.values_list("rejection_reason", flat=True)
    )


def test_an_annual_physical_bills_a_preventive_code_with_the_exam_first(demo):
    physicals = Encounter.objects.filter(
        appointment__appointment_type__code__in=["physical", "wellchild"]
    ).prefetch_related("lines", "diagnoses")
    assert physicals.exists()
    for encounter in physicals[:100]:
        first = min(encounter.lines.all(), key=lambda line: line.line_number)
        principal = min(encounter.diagnoses.all(), key=lambda d: d.position)
        assert first.procedure_code in PREVENTIVE
        assert principal.code.startswith("Z00")


def test_a_sick_visit_is_not_billed_as_a_preventive_visit(demo):
    sick = ChargeLine.objects.filter(
        encounter__appointment__appointment_type__code="sick", line_number=1
    )
    assert sick.exists()
    assert not sick.filter(procedure_code__in=PREVENTIVE).exists()
