"""The cross-location sweep: a front-desk user of Northgate against Riverside Main's records.

Every row of the authorization matrix (``tests/core/test_authorization_matrix.py`` and the
areas' ``matrix_rows.py``) whose path names a record that belongs to a location — a patient,
an appointment, a coverage, a document, a payment, an alert, a consent, a waitlist entry, a
recall (its outreach is recorded through it) — is sent, with its method and its real body, by a
front-desk user limited to Northgate, for a record of Riverside Main (both made with factories,
``riverside_records``). A record outside the user's locations must answer as a record that does
not exist: **404**, and nothing written (the database fingerprint of ``tests/dbsnapshot.py``
before and after every non-GET request). A row the front desk may not use at all answers its
role refusal (the row's ``refused``, 403) instead. The writes that name their patient in the
body rather than the path (register, book, a series, the waitlist, a recall: the rows with
``body_subject="patient"``) are sent with Riverside's patient (registered at Riverside Main) and
must change nothing, whatever they answer (the form's errors, 400, 404). Every list page,
export and list operation the front desk may open is read too, and must not show Riverside's
patient (by name, MRN, or as a ``patient_id``).

Each request ends in one of: ``refused`` (the expected answer, nothing written), ``403`` (a
refusal, but one that tells the record exists), ``leak`` (answered, wrote, or showed the
record), ``500``. A 500 always fails.

**Known leaks.** The leaks found on main are being fixed on another branch. Until it lands,
``KNOWN_LEAKS`` holds the row keys (``"METHOD pattern"``) that leak today and ``KNOWN_403`` the
rows that refuse with 403 instead of 404. The test is strict both ways: a leak (or a 403) not in
its set fails, and an entry that no longer leaks (or now answers 404) fails too, saying to remove
it — so the sets only shrink, and are empty once the fixes are merged.

**Counts.** ``python -m tests.core.sweep_counts`` runs the sweep and prints the
requests tried, refused, 403s, leaks and 500s (the same counts as a pytest summary).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from medoffice.core.roles import Role
from tests.core.sweep_counts import COUNTS_VARIABLE
from tests.core.test_authorization_matrix import MATRIX, Row, body_for, concrete_path, send

MARKER = "Riversby"  # the Riverside patient's last name: no Northgate page may show it

# Rows that leak Riverside's records to a Northgate user on today's main (being fixed).
KNOWN_LEAKS: frozenset[str] = frozenset()
# Rows that refuse with 403 (telling the record exists) where 404 is due (being fixed).
KNOWN_403: frozenset[str] = frozenset()


@dataclass
class RiversideRecords:
    patient: Any
    appointment: Any
    arrived_visit: Any
    coverage: Any
    coverage_with_cards: Any
    document: Any
    alert: Any
    consent: Any
    payment: Any
    waitlist_entry: Any
    recall: Any
    outreach: Any


# Which of Riverside's records fills each matrix target.
CROSS_TARGETS: dict[str, Callable[[RiversideRecords], Any]] = {
    "patient": lambda r: r.patient,
    "appointment": lambda r: r.appointment,
    "frontdesk_appointment": lambda r: r.appointment,
    "frontdesk_arrived_visit": lambda r: r.arrived_visit,
    "coverage": lambda r: r.coverage,
    "coverage_with_cards": lambda r: r.coverage_with_cards,
    "patient_document": lambda r: r.document,
    "patient_alert": lambda r: r.alert,
    "consent": lambda r: r.consent,
    "billing_payment": lambda r: r.payment,
    "waitlist_entry": lambda r: r.waitlist_entry,
    "recall": lambda r: r.recall,
    "frontdesk_recall": lambda r: r.recall,
    "billing_seen_visit": lambda r: r.arrived_visit,
}

RECORD_ROWS = [row for row in MATRIX if row.target in CROSS_TARGETS]
# Writes whose record is named in the body (register, book, add to the waitlist, recall):
# their body is built for Riverside's patient (at Riverside Main).
BODY_ROWS = [row for row in MATRIX if row.body_subject == "patient"]
# The lists, exports and list operations the front desk may open (GET, no record in the path).
LIST_ROWS = [
    row
    for row in MATRIX
    if not row.target
    and row.method == "GET"
    and Role.FRONT_DESK in row.allowed
    and 200 <= row.ok < 300
    and not row.pattern.startswith(("/accounts/", "/api/v1/docs", "/api/v1/openapi", "/health"))
]


@pytest.fixture
def riverside_records(practice) -> tuple[Any, RiversideRecords]:
    """Northgate and Riverside Main; every kind of record, at Riverside Main."""
    from django.core.files.base import ContentFile

    from medoffice.billing.services import take_payment
    from medoffice.scheduling.models import RecallOutreach
    from tests.factories import LocationFactory, PatientFactory, UserFactory
    from tests.frontdesk.factories import todays_visit
    from tests.frontdesk.matrix_rows import arrived
    from tests.patients import factories as patient_factories
    from tests.scheduling.factories import RecallFactory, WaitlistEntryFactory

    northgate = LocationFactory(practice=practice, name="Northgate")
    riverside = LocationFactory(practice=practice, name="Riverside Main")
    patient = PatientFactory(home_location=riverside, last_name=MARKER)
    appointment = todays_visit(riverside, patient=patient)
    cards = {
        "card_front": ContentFile(patient_factories.PNG_BYTES, name="front.png"),
        "card_back": ContentFile(patient_factories.PNG_BYTES, name="back.png"),
    }
    payment = take_payment(
        actor=UserFactory(roles=[Role.FRONT_DESK], locations=[riverside]),
        patient=patient,
        location=riverside,
        appointment=appointment,
        amount=Decimal("20.00"),
        method="cash",
    )
    recall = RecallFactory(patient=patient)
    records = RiversideRecords(
        patient=patient,
        appointment=appointment,
        arrived_visit=arrived(todays_visit(riverside, patient=patient, minute=30)),
        coverage=patient_factories.CoverageFactory(patient=patient, order=1),
        coverage_with_cards=patient_factories.CoverageFactory(patient=patient, order=3, **cards),
        document=patient_factories.DocumentFactory(patient=patient),
        alert=patient_factories.AlertFactory(patient=patient),
        consent=patient_factories.ConsentFactory(patient=patient),
        payment=payment,
        waitlist_entry=WaitlistEntryFactory(patient=patient, location=riverside),
        recall=recall,
        outreach=RecallOutreach.objects.create(recall=recall, method="phone", outcome="No answer"),
    )
    return northgate, records


@pytest.fixture
def northgate_desk(client_for, riverside_records):
    northgate, _records = riverside_records
    return client_for(Role.FRONT_DESK, locations=[northgate])


def expected_refusal(row: Row) -> int:
    """404 for a row the front desk may use; its role refusal for one it may not."""
    return 404 if Role.FRONT_DESK in row.allowed else row.refused


def outcome_of(row: Row, status: int, wrote: bool, shown: bool) -> str:
    if status >= 500:
        return "500"
    if wrote or shown:
        return "leak"
    if status == expected_refusal(row):
        return "refused"
    if status == 403:
        return "403"
    return "leak" if status < 400 else "refused"


def record(row: Row, outcome: str, detail: str) -> None:
    path = os.environ.get(COUNTS_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"row": row.key, "outcome": outcome, "detail": detail}) + "\n")


def check_against_known(row: Row, outcome: str, detail: str) -> None:
    """Strict both ways: an unknown leak or 403 fails, and so does a known one that is fixed."""
    assert outcome != "500", f"{row.key}: server error ({detail})"
    if row.key in KNOWN_LEAKS:
        assert outcome == "leak", (
            f"{row.key} no longer leaks ({detail}): remove it from KNOWN_LEAKS"
        )
        return
    assert outcome != "leak", f"{row.key} leaks a Riverside Main record to Northgate: {detail}"
    if row.key in KNOWN_403:
        assert outcome == "403", f"{row.key} answers {detail} now: remove it from KNOWN_403"
        return
    assert outcome != "403", f"{row.key} answers 403 for another location's record, not 404"


@pytest.mark.parametrize("row", RECORD_ROWS, ids=lambda row: row.key)
def test_another_locations_record_answers_as_missing_and_nothing_changes(
    row, riverside_records, northgate_desk
):
    from tests.dbsnapshot import changed_tables, snapshot

    _northgate, records = riverside_records
    target = CROSS_TARGETS[row.target](records)
    path = concrete_path(row, str(target.pk))
    body = body_for(row, target)
    before = snapshot() if row.writes else None
    response = send(northgate_desk, row, path, body)
    changed = changed_tables(before, snapshot()) if before is not None else []
    outcome = outcome_of(row, response.status_code, bool(changed), shown=False)
    detail = f"{row.method} {path}: {response.status_code}" + (
        f", wrote {changed}" if changed else ""
    )
    record(row, outcome, detail)
    check_against_known(row, outcome, detail)


@pytest.mark.parametrize("row", BODY_ROWS, ids=lambda row: row.key)
def test_a_write_naming_another_locations_patient_changes_nothing(
    row, riverside_records, northgate_desk
):
    """Refused however it answers (the form's errors, 400, 404): what counts is no change."""
    from tests.dbsnapshot import changed_tables, snapshot

    _northgate, records = riverside_records
    path = concrete_path(row, "")
    body = body_for(row, records.patient)
    before = snapshot()
    response = send(northgate_desk, row, path, body)
    changed = changed_tables(before, snapshot())
    status = response.status_code
    outcome = "500" if status >= 500 else ("leak" if changed else "refused")
    detail = f"{row.method} {path}: {status}" + (f", wrote {changed}" if changed else "")
    record(row, outcome, detail)
    check_against_known(row, outcome, detail)


@pytest.mark.parametrize("row", LIST_ROWS, ids=lambda row: row.key)
def test_no_list_shows_another_locations_patient(row, riverside_records, northgate_desk):
    path = concrete_path(row, "")
    response = northgate_desk.get(path, query_for(row))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    _northgate, records = riverside_records
    shown = shows_patient(content.decode(errors="replace"), records.patient)
    status = response.status_code
    outcome = "500" if status >= 500 else ("leak" if shown else "refused")
    detail = f"GET {path}: {status}" + (", shows the patient" if shown else "")
    record(row, outcome, detail)
    check_against_known(row, outcome, detail)


def shows_patient(content: str, patient: Any) -> bool:
    """The page names the patient, or the API row carries their MRN or id."""
    import re

    names = MARKER in content or patient.mrn in content
    return names or re.search(rf'"patient_id":\s*{patient.pk}\b', content) is not None


def query_for(row: Row) -> dict[str, str]:
    """The required query parameters of a list operation, so it lists rather than answers 422."""
    from tests.frontdesk.factories import local_today

    return {"date": local_today().isoformat()} if row.pattern == "/api/v1/appointments" else {}


# --- the strictness of the known sets ---------------------------------------------------------

PROBE = Row("/probe/<int:pk>/", "POST", "a probe row", frozenset({Role.FRONT_DESK}))


def test_a_leak_not_listed_fails(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_LEAKS", frozenset())
    with pytest.raises(AssertionError, match="leaks a Riverside Main record"):
        check_against_known(PROBE, "leak", "POST /probe/1/: 302")


def test_a_listed_leak_that_is_fixed_fails_asking_to_remove_it(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_LEAKS", frozenset({PROBE.key}))
    with pytest.raises(AssertionError, match="remove it from KNOWN_LEAKS"):
        check_against_known(PROBE, "refused", "POST /probe/1/: 404")


def test_a_403_not_listed_fails(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_403", frozenset())
    with pytest.raises(AssertionError, match="403 for another location's record"):
        check_against_known(PROBE, "403", "POST /probe/1/: 403")


def test_a_listed_403_that_now_answers_404_fails_asking_to_remove_it(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_403", frozenset({PROBE.key}))
    with pytest.raises(AssertionError, match="remove it from KNOWN_403"):
        check_against_known(PROBE, "refused", "POST /probe/1/: 404")


def test_a_server_error_fails_even_when_listed(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_LEAKS", frozenset({PROBE.key}))
    with pytest.raises(AssertionError, match="server error"):
        check_against_known(PROBE, "500", "POST /probe/1/: 500")


def test_a_write_answered_404_is_still_a_leak():
    assert outcome_of(PROBE, 404, wrote=True, shown=False) == "leak"
