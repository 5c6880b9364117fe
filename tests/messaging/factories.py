"""Factories and helpers for reminders, consents and patient links."""

from __future__ import annotations

import datetime as dt
import re

import factory
from factory.django import DjangoModelFactory

from medoffice.messaging.models import ReminderRule
from tests.factories import PatientFactory
from tests.patients.factories import ConsentFactory


class ReminderRuleFactory(DjangoModelFactory):
    class Meta:
        model = ReminderRule
        django_get_or_create = ("hours_before", "channel")

    hours_before = 24
    channel = "sms"


class ReachablePatientFactory(PatientFactory):
    """A patient with a mobile phone, an e-mail address and consent to text messages."""

    class Meta:
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+141355501{n % 100:02d}")
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    preferred_contact = "sms"
    preferred_language = "en"

    @factory.post_generation
    def sms_consent(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            ConsentFactory(patient=self, kind="sms")


LINK = re.compile(r"https?://[^\s]+?(/p/a/[^\s/]+/(?:confirm|cancel)/)")


def link_path(text: str, purpose: str) -> str:
    """The path of the patient's confirm or cancel link in a message's text."""
    for path in LINK.findall(text):
        if path.endswith(f"/{purpose}/"):
            return path
    raise AssertionError(f"no {purpose} link in: {text}")


def open_weekday_at(hour: int, minute: int = 0, *, days_ahead: int = 2) -> dt.datetime:
    """Like ``next_weekday_at`` but never on a public holiday (the book is closed then)."""
    from medoffice.scheduling.selectors import holiday_name
    from tests.scheduling.factories import next_weekday_at

    while True:
        start = next_weekday_at(hour, minute, days_ahead=days_ahead)
        if not holiday_name(start.date()):
            return start
        days_ahead = (start.date() - dt.datetime.now(start.tzinfo).date()).days + 1
