"""Claim adjustment group codes, reason codes (CARC) and remark codes (RARC): the code
tables the 835 posting and the denial reports use. Pure package (no Django).

- ``model``: the group codes, the denial categories, one code's entry, normalising codes.
- ``carc`` and ``rarc``: the curated tables, described in MedOffice's own words.
- ``rules``: ``carc()``, ``rarc()``, ``describe_adjustment()``, ``denial_category()``, and
  the default posting rules (``default_posting_rules()``, ``posting_action()``).
"""

from medoffice.billing.adjustments.carc import CARC, CARC_ROWS
from medoffice.billing.adjustments.model import (
    DENIAL_CATEGORIES,
    GROUPS,
    AdjustmentCodeError,
    DenialCategory,
    ReasonCode,
    RemarkCode,
    normalize_group,
    normalize_reason,
    normalize_remark,
)
from medoffice.billing.adjustments.rarc import RARC, RARC_ROWS
from medoffice.billing.adjustments.rules import (
    ANY_REASON,
    PostingAction,
    carc,
    default_posting_rules,
    denial_category,
    describe_adjustment,
    posting_action,
    rarc,
)

__all__ = [
    "ANY_REASON",
    "CARC",
    "CARC_ROWS",
    "DENIAL_CATEGORIES",
    "GROUPS",
    "RARC",
    "RARC_ROWS",
    "AdjustmentCodeError",
    "DenialCategory",
    "PostingAction",
    "ReasonCode",
    "RemarkCode",
    "carc",
    "default_posting_rules",
    "denial_category",
    "describe_adjustment",
    "normalize_group",
    "normalize_reason",
    "normalize_remark",
    "posting_action",
    "rarc",
]
