"""A client generated from the committed openapi.json books an appointment on the live server.

openapi-python-client (a dev dependency) runs as a subprocess into a temporary folder, with
no network; the generated functions are named after the operationIds (``search_patients``,
``book_appointment``) and grouped by tag, so this also checks that the names read well.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from medoffice.core import services as core_services
from medoffice.core.roles import Role
from tests.factories import LocationFactory, PatientFactory, PracticeFactory, UserFactory
from tests.scheduling.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    TemplateBlockFactory,
    next_weekday_at,
)

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.json"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "medoffice_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated client package, importable for this module's tests."""
    root = tmp_path_factory.mktemp("client")
    config = root / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(OPENAPI),
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def bookable(transactional_db):
    """A practice the live server sees: a provider with a template, a type, a patient, a token."""
    practice = PracticeFactory()
    location = LocationFactory(practice=practice)
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory()
    start = next_weekday_at(9)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    patient = PatientFactory(home_location=location, last_name="Quenneville")
    user = UserFactory(roles=[Role.FRONT_DESK])
    _, raw = core_services.create_api_token(
        user=user, name="generated client", access="write", mfa_verified=True
    )
    return {
        "location": location,
        "provider": provider,
        "kind": kind,
        "day": start.date(),
        "patient": patient,
        "token": raw,
    }


def test_the_generated_functions_read_like_the_operations(generated):
    patients = importlib.import_module(f"{PACKAGE}.api.patients")
    scheduling = importlib.import_module(f"{PACKAGE}.api.scheduling")
    front_desk = importlib.import_module(f"{PACKAGE}.api.front_desk")

    for module, name in [
        (patients, "search_patients"),
        (scheduling, "book_appointment"),
        (scheduling, "list_slots"),
        (scheduling, "cancel_appointment"),
        (front_desk, "add_to_waitlist"),
    ]:
        assert hasattr(importlib.import_module(f"{module.__name__}.{name}"), "sync_detailed")


def test_a_generated_client_searches_books_is_refused_a_taken_slot_and_cancels(
    generated, bookable, live_server
):
    from medoffice_client import AuthenticatedClient
    from medoffice_client.api.patients import search_patients
    from medoffice_client.api.scheduling import book_appointment, cancel_appointment, list_slots
    from medoffice_client.models import BookIn, CancelIn

    client = AuthenticatedClient(base_url=live_server.url, token=bookable["token"])

    found = search_patients.sync_detailed(client=client, q="Quenneville")
    assert found.status_code == 200
    assert [p.id for p in found.parsed.items] == [bookable["patient"].pk]

    slots = list_slots.sync_detailed(
        client=client,
        type_=bookable["kind"].pk,
        from_=bookable["day"],
        to=bookable["day"],
        provider=bookable["provider"].pk,
    )
    assert slots.status_code == 200
    assert slots.parsed
    slot = slots.parsed[0]

    booking = BookIn(
        patient_id=found.parsed.items[0].id,
        provider_id=slot.provider_id,
        location_id=slot.location_id,
        appointment_type_id=bookable["kind"].pk,
        start=slot.start,
    )
    booked = book_appointment.sync_detailed(client=client, body=booking)
    assert booked.status_code == 201
    assert booked.parsed.start == slot.start

    again = book_appointment.sync_detailed(client=client, body=booking)
    assert again.status_code == 409
    assert again.parsed.code == "conflict"
    assert [(e.field, e.code) for e in again.parsed.errors] == [("start", "slot_taken")]

    cancelled = cancel_appointment.sync_detailed(
        booked.parsed.id, client=client, body=CancelIn(reason="Patient called")
    )
    assert cancelled.status_code == 200
    assert cancelled.parsed.appointment.status == "cancelled"
