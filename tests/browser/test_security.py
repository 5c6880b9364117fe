"""Lock-out, role-based navigation, the audit report and emergency access, in the browser."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.roles import Role
from tests.browser.helpers import (
    TABLET,
    log_in,
    log_out,
    menu_link,
    open_from_menu,
    save_screenshot,
    staff,
    submit_login,
)
from tests.factories import LocationFactory, PatientFactory

pytestmark = pytest.mark.browser


# --- lock-out ---------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_until_the_office_manager_unlocks_it(page: Page):
    user = staff(Role.FRONT_DESK)
    for _ in range(5):
        submit_login(page, user.username, "not-the-password")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    submit_login(page, user.username)
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()

    log_in(page, staff(Role.OFFICE_MANAGER))
    locked = page.get_by_test_id("accounts")
    expect(locked).to_contain_text(f"1 locked out: {user.username}")
    page.get_by_test_id("accounts-locked").click()
    save_screenshot(page, "users-list")
    page.get_by_role("link", name=user.username, exact=True).click()
    expect(page.get_by_test_id("locked-banner")).to_be_visible()
    save_screenshot(page, "user-edit-locked")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text(f"{user.username} is unlocked and can log in again.")).to_be_visible()
    expect(page.get_by_test_id("locked-banner")).to_have_count(0)
    log_out(page)

    log_in(page, user)


# --- role-based navigation ----------------------------------------------------


def test_front_desk_sees_patients_but_not_users_or_the_audit_log(page: Page):
    log_in(page, staff(Role.FRONT_DESK))
    expect(menu_link(page, "Users")).to_have_count(0)
    expect(menu_link(page, "Audit log")).to_have_count(0)
    open_from_menu(page, "Patients")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()


def test_auditor_sees_the_audit_log_but_not_patients(page: Page):
    log_in(page, staff(Role.AUDITOR))
    expect(menu_link(page, "Patients")).to_have_count(0)
    expect(page.get_by_role("searchbox", name="Find a patient")).to_have_count(0)
    open_from_menu(page, "Audit log")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()


def test_hr_opens_users_from_the_menu(page: Page):
    log_in(page, staff(Role.HR))
    open_from_menu(page, "Users")
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()


def test_typing_the_address_of_a_forbidden_page_shows_not_allowed(page: Page):
    log_in(page, staff(Role.FRONT_DESK))
    response = page.goto("/audit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


# --- audit report -------------------------------------------------------------


def _audit_rows(page: Page) -> list[dict[str, str]]:
    table = page.locator("#list-table table")
    headers = table.locator("thead th").all_inner_texts()
    names = [re.sub(r"[ ▲▼]+$", "", h.strip()) for h in headers]
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append(dict(zip(names, row.locator("td").all_inner_texts(), strict=True)))
    return rows


def test_auditor_filters_sorts_pages_and_exports_the_audit_report(page: Page):
    # 60 reads by one user and noise by another: more than one page of 50 for the filter.
    reader = staff(Role.FRONT_DESK, username="reader")
    other = staff(Role.FRONT_DESK, username="bystander")
    for n in range(60):
        record_event(AuditAction.READ, user=reader, object_type="patients.patient", object_id=n)
        if n % 10 == 0:
            record_event(AuditAction.UPDATE, user=reader, object_type="patients.patient")
            record_event(AuditAction.READ, user=other, object_type="patients.patient")
    auditor = staff(Role.AUDITOR, username="auditor")
    log_in(page, auditor)
    page.goto("/audit/")

    with page.expect_response(re.compile(r"/audit/\?.*user=reader")):
        page.get_by_label("User", exact=True).select_option("reader")
    with page.expect_response(re.compile(r"/audit/\?.*action=read")):
        page.get_by_label("Action").select_option(label="Read")
    expect(page.get_by_text("60 in all · page 1 of 2")).to_be_visible()
    rows = _audit_rows(page)
    assert len(rows) == 50
    assert {(r["User"], r["Action"]) for r in rows} == {("reader", "Read")}
    save_screenshot(page, "audit-log")

    page.locator("thead").get_by_role("link", name="Object ID").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text(re.compile("Object ID"))
    ids = [r["Object ID"] for r in _audit_rows(page)]
    assert ids == sorted(ids)

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("60 in all · page 2 of 2")).to_be_visible()
    assert len(_audit_rows(page)) == 10

    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    exported = download_info.value
    assert exported.suggested_filename.endswith(".csv")
    lines = list(csv.DictReader(io.StringIO(Path(exported.path()).read_text("utf-8"))))
    assert len(lines) == 60
    assert {(line["User"], line["Action"]) for line in lines} == {("reader", "Read")}

    page.goto("/audit/?action=export")
    expect(page.get_by_text("1 in all")).to_be_visible()
    (entry,) = _audit_rows(page)
    assert entry["User"] == "auditor"
    assert entry["Detail"].startswith("CSV export of 60 rows")


# --- emergency access (break-glass) --------------------------------------------


def test_provider_breaks_the_glass_and_the_office_manager_sees_it(page: Page, practice):
    own, other = LocationFactory(practice=practice), LocationFactory(practice=practice)
    patient = PatientFactory(home_location=other)
    provider = staff(Role.PROVIDER, locations=[own])
    log_in(page, provider)

    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_role("heading", name="Emergency access")).to_be_visible()
    page.get_by_label("Why do you need this record now?").fill(
        "Patient arrived unconscious at our clinic; need allergies."
    )
    save_screenshot(page, "emergency-access")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("alert")).to_contain_text("under emergency access")
    expect(page.get_by_role("heading", name=patient.last_name)).to_be_visible()
    log_out(page)

    log_in(page, staff(Role.OFFICE_MANAGER, first_name="Morgan"))
    card = page.get_by_test_id("emergency-accesses")
    expect(card).to_contain_text(f"opened {patient.mrn}")
    expect(card).to_contain_text("Patient arrived unconscious")
    save_screenshot(page, "home-office-manager")
    save_screenshot(page, "home-tablet", viewport=TABLET)
