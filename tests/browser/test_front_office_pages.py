"""The front office's pages over a small demo practice: each opens cleanly and shows its data.

With SCREENSHOTS=1 these are the pictures of docs/front-desk.md, scheduling.md, reports.md
and reminders.md (a realistic day: several providers, visits in every status).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from medoffice.core.demo.helpers import FrontOfficeSize
from medoffice.core.demo.practice import build_practice
from medoffice.core.demo.registry import builders
from medoffice.core.roles import Role
from medoffice.scheduling.models import Appointment
from tests.browser.helpers import log_in, save_screenshot, staff

pytestmark = pytest.mark.browser

# The front office's builders: everything but the home page's attention items.
FRONT_OFFICE_ONLY = ("patients-emergency-access", "core-attention-items")
SMALL = FrontOfficeSize(patients=160, past_days=21, future_days=7, waitlist=6, recalls=12)


@pytest.fixture
def demo(practice):
    context = build_practice()
    context["front_office_size"] = SMALL
    for builder in builders(exclude=FRONT_OFFICE_ONLY):
        with transaction.atomic():
            builder(context, 2026)
    return context


def test_the_front_office_pages_show_a_busy_practice(page: Page, demo):
    main = demo["locations"]["MAIN"]
    assert Appointment.objects.filter(location=main).exists()
    log_in(page, staff(Role.OFFICE_MANAGER, first_name="Morgan"))

    for path, check, screenshot in [
        (f"/front-desk/day/?location={main.pk}", "book-grid", "front-desk-day"),
        (f"/front-desk/week/?location={main.pk}", "book-grid", "front-desk-week"),
        (f"/front-desk/flow/?location={main.pk}", "flow-board", "flow-board"),
        ("/schedule/waitlist/", None, "waitlist"),
        ("/schedule/recalls/", None, "recalls"),
        ("/reports/wait-times/", None, "reports-wait-times"),
        ("/reports/no-shows/", None, "reports-no-shows"),
        ("/schedule/messages/", None, "reminders-settings"),
    ]:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        if check:
            expect(page.get_by_test_id(check)).to_be_visible()
        else:
            expect(page.locator("main h1").first).to_be_visible()
        save_screenshot(page, screenshot)
