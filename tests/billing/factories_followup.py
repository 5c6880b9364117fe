"""Follow-up's test objects: claims the payer has said nothing about for a while, and 277
answers (synthetic, written here with the x12 writer's envelope) for our claims."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    open_interchange,
)

HEADER = InterchangeHeader(
    sender_id="SYNPAYER",
    receiver_id="MEDOFFICE",
    interchange_control_number=9101,
    group_control_number=9102,
    created=dt.datetime(2026, 12, 1, 8, 0),
)


def waiting_claim(location: Any, outbox: Any, *, days: int = 45, status: str = "submitted") -> Any:
    """An insured patient's claim at the payer, first submitted ``days`` days ago, with no
    answer yet (the model is set directly: a test fixture; needs ``office_visit_codes()``)."""
    from medoffice.billing.models import Claim
    from tests.billing.factories_claims import billable_claim

    claim = billable_claim(location, outbox)
    when = timezone.now() - dt.timedelta(days=days)
    Claim.objects.filter(pk=claim.pk).update(
        status=status, submitted_at=when, first_submitted_at=when
    )
    claim.refresh_from_db()
    return claim


@dataclass(frozen=True)
class Answer:
    control_number: str
    status: str = "P1:20"  # STC01: category:code
    charged: Decimal = Decimal("125.00")
    paid: Decimal | None = None
    payer_claim_number: str = ""


def answer_277(*answers: Answer, payer: str = "SYNTHETIC HEALTH PLAN") -> str:
    """A 277 (005010X212) answering about ``answers``, one subscriber each."""
    out = SegmentWriter()
    open_interchange(out, HEADER, "HN", "005010X212")
    out.start_count()
    out.add("ST", "277", "0001", "005010X212")
    out.add("BHT", "0010", "08", "277X212", "20261201", "0800", "DG")
    out.add("HL", "1", "", "20", "1")
    out.add("NM1", "PR", "2", payer, "", "", "", "", "PI", "99999")
    out.add("HL", "2", "1", "21", "1")
    out.add("NM1", "41", "2", "VALLEY FAMILY MEDICINE", "", "", "", "", "46", "SYNETIN")
    out.add("HL", "3", "2", "19", "1")
    out.add("NM1", "1P", "2", "VALLEY FAMILY MEDICINE", "", "", "", "", "XX", "1234567893")
    for n, answer in enumerate(answers, start=4):
        out.add("HL", str(n), "3", "22", "0")
        out.add("NM1", "IL", "1", "DOE", "SAM", "", "", "", "MI", "SYN123")
        out.add("TRN", "2", answer.control_number)
        amounts = [str(answer.charged)] + ([str(answer.paid)] if answer.paid is not None else [])
        out.add("STC", answer.status.split(":"), "20261130", "", *amounts)
        if answer.payer_claim_number:
            out.add("REF", "1K", answer.payer_claim_number)
    out.add("SE", str(out.count + 1), "0001")
    close_interchange(out, HEADER, 1)
    return out.text()
