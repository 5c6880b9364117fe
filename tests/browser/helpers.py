"""What the browser tests share: making staff, logging in through the form, TOTP codes."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from medoffice.core.models import AuthenticatorApp, User
from medoffice.core.roles import MFA_REQUIRED_ROLES, Role
from tests.factories import TEST_PASSWORD, UserFactory

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TABLET = {"width": 768, "height": 1024}


def totp_code(key: bytes) -> str:
    """The 6-digit code an authenticator app shows for ``key`` now."""
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def key_from_secret(secret: str) -> bytes:
    """The key bytes behind the grouped base32 secret shown on the enrol page."""
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def staff(*roles: Role, locations=None, mfa: bool | None = None, **fields) -> User:
    """A user with these roles; roles that must use two-step log-in get an authenticator."""
    user = UserFactory(roles=list(roles), locations=locations or [], **fields)
    if mfa is None:
        mfa = any(role in MFA_REQUIRED_ROLES for role in roles)
    if mfa:
        AuthenticatorApp.objects.create(user=user, name="authenticator app", confirmed=True)
    return user


def submit_login(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def log_in(page: Page, user: User) -> None:
    """Logs in through the form, answering the two-step prompt when the user has a device."""
    submit_login(page, user.username)
    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        expect(page.get_by_role("heading", name="Two-step log-in")).to_be_visible()
        page.get_by_label("Code").fill(totp_code(device.bin_key))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Good day")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def menu_link(page: Page, name: str) -> Locator:
    """The main menu's link called ``name``, whether shown or folded into a drop-down."""
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=name, exact=True, include_hidden=True
    )


def open_from_menu(page: Page, name: str) -> None:
    """Clicks a main-menu entry, opening its drop-down first when it is folded away."""
    link = menu_link(page, name)
    if not link.is_visible():
        dropdown = link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]")
        dropdown.locator("[data-bs-toggle=dropdown]").click()
    link.click()


def save_screenshot(page: Page, name: str, *, viewport: dict[str, int] | None = None) -> None:
    """Writes docs/screenshots/<name>.png when SCREENSHOTS=1 (one writer, not every CI run).

    ``viewport`` takes the picture at another size and puts the page's size back after.
    """
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    if viewport:
        page.set_viewport_size(viewport)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))
    if viewport and before:
        page.set_viewport_size(before)
