"""The posting-rule table written: a rule added, changed or deleted, and the rules for all
payers reset to the defaults. Each write is checked at once (every problem named by its
field), audited, and affects only the remittances posted after it: a posting reads the
table when it starts (``era_rules.Rules.load``) and what it posted stays as it was.

A rule's key is (payer or all payers, group, CARC, RARC, CLP02); the database holds one
rule per key, and a second one is refused naming the CARC field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from medoffice.billing.adjustments import (
    ANY_REASON,
    GROUPS,
    AdjustmentCodeError,
    PostingAction,
    default_posting_rules,
    normalize_reason,
    normalize_remark,
)
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import PostingRule
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer
from medoffice.x12.remittance import CLAIM_STATUSES

CATEGORY = "billing reference"


def _clean(value: object) -> str:
    return str(value or "").replace("\x00", "").strip().upper()


def rule_label(rule: PostingRule) -> str:
    """``CO-45 (all payers)``, ``PR-* RARC N130 CLP02 1 (Acme Health)``."""
    parts = [f"{rule.group_code}-{rule.reason_code}"]
    if rule.remark_code:
        parts.append(f"RARC {rule.remark_code}")
    if rule.claim_status:
        parts.append(f"CLP02 {rule.claim_status}")
    parts.append(f"({rule.payer.name if rule.payer_id and rule.payer else 'all payers'})")
    return " ".join(parts)


def _checked(
    payer: Payer | None,
    group_code: str,
    reason_code: str,
    remark_code: str,
    claim_status: str,
    action: str,
) -> tuple[dict[str, str], dict[str, list[ValidationError]]]:
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, text: str) -> None:
        errors.setdefault(name, []).append(ValidationError(text, code=Code.POSTING_RULE_INVALID))

    values = {
        "group_code": _clean(group_code),
        "reason_code": _clean(reason_code),
        "remark_code": _clean(remark_code),
        "claim_status": _clean(claim_status),
        "action": str(action or "").strip().lower(),
    }
    if values["group_code"] not in GROUPS:
        refuse("group_code", f"Choose a group code: {', '.join(GROUPS)}.")
    if values["reason_code"] != ANY_REASON:
        try:
            values["reason_code"] = normalize_reason(values["reason_code"])
        except AdjustmentCodeError:
            refuse(
                "reason_code",
                "Enter a CARC (1 to 5 letters and digits, e.g. 45 or B13), or * for every "
                "other reason of the group.",
            )
    if values["remark_code"]:
        try:
            values["remark_code"] = normalize_remark(values["remark_code"])
        except AdjustmentCodeError:
            refuse("remark_code", "Enter a RARC (M, MA or N and digits, e.g. N130), or nothing.")
    if values["claim_status"]:
        values["claim_status"] = values["claim_status"].lstrip("0") or "0"
        if values["claim_status"] not in CLAIM_STATUSES:
            refuse(
                "claim_status",
                f"Enter a claim status (CLP02) the 835 uses: {', '.join(CLAIM_STATUSES)}; "
                "or nothing for any.",
            )
    if values["action"] not in {a.value for a in PostingAction}:
        refuse("action", "Choose what the posting does with the adjustment.")
    if payer is not None and not isinstance(payer, Payer):
        refuse("payer", "Choose a payer, or none for all payers.")
    return values, errors


def _duplicate(payer: Payer | None, values: dict[str, str]) -> ValidationError:
    whom = payer.name if payer is not None else "all payers"
    key = f"{values['group_code']}-{values['reason_code']}"
    if values["remark_code"]:
        key += f" with RARC {values['remark_code']}"
    if values["claim_status"]:
        key += f" on CLP02 {values['claim_status']}"
    return ValidationError(
        {
            "reason_code": ValidationError(
                f"There is a rule for {key} ({whom}) already: change that one instead.",
                code=Code.POSTING_RULE_DUPLICATE,
            )
        }
    )


@transaction.atomic
def save_posting_rule(
    *,
    actor: Actor,
    rule: PostingRule | None = None,
    payer: Payer | None,
    group_code: str,
    reason_code: str,
    remark_code: str = "",
    claim_status: str = "",
    action: str,
) -> PostingRule:
    """Add a rule (``rule`` None) or change one; later postings follow it."""
    require(actor, Permission.POST_LEDGER, "Your role does not change the posting rules.")
    values, errors = _checked(payer, group_code, reason_code, remark_code, claim_status, action)
    if errors:
        raise ValidationError(errors)
    same = PostingRule.objects.filter(
        payer=payer,
        group_code=values["group_code"],
        reason_code=values["reason_code"],
        remark_code=values["remark_code"],
        claim_status=values["claim_status"],
    )
    if rule is not None:
        rule = PostingRule.objects.select_for_update().get(pk=rule.pk)
        same = same.exclude(pk=rule.pk)
    if same.exists():
        raise _duplicate(payer, values)
    creating = rule is None
    if rule is None:
        rule = PostingRule()
    before = "" if creating else f"{rule_label(rule)} → {rule.action}; "
    rule.payer = payer
    for name, value in values.items():
        setattr(rule, name, value)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:  # the same rule added at the same moment by someone else
        raise _duplicate(payer, values) from None
    record_event(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        user=actor,
        obj=rule,
        data_category=CATEGORY,
        detail=f"posting rule {before}{rule_label(rule)} → {rule.action}"[:500],
    )
    return rule


@transaction.atomic
def delete_posting_rule(*, actor: Actor, rule: PostingRule) -> None:
    """Delete a rule: later postings fall back on the group's ``*`` rule, or on exceptions."""
    require(actor, Permission.POST_LEDGER, "Your role does not change the posting rules.")
    rule = (
        PostingRule.objects.select_related("payer").select_for_update(of=("self",)).get(pk=rule.pk)
    )
    label = f"{rule_label(rule)} → {rule.action}"
    pk = rule.pk
    rule.delete()
    record_event(
        AuditAction.DELETE,
        user=actor,
        object_type="billing.postingrule",
        object_id=pk,
        data_category=CATEGORY,
        detail=f"posting rule {label} deleted"[:500],
    )


@transaction.atomic
def reset_posting_rules(*, actor: Actor) -> int:
    """The rules for all payers back to the defaults (the payers' own rules stay); returns
    how many default rules there are now."""
    require(actor, Permission.POST_LEDGER, "Your role does not change the posting rules.")
    removed, _ = PostingRule.objects.filter(payer__isnull=True).delete()
    rows = [
        PostingRule(payer=None, group_code=group, reason_code=reason, action=action.value)
        for (group, reason), action in sorted(default_posting_rules().items())
    ]
    PostingRule.objects.bulk_create(rows)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        object_type="billing.postingrule",
        data_category=CATEGORY,
        detail=f"posting rules for all payers reset to the defaults: {removed} removed, "
        f"{len(rows)} written",
    )
    return len(rows)
