"""factory_boy factories shared by every test folder."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import Location, LocationHours, Practice, RoleAssignment, User
from medoffice.core.permissions import SystemActor
from medoffice.core.roles import Role
from medoffice.patients.models import Patient

TEST_PASSWORD = "correct-horse-battery-staple"
# The actor of the tests' set-up (bookings, status changes made to arrange a scene).
SYSTEM = SystemActor("test set-up")


def _npi(n: int) -> str:
    first_nine = f"1{n:08d}"[:9]
    return first_nine + npi_check_digit(first_nine)


class PracticeFactory(DjangoModelFactory):
    class Meta:
        model = Practice
        django_get_or_create = ("legal_name",)

    legal_name = "Test Family Practice, P.C."
    display_name = "Test Family Practice"
    tax_id = "04-1234567"
    group_npi = factory.Sequence(_npi)
    time_zone = "America/New_York"
    address_line1 = "1 Main Street"
    city = "Springfield"
    state = "MA"
    postal_code = "01103"


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Clinic {n}")
    code = factory.Sequence(lambda n: f"LOC{n}")
    address_line1 = factory.Faker("street_address")
    city = "Springfield"
    state = "MA"
    postal_code = "01103"
    phone = "+1 413-555-0100"


class LocationHoursFactory(DjangoModelFactory):
    class Meta:
        model = LocationHours

    location = factory.SubFactory(LocationFactory)
    weekday = 0
    opens = dt.time(8)
    closes = dt.time(17)


class UserFactory(DjangoModelFactory):
    """A user; pass ``roles=[Role.FRONT_DESK]`` and ``locations=[loc]`` as needed."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                RoleAssignment.objects.get_or_create(user=self, role=Role(role).value)
            self.forget_cached_roles()

    @factory.post_generation
    def locations(self, create: bool, extracted: list[Location] | None, **kwargs: object) -> None:
        if create and extracted:
            self.locations.set(extracted)
            self.forget_cached_roles()

    @classmethod
    def _after_postgeneration(
        cls, instance: User, create: bool, results: dict | None = None
    ) -> None:
        if create:
            instance.save()


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"M{200001 + n:07d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=90)
    sex = "F"
    home_location = factory.SubFactory(LocationFactory)
    ssn = factory.Sequence(lambda n: f"9{n % 90 + 10:02d}-7{n % 10}-{1000 + n % 9000:04d}")
