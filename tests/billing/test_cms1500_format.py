"""The CMS-1500's values, formatted the way the NUCC 1500 instruction manual (02/12) says."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import cms1500
from medoffice.billing.cms1500 import Cms1500Error, claim_pages
from medoffice.x12.claims import Address, Person, Provider, Subscriber
from tests.x12 import builders as b

names = st.text(alphabet=st.characters(min_codepoint=65, max_codepoint=90), min_size=1, max_size=40)


def first_page(claim) -> dict[str, str]:
    return claim_pages(claim)[0]


def test_patient_name_is_last_first_middle_initial():
    person = replace(b.SUBSCRIBER_PERSON, middle_name="Louise", suffix="Jr.")
    assert cms1500.person_name(person, 28) == "RIVERA JR, MARIA, L"


def test_a_long_name_loses_its_middle_initial_then_first_name_letters():
    person = Person("Montgomery-Fitzgerald", "Alexandrina", None, "F", middle_name="Q")
    assert cms1500.person_name(person, 28) == "MONTGOMERY-FITZGERALD, ALEXA"
    assert cms1500.person_name(replace(person, first_name="Al"), 28) == (
        "MONTGOMERY-FITZGERALD, AL, Q"
    )


@given(last=names, first=names, middle=names)
def test_a_fitted_name_never_passes_its_width_and_starts_with_the_last_name(last, first, middle):
    name = cms1500.person_name(Person(last, first, None, "U", middle_name=middle), 28)
    assert len(name) <= 28
    assert name.startswith(last[:28])


def test_a_referring_provider_is_first_middle_initial_last():
    assert cms1500.provider_name(b.REFERRING, 25) == "PER J LINDQVIST"
    assert cms1500.provider_name(b.FACILITY, 26) == "VALLEY SURGICAL CENTER"


@given(cents=st.integers(min_value=0, max_value=10**9))
def test_money_splits_into_dollars_and_cents_without_a_dollar_sign(cents):
    dollars, rest = cms1500.money(Decimal(cents) / 100, "box 24F")
    assert int(dollars) * 100 + int(rest) == cents
    assert len(rest) == 2
    assert "$" not in dollars


def test_a_negative_amount_is_refused_naming_the_box():
    with pytest.raises(Cms1500Error, match="box 29"):
        cms1500.money(Decimal("-1"), "box 29")


def test_service_dates_are_mm_dd_yy_and_the_birth_date_mm_dd_yyyy():
    page = first_page(b.claim())
    assert [page[f"24A-from-{p}.1"] for p in ("mm", "dd", "yy")] == ["11", "20", "26"]
    assert [page[f"24A-to-{p}.1"] for p in ("mm", "dd", "yy")] == ["11", "20", "26"]
    assert [page[f"3-{p}"] for p in ("mm", "dd", "yyyy")] == ["03", "14", "1980"]
    assert [page[f"11a-{p}"] for p in ("mm", "dd", "yyyy")] == ["03", "14", "1980"]


def test_charges_are_right_aligned_dollars_and_cents():
    page = first_page(b.full_claim())
    assert (page["24F-dollars.2"], page["24F-cents.2"]) == ("   18", "50")
    assert (page["28-dollars"].strip(), page["28-cents"]) == ("183", "50")
    assert (page["29-dollars"].strip(), page["29-cents"]) == ("20", "00")


def test_twelve_diagnoses_go_to_a_through_l_without_the_dot():
    claim = b.full_claim()
    page = first_page(replace(claim, diagnoses=("E11.9", *claim.diagnoses[1:])))
    assert [page[f"21-{letter}"] for letter in "ABCDEFGHIJKL"] == [
        "E119",
        *claim.diagnoses[1:],
    ]
    assert page["21-ind"] == "0"


def test_thirteen_diagnoses_are_refused():
    claim = b.full_claim()
    with pytest.raises(Cms1500Error, match="12 diagnoses"):
        claim_pages(replace(claim, diagnoses=(*claim.diagnoses, "Z23")))


def test_diagnosis_pointers_are_letters():
    page = first_page(b.full_claim())
    assert [page[f"24E.{n}"] for n in (1, 2, 3)] == ["ABCD", "EFGH", "IJKL"]


def test_the_shaded_line_holds_the_ndc_with_its_unit_and_quantity():
    assert first_page(b.full_claim())["supplemental.2"] == "N400009004701 ML2"


def test_a_not_otherwise_classified_description_follows_the_ndc_after_three_spaces():
    assert first_page(b.full_claim())["supplemental.3"] == (
        "N400781123401 UN1.5   ZZUNCLASSIFIED DRUG ONDANSETRON 4MG ORAL"
    )


def test_modifiers_go_to_their_own_columns():
    line = b.office_visit(modifiers=("25", "59"))
    page = first_page(b.claim(lines=(line,)))
    assert (page["24D.1"], page["24D-mod1.1"], page["24D-mod2.1"]) == ("99213", "25", "59")
    assert "24D-mod3.1" not in page


def test_fractional_units_keep_their_decimal_point():
    page = first_page(b.claim(lines=(b.office_visit(units=Decimal("1.50")),)))
    assert page["24G.1"] == "1.5"


def test_a_replacement_claim_prints_resubmission_code_and_original_reference():
    page = first_page(b.claim(frequency_code="7", original_reference="ACME123"))
    assert (page["22-code"], page["22-original"]) == ("7", "ACME123")


def test_an_original_claim_leaves_box_22_empty():
    page = first_page(b.claim())
    assert "22-code" not in page
    assert "22-original" not in page


def test_signatures_on_file_and_accept_assignment():
    page = first_page(b.claim())
    assert page["12"] == page["13"] == page["31"] == "SIGNATURE ON FILE"
    assert page["27-yes"] == "X"
    refused = first_page(b.claim(accepts_assignment=False, benefits_assigned=False))
    assert refused["27-no"] == "X"
    assert "13" not in refused


def test_referring_provider_has_qualifier_dn_name_and_npi():
    page = first_page(b.full_claim())
    assert (page["17-qual"], page["17"], page["17b"]) == ("DN", "PER J LINDQVIST", "1093817255")


def test_rendering_npi_is_the_lines_else_the_claims():
    page = first_page(b.full_claim())
    assert page["24J.1"] == b.RENDERING.npi
    assert page["24J.3"] == b.REFERRING.npi


def test_billing_provider_has_name_address_phone_npi_and_taxonomy():
    page = first_page(b.claim())
    assert page["33-name"] == "VALLEY FAMILY MEDICINE"
    assert page["33-city"] == "NORTHAMPTON MA 01060-3456"
    assert (page["33-phone-area"], page["33-phone"]) == ("413", "5550100")
    assert (page["33a"], page["33b"]) == ("1234567893", "ZZ207Q00000X")


def test_facility_has_name_address_and_npi():
    page = first_page(b.full_claim())
    assert (page["32-name"], page["32-city"], page["32a"]) == (
        "VALLEY SURGICAL CENTER",
        "AMHERST MA 01002",
        "1700906920",
    )


def test_addresses_carry_no_punctuation():
    address = Address("12 N. Oak Ave., #4", "Florence", "MA", "01062")
    person = replace(b.SUBSCRIBER_PERSON, address=address)
    page = first_page(b.claim(subscriber=replace(b.SUBSCRIBER, person=person)))
    assert page["5-street"] == "12 N OAK AVE 4"


@pytest.mark.parametrize(
    ("indicator", "box"),
    [("MB", "1-medicare"), ("MC", "1-medicaid"), ("CI", "1-group"), ("WC", "1-other")],
)
def test_insurance_type_is_checked_from_the_filing_indicator(indicator, box):
    subscriber = replace(b.SUBSCRIBER, filing_indicator=indicator)
    assert first_page(b.claim(subscriber=subscriber))[box] == "X"


def test_a_dependent_is_the_insureds_child_with_their_own_name_and_birth_date():
    page = first_page(b.dependent_claim())
    assert page["6-child"] == "X"
    assert page["2"] == "RIVERA, LUCAS"
    assert page["4"] == "RIVERA, MARIA, L"
    assert page["3-yyyy"] == "2015"
    assert page["3-m"] == "X"


def test_other_insurance_fills_box_9_and_checks_11d_yes():
    other = Subscriber(
        "B77", replace(b.CHILD, first_name="Ana"), group_number="G9", payer=b.OTHER_PAYER
    )
    page = first_page(b.claim(other_subscribers=(other,)))
    assert (page["9"], page["9a"], page["11d-yes"]) == ("RIVERA, ANA", "G9", "X")


def test_an_auto_accident_checks_10b_with_its_state():
    page = first_page(b.claim(related_causes=("AA",), accident_state="NY"))
    assert (page["10b-yes"], page["10b-state"], page["10a-no"], page["10c-no"]) == (
        "X",
        "NY",
        "X",
        "X",
    )


def test_the_carrier_block_holds_the_payers_name_and_address():
    page = first_page(b.claim())
    assert [page[f"carrier-{n}"] for n in (1, 2, 3)] == [
        "ACME HEALTH PLAN",
        "PO BOX 500",
        "HARTFORD CT 06101",
    ]


def test_seven_lines_continue_on_a_second_page_with_the_total_on_the_last():
    lines = tuple(b.office_visit(charge=Decimal(10 + n)) for n in range(7))
    pages = claim_pages(b.claim(lines=lines))
    assert len(pages) == 2
    assert pages[0]["28-continued"] == "CONTINUED"
    assert "28-dollars" not in pages[0]
    assert (pages[1]["28-dollars"].strip(), pages[1]["28-cents"]) == ("91", "00")
    assert pages[1]["24F-dollars.1"].strip() == "16"
    assert "24D.2" not in pages[1]
    assert pages[1]["2"] == pages[0]["2"]


def test_every_value_fits_its_field():
    long = "Bartholomew-Vanderbilt-Worthington"
    person = replace(b.SUBSCRIBER_PERSON, last_name=long, first_name=long, middle_name=long)
    billing = replace(b.BILLING, last_name=f"{long} Family Medicine and Surgery Associates")
    claim = b.claim(
        subscriber=replace(b.SUBSCRIBER, person=person, plan_name=long * 2),
        billing_provider=billing,
    )
    for page in claim_pages(claim):
        for key, text in page.items():
            assert len(text) <= cms1500.LAYOUT[key].width, key


def test_a_claim_without_lines_is_refused():
    with pytest.raises(Cms1500Error, match="PCN1001 has no service line"):
        claim_pages(b.claim(lines=()))


def test_printing_no_claim_is_refused():
    with pytest.raises(Cms1500Error, match="no claim"):
        cms1500.render_cms1500([], printed_form=True)


def test_every_layout_field_is_inside_the_page():
    for key, field in cms1500.LAYOUT.items():
        left, top, right, bottom = field.rect()
        assert 0 <= left < right <= cms1500.PAGE_WIDTH_PT, key
        assert 0 <= top < bottom <= cms1500.PAGE_HEIGHT_PT, key


def test_provider_person_billing_name_is_first_last():
    solo = Provider(last_name="Okafor", first_name="Ada", npi="1245319599")
    assert cms1500.provider_name(solo, 29) == "ADA OKAFOR"


def test_onset_date_is_mm_dd_yyyy_with_qualifier_431():
    page = first_page(b.claim(onset_date=dt.date(2026, 11, 1)))
    assert [page[k] for k in ("14-mm", "14-dd", "14-yyyy", "14-qual")] == [
        "11",
        "01",
        "2026",
        "431",
    ]
