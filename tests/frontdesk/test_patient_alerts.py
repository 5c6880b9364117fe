"""Patient alerts ("Needs interpreter: Portuguese") where the desk works with the patient:
check-in, the flow board card, the day view's visit and its tooltip, the booking form; only
the alerts the user may see (their locations)."""

from __future__ import annotations

import pytest

from medoffice.core.roles import Role
from tests.factories import LocationFactory, PatientFactory
from tests.frontdesk.factories import todays_visit
from tests.patients.factories import AlertFactory
from tests.scheduling.factories import ProviderFactory, next_weekday_at

pytestmark = pytest.mark.django_db

INTERPRETER = "Needs interpreter: Portuguese"


@pytest.fixture
def visit(location):
    patient = PatientFactory(home_location=location, last_name="Câmara")
    AlertFactory(patient=patient, kind="interpreter", text="Portuguese")
    AlertFactory(patient=patient, kind="hearing", text="Old alert", is_active=False)
    return todays_visit(location, patient=patient)


def test_check_in_shows_the_patients_alerts(client_for, location, visit):
    page = client_for(Role.FRONT_DESK, locations=[location]).get(
        f"/front-desk/appointments/{visit.pk}/check-in/"
    )
    body = page.content.decode()
    assert INTERPRETER in body
    assert "Old alert" not in body


def test_the_flow_board_card_shows_the_patients_alerts(client_for, location, visit):
    page = client_for(Role.FRONT_DESK, locations=[location]).get(
        f"/front-desk/flow/?location={location.pk}"
    )
    body = page.content.decode()
    card = body[body.index(f'data-testid="flow-card-{visit.pk}"') :]
    assert INTERPRETER in card[: card.index("</article>")]


def test_the_day_view_marks_the_visit_and_names_the_alert_in_its_tooltip(
    client_for, location, visit
):
    page = client_for(Role.FRONT_DESK, locations=[location]).get(
        f"/front-desk/day/?location={location.pk}"
    )
    body = page.content.decode()
    assert f'data-testid="appointment-alert-{visit.pk}"' in body
    link = body[body.index(f'data-testid="appointment-{visit.pk}"') :]
    assert f"⚠ {INTERPRETER}" in link[: link.index(">")]


def test_the_booking_form_shows_the_picked_patients_alerts(client_for, location, visit):
    provider = ProviderFactory(locations=[location])
    page = client_for(Role.FRONT_DESK, locations=[location]).get(
        "/schedule/book/",
        {
            "provider": provider.pk,
            "location": location.pk,
            "start": next_weekday_at(10).isoformat(),
            "patient": visit.patient_id,
        },
    )
    assert INTERPRETER in page.content.decode()


def test_alerts_of_a_patient_from_another_location_stay_hidden(client_for, location, practice):
    elsewhere = LocationFactory(practice=practice)
    patient = PatientFactory(home_location=elsewhere)
    AlertFactory(patient=patient, kind="interpreter", text="Portuguese")
    todays_visit(location, patient=patient)  # seen here, at the user's location
    page = client_for(Role.FRONT_DESK, locations=[location]).get(
        f"/front-desk/day/?location={location.pk}"
    )
    assert INTERPRETER not in page.content.decode()
