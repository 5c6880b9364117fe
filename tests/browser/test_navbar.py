"""The top menu bar at the office's usual screen size: everything in it can be read and reached."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from tests.browser.helpers import log_in, staff

pytestmark = pytest.mark.browser


@pytest.fixture
def manager_with_a_long_name():
    return staff(Role.OFFICE_MANAGER, first_name="Morgan", last_name="Castellanos-Whitfield")


def test_office_managers_full_name_is_not_clipped_in_the_menu_bar_at_1280(
    page: Page, manager_with_a_long_name
):
    log_in(page, manager_with_a_long_name)
    assert page.viewport_size == {"width": 1280, "height": 800}
    name = page.get_by_test_id("user-name")
    expect(name).to_have_text("Morgan Castellanos-Whitfield")
    expect(name).to_be_visible()
    scroll_width, client_width = name.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert 0 < scroll_width <= client_width, "the name is cut inside its box"
    box = name.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 1280
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 800


def test_user_menu_opens_from_the_keyboard(page: Page, manager_with_a_long_name):
    log_in(page, manager_with_a_long_name)
    toggle = page.get_by_test_id("user-menu")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_below_1200_pixels_the_menu_folds_behind_a_button_that_shows_it_whole(
    page: Page, manager_with_a_long_name
):
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, manager_with_a_long_name)
    name = page.get_by_test_id("user-name")
    expect(name).to_be_hidden()
    page.get_by_role("button", name="Show navigation").click()
    expect(name).to_be_visible()
    expect(name).to_have_text("Morgan Castellanos-Whitfield")
    box = name.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 1024
