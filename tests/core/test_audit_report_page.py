"""The audit report as the office manager reads it: refused filters named, labels in
words, the user filter a choice of users, the detail readable (issue 9, point 13)."""

from __future__ import annotations

import pytest

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BAD_FILTERS = [
    ({"patient": "abc"}, "patient", "Patient ID"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to", "To"),
    ({"date_from": "2026-02-30"}, "date_from", "From"),
]


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


@pytest.mark.parametrize(("query", "field", "label"), BAD_FILTERS)
def test_a_refused_filter_is_named_in_the_table_not_nothing_matches(manager, query, field, label):
    response = manager.get("/audit/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing matches" not in html
    assert f'data-refused-field="{field}"' in html
    assert f"{label}:" in html


@pytest.mark.parametrize(("query", "field", "label"), BAD_FILTERS)
def test_the_live_filter_gets_the_refused_field_in_its_table(manager, query, field, label):
    response = manager.get("/audit/", query, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Nothing matches" not in html
    assert f'data-refused-field="{field}"' in html


@pytest.mark.parametrize(("query", "field", "label"), BAD_FILTERS)
def test_the_csv_export_refuses_a_bad_filter_naming_it(manager, query, field, label):
    response = manager.get("/audit/", {**query, "format": "csv"})
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}:")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"patient_id": "abc"}, "patient_id"),
        ({"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}, "until"),
        ({"since": "2026-02-30T00:00:00Z"}, "since"),
    ],
)
def test_the_api_refuses_a_bad_filter_naming_it(manager, query, field):
    response = manager.get("/api/v1/audit-events", query)
    assert response.status_code in (400, 422)
    assert field in [e["field"] for e in response.json()["errors"]]


def test_roles_object_types_and_actions_are_shown_in_words(practice, manager):
    clerk = UserFactory(username="clerk", roles=[Role.OFFICE_MANAGER])
    record_event(AuditAction.UPDATE, user=clerk, object_type="scheduling.appointment", object_id=7)
    row = next(r for r in manager.get("/audit/").context["rows"] if r[2]["value"] == "clerk")
    values = [cell["value"] for cell in row]
    assert "Office manager" in values
    assert "office_manager" not in values
    assert "Appointment" in values
    assert "scheduling.appointment" not in values
    assert "Update" in values


def test_the_csv_keeps_the_codes_for_spreadsheets(practice, manager):
    record_event(AuditAction.UPDATE, object_type="scheduling.appointment", object_id=7)
    response = manager.get("/audit/", {"object_type": "scheduling.appointment", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "scheduling.appointment" in body


def test_the_user_filter_offers_the_practices_users(practice, manager):
    UserFactory(username="clerk", first_name="Carla", last_name="Clerk")
    widget = manager.get("/audit/").context["form"].fields["user"].widget
    choices = dict(widget.choices)
    assert choices["clerk"] == "Carla Clerk (clerk)"


def test_the_detail_column_wraps(practice, manager):
    record_event(AuditAction.READ, object_type="core.user", detail="word " * 60)
    html = manager.get("/audit/").content.decode()
    assert 'class="cell-wrap' in html
