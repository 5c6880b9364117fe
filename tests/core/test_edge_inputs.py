"""Odd input at the edges answers 400/422 naming the field, never a 500 (issue "Security", 6).

Dates are bounded to 1900–2100 and ids to the database's 64-bit integers in one place
(``medoffice.core.bounds``), used by the pages and the API alike.
"""

from __future__ import annotations

import pytest

from medoffice.core.roles import Role
from tests.frontdesk.factories import todays_visit
from tests.scheduling.factories import AppointmentTypeFactory

pytestmark = pytest.mark.django_db

BIG = "9223372036854775808"  # 2**63: one past the largest id the database holds

API_GETS = [
    ("/api/v1/appointments?date=9999-12-31", "date"),
    ("/api/v1/appointments?date=0001-01-01", "date"),
    ("/api/v1/slots?type={type}&from=0001-01-01", "from"),
    ("/api/v1/slots?type={type}&from=9999-12-31", "from"),
    ("/api/v1/slots?type={type}&from=2026-01-05&to=9999-12-31", "to"),
    ("/api/v1/reports/wait-times?to=0001-01-01", "to"),
    ("/api/v1/reports/wait-times?to=9999-12-31", "to"),
    ("/api/v1/reports/no-shows?to=9999-12-31", "to"),
    ("/api/v1/reports/no-shows?from=0001-01-01", "from"),
    ("/api/v1/reports/utilisation?to=0001-01-01", "to"),
    ("/api/v1/reports/utilisation?to=9999-12-31", "to"),
]

PAGE_GETS = [
    ("/audit/?date_to=9999-12-31", "date_to", "between 1900 and 2100"),
    ("/audit/?date_from=0001-01-01", "date_from", "between 1900 and 2100"),
    ("/front-desk/day/?date=9999-12-31", "date", "between 1900 and 2100"),
    ("/front-desk/day/?date=0001-01-01", "date", "between 1900 and 2100"),
    ("/front-desk/week/?date=0001-01-02", "date", "between 1900 and 2100"),
    ("/front-desk/week/?date=9999-12-31", "date", "between 1900 and 2100"),
    ("/front-desk/day/?date=2026-02-30", "date", "year-month-day"),
    (f"/schedule/find/?providers={BIG}", "providers", "not one of the available choices"),
    (f"/schedule/find/?locations={BIG}", "locations", "not one of the available choices"),
]


@pytest.fixture
def manager(client_for, location):
    client = client_for(Role.OFFICE_MANAGER, locations=[location])
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("path", "field"), API_GETS)
def test_api_dates_outside_1900_to_2100_are_refused_naming_the_field(manager, path, field):
    kind = AppointmentTypeFactory()
    response = manager.get(path.format(type=kind.pk))
    assert response.status_code in {400, 422}, response.content[:300]
    assert any(e["field"].split(".")[-1] == field for e in response.json()["errors"])


@pytest.mark.parametrize(("path", "field", "message"), PAGE_GETS)
def test_page_parameters_out_of_range_are_refused_naming_the_field(manager, path, field, message):
    response = manager.get(path)
    assert response.status_code == 400, response.content[:300]
    page = response.content.decode()
    named = f"“{field}”" in page or f'data-field-error="{field}"' in page
    assert named, page[:2000]
    assert message in page


@pytest.mark.parametrize("amount", ["1e30", "1e309"])
def test_an_amount_in_exponent_form_on_the_check_in_page_is_a_form_error(
    manager, location, amount, clock_at
):
    clock_at(10)
    visit = todays_visit(location)
    response = manager.post(
        f"/front-desk/appointments/{visit.pk}/check-in/",
        {"demographics_confirmed": "on", "amount": amount, "method": "cash"},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors


@pytest.mark.parametrize("wanted", ["0001-01-01", "https://elsewhere.example/", "//evil/", "x"])
def test_unlocking_a_user_goes_back_only_to_a_page_of_this_site(manager, wanted):
    from tests.factories import UserFactory

    target = UserFactory(roles=[Role.FRONT_DESK])
    response = manager.post(f"/users/{target.pk}/unlock/", {"next": wanted})
    assert response.status_code == 302
    assert response["Location"] == f"/users/{target.pk}/"


def test_unlocking_a_user_goes_back_to_the_list_it_was_asked_from(manager):
    from tests.factories import UserFactory

    target = UserFactory(roles=[Role.FRONT_DESK])
    response = manager.post(f"/users/{target.pk}/unlock/", {"next": "/users/?q=a"})
    assert response["Location"] == "/users/?q=a"
