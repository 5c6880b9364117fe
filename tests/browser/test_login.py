"""Logging in and out, two-step log-in and idle log-off, in the browser."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from medoffice.core.middleware import IdleLogoutMiddleware
from medoffice.core.models import AuthenticatorApp
from medoffice.core.roles import Role
from tests.browser.helpers import (
    key_from_secret,
    log_in,
    log_out,
    save_screenshot,
    staff,
    submit_login,
    totp_code,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_pages_load_bootstrap_and_htmx(page: Page):
    page.goto("/accounts/login/")
    save_screenshot(page, "login")
    # Bootstrap's stylesheet defines its palette, the house style its brand colour.
    body_style = "name => getComputedStyle(document.body).getPropertyValue(name).trim()"
    assert page.evaluate(body_style, "--bs-blue") == "#0d6efd"
    assert page.evaluate(body_style, "--mo-brand") == "#0b5d7a"
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"


def test_wrong_password_is_refused_and_right_password_logs_in(page: Page):
    user = staff(Role.FRONT_DESK)
    submit_login(page, user.username, "not-the-password")
    expect(page.get_by_text("The user name or password is not right.")).to_be_visible()
    log_in(page, user)
    expect(page.get_by_test_id("user-menu")).to_have_text(user.get_full_name())


def test_log_out_ends_the_session(page: Page):
    user = staff(Role.FRONT_DESK)
    log_in(page, user)
    log_out(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2F$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_office_manager_sets_up_two_step_log_in_at_first_log_in(page: Page):
    manager = staff(Role.OFFICE_MANAGER, mfa=False)
    submit_login(page, manager.username)
    expect(page.get_by_role("heading", name="Set up two-step log-in")).to_be_visible()
    save_screenshot(page, "mfa-enrol")
    secret = page.get_by_test_id("mfa-secret").inner_text()
    page.get_by_label("Code").fill(totp_code(key_from_secret(secret)))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", name="Good day")).to_be_visible()


def test_log_in_asks_for_the_authenticator_code_of_an_enrolled_user(page: Page):
    manager = staff(Role.OFFICE_MANAGER)
    device = AuthenticatorApp.objects.get(user=manager)
    submit_login(page, manager.username)
    expect(page.get_by_role("heading", name="Two-step log-in")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(device.bin_key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Good day")).to_be_visible()


def test_wrong_authenticator_code_is_refused(page: Page):
    manager = staff(Role.OFFICE_MANAGER)
    right = totp_code(AuthenticatorApp.objects.get(user=manager).bin_key)
    submit_login(page, manager.username)
    page.get_by_label("Code").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-field-error=code]")).to_contain_text(
        "That code is not right or has been used."
    )
    page.goto("/")
    expect(page.get_by_role("heading", name="Two-step log-in")).to_be_visible()


def _age_session(page: Page, seconds: int) -> None:
    """Moves the server's record of the last activity ``seconds`` into the past."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[IdleLogoutMiddleware.SESSION_KEY] = time.time() - seconds
    session.save()


def test_idle_page_warns_a_minute_before_log_off(page: Page, practice):
    practice.idle_timeout_minutes = 2
    practice.save()
    page.clock.install()
    log_in(page, staff(Role.FRONT_DESK))
    expect(page.locator("body")).to_have_attribute("data-idle-seconds", "120")
    page.clock.run_for("01:05")
    expect(page.get_by_role("alert")).to_contain_text("You will be logged off soon")


def test_idle_page_goes_to_log_in_and_the_server_ends_the_session(page: Page, practice):
    practice.idle_timeout_minutes = 2
    practice.save()
    page.clock.install()
    log_in(page, staff(Role.FRONT_DESK))
    _age_session(page, 125)
    page.clock.fast_forward("02:05")
    expect(
        page.get_by_text("You were logged off after 2 minutes without activity.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_a_user_changes_their_password_from_the_account_menu(page: Page):
    user = staff(Role.FRONT_DESK)
    log_in(page, user)
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("123")
    page.get_by_label("New password again").fill("123")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("[data-field-error=old_password]")).to_contain_text(
        "That is not your current password."
    )
    expect(page.locator("#id_new_password1_error")).to_contain_text("This password is too short.")
    save_screenshot(page, "password-change")
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-Longer-Passphrase-42")
    page.get_by_label("New password again").fill("a-Longer-Passphrase-42")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    log_out(page)
    submit_login(page, user.username, "a-Longer-Passphrase-42")
    expect(page.get_by_role("heading", name="Good day")).to_be_visible()


def test_a_user_asked_for_a_new_password_chooses_one_before_anything_else(page: Page):
    user = staff(Role.FRONT_DESK, must_change_password=True)
    submit_login(page, user.username)
    expect(page.get_by_test_id("password-required")).to_be_visible()
    page.goto("/front-desk/day/")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-Longer-Passphrase-42")
    page.get_by_label("New password again").fill("a-Longer-Passphrase-42")
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/front-desk/day/$"))
