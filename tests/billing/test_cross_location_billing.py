"""The cross-location sweep for billing: a biller limited to Northgate against Riverside Main.

The front-desk sweep (``tests/core/test_cross_location.py``) cannot reach billing's pages: the
front desk may not open them at all. Here a biller whose user is limited to Northgate sends every
authorization-matrix row a biller may use that names one of Riverside Main's records in its path
(a visit to code, an encounter, a claim, a finding, an eligibility check, and the front office's
records a biller may open), with its method and its real body. Each must answer as a record that
does not exist, **404**, and write nothing (the database fingerprint before and after). Every list,
export and list operation the biller may open, and the batch page of a batch holding Riverside's
claim, must not show Riverside's patient (by name, MRN or ``patient_id``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from medoffice.core.roles import Role
from tests.core.test_authorization_matrix import MATRIX, Row, body_for, concrete_path, send
from tests.core.test_cross_location import (
    CROSS_TARGETS,
    RiversideRecords,
    query_for,
    riverside_records,  # noqa: F401  (the fixture, used by name)
    shows_patient,
)

pytestmark = pytest.mark.django_db


def _billing_records(records: RiversideRecords) -> dict[str, Any]:
    """Riverside's billing records of the same patient, one for each matrix target."""
    from django.utils import timezone

    from medoffice.billing.models import Claim, ClaimBatch, ClaimFinding
    from medoffice.billing.services import claims as services
    from tests.billing.factories_claims import (
        claimed_encounter,
        coded_encounter,
        office_visit_codes,
        seen_visit,
        waiting_encounter,
    )
    from tests.billing.factories_eligibility import EligibilityCheckFactory
    from tests.factories import SYSTEM

    office_visit_codes()
    patient, riverside = records.patient, records.patient.home_location

    def visit(days_ago: int) -> Any:
        return seen_visit(location=riverside, patient=patient, days_ago=days_ago)

    claim = Claim.objects.get(encounter=claimed_encounter(visit(6)))
    accepted = Claim.objects.get(encounter=claimed_encounter(visit(7)))
    for status in ("ready", "submitted"):
        accepted = services.transition(claim=accepted, to=status, actor=SYSTEM)
    accepted = services.mark_accepted(claim=accepted, actor=SYSTEM, payer_claim_number="PCN-9")
    batch = ClaimBatch.objects.create(
        interchange_control_number=515151,
        group_control_number=515151,
        file_name="837P-riverside.x12",
        content="ISA*...~",
        claim_count=1,
        total_charge=accepted.total_charge,
        created_at=timezone.now(),
    )
    Claim.objects.filter(pk=accepted.pk).update(batch=batch)
    rejected = Claim.objects.get(encounter=claimed_encounter(visit(8)))
    for status in ("ready", "submitted", "rejected"):
        rejected = services.transition(claim=rejected, to=status, actor=SYSTEM)
    warning = ClaimFinding.objects.create(
        claim=claim,
        code="timely_filing_near",
        severity="warning",
        message="The filing limit is in 20 days.",
        found_at=timezone.now(),
    )

    def check(status: str) -> Any:
        return EligibilityCheckFactory(
            coverage=records.coverage,
            location=riverside,
            status=status,
            rejection_reason="patient not found (AAA 67)",
        )

    return {
        "billing_seen_visit": visit(3),
        "billing_draft_encounter": coded_encounter(visit(4)),
        "billing_waiting_encounter": waiting_encounter(visit(5)),
        "billing_claim": claim,
        "billing_accepted_claim": accepted,
        "billing_rejected_claim": rejected,
        "billing_warning": warning,
        "billing_batch": batch,
        "eligibility_check": check("rejected"),
        "eligibility_sent": check("sent"),
    }


BILLING_TARGETS = {
    "billing_seen_visit",
    "billing_draft_encounter",
    "billing_waiting_encounter",
    "billing_claim",
    "billing_accepted_claim",
    "billing_rejected_claim",
    "billing_warning",
    "eligibility_check",
    "eligibility_sent",
}
# A batch is the practice's, not a location's: its page answers, but shows no claim of a
# location the user may not see.
SHOWN_TARGETS = {"billing_batch"}


def _biller_may(row: Row) -> bool:
    return Role.BILLER in row.allowed


RECORD_ROWS = [
    row
    for row in MATRIX
    if _biller_may(row) and (row.target in BILLING_TARGETS or row.target in CROSS_TARGETS)
]
SHOWN_ROWS = [
    row
    for row in MATRIX
    if _biller_may(row) and row.target in SHOWN_TARGETS and row.method == "GET"
]
LIST_ROWS = [
    row
    for row in MATRIX
    if not row.target
    and row.method == "GET"
    and _biller_may(row)
    and 200 <= row.ok < 300
    and not row.pattern.startswith(("/accounts/", "/api/v1/docs", "/api/v1/openapi", "/health"))
]


@pytest.fixture
def riverside(riverside_records) -> tuple[Any, Callable[[str], Any], Any]:  # noqa: F811
    northgate, records = riverside_records
    billing = _billing_records(records)

    def target(name: str) -> Any:
        return billing[name] if name in billing else CROSS_TARGETS[name](records)

    return northgate, target, records.patient


@pytest.fixture
def northgate_biller(client_for, riverside):
    northgate, _target, _patient = riverside
    return client_for(Role.BILLER, locations=[northgate])


def _content(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


@pytest.mark.parametrize("row", RECORD_ROWS, ids=lambda row: row.key)
def test_another_locations_billing_record_answers_as_missing_and_nothing_changes(
    row, riverside, northgate_biller
):
    from tests.dbsnapshot import changed_tables, snapshot

    _northgate, target, patient = riverside
    record = target(row.target)
    path = concrete_path(row, str(record.pk))
    before = snapshot() if row.writes else None
    response = send(northgate_biller, row, path, body_for(row, record))
    changed = changed_tables(before, snapshot()) if before is not None else []
    if str(record.pk) not in path:
        # The record is named in the body (a 271 answering Riverside's check): the file may be
        # well-formed and answered, but Riverside's check is not touched nor shown.
        assert response.status_code < 500, f"{row.method} {path}: {response.status_code}"
        assert not shows_patient(_content(response), patient)
    else:
        assert response.status_code == 404, f"{row.method} {path}: {response.status_code}"
    assert changed == [], f"{row.method} {path} wrote {changed}"


@pytest.mark.parametrize("row", SHOWN_ROWS, ids=lambda row: row.key)
def test_a_batch_page_shows_no_claim_of_another_location(row, riverside, northgate_biller):
    _northgate, target, patient = riverside
    path = concrete_path(row, str(target(row.target).pk))
    response = northgate_biller.get(path)
    assert response.status_code < 500, f"GET {path}: {response.status_code}"
    assert not shows_patient(_content(response), patient), f"GET {path} shows the patient"


@pytest.mark.parametrize("row", LIST_ROWS, ids=lambda row: row.key)
def test_no_billing_list_shows_another_locations_patient(row, riverside, northgate_biller):
    _northgate, _target, patient = riverside
    path = concrete_path(row, "")
    response = northgate_biller.get(path, query_for(row))
    assert response.status_code < 500, f"GET {path}: {response.status_code}"
    assert not shows_patient(_content(response), patient), f"GET {path} shows the patient"
