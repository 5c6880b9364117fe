"""The plain claim built from the database, field by field, and in batches with a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.claimdata import claim_for_x12, claims_for_x12
from medoffice.billing.models import Claim
from medoffice.billing.services import claims as service
from medoffice.billing.services.encounters import (
    LineInput,
    open_encounter,
    review_encounter,
    save_charges,
    send_to_review,
)
from medoffice.x12 import claims as x12
from tests.billing.factories_claims import (
    claimed_encounter,
    office_visit_codes,
    seen_visit,
    simple_charges,
)
from tests.billing.factories_reference import PayerProfileFactory, ProcedureCodeFactory
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.patients.factories import CoverageFactory, PayerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


@pytest.fixture
def insured():
    patient = PatientFactory(
        first_name="Ada",
        last_name="Lovelace",
        sex="F",
        address_line1="5 Elm St",
        city="Springfield",
        state="MA",
        postal_code="01103",
    )
    payer = PayerFactory(name="Synthetic Blue", payer_id="SB123")
    PayerProfileFactory(payer=payer, filing_indicator="BL")
    coverage = CoverageFactory(patient=patient, payer=payer, member_id="M42", group_number="G7")
    return patient, coverage


def x12_claim(**visit) -> x12.Claim:
    encounter = claimed_encounter(**visit)
    return claim_for_x12(Claim.objects.get(encounter=encounter))


def test_the_billing_provider_is_the_practice(practice):
    built = x12_claim()
    bp = built.billing_provider
    assert (bp.last_name, bp.npi, bp.tax_id, bp.is_person) == (
        practice.legal_name,
        practice.group_npi,
        "041234567",
        False,
    )
    assert bp.address == x12.Address("1 Main Street", "Springfield", "MA", "01103")


def test_the_rendering_provider_is_the_encounters():
    encounter = claimed_encounter()
    built = claim_for_x12(Claim.objects.get(encounter=encounter))
    provider = encounter.rendering_provider
    assert (built.rendering.npi, built.rendering.last_name, built.rendering.taxonomy) == (
        provider.npi,
        provider.last_name,
        "207Q00000X",
    )


def test_the_subscriber_is_the_patient_when_self(insured):
    patient, _coverage = insured
    built = x12_claim(patient=patient)
    assert built.subscriber.member_id == "M42"
    assert built.subscriber.group_number == "G7"
    assert built.subscriber.person.last_name == "Lovelace"
    assert built.subscriber.payer_responsibility == "P"
    assert built.patient is None
    assert built.patient_relationship == "18"


def test_a_dependent_is_the_patient_under_the_coverages_subscriber(insured):
    patient, coverage = insured
    coverage.relationship = "19"
    coverage.subscriber_first_name, coverage.subscriber_last_name = "Charles", "Babbage"
    coverage.subscriber_date_of_birth = dt.date(1970, 1, 2)
    coverage.subscriber_sex = "M"
    coverage.save()
    built = x12_claim(patient=patient)
    assert built.subscriber.person == x12.Person(
        last_name="Babbage",
        first_name="Charles",
        date_of_birth=dt.date(1970, 1, 2),
        sex="M",
        address=x12.Address("5 Elm St", "Springfield", "MA", "01103"),
    )
    assert built.patient.first_name == "Ada"
    assert built.patient_relationship == "19"


def test_the_payer_and_its_filing_indicator_come_from_its_profile(insured):
    patient, _ = insured
    built = x12_claim(patient=patient)
    assert (built.payer.name, built.payer.payer_id) == ("Synthetic Blue", "SB123")
    assert built.payer.address == x12.Address("PO Box 1000", "Boston", "MA", "02101")
    assert built.subscriber.filing_indicator == "BL"


def test_a_self_pay_claim_has_filing_indicator_09():
    built = x12_claim()
    assert built.subscriber.filing_indicator == "09"
    assert built.payer.payer_id == ""


def test_diagnoses_go_without_dots_and_lines_keep_pointers_and_modifiers():
    built = x12_claim()
    assert built.diagnoses == ("E119", "I10")
    first = built.lines[0]
    assert (first.procedure_code, first.modifiers, first.diagnosis_pointers, first.charge) == (
        "99213",
        ("25",),
        (1, 2),
        Decimal("150.00"),
    )
    assert built.total_charge == Decimal("170.00")


def test_a_drug_line_carries_its_ndc():
    ProcedureCodeFactory(code="J1030", code_set="hcpcs", requires_ndc=True)
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    line = LineInput(
        procedure_code="J1030",
        charge="12.00",
        pointers=["A"],
        ndc="00009307303",
        ndc_quantity="1",
        ndc_unit="ML",
    )
    save_charges(actor=SYSTEM, encounter=encounter, data=simple_charges(lines=[line]))
    send_to_review(actor=SYSTEM, encounter=encounter)
    review_encounter(actor=SYSTEM, encounter=encounter, approve=True)
    built = claim_for_x12(Claim.objects.get(encounter=encounter))
    assert built.lines[0].drug == x12.Drug(ndc="00009307303", quantity=Decimal("1.000"), unit="ML")


def test_the_referring_provider_and_prior_authorization():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(
        referring_name="Grace Hopper", referring_npi="1234567893", prior_authorization="PA9"
    )
    save_charges(actor=SYSTEM, encounter=encounter, data=data)
    send_to_review(actor=SYSTEM, encounter=encounter)
    review_encounter(actor=SYSTEM, encounter=encounter, approve=True)
    built = claim_for_x12(Claim.objects.get(encounter=encounter))
    assert (built.referring.first_name, built.referring.last_name, built.referring.npi) == (
        "Grace",
        "Hopper",
        "1234567893",
    )
    assert built.prior_authorization == "PA9"


def test_the_location_is_the_facility_when_its_address_differs(practice):
    location = LocationFactory(practice=practice, address_line1="9 Oak Ave", name="North")
    built = x12_claim(location=location)
    assert built.facility.last_name == "North"
    assert built.facility.address.line1 == "9 Oak Ave"


def test_no_facility_when_the_location_is_at_the_billing_address(practice):
    location = LocationFactory(practice=practice, address_line1="1 Main Street")
    assert x12_claim(location=location).facility is None


def test_a_replacement_names_the_original_payer_claim_number():
    claim = Claim.objects.get(encounter=claimed_encounter())
    for status in ("ready", "submitted"):
        claim = service.transition(claim=claim, to=status, actor=SYSTEM)
    claim = service.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number="PAYER-77")
    void = service.void_claim(claim=claim, actor=SYSTEM, reason="Wrong patient")
    built = claim_for_x12(void)
    assert (built.frequency_code, built.original_reference) == ("8", "PAYER-77")


def test_many_claims_build_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(4):
        claimed_encounter()
    with django_assert_max_num_queries(8):
        built = claims_for_x12(Claim.objects.all())
    assert len(built) == 4


def test_the_query_count_does_not_grow_with_the_claims(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claimed_encounter()
    with CaptureQueriesContext(connection) as one:
        claims_for_x12(Claim.objects.all())
    for _ in range(3):
        claimed_encounter()
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(claims_for_x12(Claim.objects.all())) == 4


def test_claims_come_back_in_the_order_given():
    first, second = (Claim.objects.get(encounter=claimed_encounter()) for _ in range(2))
    built = claims_for_x12([second, first])
    assert [c.control_number for c in built] == [second.control_number, first.control_number]
