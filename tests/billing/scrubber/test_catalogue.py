"""Every scrub code has one rule, a how-to-fix text, and a change to a clean claim that
makes it fire; the clean claim itself has no finding."""

from __future__ import annotations

import pytest

from medoffice.billing.scrubber import RULES, ScrubCode, Severity, has_errors, scrub
from tests.billing.scrubber.builders import clean_input
from tests.billing.scrubber.mutations import MUTATIONS


def test_a_clean_realistic_claim_has_no_findings():
    assert scrub(clean_input()) == []


def test_every_code_has_a_rule():
    assert set(RULES) == set(ScrubCode)


def test_every_code_has_a_change_that_makes_it_fire():
    assert set(MUTATIONS) == set(ScrubCode)


def test_there_are_at_least_35_edits():
    assert len(RULES) >= 35


@pytest.mark.parametrize("code", list(ScrubCode), ids=str)
def test_every_rule_says_how_to_fix_it(code):
    assert len(RULES[code].fix) > 20


@pytest.mark.parametrize("code", list(ScrubCode), ids=str)
def test_the_change_for_each_code_makes_that_code_fire(code):
    findings = scrub(MUTATIONS[code](clean_input()))

    fired = [f for f in findings if f.code == code]
    assert fired, f"{code} did not fire; found {[f.code for f in findings]}"
    assert all(f.severity == RULES[code].severity and f.fix == RULES[code].fix for f in fired)


def test_errors_come_before_warnings():
    inp = MUTATIONS[ScrubCode.TIMELY_FILING_NEAR](clean_input())
    inp = MUTATIONS[ScrubCode.BILLING_NPI_MISSING](inp)

    severities = [f.severity for f in scrub(inp)]

    assert severities == sorted(severities, key=lambda s: s != Severity.ERROR)
    assert Severity.WARNING in severities
    assert Severity.ERROR in severities


def test_warnings_alone_do_not_stop_the_claim():
    findings = scrub(MUTATIONS[ScrubCode.TIMELY_FILING_NEAR](clean_input()))

    assert findings
    assert not has_errors(findings)
