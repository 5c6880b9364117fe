"""Charge capture: opening a seen visit's charges, saving them (every problem at once, each
named by its field, nothing half-written), sending them to review, reviewing, no charge."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from medoffice.billing.choices import EncounterStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import ChargeLine, Claim, Encounter, EncounterDiagnosis
from medoffice.billing.services.encounters import (
    LineInput,
    mark_no_charge,
    open_encounter,
    review_encounter,
    save_charges,
    send_to_review,
)
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.scheduling.choices import AppointmentStatus
from tests.billing.factories_claims import (
    coded_encounter,
    office_visit_codes,
    seen_visit,
    simple_charges,
    waiting_encounter,
)
from tests.billing.factories_reference import ProcedureCodeFactory
from tests.factories import SYSTEM, LocationFactory, UserFactory
from tests.scheduling.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def refused(data, encounter=None) -> dict[str, list[str]]:
    encounter = encounter or open_encounter(actor=SYSTEM, appointment=seen_visit())
    with pytest.raises(ValidationError) as caught:
        save_charges(actor=SYSTEM, encounter=encounter, data=data)
    return error_codes(caught.value)


# --- opening ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [AppointmentStatus.WITH_PROVIDER, AppointmentStatus.CHECKOUT, AppointmentStatus.COMPLETED],
)
def test_a_visit_that_reached_the_provider_gets_charges(status):
    visit = seen_visit(status=status)
    encounter = open_encounter(actor=SYSTEM, appointment=visit)
    assert encounter.status == EncounterStatus.DRAFT
    assert encounter.rendering_provider_id == visit.provider_id
    assert encounter.place_of_service == visit.location.place_of_service


@pytest.mark.parametrize(
    "status", [AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED]
)
def test_a_visit_not_seen_by_the_provider_has_no_charges(status):
    with pytest.raises(ValidationError) as caught:
        open_encounter(actor=SYSTEM, appointment=seen_visit(status=status))
    assert caught.value.code == Code.VISIT_NOT_SEEN
    assert not Encounter.objects.exists()


def test_opening_twice_gives_the_same_encounter():
    visit = seen_visit()
    assert open_encounter(actor=SYSTEM, appointment=visit) == open_encounter(
        actor=SYSTEM, appointment=visit
    )


# --- saving -------------------------------------------------------------------------------


def test_saved_charges_hold_the_diagnoses_in_order_without_dots():
    encounter = coded_encounter()
    assert [d.code for d in encounter.diagnoses.all()] == ["E119", "I10"]


def test_a_line_without_a_charge_gets_the_standard_charge_times_units():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(lines=[LineInput(procedure_code="36415", units="2", pointers=["A"])])
    save_charges(actor=SYSTEM, encounter=encounter, data=data)
    assert encounter.lines.get().charge == Decimal("40.00")


def test_an_entered_charge_wins_over_the_standard_charge():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(
        lines=[LineInput(procedure_code="99213", charge="175.00", pointers=["A"])]
    )
    save_charges(actor=SYSTEM, encounter=encounter, data=data)
    assert encounter.lines.get().charge == Decimal("175.00")


def test_pointers_are_stored_as_positions_first_primary():
    encounter = coded_encounter()
    assert encounter.lines.first().pointer_list == [1, 2]


def test_saving_again_replaces_the_lines():
    encounter = coded_encounter()
    data = simple_charges(lines=[LineInput(procedure_code="36415", pointers=["B"])])
    save_charges(actor=SYSTEM, encounter=encounter, data=data)
    assert list(encounter.lines.values_list("procedure_code", flat=True)) == ["36415"]


def test_saving_is_audited_with_the_patient():
    encounter = coded_encounter()
    assert AuditEvent.objects.filter(
        patient_id=encounter.patient_id, data_category="charges", detail__startswith="charges saved"
    ).exists()


def test_charges_need_a_diagnosis():
    assert refused(simple_charges(diagnoses=[]))["diagnoses"] == [Code.DIAGNOSIS_REQUIRED]


def test_at_most_twelve_diagnoses():
    many = [
        "E119",
        "I10",
        "J069",
        "R51",
        "M545",
        "E785",
        "Z0000",
        "K219",
        "F419",
        "N390",
        "R05",
        "L309",
        "J309",
    ]
    assert refused(simple_charges(diagnoses=many))["diagnoses"] == [Code.TOO_MANY_DIAGNOSES]


def test_an_unknown_diagnosis_is_named_by_its_place():
    assert refused(simple_charges(diagnoses=["E11.9", "Q99.99X"]))["diagnosis_2"] == [
        Code.DIAGNOSIS_UNKNOWN
    ]


def test_a_category_is_not_billable():
    assert refused(simple_charges(diagnoses=["E11"]))["diagnosis_1"] == [
        Code.DIAGNOSIS_NOT_BILLABLE
    ]


def test_a_diagnosis_entered_twice_is_refused():
    assert refused(simple_charges(diagnoses=["E11.9", "E119"]))["diagnosis_2"] == [
        Code.DIAGNOSIS_REPEATED
    ]


def test_charges_need_a_line():
    assert refused(simple_charges(lines=[]))["lines"] == [Code.LINE_REQUIRED]


def test_an_unknown_procedure_code_is_refused():
    data = simple_charges(lines=[LineInput(procedure_code="00000", charge="1.00", pointers=["A"])])
    assert refused(data)["line_1_procedure_code"] == [Code.PROCEDURE_UNKNOWN]


def test_an_inactive_procedure_code_is_refused():
    ProcedureCodeFactory(code="99999", is_active=False)
    data = simple_charges(lines=[LineInput(procedure_code="99999", charge="1.00", pointers=["A"])])
    assert refused(data)["line_1_procedure_code"] == [Code.PROCEDURE_UNKNOWN]


def test_an_unknown_modifier_is_refused():
    data = simple_charges(
        lines=[LineInput(procedure_code="99213", modifiers=["ZZ"], pointers=["A"])]
    )
    assert refused(data)["line_1_modifiers"] == [Code.MODIFIER_UNKNOWN]


def test_at_most_four_modifiers():
    data = simple_charges(
        lines=[
            LineInput(
                procedure_code="99213", modifiers=["25", "59", "76", "77", "91"], pointers=["A"]
            )
        ]
    )
    assert refused(data)["line_1_modifiers"] == [Code.TOO_MANY_MODIFIERS]


@pytest.mark.parametrize("units", ["0", "-1", "abc", "1.0001", "10000"])
def test_units_must_be_a_positive_number(units):
    data = simple_charges(lines=[LineInput(procedure_code="99213", units=units, pointers=["A"])])
    assert refused(data)["line_1_units"] == [Code.UNITS_INVALID]


@pytest.mark.parametrize("charge", ["-1.00", "abc", "1.005"])
def test_a_charge_must_be_money(charge):
    data = simple_charges(lines=[LineInput(procedure_code="99213", charge=charge, pointers=["A"])])
    assert refused(data)["line_1_charge"] == [Code.CHARGE_INVALID]


def test_a_code_without_a_standard_charge_needs_one_entered():
    ProcedureCodeFactory(code="90471")
    data = simple_charges(lines=[LineInput(procedure_code="90471", pointers=["A"])])
    assert refused(data)["line_1_charge"] == [Code.CHARGE_REQUIRED]


def test_a_line_needs_a_pointer():
    data = simple_charges(lines=[LineInput(procedure_code="99213", pointers=[])])
    assert refused(data)["line_1_pointers"] == [Code.POINTER_REQUIRED]


def test_a_pointer_must_name_an_entered_diagnosis():
    data = simple_charges(lines=[LineInput(procedure_code="99213", pointers=["C"])])
    assert refused(data)["line_1_pointers"] == [Code.POINTER_NO_DIAGNOSIS]


@pytest.mark.parametrize("pointer", ["M", "0", "AA"])
def test_a_pointer_is_a_letter_a_to_l(pointer):
    data = simple_charges(lines=[LineInput(procedure_code="99213", pointers=[pointer])])
    assert refused(data)["line_1_pointers"] == [Code.POINTER_INVALID]


def test_at_most_four_pointers():
    data = simple_charges(
        diagnoses=["E119", "I10", "J069", "R51", "M545"],
        lines=[LineInput(procedure_code="99213", pointers=["A", "B", "C", "D", "E"])],
    )
    assert refused(data)["line_1_pointers"] == [Code.TOO_MANY_POINTERS]


def test_a_not_otherwise_classified_code_needs_a_description():
    ProcedureCodeFactory(code="99499", is_not_otherwise_classified=True)
    data = simple_charges(lines=[LineInput(procedure_code="99499", charge="10.00", pointers=["A"])])
    assert refused(data)["line_1_description"] == [Code.DESCRIPTION_REQUIRED]


def test_a_drug_code_needs_its_ndc():
    ProcedureCodeFactory(code="J1030", code_set="hcpcs", requires_ndc=True)
    data = simple_charges(lines=[LineInput(procedure_code="J1030", charge="10.00", pointers=["A"])])
    assert refused(data)["line_1_ndc"] == [Code.NDC_REQUIRED]


def test_an_ndc_is_eleven_digits_with_a_quantity_and_unit():
    ProcedureCodeFactory(code="J1030", code_set="hcpcs", requires_ndc=True)
    line = LineInput(
        procedure_code="J1030",
        charge="10.00",
        pointers=["A"],
        ndc="1234",
        ndc_quantity="0",
        ndc_unit="XX",
    )
    assert refused(simple_charges(lines=[line])) == {
        "line_1_ndc": [Code.NDC_INVALID],
        "line_1_ndc_quantity": [Code.NDC_QUANTITY_INVALID],
        "line_1_ndc_unit": [Code.NDC_UNIT_INVALID],
    }


def test_an_ndc_with_dashes_is_stored_as_eleven_digits():
    ProcedureCodeFactory(code="J1030", code_set="hcpcs", requires_ndc=True)
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    line = LineInput(
        procedure_code="J1030",
        charge="10.00",
        pointers=["A"],
        ndc="00009-3073-03",
        ndc_quantity="1",
        ndc_unit="ml",
    )
    save_charges(actor=SYSTEM, encounter=encounter, data=simple_charges(lines=[line]))
    saved = encounter.lines.get()
    assert (saved.ndc, saved.ndc_quantity, saved.ndc_unit) == (
        "00009307303",
        Decimal("1.000"),
        "ML",
    )


def test_a_referring_npi_must_be_valid_and_come_with_a_name():
    assert refused(simple_charges(referring_npi="1234567890")) == {
        "referring_npi": [Code.REFERRING_NPI_INVALID],
        "referring_name": [Code.REFERRING_NAME_REQUIRED],
    }


def test_a_place_of_service_must_be_known():
    assert refused(simple_charges(place_of_service="98"))["place_of_service"] == [
        Code.PLACE_OF_SERVICE_INVALID
    ]


def test_every_problem_is_reported_at_once():
    data = simple_charges(
        diagnoses=["E11"],
        lines=[
            LineInput(procedure_code="", pointers=["A"]),
            LineInput(procedure_code="99213", units="0", pointers=["Z"]),
        ],
    )
    assert set(refused(data)) == {
        "diagnosis_1",
        "line_1_procedure_code",
        "line_2_units",
        "line_2_pointers",
    }


def test_a_refused_save_changes_nothing():
    encounter = coded_encounter()
    before = list(ChargeLine.objects.values_list("procedure_code", "charge"))
    refused(simple_charges(diagnoses=["E11"]), encounter)
    assert list(ChargeLine.objects.values_list("procedure_code", "charge")) == before
    assert EncounterDiagnosis.objects.count() == 2


# --- who codes ----------------------------------------------------------------------------


def test_the_front_desk_codes_a_visit():
    location = LocationFactory()
    desk = UserFactory(roles=[Role.FRONT_DESK], locations=[location])
    encounter = coded_encounter(actor=desk, location=location)
    assert encounter.coded_by == desk


def test_a_provider_codes_their_own_visit():
    location = LocationFactory()
    user = UserFactory(roles=[Role.PROVIDER])
    provider = ProviderFactory(user=user, locations=[location])
    assert coded_encounter(actor=user, location=location, provider=provider).coded_by == user


def test_a_provider_does_not_code_another_providers_visit():
    UserFactory(roles=[Role.PROVIDER])
    user = UserFactory(roles=[Role.PROVIDER])
    ProviderFactory(user=user)
    with pytest.raises(PermissionDenied):
        open_encounter(actor=user, appointment=seen_visit())


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.HR, Role.CLINICAL])
def test_roles_without_charge_entry_cannot_code(role):
    with pytest.raises(PermissionDenied):
        open_encounter(actor=UserFactory(roles=[role]), appointment=seen_visit())


# --- review ---------------------------------------------------------------------------------


def test_sending_to_review_puts_the_charges_in_the_queue():
    assert waiting_encounter().status == EncounterStatus.REVIEW


def test_empty_charges_do_not_go_to_review():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    with pytest.raises(ValidationError) as caught:
        send_to_review(actor=SYSTEM, encounter=encounter)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.NOTHING_TO_REVIEW]}


def test_approving_creates_the_claim_and_locks_the_charges():
    biller = UserFactory(roles=[Role.BILLER])
    encounter = review_encounter(actor=biller, encounter=waiting_encounter(), approve=True)
    assert encounter.status == EncounterStatus.CLAIMED
    assert encounter.reviewed_by == biller
    assert Claim.objects.filter(encounter=encounter).count() == 1


def test_returning_to_the_coder_needs_a_note():
    with pytest.raises(ValidationError) as caught:
        review_encounter(actor=SYSTEM, encounter=waiting_encounter(), approve=False, note=" ")
    assert error_codes(caught.value) == {"note": [Code.NOTE_REQUIRED]}


def test_returned_charges_are_being_coded_again_with_the_note():
    encounter = review_encounter(
        actor=SYSTEM, encounter=waiting_encounter(), approve=False, note="Add modifier 25"
    )
    assert (encounter.status, encounter.note) == (EncounterStatus.DRAFT, "Add modifier 25")
    assert not Claim.objects.exists()


def test_the_front_desk_cannot_review():
    desk = UserFactory(roles=[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        review_encounter(actor=desk, encounter=waiting_encounter(), approve=True)


def test_charges_not_waiting_cannot_be_reviewed():
    with pytest.raises(ValidationError) as caught:
        review_encounter(actor=SYSTEM, encounter=coded_encounter(), approve=True)
    assert error_codes(caught.value) == {NON_FIELD_ERRORS: [Code.NOT_WAITING_FOR_REVIEW]}


def test_claimed_charges_cannot_be_saved():
    encounter = review_encounter(actor=SYSTEM, encounter=waiting_encounter(), approve=True)
    assert refused(simple_charges(), encounter) == {NON_FIELD_ERRORS: [Code.ENCOUNTER_LOCKED]}


def test_no_charge_needs_a_reason_and_closes_the_charges():
    encounter = coded_encounter()
    with pytest.raises(ValidationError):
        mark_no_charge(actor=SYSTEM, encounter=encounter, note="")
    encounter = mark_no_charge(actor=SYSTEM, encounter=encounter, note="Courtesy visit")
    assert encounter.status == EncounterStatus.NO_CHARGE
