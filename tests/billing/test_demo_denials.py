"""The demo's denials: on older claims, with the payers' usual reasons, in several
statuses, a few appealed with letters; a second run adds nothing."""

from __future__ import annotations

import pytest

from medoffice.billing.demo_denials import REASONS, build_denials
from medoffice.billing.demo_era import DENIALS
from medoffice.billing.models import Appeal, Denial
from tests.billing.conftest import flush_keeping_reference_rows
from tests.scheduling.test_demo import build_small

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_small()
        yield
        flush_keeping_reference_rows()
        from medoffice.billing.services.denials import ensure_templates

        ensure_templates()


def test_the_demo_has_denials_with_the_usual_reasons(demo):
    codes = set(Denial.objects.values_list("group_code", "reason_code"))

    assert Denial.objects.exists()
    assert codes <= set(DENIALS) | {(group, reason) for group, reason, _r, _s in REASONS}


def test_the_demo_denials_come_from_its_remittances(demo):
    from medoffice.billing.models import EraClaimPayment

    denied = set(EraClaimPayment.objects.filter(is_denial=True).values_list("pk", flat=True))

    assert set(Denial.objects.values_list("source_kind", flat=True)) == {"era"}
    assert {int(pk) for pk in Denial.objects.values_list("source_id", flat=True)} <= denied


def test_the_demo_denials_are_in_several_statuses(demo):
    assert len(set(Denial.objects.values_list("status", flat=True))) >= 4


def test_each_demo_denial_is_of_a_line_of_its_claims_visit(demo):
    for denial in Denial.objects.select_related("charge_line", "claim"):
        assert denial.charge_line.encounter_id == denial.claim.encounter_id


def test_the_demo_appeals_carry_a_filled_letter(demo):
    appeals = list(Appeal.objects.prefetch_related("denials"))

    assert 0 < len(appeals) <= 5
    for appeal in appeals:
        assert "{" not in appeal.letter_text
        assert appeal.claim.control_number in appeal.letter_text


def test_a_second_run_adds_nothing(demo):
    before = Denial.objects.count()

    build_denials({})

    assert Denial.objects.count() == before
