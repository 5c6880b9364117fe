import pytest
from tests.browser.test_security import test_auditor_filters_sorts_pages_and_exports_the_audit_report as flow, practice  # noqa
pytestmark = pytest.mark.browser

@pytest.mark.parametrize("n", range(6))
def test_repeat(page, n):
    flow(page)
