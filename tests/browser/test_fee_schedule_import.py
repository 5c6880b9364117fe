"""A fee schedule's import in the browser: the biller uploads a CSV with one bad row, reads
the report naming it, chooses to import the good rows, and sees them in the schedule."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.billing.models import FeeScheduleEntry
from medoffice.core.roles import Role
from tests.billing.factories_reference import FeeScheduleFactory
from tests.browser.helpers import log_in, staff

pytestmark = pytest.mark.browser

CSV = (
    "code,modifier,amount,effective_from,effective_to\n"
    "99213,,125.00,2026-01-01,\n"
    "99214,,1e309,2026-01-01,\n"
    "36415,,15.00,2026-01-01,\n"
)


def test_the_biller_imports_the_good_rows_after_reading_the_report(page: Page, tmp_path):
    schedule = FeeScheduleFactory(name="Standard charges")
    biller = staff(Role.BILLER)
    log_in(page, biller)
    path = tmp_path / "fees.csv"
    path.write_text(CSV)

    page.goto(f"/billing/fee-schedules/{schedule.pk}/")
    page.get_by_test_id("schedule-import").click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("import-submit").click()

    expect(page.get_by_test_id("report-summary")).to_contain_text("Nothing imported")
    expect(page.get_by_test_id("report-problems")).to_contain_text("amount")
    expect(page.get_by_test_id("report-problems").locator("tbody tr")).to_have_count(1)
    assert not FeeScheduleEntry.objects.exists()

    page.get_by_test_id("import-good-rows").click()
    expect(page.get_by_test_id("report-summary")).to_contain_text("Imported 2 of 3 rows")
    assert sorted(FeeScheduleEntry.objects.values_list("code", flat=True)) == ["36415", "99213"]
    page.get_by_role("link", name="See the imported rows").click()
    expect(page.locator("#list-table")).to_contain_text("$125.00")
