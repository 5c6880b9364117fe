"""The charge page, the coder queue, the claims list and a claim's page, per role and
location."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medoffice.billing.choices import ClaimStatus, EncounterStatus
from medoffice.billing.models import Claim, Encounter
from medoffice.billing.services import claims as claim_services
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import (
    claimed_encounter,
    coded_encounter,
    office_visit_codes,
    seen_visit,
    waiting_encounter,
)
from tests.factories import SYSTEM, LocationFactory
from tests.scheduling.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def charges_url(visit) -> str:
    return reverse("billing_office:visit-charges", args=[visit.pk])


def posted(**fields) -> dict[str, str]:
    data = {
        "line_count": "3",
        "diagnosis_1": "E119",
        "diagnosis_2": "I10",
        "line_1_procedure_code": "99213",
        "line_1_modifiers": "25",
        "line_1_pointers": "AB",
        "line_2_procedure_code": "36415",
        "line_2_pointers": "A",
        "rendering_provider": "",
        "place_of_service": "11",
        "action": "save",
    }
    data.update(fields)
    return data


def test_the_front_desk_codes_a_visit_of_its_location(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location)
    response = desk.post(charges_url(visit), posted())
    assert response.status_code == 302
    encounter = Encounter.objects.get(appointment=visit)
    assert [line.charge for line in encounter.lines.all()] == [150, 20]


def test_the_charge_page_shows_the_description_next_to_each_code(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = coded_encounter(location=location).appointment
    page = desk.get(charges_url(visit)).content.decode()
    assert "Type 2 diabetes mellitus without complications" in page
    assert "Office visit, established, low" in page


def test_every_refusal_is_shown_at_once_naming_the_field(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location)
    response = desk.post(charges_url(visit), posted(diagnosis_1="E11", line_2_units="0"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="diagnosis_1"' in page
    assert 'data-field-error="line_2_units"' in page
    assert not Encounter.objects.exists()


def test_typing_a_code_without_the_script_still_saves(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location)
    data = posted()
    data["diagnosis_1_search"] = data.pop("diagnosis_1")
    assert desk.post(charges_url(visit), data).status_code == 302


def test_send_to_review_from_the_page(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location)
    desk.post(charges_url(visit), posted(action="review"))
    assert Encounter.objects.get(appointment=visit).status == EncounterStatus.REVIEW


def test_opening_the_charges_is_audited(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    encounter = coded_encounter(location=location)
    desk.get(charges_url(encounter.appointment))
    assert AuditEvent.objects.filter(
        action="read", patient_id=encounter.patient_id, data_category="charges", user=desk.user
    ).exists()


def test_a_desk_limited_to_another_location_gets_404(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[LocationFactory()])
    visit = coded_encounter(location=location).appointment
    assert desk.get(charges_url(visit)).status_code == 404
    assert desk.post(charges_url(visit), posted()).status_code == 404


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.HR])
def test_roles_without_charges_are_refused(client_for, role, location):
    client = client_for(role)
    assert client.get(charges_url(seen_visit(location=location))).status_code == 403


def test_the_front_desk_cannot_review(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    encounter = waiting_encounter(location=location)
    response = desk.post(
        reverse("billing_office:review", args=[encounter.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert desk.get(reverse("billing_office:coding")).status_code == 403


def test_a_provider_codes_own_visit_but_not_anothers(client_for, location):
    client = client_for(Role.PROVIDER)
    mine = ProviderFactory(user=client.user, locations=[location])
    own = seen_visit(location=location, provider=mine)
    other = seen_visit(location=location)
    assert client.post(charges_url(own), posted()).status_code == 302
    assert client.post(charges_url(other), posted()).status_code == 403


def test_the_biller_reviews_and_the_claim_is_made(client_for, location):
    biller = client_for(Role.BILLER)
    encounter = waiting_encounter(location=location)
    response = biller.post(
        reverse("billing_office:review", args=[encounter.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Claim.objects.filter(encounter=encounter).exists()


def test_the_coder_queue_lists_waiting_charges_only(client_for, location):
    biller = client_for(Role.BILLER)
    waiting = waiting_encounter(location=location)
    coded_encounter(location=location)
    page = biller.get(reverse("billing_office:coding"))
    assert page.status_code == 200
    assert page.content.decode().count("/charges/") == 1
    assert charges_url(waiting.appointment) in page.content.decode()


def test_the_coder_queue_exports_csv(client_for, location):
    biller = client_for(Role.BILLER)
    waiting_encounter(location=location)
    response = biller.get(reverse("billing_office:coding") + "?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("Date of service,Patient")
    assert len(body.splitlines()) == 2


def test_the_claims_list_keeps_a_limited_biller_to_their_locations(client_for, location):
    other = LocationFactory()
    biller = client_for(Role.BILLER, locations=[location])
    mine = Claim.objects.get(encounter=claimed_encounter(location=location))
    theirs = Claim.objects.get(encounter=claimed_encounter(location=other))
    page = biller.get(reverse("billing_office:claims")).content.decode()
    assert mine.control_number in page
    assert theirs.control_number not in page
    assert biller.get(reverse("billing_office:claim", args=[theirs.pk])).status_code == 404


def test_the_claims_list_filters_by_status(client_for, location):
    biller = client_for(Role.BILLER)
    ready = Claim.objects.get(encounter=claimed_encounter(location=location))
    claim_services.transition(claim=ready, to=ClaimStatus.READY, actor=SYSTEM)
    draft = Claim.objects.get(encounter=claimed_encounter(location=location))
    page = biller.get(reverse("billing_office:claims") + "?status=ready").content.decode()
    assert ready.control_number in page
    assert draft.control_number not in page


def test_the_claim_page_shows_lines_diagnoses_and_history(client_for, location):
    biller = client_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    page = biller.get(reverse("billing_office:claim", args=[claim.pk])).content.decode()
    assert "Venipuncture" in page
    assert "E11.9" in page
    assert 'data-testid="claim-history"' in page
    assert 'data-testid="claim-correct"' in page


def test_the_front_desk_does_not_see_claims(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    assert desk.get(reverse("billing_office:claim", args=[claim.pk])).status_code == 403
    assert desk.get(reverse("billing_office:claims")).status_code == 403


def test_void_from_the_claim_page_refuses_without_payer_number(client_for, location):
    biller = client_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    for status in ("ready", "submitted", "accepted"):
        claim = claim_services.transition(claim=claim, to=status, actor=SYSTEM)
    response = biller.post(
        reverse("billing_office:claim-void", args=[claim.pk]), {"reason": "wrong"}, follow=True
    )
    assert "no payer claim number" in response.content.decode()
    assert Claim.objects.count() == 1


def test_correct_from_the_claim_page_reopens_the_charges(client_for, location):
    biller = client_for(Role.BILLER)
    claim = Claim.objects.get(encounter=claimed_encounter(location=location))
    response = biller.post(reverse("billing_office:claim-correct", args=[claim.pk]))
    assert response.status_code == 302
    assert Encounter.objects.get(pk=claim.encounter_id).revision == 2


def test_the_diagnosis_picker_finds_billable_codes(client_for):
    desk = client_for(Role.FRONT_DESK)
    page = desk.get(reverse("billing_office:icd10-options") + "?q=E11.9").content.decode()
    assert 'data-value="E119"' in page


def test_the_charge_look_up_multiplies_by_units(client_for):
    desk = client_for(Role.FRONT_DESK)
    response = desk.get(
        reverse("billing_office:charge-price") + "?code=36415&units=3&on=2026-01-05"
    )
    assert response.json() == {"charge": "60.00"}


def test_the_charge_look_up_refuses_bad_input(client_for):
    desk = client_for(Role.FRONT_DESK)
    response = desk.get(reverse("billing_office:charge-price") + "?code=36415&units=x&on=soon")
    assert response.status_code == 400


def test_the_day_view_links_seen_visits_to_their_charges(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    visit = seen_visit(location=location, days_ago=0)
    page = desk.get(
        reverse("frontdesk:day") + f"?date={visit.start.date().isoformat()}&location={location.pk}"
    ).content.decode()
    assert f'data-testid="charges-{visit.pk}"' in page


def test_the_rejection_queue_offers_no_status_filter(client_for):
    biller = client_for(Role.BILLER)
    response = biller.get("/billing/claims/rejected/")
    assert response.status_code == 200
    fields = set(response.context["form"].fields)
    assert "status" not in fields
    assert "payer" in fields


def test_a_claimed_visits_charges_show_money_with_the_dollar_sign(client_for, location):
    desk = client_for(Role.FRONT_DESK, locations=[location])
    encounter = claimed_encounter(location=location)

    page = desk.get(f"/billing/visits/{encounter.appointment_id}/charges/").content.decode()

    assert "$150.00" in page
    assert "$170.00" in page  # the claim's total
