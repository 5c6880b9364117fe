"""Statement test objects: guarantors with a patient due, e-mail consents, past runs.

Visits come from the ledger factories (99213 $150 and 36415 $20, needs
``office_visit_codes()``): a self-pay visit is due at once ($170.00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medoffice.billing.models import Encounter
from medoffice.patients.models import Consent
from tests.billing.factories_ledger import claimed_visit
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import ConsentFactory


def guarantor(location: Any = None, **fields: Any) -> Any:
    """A patient who is their own guarantor, with a mailing address."""
    location = location or LocationFactory()
    fields.setdefault("address_line1", "12 Elm Street")
    fields.setdefault("city", "Springfield")
    fields.setdefault("state", "MA")
    fields.setdefault("postal_code", "01103")
    return PatientFactory(home_location=location, **fields)


def self_pay_visit(patient: Any = None, *, days_ago: int = 10, location: Any = None) -> Encounter:
    """A self-pay visit ($170.00, due at once)."""
    patient = patient or guarantor(location)
    return claimed_visit(
        patient, location=location or patient.home_location, insured=False, days_ago=days_ago
    )


def consents_to_email(
    patient: Any, *, email: str = "pat@example.org", revoked_on: dt.date | None = None
) -> Consent:
    patient.email = email
    patient.save(update_fields=["email"])
    consent: Consent = ConsentFactory(
        patient=patient, kind="email", given_on=dt.date(2024, 1, 2), revoked_on=revoked_on
    )
    return consent
