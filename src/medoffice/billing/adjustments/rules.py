"""Looking codes up, describing an adjustment, sorting denials, and the default posting rules.

Pure module (no Django). Codes are taken as the 835 and the EOB write them, in any case and
with blanks around (``" co "``, ``"045"``); a code that is not even well formed raises
``AdjustmentCodeError`` naming it. A well-formed code that is not in the tables answers
None (``carc``, ``rarc``, ``denial_category``) or says so (``describe_adjustment``).

The default posting rules
-------------------------
``default_posting_rules()`` is what the 835 posting seeds for a practice, one action per
(group, reason); ``"*"`` as the reason is the group's rule for every other reason code.
The practice may change any of them. ``posting_action`` applies them to one adjustment.

- **CO with a contractual reason** (45, 253 sequestration, 24, 44, 90, 91, 103, 104, 131,
  139, 147, 172, 222, 245, 256, 260, 271, 274, 281, and the P-series fee schedules) →
  ``CONTRACTUAL_WRITE_OFF``: the contract (or the law) says the provider does not collect it.
  **CO-59** (multiple or concurrent procedure reduction) is written off too: the reduction
  is the payer's fee rule, there is nothing to appeal or to bill to the patient.
  The same holds for **PI** with a contractual reason.
- **PR-1, PR-66, PR-247** → ``PATIENT_DEDUCTIBLE``; **PR-2, PR-248** →
  ``PATIENT_COINSURANCE``; **PR-3, PR-241** → ``PATIENT_COPAY``; **PR-\\*** (any other
  reason, e.g. PR-96 non-covered with a signed waiver, PR-204, PR-187) →
  ``PATIENT_OTHER``: moved to the patient's (or the next payer's) balance.
- **CO, OA or PI with a denial reason** (eligibility, authorisation, coding, medical
  necessity, timely filing, duplicate, coordination of benefits, bundling, non-covered,
  missing information: CO-16, CO-18, CO-22, CO-29, CO-50, CO-96, CO-97, CO-197, OA-18 …)
  → ``DENIAL`` when the line paid nothing: it goes to the denial work queue to fix, appeal
  or write off by decision. When the line paid something, the same adjustment is a partial
  reduction and ``posting_action`` gives ``OTHER_ADJUSTMENT`` (review, do not bill the
  patient).
- **OA-23** (the effect of the prior payer's adjudication) → ``INFORMATION_ONLY``: on a
  secondary remittance it repeats what the primary already settled; posting it again would
  count the money twice. **OA-133** (line pending review) is information only as well: the
  payer will reverse and correct it.
- **CO-\\*, OA-\\*, PI-\\*, CR-\\*** (any other reason, unknown codes included) →
  ``OTHER_ADJUSTMENT``: posted as an adjustment that someone reviews; never billed to the
  patient. CR (corrections and reversals) is always ``OTHER_ADJUSTMENT``: the posting
  reverses the earlier adjudication itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum

from medoffice.billing.adjustments.carc import CARC
from medoffice.billing.adjustments.model import (
    DENIAL_CATEGORIES,
    AdjustmentCodeError,
    DenialCategory,
    ReasonCode,
    RemarkCode,
    normalize_group,
    normalize_reason,
    normalize_remark,
)
from medoffice.billing.adjustments.rarc import RARC

__all__ = [
    "ANY_REASON",
    "PostingAction",
    "carc",
    "default_posting_rules",
    "denial_category",
    "describe_adjustment",
    "posting_action",
    "rarc",
]

ANY_REASON = "*"


class PostingAction(StrEnum):
    """What the posting does with one adjustment amount."""

    CONTRACTUAL_WRITE_OFF = "contractual_write_off"
    PATIENT_DEDUCTIBLE = "patient_deductible"
    PATIENT_COINSURANCE = "patient_coinsurance"
    PATIENT_COPAY = "patient_copay"
    PATIENT_OTHER = "patient_other"
    DENIAL = "denial"
    OTHER_ADJUSTMENT = "other_adjustment"
    INFORMATION_ONLY = "information_only"

    @property
    def is_patient_responsibility(self) -> bool:
        return self in _PATIENT_ACTIONS


_PATIENT_ACTIONS = frozenset(
    {
        PostingAction.PATIENT_DEDUCTIBLE,
        PostingAction.PATIENT_COINSURANCE,
        PostingAction.PATIENT_COPAY,
        PostingAction.PATIENT_OTHER,
    }
)


def carc(code: str) -> ReasonCode | None:
    """The reason code's entry, or None when it is not in the table."""
    return CARC.get(normalize_reason(code))


