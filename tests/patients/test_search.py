"""Patient search: names as prefixes in any order, DOB, phone, MRN, member ID; location scope."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core.roles import Role
from medoffice.patients.search import fold
from medoffice.patients.selectors import search_patients
from tests.factories import LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import CoverageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(location):
    return UserFactory(roles=[Role.FRONT_DESK], locations=[location])


@pytest.fixture
def john(location):
    return PatientFactory(
        first_name="John",
        last_name="Smith",
        home_location=location,
        date_of_birth=dt.date(1970, 4, 2),
        phone="+14135550123",
        mrn="M0700123",
    )


@pytest.fixture
def joanna(location):
    return PatientFactory(first_name="Joanna", last_name="Smithers", home_location=location)


@pytest.mark.parametrize("query", ["smi jo", "jo smi", "SMI", "smith john"])
def test_names_are_found_by_prefixes_in_either_order(desk, john, joanna, query):
    found = search_patients(desk, query)
    assert john in found
    if query.lower() != "smith john":
        assert joanna in found


@pytest.mark.parametrize(
    "query", ["04/02/1970", "1970-04-02", "(413) 555-0123", "413.555.0123", "M07001", "M0700123"]
)
def test_other_keys_find_the_patient(desk, john, query):
    assert search_patients(desk, query) == [john]


def test_member_id_finds_the_patient(desk, john):
    CoverageFactory(patient=john, member_id="ABC98765")
    assert search_patients(desk, "ABC98765") == [john]


def test_patients_of_other_locations_are_not_found(desk, john):
    PatientFactory(first_name="John", last_name="Smith", home_location=LocationFactory())
    assert search_patients(desk, "smith") == [john]


def test_list_page_and_live_results_use_the_search(client_for, location, john, joanna):
    client = client_for(Role.FRONT_DESK, locations=[location])
    page = client.get("/patients/", {"q": "jo smith"}).content.decode()
    assert "M0700123" in page
    live = client.get("/patients/quick-search/", {"q": "smi jo"}).content.decode()
    assert "Smithers" in live
    assert "Smith, John" in live


def test_api_search(client_for, location, john):
    client = client_for(Role.FRONT_DESK, locations=[location])
    body = client.get("/api/v1/patients", {"q": "jo smi"}).json()
    assert [p["mrn"] for p in body["items"]] == ["M0700123"]


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñ'-", min_size=1, max_size=12).filter(
    lambda s: fold(s)
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=names, last=names, data=st.data())
def test_any_registered_name_is_found_by_any_prefixes_in_either_order(location, first, last, data):
    user = UserFactory(roles=[Role.FRONT_DESK], locations=[location])
    patient = PatientFactory(first_name=first, last_name=last, home_location=location)
    f, lname = fold(first), fold(last)
    fp = f[: data.draw(st.integers(1, len(f)))]
    lp = lname[: data.draw(st.integers(1, len(lname)))]
    for query in (f"{fp} {lp}", f"{lp} {fp}", lp):
        assert patient in search_patients(user, query, limit=1000), query
    patient.delete()


def test_one_word_lists_surname_matches_before_first_name_matches(desk, location):
    PatientFactory(home_location=location, first_name="Anna", last_name="Morgan")
    PatientFactory(home_location=location, first_name="Morgan", last_name="Adams")
    PatientFactory(home_location=location, first_name="Zoe", last_name="Morganti")
    names = [(p.first_name, p.last_name) for p in search_patients(desk, "morg")]
    assert names == [("Anna", "Morgan"), ("Zoe", "Morganti"), ("Morgan", "Adams")]


def test_one_word_stops_at_the_limit(desk, location):
    for n in range(6):
        PatientFactory(home_location=location, first_name=f"Kim{n}", last_name="Lee")
    assert len(search_patients(desk, "lee", limit=4)) == 4
