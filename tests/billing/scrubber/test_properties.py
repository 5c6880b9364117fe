"""Random claims: the scrubber gives findings, never an exception; and each single change
to a clean claim makes its own code fire."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing.scrubber import (
    Coverage,
    Finding,
    OtherClaim,
    OtherClaimStatus,
    PreviousFiling,
    ScrubCode,
    ScrubInput,
    TimelyFiling,
    scrub,
)
from medoffice.x12.claims import (
    Address,
    Claim,
    Drug,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)
from tests.billing.scrubber.builders import (
    BILLING_NPI,
    MODIFIERS,
    PLACES_OF_SERVICE,
    PROCEDURES,
    REFERENCE,
    clean_input,
)
from tests.billing.scrubber.mutations import MUTATIONS

dates = st.dates() | st.sampled_from([dt.date.min, dt.date.max, dt.date(2024, 2, 29)])
money = st.decimals(min_value=-(10**6), max_value=10**6, places=2) | st.sampled_from(
    [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
short = st.text(max_size=12)
codes = st.sampled_from([p.code for p in PROCEDURES]) | short
modifiers = st.sampled_from(sorted(MODIFIERS)) | st.text(max_size=3)
places = st.sampled_from(sorted(PLACES_OF_SERVICE)) | short
diagnoses = st.sampled_from(["E119", "I10", "E11", "N401", "O80", "W010XXA", "ZZ9"]) | short

addresses = st.none() | st.builds(Address, short, short, short, short, short)
providers = st.builds(
    Provider,
    last_name=short,
    npi=st.sampled_from([BILLING_NPI, "", "1234567890"]) | short,
    tax_id=short,
    tax_id_is_ssn=st.booleans(),
    address=addresses,
)
people = st.builds(
    Person,
    short,
    short,
    st.none() | dates,
    st.sampled_from(["M", "F", "U", ""]) | short,
    address=addresses,
)
drugs = st.none() | st.builds(Drug, short, money, short)
service_lines = st.builds(
    ServiceLine,
    procedure_code=codes,
    charge=money,
    units=money,
    service_from=dates,
    diagnosis_pointers=st.lists(st.integers(-2, 15), max_size=6).map(tuple),
    modifiers=st.lists(modifiers, max_size=6).map(tuple),
    service_to=st.none() | dates,
    place_of_service=places,
    description=st.text(max_size=100),
    drug=drugs,
    rendering=st.none() | providers,
    ordering=st.none() | providers,
)
claims = st.builds(
    Claim,
    control_number=short,
    billing_provider=providers,
    payer=st.builds(Payer, short, short),
    subscriber=st.builds(Subscriber, short, people),
    diagnoses=st.lists(diagnoses, max_size=14).map(tuple),
    lines=st.lists(service_lines, max_size=8).map(tuple),
    place_of_service=places,
    patient=st.none() | people,
    patient_relationship=st.sampled_from(["18", "19", "01", "G8"]) | short,
    frequency_code=st.sampled_from(["1", "7", "8"]) | short,
    original_reference=short,
    prior_authorization=short,
    referring=st.none() | providers,
    facility=st.none() | providers,
    onset_date=st.none() | dates,
    patient_paid=money,
)
inputs = st.builds(
    ScrubInput,
    claim=claims,
    today=dates,
    reference=st.just(REFERENCE),
    patient_sex=st.none() | short,
    patient_date_of_birth=st.none() | dates,
    coverage=st.none() | st.builds(Coverage, st.none() | dates, st.none() | dates),
    timely_filing=st.builds(TimelyFiling, st.none() | st.integers(-1000, 10**10), st.booleans()),
    previous_filings=st.lists(st.builds(PreviousFiling, dates, st.booleans()), max_size=3).map(
        tuple
    ),
    other_claims=st.lists(
        st.builds(
            OtherClaim,
            short,
            st.sampled_from(list(OtherClaimStatus)),
            st.lists(st.tuples(dates, codes), max_size=3).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
)


# The first call builds the ICD-10-CM index (about a second): no deadline.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs)
def test_any_claim_gives_findings_and_never_an_exception(inp):
    findings = scrub(inp)

    assert all(isinstance(f, Finding) and f.code in ScrubCode for f in findings)


@settings(deadline=None)
@given(st.sampled_from(sorted(MUTATIONS)))
def test_one_change_to_a_clean_claim_makes_its_code_fire(code):
    assert code in {f.code for f in scrub(MUTATIONS[code](clean_input()))}
