"""The API documentation page renders in Chromium under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medoffice.core.roles import Role
from tests.browser.conftest import browser, new_page, page  # noqa: F401  (shared browser fixtures)
from tests.browser.helpers import log_in, staff

pytestmark = pytest.mark.browser


def test_docs_page_renders_and_runs_an_operation_under_the_strict_csp(page: Page, practice):  # noqa: F811
    # The ``page`` fixture fails the test on any console error, CSP violations included.
    log_in(page, staff(Role.FRONT_DESK))

    response = page.goto("/api/v1/docs")

    assert "style-src 'self';" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("MedOffice API")
    page.locator(".opblock-summary-path", has_text="/api/v1/practice").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status")).to_contain_text("200")
