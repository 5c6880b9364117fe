"""Acknowledgements: a 999 (with any TA1) or a 277CA marks claims accepted or rejected.

``import_acknowledgement`` reads the file first; a file that cannot be read changes
nothing and the report names the segment number, its id and the element. Then, in one
transaction, it stores the file and moves each claim it names:

- TA1 rejecting an interchange (TA104 R): every claim of that batch is rejected.
- 999: a transaction set accepted (IK5 A or E) accepts its claims; a rejected set rejects
  them all (the payer saw none of them). The claim holding the segment an IK3 points at is
  rejected with that error's location and reason; the others with "rejected with its file".
- 277CA: each claim (TRN02 = our CLM01) accepted (A1/A2) keeps the payer's claim number
  (REF*1K); rejected (A3, A6, A7, A8 at any level) goes to the rejection queue with the
  status codes and the payer's words.

Claims the importer may not see (another location) are reported only as "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from medoffice.billing.choices import AckKind, ClaimStatus
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch
from medoffice.billing.services.claims import mark_accepted, mark_rejected
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.x12.ack999 import Ack999, SegmentError, SetAck, read_999
from medoffice.x12.ca277 import Report277CA, read_277ca
from medoffice.x12.errors import X12Error
from medoffice.x12.reader import X12Reader

MAX_FILE = 20 * 1024 * 1024


@dataclass
class AckLine:
    control_number: str
    outcome: str  # "accepted", "rejected", "not found", "unchanged"
    detail: str = ""


@dataclass
class AckReport:
    kind: str = ""
    lines: list[AckLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why the file was not read
    notes: list[str] = field(default_factory=list)  # TA1s and envelope remarks
    acknowledgement: Acknowledgement | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


def _kind_of(text: str) -> str:
    """999 or 277CA, from the first ST (or GS01: FA / HN)."""
    for marker, kind in (("ST*999", "999"), ("ST*277", "277CA")):
        if marker in text[:4000].replace("|", "*").replace("^", "*"):
            return kind
    try:
        for segment in X12Reader(text, strict=False):
            if segment.id == "ST":
                return {"999": "999", "277": "277CA"}.get(segment.get(1), segment.get(1))
    except X12Error:
        return ""
    return ""


def describe(error: X12Error) -> str:
    return str(error)


@dataclass
class _SetMap:
    """Which claims each segment of one transaction set of our 837P belongs to."""

    claims: list[str] = field(default_factory=list)  # CLM01s in file order
    owner: dict[int, str] = field(default_factory=dict)  # set position → CLM01 (2300/2400)
    level: dict[int, str] = field(default_factory=dict)  # set position → its HL's id
    parent: dict[str, str] = field(default_factory=dict)  # HL id → parent HL id
    under: dict[str, list[str]] = field(default_factory=dict)  # HL id → its own claims

    def owners(self, position: int) -> list[str]:
        """The claims a segment at ``position`` concerns: its claim, or every claim under its
        HL (a subscriber's or billing provider's loop), or all (the set's header)."""
        if position in self.owner:
            return [self.owner[position]]
        hl = self.level.get(position)
        if hl is None:
            return list(self.claims)
        wanted = {hl}
        while True:
            grown = wanted | {child for child, up in self.parent.items() if up in wanted}
            if grown == wanted:
                break
            wanted = grown
        return [c for h, own in self.under.items() if h in wanted for c in own]


def _claims_by_set(batch: ClaimBatch) -> dict[str, _SetMap]:
    """ST02 → the map of that set's segments to its claims, as written in the batch."""
    found: dict[str, _SetMap] = {}
    reader = X12Reader(batch.content, strict=False)
    current = _SetMap()
    hl: str | None = None
    claim: str | None = None
    for segment in reader:
        sid = segment.id
        if sid == "ST":
            current, hl, claim = found.setdefault(segment.get(2), _SetMap()), None, None
            continue
        position = reader.set_position
        if sid == "HL":
            hl, claim = segment.get(1), None
            current.parent[hl] = segment.get(2)
        elif sid == "CLM":
            claim = segment.get(1)
            current.claims.append(claim)
            if hl is not None:
                current.under.setdefault(hl, []).append(claim)
        elif sid == "SE":
            hl = claim = None
        if claim is not None:
            current.owner[position] = claim
        elif hl is not None:
            current.level[position] = hl
    return found


def _error_text(error: SegmentError) -> str:
    """Where (segment id, position, loop, element) and why, in one line."""
    where = f"{error.segment_id} at position {error.position}"
    if error.loop:
        where += f" in loop {error.loop}"
    whys = [error.reason] if error.reason else []
    for element in error.elements:
        whys.append(
            f"element {error.segment_id}{element.position.zfill(2)}"
            + (f" ('{element.bad_value}')" if element.bad_value else "")
            + (f": {element.reason}" if element.reason else "")
        )
    return f"{where}: " + "; ".join(w for w in whys if w)


def _blame(set_ack: SetAck, mapping: _SetMap) -> tuple[dict[str, list[str]], list[str]]:
    """Each rejected claim's own errors (by CTX CLM01, else by position), and the errors
    that concern the whole set."""
    blamed: dict[str, list[str]] = {}
    header: list[str] = []
    for error in set_ack.errors:
        text = _error_text(error)
        named = [c.split(":", 1)[1] for c in error.context if c.startswith("CLM01:")]
        if named:
            owners = named
        elif error.position.isdigit():
            owners = mapping.owners(int(error.position))
        else:
            owners = []
        if not owners or (len(owners) > 1 and set(owners) == set(mapping.claims)):
            header.append(text)
            continue
        for owner in owners:
            blamed.setdefault(owner, []).append(text)
    return blamed, header


def _visible(actor: Actor, controls: list[str]) -> dict[str, Claim]:
    return {
        claim.control_number: claim
        for claim in Claim.objects.restrict(actor, "view").filter(control_number__in=controls)
    }


def _accept(claim: Claim, actor: Actor, number: str, note: str, report: AckReport) -> None:
    if claim.status == ClaimStatus.SUBMITTED:
        mark_accepted(claim=claim, actor=actor, payer_claim_number=number, note=note)
        report.lines.append(AckLine(claim.control_number, "accepted", note))
    elif claim.status == ClaimStatus.ACCEPTED and number and not claim.payer_claim_number:
        Claim.objects.filter(pk=claim.pk).update(payer_claim_number=number[:50])
        report.lines.append(AckLine(claim.control_number, "accepted", f"payer's number {number}"))
    else:
        report.lines.append(
            AckLine(claim.control_number, "unchanged", f"already {claim.get_status_display()}")
        )


def _reject(claim: Claim, actor: Actor, reason: str, report: AckReport) -> None:
    if claim.status in {ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED}:
        mark_rejected(claim=claim, actor=actor, reason=reason)
        report.lines.append(AckLine(claim.control_number, "rejected", reason))
    else:
        report.lines.append(
            AckLine(claim.control_number, "unchanged", f"already {claim.get_status_display()}")
        )


def _apply_999(ack: Ack999, actor: Actor, report: AckReport) -> ClaimBatch | None:
    batch: ClaimBatch | None = None
    for ta1 in ack.interchange_acks:
        target = ClaimBatch.objects.filter(
            interchange_control_number=int(ta1.control_number)
            if ta1.control_number.isdigit()
            else -1
        ).first()
        report.notes.append(
            f"TA1 for interchange {ta1.control_number}: "
            + ("accepted" if ta1.accepted else "rejected")
            + (f" ({ta1.reason})" if ta1.reason else "")
        )
        if target is not None and not ta1.accepted:
            batch = target
            controls = list(target.claims.values_list("control_number", flat=True))
            for claim in _visible(actor, controls).values():
                _reject(claim, actor, f"the whole file was rejected (TA1): {ta1.reason}", report)
    for group in ack.groups:
        number = int(group.control_number) if group.control_number.isdigit() else -1
        target = ClaimBatch.objects.filter(group_control_number=number).first()
        if target is None:
            report.notes.append(f"no batch of ours has group control number {group.control_number}")
            continue
        batch = target
        sets = _claims_by_set(target)
        for set_ack in group.sets:
            mapping = sets.get(set_ack.control_number, _SetMap())
            claims = _visible(actor, mapping.claims)
            if not mapping.claims:
                report.notes.append(
                    f"batch {target.interchange_control_number:09d} has no transaction set "
                    f"{set_ack.control_number}"
                )
            if set_ack.accepted:
                for control in mapping.claims:
                    if control in claims:
                        _accept(claims[control], actor, "", "999: file accepted", report)
                    else:
                        report.lines.append(AckLine(control, "not found"))
                continue
            blamed, header = _blame(set_ack, mapping)
            if header:
                reasons = "; ".join(header)
            elif blamed:
                reasons = (
                    f"the errors are in claim {', '.join(sorted(blamed))}; "
                    "send this one again unchanged"
                )
            else:
                reasons = "; ".join(set_ack.reasons)
            for control in mapping.claims:
                if control not in claims:
                    report.lines.append(AckLine(control, "not found"))
                    continue
                own = "; ".join(blamed.get(control, []))
                if own:
                    reason = f"999 rejected: {own}"
                else:
                    reason = "999 rejected with its file" + (f" ({reasons})" if reasons else "")
                _reject(claims[control], actor, reason, report)
    return batch


def _apply_277(found: Report277CA, actor: Actor, report: AckReport) -> None:
    claims = _visible(actor, [result.control_number for result in found.claims])
    for level in found.levels:
        for status in level.statuses:
            if status.rejected:
                report.notes.append(f"{level.level} {level.name}: {status.description}")
    for result in found.claims:
        claim = claims.get(result.control_number)
        if claim is None:
            report.lines.append(AckLine(result.control_number, "not found"))
            continue
        if result.accepted:
            _accept(claim, actor, result.payer_claim_number, "277CA: accepted", report)
        else:
            words = "; ".join(result.reasons) or "; ".join(s.description for s in result.statuses)
            _reject(claim, actor, f"277CA rejected: {words}", report)


def import_acknowledgement(*, content: bytes | str, file_name: str, actor: Actor) -> AckReport:
    """Read a 999 or 277CA and apply it; a file that cannot be read changes nothing."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not import acknowledgements.")
    report = AckReport()
    if isinstance(content, bytes):
        if len(content) > MAX_FILE:
            report.problems.append("The file is larger than 20 MB; it is not an acknowledgement.")
            return report
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.problems.append("The file is not text (UTF-8): is it the right file?")
            return report
    else:
        text = content.lstrip("\ufeff")
    kind = _kind_of(text)
    report.kind = kind
    parsed: Ack999 | Report277CA
    try:
        if kind == "999":
            parsed = read_999(text)
        elif kind == "277CA":
            parsed = read_277ca(text)
        else:
            report.problems.append(
                "The file is neither a 999 nor a 277CA"
                + (f" (its transaction set is {kind})" if kind else "")
                + "."
            )
            return report
    except X12Error as exc:
        report.problems.append(describe(exc))
        return report
    report.notes.extend(describe(e) for e in parsed.envelope_errors)
    with transaction.atomic():
        ack = Acknowledgement.objects.create(
            kind=AckKind.ACK_999 if kind == "999" else AckKind.ACK_277CA,
            file_name=file_name[:200],
            content=text,
            received_at=timezone.now(),
            imported_by=actor_user(actor),
        )
        if isinstance(parsed, Ack999):
            batch = _apply_999(parsed, actor, report)
        else:
            batch = None
            _apply_277(parsed, actor, report)
        ack.batch = batch
        ack.accepted = report.count("accepted")
        ack.rejected = report.count("rejected")
        ack.summary = "\n".join(
            report.notes
            + [f"{x.control_number}: {x.outcome} {x.detail}".strip() for x in report.lines]
        )[:20000]
        ack.save(update_fields=["batch", "accepted", "rejected", "summary"])
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=ack,
            data_category="claims",
            detail=f"{kind} {file_name[:80]}: {ack.accepted} accepted, {ack.rejected} rejected",
        )
    report.acknowledgement = ack
    return report
