"""20 people booking the same slot at the same instant: exactly one booking, 19 "slot taken"."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import Appointment
from tests.conftest import database_on_disk, in_new_thread
from tests.factories import LocationFactory, PatientFactory, PracticeFactory, UserFactory
from tests.scheduling.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    TemplateBlockFactory,
    next_weekday_at,
)

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_give_one_booking_and_nineteen_slot_taken(
    tmp_path,
):
    practice = PracticeFactory()
    location = LocationFactory(practice=practice)
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=20)
    start = next_weekday_at(10)
    TemplateBlockFactory(provider=provider, location=location, weekday=start.weekday())
    actor = UserFactory(roles=[Role.FRONT_DESK])
    patients = [PatientFactory(home_location=location) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(patient) -> None:
        try:
            barrier.wait(timeout=30)
            services.book_appointment(
                actor=actor,
                patient=patient,
                provider=provider,
                location=location,
                appointment_type=kind,
                start=start,
            )
            result = "booked"
        except services.SlotTaken as exc:
            result = "taken:" + exc.message_dict["start"][0]
        except Exception as exc:
            result = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    with database_on_disk(tmp_path):
        threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        booked = in_new_thread(
            lambda: Appointment.objects.filter(provider=provider, start=start).count()
        )

    errors = [o for o in outcomes if o.startswith("error")]
    assert errors == []
    assert outcomes.count("booked") == 1
    taken = [o for o in outcomes if o.startswith("taken:")]
    assert len(taken) == THREADS - 1
    assert all("just booked by someone else" in o for o in taken)
    assert booked == 1
