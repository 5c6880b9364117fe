"""Every model holding practice data is reached through the one authorization layer.

The walk covers every model of every medoffice app: its default manager must be a
``RestrictedQuerySet``'s, or the model must be named below with the reason it needs none.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from medoffice.core.querysets import RestrictedQuerySet

# Models without a restricted manager, each with the reason. Nothing else may join.
EXEMPT: dict[str, str] = {
    # The database's guard against double booking: (provider, 5-minute granule) rows
    # written and deleted only inside the booking services, which lock and check the
    # appointment first. No page, API operation or export reads them.
    "scheduling.SlotClaim": "booking's internal guard rows, never read by a page or the API",
    # The last ISA/GS/ST control numbers used: counters the batch service locks and
    # raises; no page, API operation or export reads them, and they name no patient.
    "billing.ControlNumber": "the X12 control-number counters, read only by the batch service",
    # A denial's status history: read only as ``denial.events`` of a denial the user was
    # given through the denials' restricted queryset; no list, API or export reads it alone.
    "billing.DenialEvent": "a denial's history, read only through its (restricted) denial",
}


def _medoffice_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("medoffice.") and not model._meta.abstract
    ]


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


@pytest.mark.parametrize("model", _medoffice_models(), ids=_label)
def test_every_model_has_a_restricted_manager_or_a_written_exemption(model):
    label = _label(model)
    if label in EXEMPT:
        assert not isinstance(model._default_manager.all(), RestrictedQuerySet), (
            f"{label} is restricted now: take it off the exemptions"
        )
        return
    assert isinstance(model._default_manager.all(), RestrictedQuerySet), (
        f"{label}'s manager is not a RestrictedQuerySet's: give it one "
        "(medoffice.core.querysets) or name it in EXEMPT with the reason"
    )


def test_the_exemptions_name_only_existing_models():
    labels = {_label(m) for m in _medoffice_models()}
    assert set(EXEMPT) <= labels


@pytest.mark.parametrize(
    "label",
    [
        "patients.PatientAlert",
        "patients.Coverage",
        "patients.Consent",
        "patients.PatientDocument",
        "patients.PatientMerge",
        "scheduling.AppointmentSeries",
        "scheduling.StatusChange",
        "scheduling.WaitlistEntry",
        "scheduling.Recall",
        "scheduling.RecallOutreach",
        "messaging.Message",
    ],
)
def test_patient_child_records_are_scoped_to_the_users_locations(label):
    queryset = apps.get_model(label)._default_manager.all()
    assert queryset.location_field, f"{label} is not scoped by location"
