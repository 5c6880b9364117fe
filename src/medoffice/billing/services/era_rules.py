"""The posting rules of remittances: the table seeded from the defaults, looked up per adjustment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from medoffice.billing.adjustments import (
    ANY_REASON,
    PostingAction,
    carc,
    default_posting_rules,
)
from medoffice.billing.models import (
    PostingRule,
)


def seed_posting_rules() -> int:
    """Write the default rules (for every payer) when the practice has none yet."""
    if PostingRule.objects.exists():
        return 0
    rows = [
        PostingRule(payer=None, group_code=group, reason_code=reason, action=action.value)
        for (group, reason), action in sorted(default_posting_rules().items())
    ]
    PostingRule.objects.bulk_create(rows)
    return len(rows)


class Rules:
    """The rule table, looked up per adjustment: the payer's own rule before the rule for
    all payers; a rule naming the RARC or CLP02 before one that does not; the reason's
    rule before the group's ``*``. A code with no rule of its own that the CARC table does
    not know either is unknown (→ exceptions)."""

    def __init__(self, rows: Iterable[tuple[int | None, str, str, str, str, str]]) -> None:
        self.table: dict[tuple[int | None, str, str, str, str], PostingAction] = {}
        for payer_id, group, reason, remark, status, action in rows:
            self.table[(payer_id, group, reason, remark, status)] = PostingAction(action)

    @classmethod
    def load(cls) -> Rules:
        seed_posting_rules()
        return cls(
            PostingRule.objects.values_list(
                "payer_id", "group_code", "reason_code", "remark_code", "claim_status", "action"
            )
        )

    def action(
        self,
        payer_id: int | None,
        group: str,
        reason: str,
        remarks: Sequence[str],
        status: str,
        line_paid: Decimal,
    ) -> PostingAction | None:
        found: PostingAction | None = None
        for reason_key in (reason, ANY_REASON):
            for payer in (payer_id, None):
                for remark in (*remarks, ""):
                    for state in (status, ""):
                        found = self.table.get((payer, group, reason_key, remark, state))
                        if found is not None:
                            break
                    if found is not None:
                        break
                if found is not None:
                    break
            if found is not None:
                break
            if carc(reason) is None:  # no rule of its own, and not a code we know
                return None
        if found is None:
            found = PostingAction.OTHER_ADJUSTMENT
        if found == PostingAction.DENIAL and line_paid > 0:
            return PostingAction.OTHER_ADJUSTMENT
        return found
