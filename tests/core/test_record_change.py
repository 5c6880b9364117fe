"""record_change: a service's validate, save and audit event, in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medoffice.core.audit import record_change
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.patients.models import PatientAlert
from tests.factories import PatientFactory, UserFactory
from tests.patients.factories import AlertFactory

pytestmark = pytest.mark.django_db


def _events(alert_pk=None):
    rows = AuditEvent.objects.filter(object_type="patients.patientalert")
    return list(rows.filter(object_id=str(alert_pk)) if alert_pk else rows)


def test_a_new_row_is_saved_and_recorded_as_created():
    actor = UserFactory()
    patient = PatientFactory()

    alert = record_change(
        PatientAlert(patient=patient, kind="interpreter", created_by=actor),
        user=actor,
        patient_id=patient.pk,
        data_category="alerts",
    )

    [event] = _events(alert.pk)
    assert (event.action, event.user_id, event.patient_id, event.data_category) == (
        AuditAction.CREATE,
        actor.pk,
        patient.pk,
        "alerts",
    )


def test_a_saved_row_is_recorded_as_updated_with_its_detail():
    alert = AlertFactory()

    alert.text = "Spanish"
    record_change(alert, user=UserFactory(), detail="text changed")

    [event] = _events(alert.pk)
    assert (event.action, event.detail) == (AuditAction.UPDATE, "text changed")
    alert.refresh_from_db()
    assert alert.text == "Spanish"


def test_the_action_can_be_named():
    alert = AlertFactory()

    record_change(alert, user=UserFactory(), action=AuditAction.SECURITY, validate=False)

    assert [e.action for e in _events(alert.pk)] == [AuditAction.SECURITY]


def test_a_row_the_model_refuses_is_neither_saved_nor_recorded():
    with pytest.raises(ValidationError) as refused:
        record_change(PatientAlert(patient=PatientFactory(), kind="nonsense"), user=UserFactory())

    assert "kind" in refused.value.message_dict
    assert not PatientAlert.objects.exists()
    assert _events() == []


def test_only_the_update_fields_are_written():
    alert = AlertFactory(text="old")
    alert.text = "new"
    alert.is_active = False

    record_change(alert, user=UserFactory(), validate=False, update_fields=["is_active"])

    alert.refresh_from_db()
    assert (alert.text, alert.is_active) == ("old", False)


def test_excluded_fields_are_not_validated():
    alert = AlertFactory()
    alert.kind = "nonsense"

    record_change(alert, user=UserFactory(), exclude=["kind"])

    assert PatientAlert.objects.get(pk=alert.pk).kind == "nonsense"
