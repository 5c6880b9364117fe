"""The reports' charts in Chromium with many providers of long names: every label inside
the chart, none over another; and the users list's lock status with its Unlock button."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from tests.browser.helpers import log_in, save_screenshot, staff, submit_login
from tests.factories import LocationFactory
from tests.reports import factories as rf
from tests.scheduling.factories import AppointmentTypeFactory, ProviderFactory

pytestmark = pytest.mark.browser

NAMES = [
    ("Margaret", "Okonkwo-Fitzgerald"),
    ("José", "Álvarez-Nuñez"),
    ("Anne-Marie", "Delacroix-Beaumont"),
    ("Christopher", "Vanderbilt-Montgomery"),
    ("Siobhán", "Ní Mhaoldomhnaigh"),
    ("Bartholomew", "Papadopoulos"),
    ("Guadalupe", "Hernández-Villanueva"),
    ("Wolfgang", "Schwarzenegger-Lindqvist"),
    ("Nkechi", "Adebayo-Oluwaseun"),
    ("Priyanka", "Raghunathan"),
    ("Zhang", "Wei"),
    ("Olga", "Konstantinopoulou"),
]

BOXES = """svg => {
  const outer = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, x: r.left - outer.left, y: r.top - outer.top,
            w: r.width, h: r.height, W: outer.width, H: outer.height};
  });
}"""


@pytest.fixture
def many_providers(practice):
    main = LocationFactory(practice=practice, name="Riverside Family Medicine — Main Street")
    north = LocationFactory(practice=practice, name="Riverside Family Medicine — North Hills")
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    monday = rf.quiet_monday(weeks_ago=2)
    for i, (first, last) in enumerate(NAMES):
        provider = ProviderFactory(first_name=first, last_name=last, locations=[main, north])
        where = {"provider": provider, "appointment_type": kind, "location": (main, north)[i % 2]}
        rf.visit(rf.local(monday, 9), arrived=0, roomed=5 + i, seen=15 + i, done=30, **where)
        if i % 3:  # a third of them have no no-show: their bars are zero
            rf.no_show(rf.local(monday, 10), **where)
    return monday


def test_chart_labels_of_many_long_provider_names_stay_inside_and_apart(page: Page, many_providers):
    log_in(page, staff(Role.OFFICE_MANAGER))
    page.goto("/reports/no-shows/")
    chart = page.get_by_test_id("chart").nth(1)  # the bars by provider
    expect(chart).to_be_visible()
    boxes = [b for b in chart.evaluate(BOXES) if b["w"] > 0]
    assert len(boxes) > len(NAMES)
    for b in boxes:
        assert b["x"] >= -0.5, b
        assert b["y"] >= -0.5, b
        assert b["x"] + b["w"] <= b["W"] + 0.5, b
        assert b["y"] + b["h"] <= b["H"] + 0.5, b
    for a, b in itertools.combinations(boxes, 2):
        apart = (
            a["x"] + a["w"] <= b["x"] + 0.5
            or b["x"] + b["w"] <= a["x"] + 0.5
            or a["y"] + a["h"] <= b["y"] + 0.5
            or b["y"] + b["h"] <= a["y"] + 0.5
        )
        assert apart, (a, b)
    expect(chart.locator("text.figure", has_text="0").first).to_be_attached()
    chart.scroll_into_view_if_needed()
    save_screenshot(page, "reports-many-providers")


def test_the_users_list_shows_the_lock_and_unlocks_from_the_list(page: Page):
    user = staff(Role.FRONT_DESK)
    for _ in range(5):
        submit_login(page, user.username, "not-the-password")
    log_in(page, staff(Role.OFFICE_MANAGER))
    page.goto("/users/")
    row = page.get_by_role("row").filter(has_text=user.username)
    expect(row).to_contain_text("Locked until unlocked")
    expect(row).to_contain_text("failed log-ins")
    row.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text(f"{user.username} is unlocked and can log in again.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/users/$"))
    row = page.get_by_role("row").filter(has_text=user.username)
    expect(row.get_by_role("button", name="Unlock")).to_have_count(0)
