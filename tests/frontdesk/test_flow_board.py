"""The patient flow board: today's visits by status, timed, moved along, polled without keeping the session alive."""

from __future__ import annotations

import re
import time

import pytest

from medoffice.core.middleware import IdleLogoutMiddleware
from medoffice.core.roles import Role
from medoffice.frontdesk.choices import FLOW_ALERT_MINUTES
from medoffice.frontdesk.selectors import alert_level
from medoffice.scheduling import services
from medoffice.scheduling.models import AppointmentStatus, StatusChange
from tests.factories import SYSTEM
from tests.frontdesk.factories import ResourceFactory, todays_visit

pytestmark = pytest.mark.django_db
S = AppointmentStatus


@pytest.fixture
def room(location):
    return ResourceFactory(location=location, name="Exam 2")


def board(client, location, **headers):
    return client.get(f"/front-desk/flow/?location={location.pk}", **headers)


def cards_in(response, key):
    """The visits shown in a column, read from the HTML (htmx partials carry no context)."""
    html = response.content.decode()
    start = html.index(f'data-testid="flow-column-{key}"')
    section = html[start : html.index("</section>", start)]
    return [int(pk) for pk in re.findall(r'data-testid="flow-card-(\d+)"', section)]


def arrive(visit):
    return services.change_status(actor=SYSTEM, appointment=visit, to_status=S.ARRIVED)


def test_board_puts_todays_visits_in_their_status_column(client_for, location):
    waiting = todays_visit(location)
    here = arrive(todays_visit(location))
    response = board(client_for(Role.FRONT_DESK), location)
    assert response.status_code == 200
    assert cards_in(response, "scheduled") == [waiting.pk]
    assert cards_in(response, "arrived") == [here.pk]


def test_board_polls_every_15_seconds_as_idle_polling(client_for, location):
    html = board(client_for(Role.FRONT_DESK), location).content.decode()
    assert 'hx-trigger="every 15s"' in html
    assert 'hx-headers=\'{"X-Idle-Poll": "1"}\'' in html