def rarc(code: str) -> RemarkCode | None:
    """The remark code's entry, or None when it is not in the table."""
    return RARC.get(normalize_remark(code))


def describe_adjustment(group: str, reason: str) -> str:
    """``"CO-45: charge above the fee schedule or contracted amount (contractual)"``."""
    plain_group = normalize_group(group)
    entry = carc(reason)
    key = f"{plain_group}-{normalize_reason(reason)}"
    if entry is None:
        return f"{key}: a reason code MedOffice does not know (see the payer's remittance)"
    return f"{key}: {entry.description} ({entry.category.label})"


def denial_category(group: str, reason: str, remarks: Iterable[str] = ()) -> DenialCategory | None:
    """The category the denial reports count this adjustment under; None for an unknown code.

    The reason code decides. When it says only "other" (A1 "denied, see the remarks", 95,
    B20 …), the first remark with a category decides instead. Malformed remarks raise
    ``AdjustmentCodeError`` like a malformed reason; unknown remarks are passed over.
    The group is checked, and does not change the category: PR-96 is still a non-covered
    service (the patient pays because a waiver was signed).
    """
    normalize_group(group)
    entry = carc(reason)
    remark_entries = [rarc(remark) for remark in remarks]
    if entry is None:
        return None
    if entry.category is DenialCategory.OTHER:
        for remark in remark_entries:
            if remark is not None and remark.category is not None:
                return remark.category
    return entry.category


_PATIENT_RULES: dict[str, PostingAction] = {
    "1": PostingAction.PATIENT_DEDUCTIBLE,
    "66": PostingAction.PATIENT_DEDUCTIBLE,
    "247": PostingAction.PATIENT_DEDUCTIBLE,
    "2": PostingAction.PATIENT_COINSURANCE,
    "248": PostingAction.PATIENT_COINSURANCE,
    "3": PostingAction.PATIENT_COPAY,
    "241": PostingAction.PATIENT_COPAY,
}


def default_posting_rules() -> dict[tuple[str, str], PostingAction]:
    """The rules the posting seeds, (group, reason) → action; see the module's docstring."""
    rules: dict[tuple[str, str], PostingAction] = {}
    for code, entry in CARC.items():
        for group in ("CO", "OA", "PI"):
            if entry.category in DENIAL_CATEGORIES:
                rules[(group, code)] = PostingAction.DENIAL
            elif group != "OA" and entry.category is DenialCategory.CONTRACTUAL:
                rules[(group, code)] = PostingAction.CONTRACTUAL_WRITE_OFF
    rules[("CO", "59")] = PostingAction.CONTRACTUAL_WRITE_OFF
    rules[("PI", "59")] = PostingAction.CONTRACTUAL_WRITE_OFF
    for code, action in _PATIENT_RULES.items():
        rules[("PR", code)] = action
    rules[("OA", "23")] = PostingAction.INFORMATION_ONLY
    rules[("OA", "133")] = PostingAction.INFORMATION_ONLY
    rules[("PR", ANY_REASON)] = PostingAction.PATIENT_OTHER
    for group in ("CO", "OA", "PI", "CR"):
        rules[(group, ANY_REASON)] = PostingAction.OTHER_ADJUSTMENT
    return rules


_DEFAULT_RULES = default_posting_rules()


def posting_action(
    group: str,
    reason: str,
    line_paid: Decimal,
    rules: Mapping[tuple[str, str], PostingAction] | None = None,
) -> PostingAction:
    """What to post for one adjustment on a line that paid ``line_paid``.

    The (group, reason) rule, else the group's ``"*"`` rule, else ``OTHER_ADJUSTMENT``.
    A ``DENIAL`` rule on a line that paid more than nothing is a partial reduction:
    ``OTHER_ADJUSTMENT``. A negative ``line_paid`` (a takeback) counts as paying nothing.
    """
    plain_group = normalize_group(group)
    plain_reason = normalize_reason(reason)
    if not isinstance(line_paid, Decimal) or not line_paid.is_finite():
        raise AdjustmentCodeError(f"The line's paid amount must be a Decimal, got {line_paid!r}.")
    table = _DEFAULT_RULES if rules is None else rules
    action = table.get((plain_group, plain_reason))
    if action is None:
        action = table.get((plain_group, ANY_REASON), PostingAction.OTHER_ADJUSTMENT)
    if action == PostingAction.DENIAL and line_paid > 0:
        return PostingAction.OTHER_ADJUSTMENT
    return action
