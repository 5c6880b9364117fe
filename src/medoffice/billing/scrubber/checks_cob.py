"""Coordination of benefits (loops 2320/2330/2430): a secondary or tertiary claim must report
what each earlier payer did, and what it reports must balance the way an 835 does."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import Severity
from medoffice.billing.scrubber.registry import Context, Hit, line_field, rule

E = Severity.ERROR
FOLLOWING = frozenset({"S", "T"})  # SBR01 of a claim billed after another payer


def _total(amounts: Iterator[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0"))


@rule(
    C.COB_OTHER_PAYER_MISSING,
    E,
    "A secondary or tertiary claim goes out after the primary payer adjudicated it: bill it "
    "from the primary claim's page (Bill the secondary payer) so it names the earlier payer.",
)
def cob_other_payer_missing(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    if claim.subscriber.payer_responsibility in FOLLOWING and not claim.other_subscribers:
        yield Hit(
            "The claim is billed to a secondary or tertiary payer but names no earlier payer "
            "(loop 2320).",
            None,
            "other_subscribers",
        )


@rule(
    C.COB_ADJUDICATION_MISSING,
    E,
    "Enter the earlier payer's adjudication from its EOB (date paid, amount paid, the lines' "
    "adjustments) on the earlier claim's page before sending this claim.",
)
def cob_adjudication_missing(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    if claim.subscriber.payer_responsibility not in FOLLOWING:
        return
    for number, other in enumerate(claim.other_subscribers, 1):
        if other.adjudication is None:
            name = other.payer.name if other.payer else f"other payer {number}"
            yield Hit(
                f"{name}'s paid amount and adjudication date are missing (2320 AMT*D, DTP*573).",
                None,
                f"other_subscribers[{number}].adjudication",
            )


@rule(
    C.COB_LINE_UNBALANCED,
    E,
    "Correct the earlier payer's entry for the line: its charge minus what that payer paid "
    "must equal the line's adjustments, as on the EOB.",
)
def cob_line_unbalanced(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    for other in claim.other_subscribers:
        if other.adjudication is None:
            continue
        name = other.payer.name if other.payer else "the other payer"
        for answer in other.adjudication.lines:
            if not 1 <= answer.line <= len(claim.lines):
                continue
            charge = claim.lines[answer.line - 1].charge
            adjusted = _total(a.amount for a in answer.adjustments)
            if charge - answer.paid != adjusted:
                yield Hit(
                    f"Line {answer.line}: charge {charge} − {name}'s payment {answer.paid} = "
                    f"{charge - answer.paid}, but its adjustments add up to {adjusted}.",
                    answer.line,
                    line_field(answer.line, "adjudication"),
                )


@rule(
    C.COB_CLAIM_UNBALANCED,
    E,
    "Correct the earlier payer's entry: the claim's total charge minus what that payer paid "
    "must equal all its adjustments (the claim's and the lines'), as on the EOB.",
)
def cob_claim_unbalanced(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    for number, other in enumerate(claim.other_subscribers, 1):
        found = other.adjudication
        if found is None:
            continue
        adjusted = _total(a.amount for a in found.adjustments) + _total(
            a.amount for line in found.lines for a in line.adjustments
        )
        if claim.total_charge - found.paid != adjusted:
            name = other.payer.name if other.payer else f"other payer {number}"
            yield Hit(
                f"Total charge {claim.total_charge} − {name}'s payment {found.paid} = "
                f"{claim.total_charge - found.paid}, but the adjustments add up to {adjusted}.",
                None,
                f"other_subscribers[{number}].adjudication.paid",
            )
