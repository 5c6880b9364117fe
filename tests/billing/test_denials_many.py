"""Opening many claims' denials at once (``open_many_denials``, what an 835 posting calls):
the same denials, events and audit as ``open_denials`` claim by claim; a refused claim is
answered by its error and the others still open."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from medoffice.billing.choices import DenialStatus
from medoffice.billing.models import Denial, DenialEvent
from medoffice.billing.services import denials as services
from medoffice.billing.services.denials import DenialInput, DenialRequest
from medoffice.core.models import AuditEvent
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_denials import denied_claim, first_line_id
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(practice, tmp_path: Path):
    office_visit_codes()
    location = LocationFactory()
    return [denied_claim(location, tmp_path / f"outbox{i}") for i in range(2)]


def _request(claim, source_id: str = "cp-1", reason: str = "16") -> DenialRequest:
    line = first_line_id(claim)
    return DenialRequest(
        claim=claim,
        adjustments=[
            DenialInput(line, "CO", reason, ("N290",), Decimal("100.00")),
            DenialInput(line, "co", "016", ("MA130",), Decimal("50.00")),
        ],
        source_id=source_id,
    )


def _open(requests: list[DenialRequest]) -> list[list[Denial] | ValidationError]:
    return services.open_many_denials(requests, source_kind="era", actor=SYSTEM)


def test_each_claim_gets_its_open_denials_as_open_denials_would_make_them(claims):
    first, second = _open([_request(claims[0], "cp-1"), _request(claims[1], "cp-2")])

    assert isinstance(first, list)
    assert isinstance(second, list)
    assert [(d.claim_id, d.code, d.amount, d.status) for d in first + second] == [
        (claims[0].pk, "CO-16", Decimal("150.00"), DenialStatus.OPEN),
        (claims[1].pk, "CO-16", Decimal("150.00"), DenialStatus.OPEN),
    ]
    assert first[0].remark_list == ["N290", "MA130"]
    assert first[0].due_on == first[0].denied_on + dt.timedelta(days=90)


def test_each_denial_opened_has_its_opening_event(claims):
    _open([_request(claims[0], "cp-1"), _request(claims[1], "cp-2")])

    events = DenialEvent.objects.order_by("pk")
    assert [(e.denial.claim_id, e.to_status, e.reason) for e in events] == [
        (claims[0].pk, DenialStatus.OPEN, "opened from era cp-1"),
        (claims[1].pk, DenialStatus.OPEN, "opened from era cp-2"),
    ]


def test_each_claims_opening_is_audited_naming_its_patient(claims):
    _open([_request(claims[0], "cp-1"), _request(claims[1], "cp-2")])

    events = AuditEvent.objects.filter(object_type="billing.denial", action="create")
    assert sorted(events.values_list("patient_id", flat=True)) == sorted(
        c.patient_id for c in claims
    )


def test_opening_the_same_sources_again_opens_nothing_twice(claims):
    before = _open([_request(claims[0]), _request(claims[1], "cp-2")])

    again = _open([_request(claims[0]), _request(claims[1], "cp-2")])

    assert [[d.pk for d in ds] for ds in again] == [[d.pk for d in ds] for ds in before]  # type: ignore[union-attr]
    assert Denial.objects.count() == 2


def test_a_refused_claim_is_answered_by_its_error_and_the_others_still_open(claims):
    refused, opened = _open([_request(claims[0], reason="!!"), _request(claims[1], "cp-2")])

    assert isinstance(refused, ValidationError)
    assert set(refused.message_dict) == {"adjustments.0.reason"}
    assert isinstance(opened, list)
    assert list(Denial.objects.values_list("claim_id", flat=True)) == [claims[1].pk]
