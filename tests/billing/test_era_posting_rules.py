"""The posting-rule table: listed and filtered, a rule added, changed and deleted, the rules
for all payers reset to the defaults. Every write is checked at once and audited; a rule
changed applies to the remittances posted after it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medoffice.billing.adjustments import default_posting_rules
from medoffice.billing.choices import LedgerKind
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import LedgerEntry, PostingRule
from medoffice.billing.services.era_rules import seed_posting_rules
from medoffice.billing.services.posting_rules import (
    delete_posting_rule,
    reset_posting_rules,
    save_posting_rule,
)
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, submitted_claim
from tests.billing.test_era_posting import post
from tests.factories import SYSTEM, UserFactory
from tests.patients.factories import PayerFactory

pytestmark = pytest.mark.django_db
RULES = "/billing/remittances/rules/"


def rule(**fields):
    values = {"payer": None, "group_code": "CO", "reason_code": "B98", "action": "denial"}
    values.update(fields)
    return save_posting_rule(actor=SYSTEM, **values)


def codes_of(refused: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str | None]]:
    return {k: [e.code for e in v] for k, v in refused.value.error_dict.items()}


def test_a_rule_is_saved_with_its_codes_normalised(practice):
    saved = rule(group_code=" co ", reason_code="045", remark_code="n130", claim_status="01")

    assert (saved.group_code, saved.reason_code, saved.remark_code, saved.claim_status) == (
        "CO",
        "45",
        "N130",
        "1",
    )


def test_every_bad_code_is_named_at_once(practice):
    with pytest.raises(ValidationError) as refused:
        rule(group_code="XX", reason_code="4 5", remark_code="Z9", claim_status="99", action="?")

    assert codes_of(refused) == {
        name: [Code.POSTING_RULE_INVALID]
        for name in ("group_code", "reason_code", "remark_code", "claim_status", "action")
    }


def test_a_second_rule_with_the_same_key_is_refused_on_the_carc(practice):
    rule()

    with pytest.raises(ValidationError) as refused:
        rule(action="other_adjustment")

    assert codes_of(refused) == {"reason_code": [Code.POSTING_RULE_DUPLICATE]}


def test_the_same_codes_for_a_payer_are_another_rule(practice):
    rule()

    rule(payer=PayerFactory())

    assert PostingRule.objects.filter(reason_code="B98").count() == 2


def test_the_database_refuses_a_second_rule_for_all_payers():
    from django.db import IntegrityError

    PostingRule.objects.create(group_code="CO", reason_code="B98", action="denial")
    with pytest.raises(IntegrityError):
        PostingRule.objects.create(group_code="CO", reason_code="B98", action="denial")


def test_a_change_and_a_deletion_are_audited(practice):
    saved = rule()
    save_posting_rule(actor=SYSTEM, rule=saved, **_fields(saved, action="other_adjustment"))
    delete_posting_rule(actor=SYSTEM, rule=saved)

    details = list(
        AuditEvent.objects.filter(object_type="billing.postingrule")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert details == ["create", "update", "delete"]
    assert not PostingRule.objects.filter(pk=saved.pk).exists()


def _fields(saved, **changes):
    values = {
        "payer": saved.payer,
        "group_code": saved.group_code,
        "reason_code": saved.reason_code,
        "remark_code": saved.remark_code,
        "claim_status": saved.claim_status,
        "action": saved.action,
    }
    values.update(changes)
    return values


def test_reset_puts_back_the_defaults_for_all_payers_and_keeps_a_payers_own_rule(practice):
    seed_posting_rules()
    PostingRule.objects.filter(payer=None, group_code="CO", reason_code="45").update(
        action="denial"
    )
    own = rule(payer=PayerFactory())

    reset_posting_rules(actor=SYSTEM)

    assert PostingRule.objects.filter(payer=None).count() == len(default_posting_rules())
    assert PostingRule.objects.get(payer=None, group_code="CO", reason_code="45").action == (
        "contractual_write_off"
    )
    assert PostingRule.objects.filter(pk=own.pk).exists()


def test_a_front_desk_user_cannot_change_the_rules(practice):
    with pytest.raises(PermissionDenied):
        save_posting_rule(
            actor=UserFactory(roles=[Role.FRONT_DESK]),
            payer=None,
            group_code="CO",
            reason_code="B98",
            action="denial",
        )


def test_a_changed_rule_applies_to_later_postings_only(practice):
    office_visit_codes()
    first, second = submitted_claim(), submitted_claim()
    post(era_for(first), "first.835")
    co45 = PostingRule.objects.get(payer=None, group_code="CO", reason_code="45")
    save_posting_rule(actor=SYSTEM, rule=co45, **_fields(co45, action="other_adjustment"))

    post(era_for(second, trace="EFT0002"), "second.835")

    def kinds(claim):
        return set(
            LedgerEntry.objects.filter(claim=claim, reason_code="45").values_list("kind", flat=True)
        )

    assert kinds(first) == {LedgerKind.CONTRACTUAL}
    assert kinds(second) == {LedgerKind.OTHER_ADJUSTMENT}


def test_the_page_lists_the_rules_with_the_carcs_description(client_for):
    payer = PayerFactory()
    rule(payer=payer, reason_code="45", action="contractual_write_off")
    rule(payer=payer, group_code="PR", reason_code="45", action="patient_other")
    client = client_for(Role.BILLER)

    response = client.get(RULES, {"group": "CO", "payer": str(payer.pk)})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Contractual write-off" in text
    assert "charge above the fee schedule" in text  # CO-45's description
    assert {row[1]["value"] for row in response.context["rows"]} == {"CO"}


def test_the_page_lists_the_carcs_of_a_group_in_their_numeric_order(client_for):
    for code in ("103", "A1", "11", "*", "10"):
        rule(reason_code=code)

    response = client_for(Role.BILLER).get(RULES)

    assert [row[2]["value"] for row in response.context["rows"]] == ["*", "10", "11", "103", "A1"]


def test_sorting_by_carc_follows_the_numeric_order_too(client_for):
    for code in ("103", "11", "10"):
        rule(reason_code=code)

    response = client_for(Role.BILLER).get(RULES, {"sort": "-reason_code"})

    assert [row[2]["value"] for row in response.context["rows"]] == ["103", "11", "10"]


def test_the_page_says_a_change_affects_later_postings_only(client_for):
    response = client_for(Role.BILLER).get(RULES)

    assert "A change applies to the remittances imported after it" in response.content.decode()


def test_the_page_filters_the_rules_of_one_payer(client_for):
    seed_posting_rules()
    payer = PayerFactory(name="Acme Health")
    rule(payer=payer)
    client = client_for(Role.BILLER)

    response = client.get(RULES, {"payer": str(payer.pk)})

    assert response.status_code == 200
    assert response.context["paginator"].count == 1


def test_a_duplicate_rule_on_the_form_is_an_error_naming_the_carc(client_for):
    rule()
    client = client_for(Role.OFFICE_MANAGER)

    response = client.post(
        RULES + "new/", {"group_code": "CO", "reason_code": "B98", "action": "denial"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["reason_code"]


@pytest.mark.parametrize("reason", ["\x00", "😀", "9" * 20, "4.5"])
def test_odd_input_is_refused_cleanly(client_for, reason):
    client = client_for(Role.BILLER)

    response = client.post(
        RULES + "new/", {"group_code": "CO", "reason_code": reason, "action": "denial"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["reason_code"]