def test_htmx_poll_gets_only_the_board(client_for, location):
    response = board(client_for(Role.FRONT_DESK), location, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="flow-board"')
    assert "<nav" not in html


def _set_last_activity(client, seconds_ago):
    last = time.time() - seconds_ago
    session = client.session
    session[IdleLogoutMiddleware.SESSION_KEY] = last
    session.save()
    return last


def test_polling_does_not_extend_the_session(client_for, location):
    client = client_for(Role.FRONT_DESK)
    last = _set_last_activity(client, 60)
    response = board(client, location, HTTP_HX_REQUEST="true", HTTP_X_IDLE_POLL="1")
    assert response.status_code == 200
    assert client.session[IdleLogoutMiddleware.SESSION_KEY] == last


def test_opening_the_board_by_hand_counts_as_activity(client_for, location):
    client = client_for(Role.FRONT_DESK)
    last = _set_last_activity(client, 60)
    board(client, location)
    assert client.session[IdleLogoutMiddleware.SESSION_KEY] > last


def test_a_poll_after_the_idle_time_logs_off(client_for, location):
    client = client_for(Role.FRONT_DESK)
    _set_last_activity(client, 24 * 3600)
    response = board(client, location, HTTP_HX_REQUEST="true", HTTP_X_IDLE_POLL="1")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_rooming_records_the_room_and_a_time_stamped_status_change(client_for, location, room):
    visit = arrive(todays_visit(location))
    client = client_for(Role.CLINICAL)
    response = client.post(
        f"/front-desk/appointments/{visit.pk}/move/", {"to_status": "roomed", "room": room.pk}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == S.ROOMED
    assert visit.room == room
    assert visit.roomed_at is not None
    change = StatusChange.objects.get(appointment=visit, to_status=S.ROOMED)
    assert change.from_status == S.ARRIVED
    assert change.changed_by == client.user
    assert change.changed_at == visit.roomed_at


def test_each_step_of_the_visit_is_time_stamped(client_for, location, room):
    visit = arrive(todays_visit(location))
    client = client_for(Role.PROVIDER)
    steps = [
        ("roomed", {"room": room.pk}),
        ("with_provider", {}),
        ("checkout", {}),
        ("completed", {}),
    ]
    for status, extra in steps:
        client.post(f"/front-desk/appointments/{visit.pk}/move/", {"to_status": status, **extra})
    visit.refresh_from_db()
    assert visit.status == S.COMPLETED
    trail = list(StatusChange.objects.filter(appointment=visit).values_list("to_status", flat=True))
    assert trail == ["scheduled", "arrived", "roomed", "with_provider", "checkout", "completed"]
    assert all([visit.roomed_at, visit.with_provider_at, visit.checkout_at, visit.completed_at])


def test_htmx_move_answers_with_the_updated_board(client_for, location, room):
    visit = arrive(todays_visit(location))
    response = client_for(Role.FRONT_DESK).post(
        f"/front-desk/appointments/{visit.pk}/move/",
        {"to_status": "roomed", "room": room.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert cards_in(response, "roomed") == [visit.pk]


def test_rooming_without_choosing_a_room_is_refused(client_for, location, room):
    visit = arrive(todays_visit(location))
    response = client_for(Role.FRONT_DESK).post(
        f"/front-desk/appointments/{visit.pk}/move/",
        {"to_status": "roomed"},
        HTTP_HX_REQUEST="true",
    )
    assert "Room: choose the room" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.ARRIVED


def test_illegal_transition_is_refused_and_nothing_changes(client_for, location):
    visit = todays_visit(location)
    response = client_for(Role.FRONT_DESK).post(
        f"/front-desk/appointments/{visit.pk}/move/",
        {"to_status": "completed"},
        HTTP_HX_REQUEST="true",
    )
    assert "cannot go to" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.SCHEDULED
    assert not StatusChange.objects.filter(appointment=visit, to_status="completed").exists()


def test_left_without_being_seen_from_the_waiting_room(client_for, location):
    visit = arrive(todays_visit(location))
    client_for(Role.FRONT_DESK).post(
        f"/front-desk/appointments/{visit.pk}/move/", {"to_status": "lwbs"}
    )
    visit.refresh_from_db()
    assert visit.status == S.LEFT_WITHOUT_BEING_SEEN
    assert StatusChange.objects.filter(appointment=visit, to_status="lwbs").exists()


def test_biller_sees_the_board_but_cannot_move_patients(client_for, location):
    visit = arrive(todays_visit(location))
    biller = client_for(Role.BILLER)
    assert board(biller, location).status_code == 200
    response = biller.post(f"/front-desk/appointments/{visit.pk}/move/", {"to_status": "lwbs"})
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == S.ARRIVED


def test_clinical_staff_get_no_check_in_button(client_for, location):
    visit = todays_visit(location)
    html = board(client_for(Role.CLINICAL), location).content.decode()
    assert f'data-testid="check-in-{visit.pk}"' not in html
    assert (
        f'data-testid="check-in-{visit.pk}"'
        in board(client_for(Role.FRONT_DESK), location).content.decode()
    )


@pytest.mark.parametrize(("status", "limits"), sorted(FLOW_ALERT_MINUTES.items()))
def test_alert_colour_turns_amber_then_red_at_the_thresholds(status, limits):
    amber, red = limits
    assert alert_level(status, amber) == "ok"
    assert alert_level(status, amber + 1) == "amber"
    assert alert_level(status, red) == "amber"
    assert alert_level(status, red + 1) == "red"


def test_card_shows_time_in_status_and_total_time(client_for, location):
    visit = arrive(todays_visit(location))
    response = board(client_for(Role.FRONT_DESK), location)
    card = next(
        card for c in response.context["columns"] for card in c["cards"] if card["a"].pk == visit.pk
    )
    assert card["in_status"] is not None
    assert card["total"] is not None
    assert f'data-testid="flow-card-{visit.pk}"' in response.content.decode()
