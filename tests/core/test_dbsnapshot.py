"""The database fingerprint the no-change checks rely on (tests/dbsnapshot.py)."""

from __future__ import annotations

import pytest

from tests.dbsnapshot import changed_tables, snapshot
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_new_row_changes_the_fingerprint(location):
    before = snapshot()
    PatientFactory(home_location=location)
    assert changed_tables(before, snapshot()) == ["patients_patient: 0 rows before, 1 after"]


def test_an_edited_row_changes_the_fingerprint_with_the_same_count(location):
    patient = PatientFactory(home_location=location)
    before = snapshot()
    patient.first_name = "Renamed"
    patient.save()
    assert changed_tables(before, snapshot()) == ["patients_patient: 1 rows before, 1 after"]


def test_an_audit_entry_leaves_the_fingerprint_alone(location):
    from medoffice.core.audit import record_event

    before = snapshot()
    record_event(action="read", detail="a refused request is recorded")
    assert changed_tables(before, snapshot()) == []
