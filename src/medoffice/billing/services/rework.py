"""Sending a rejected claim again once what the payer refused is fixed outside its charges.

Most rejections (a subscriber ID not found, a date of birth that does not match, a missing
referring NPI) are mended on the patient's record or insurance, not in the charges: the claim
goes back to draft with a note of what was fixed, is scrubbed again at once against the
patient's current details, and goes out in the next batch when clean. A rejection that is in
the charges goes through *Correct the charges* instead (``claims.correct_claim``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim
from medoffice.billing.services.claims import transition
from medoffice.billing.services.scrub import ScrubOutcome, scrub_claims
from medoffice.core.inputs import one_line
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission

MAX_NOTE = 200


def send_again(*, claim: Claim, actor: Actor, fixed: str) -> ScrubOutcome:
    """The rejected ``claim`` back to draft (``fixed`` says what was mended) and scrubbed again."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not change claims.")
    note = one_line(fixed)
    problems: dict[str, list[ValidationError]] = {}
    if not note:
        problems["fixed"] = [
            ValidationError(
                "Say what was fixed (for the claim's history).", code=Code.NOTE_REQUIRED
            )
        ]
    elif len(note) > MAX_NOTE:
        problems["fixed"] = [
            ValidationError(
                f"At most {MAX_NOTE} characters ({len(note)} given).", code=Code.TEXT_TOO_LONG
            )
        ]
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.status != ClaimStatus.REJECTED:
            problems.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    f"Claim {current.control_number} is “{current.get_status_display()}”: only a "
                    "rejected claim is sent again this way.",
                    code=Code.CLAIM_NOT_REJECTED,
                )
            )
        if problems:
            raise ValidationError(problems)
        transition(
            claim=current,
            to=ClaimStatus.DRAFT,
            actor=actor,
            note=f"Sent again after the rejection: {note}",
        )
        (outcome,) = scrub_claims(actor=actor, claims=Claim.objects.filter(pk=current.pk))
    return outcome
