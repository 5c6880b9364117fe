"""The home page's audit panel: its figures agree with the log, and "Verify now" checks the
whole current chain (issue 9, point 13: "All 6 entries verified" beside 17 entries)."""

from __future__ import annotations

import pytest

from medoffice.core.audit import record_event, verify_chain
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db


def _panel(response):
    return response.context["audit"]


def test_the_panel_says_how_many_newer_entries_the_last_check_did_not_cover(practice, client_for):
    verify_chain(save=True)
    checked = AuditEvent.objects.count()
    for n in range(3):
        record_event(AuditAction.READ, object_type="core.user", object_id=n)
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.get("/")
    data = _panel(response)
    html = response.content.decode()
    assert data["status"].entries_checked == checked
    assert data["newer"] == data["count"] - checked >= 3
    assert f"verified {checked} of {data['count']}" in html
    assert f"{data['newer']} newer entries not yet verified" in html
    assert 'data-testid="verify-now"' in html


def test_verify_now_checks_the_whole_current_chain(practice, client_for):
    verify_chain(save=True)
    record_event(AuditAction.READ, object_type="core.user", object_id=1)
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post("/audit/verify/")
    assert response.status_code == 302
    entries = AuditEvent.objects.count()
    data = _panel(manager.get("/"))
    # The home page's own read is written after the check; everything before it is covered.
    assert data["status"].entries_checked == entries
    assert data["status"].ok


def test_a_role_that_does_not_read_the_audit_log_cannot_verify_it(practice, client_for):
    response = client_for(Role.FRONT_DESK).post("/audit/verify/")
    assert response.status_code == 403
