"""The demo practice's last claims sent the way a biller sends them: the recent draft claims
scrubbed (the real scrubber), the clean ones submitted in an 837P batch (the real writer),
the clearinghouse's 999 imported (written by ``x12.respond``, the stand-in clearinghouse),
rejecting three claims with the reasons clearinghouses give; then a few adjudicated primary
claims billed to the patient's secondary payer (``demo_cob``). So the batch list, the
acknowledgements, the scrubbed claims, the rejection queue and COB all hold real work.

Runs after the claims (``billing-claims``, order 37); a second run finds a batch and stops.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# What the stand-in clearinghouse finds wrong with three of the claims (segment, element,
# IK403 code, loop): a member ID it does not know, a birth date, a facility code qualifier.
REJECTIONS = (
    ("NM1", 9, "7", "2010BA"),
    ("DMG", 2, "8", "2010BA"),
    ("CLM", 5, "7", "2300"),
)


def build_submission(context: dict[str, Any], seed: int = 2026) -> None:
    from django.utils import timezone

    from medoffice.billing.choices import ClaimStatus
    from medoffice.billing.demo_cob import bill_secondaries
    from medoffice.billing.models import Claim, ClaimBatch
    from medoffice.billing.services import acks, batches, scrub
    from medoffice.core.demo.helpers import demo_now
    from medoffice.core.permissions import SystemActor
    from medoffice.x12.respond import Rejection, acknowledge_837
    from medoffice.x12.writer import InterchangeHeader

    if ClaimBatch.objects.exists():
        return
    actor = SystemActor("demo: claims submission")
    now = demo_now(context)
    recent = list(
        Claim.objects.filter(
            status__in=[ClaimStatus.DRAFT, ClaimStatus.READY],
            date_of_service__gte=now.date() - dt.timedelta(days=21),
        ).values_list("pk", flat=True)
    )
    chosen = Claim.objects.filter(pk__in=recent)
    scrub.scrub_claims(actor=actor, claims=chosen, today=timezone.localdate(now))
    ready = list(
        chosen.filter(status=ClaimStatus.READY).order_by("pk").values_list("pk", flat=True)
    )
    # Three claims go in a batch of their own, which the clearinghouse rejects (a 999 rejects
    # a whole transaction set); the others in a batch it accepts.
    refused = ready[:: max(1, len(ready) // len(REJECTIONS))][: len(REJECTIONS)]
    for part, faults in ((refused, REJECTIONS), ([pk for pk in ready if pk not in refused], ())):
        if not part:
            continue
        result = batches.export_ready_claims(
            actor=actor, claims=Claim.objects.filter(pk__in=part), now=now
        )
        for done in result.batches:
            controls = done.batch.claims.order_by("pk").values_list("control_number", flat=True)
            rejections = {
                control: Rejection(segment_id=sid, element=element, code=code, loop=loop)
                for control, (sid, element, code, loop) in zip(controls, faults, strict=False)
            }
            answer = acknowledge_837(
                done.batch.content,
                rejections,
                InterchangeHeader(
                    sender_id="SYNXCHG",
                    receiver_id="MEDOFFICE",
                    interchange_control_number=done.batch.interchange_control_number,
                    group_control_number=done.batch.group_control_number,
                    created=timezone.localtime(now).replace(tzinfo=None) + dt.timedelta(hours=1),
                ),
            )
            acks.import_acknowledgement(
                content=answer, file_name=f"999-{done.batch.file_name}", actor=actor
            )
    bill_secondaries(actor=actor, today=min(timezone.localdate(now), timezone.localdate()))
