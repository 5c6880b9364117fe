"""Posting remittances (835 ERA files): ``import_era`` reads a file and posts it.

All or nothing per file: the file is read (and balanced) first; a malformed, unbalanced or
truncated file raises ``EraFileRefused`` naming the segment number, its id and the element,
and nothing is written. Then, in one transaction:

- Each payment (ST/BPR/TRN) is keyed on (payer id, TRN02, TRN03, BPR02). A payment already
  imported is skipped and reported "already imported on <date>"; two imports of the same
  file at once post it once (the database's unique key decides, the loser skips it).
- Each claim (CLP) is matched by CLP01 to our claim's CLM01 among the claims of that payer;
  its service lines by procedure (``era_match``). Paid amounts post as insurance payments,
  adjustments as the posting rules say (``PostingRule``, seeded from
  ``default_posting_rules()``): contractual write-off, transfer to the patient (deductible,
  coinsurance, copay), other adjustment, denial (flagged: nothing is written off), or
  information only. Adjustments given only at claim level are spread onto the lines.
- CLP02 22 (reversal) reverses what earlier remittances posted for that claim.
- CLP02 19/20/21 or an NM1*TT: the claim was forwarded to another payer (crossover).
- NM1*74 (corrected insured): a proposed coverage update for the biller to confirm.
- PLB items are stored as provider-level rows linked to their payment.
- What cannot be posted (claim not ours, line not matched, a code the rules do not know)
  becomes an ``EraException`` for the exceptions queue; the import itself succeeds.

Ledger entries are written in bulk (the same rows ``services.ledger`` writes: kind, party,
sign, codes, ``source_kind`` "era" and the claim payment's id); balances are followed in
memory so an entry that takes a balance past zero is marked as a credit. One audit event
per file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from medoffice.billing.adjustments import (
    ANY_REASON,
    AdjustmentCodeError,
    PostingAction,
    carc,
    default_posting_rules,
    normalize_reason,
)
from medoffice.billing.choices import ClaimStatus, LedgerKind, LedgerParty
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    ClaimLine,
    ClaimNote,
    ClaimTransition,
    Contract,
    CoverageUpdateProposal,
    EraClaimPayment,
    EraException,
    EraExceptionKind,
    EraFile,
    EraPayment,
    EraProviderAdjustment,
    EraStatus,
    LedgerEntry,
    PostingRule,
)
from medoffice.billing.services import ledger_totals
from medoffice.billing.services.contracts import AdjudicatedLine, record_adjudications
from medoffice.billing.services.denials import DenialInput, open_denials
from medoffice.billing.services.era_match import (
    BilledLine,
    PaidProcedure,
    match_lines,
    split_procedure,
    spread,
)
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer
from medoffice.x12.errors import X12Error
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Procedure,
    Remittance,
    read_835,
)

MAX_FILE = 50 * 1024 * 1024
SOURCE = "era"
REVERSAL = "22"
CROSSOVER = frozenset({"19", "20", "21"})
DENIED = "4"
_ZERO = Decimal(0)
_CHUNK = 500
K = LedgerKind
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
_OPEN_AT_PAYER = frozenset(
    {ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.ADJUDICATED, ClaimStatus.CLOSED}
)


class EraFileRefused(Exception):
    """The file cannot be posted: nothing was written. ``str()`` says where and why."""

    def __init__(
        self, message: str, *, segment_number: int = 0, segment_id: str = "", element: int = 0
    ) -> None:
        self.message = message
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.element = element
        super().__init__(message)

    @classmethod
    def from_x12(cls, error: X12Error) -> EraFileRefused:
        return cls(
            str(error),
            segment_number=error.segment_number,
            segment_id=error.segment_id,
            element=error.element,
        )


@dataclass
class EraImportResult:
    era_file: EraFile
    payments_posted: int = 0
    already_imported: list[str] = field(default_factory=list)
    claims: int = 0
    claims_matched: int = 0
    exceptions: int = 0
    denials: list[EraClaimPayment] = field(default_factory=list)
    crossovers: int = 0
    reversals: int = 0
    paid_total: Decimal = _ZERO
    paid_auto_posted: Decimal = _ZERO  # paid dollars posted with no exception on the claim
    warnings: list[str] = field(default_factory=list)

    @property
    def auto_posting_rate(self) -> Decimal | None:
        if not self.paid_total:
            return None
        return self.paid_auto_posted / self.paid_total


# --- the posting rules ---------------------------------------------------------------


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


# --- what the posting hands on: denials to the queue, adjudicated lines to contracts ----

# (charge line id or None for the whole claim, the CAS, its RARCs)
Denied = list[tuple[int | None, Adjustment, tuple[str, ...]]]


def _open_denials(poster: _Poster, claims: dict[int, Claim], on: dt.date) -> None:
    """Each zero-pay denial posted opens its denials in the queue (idempotent per claim
    payment); a denial the queue refuses becomes an exception, the rest still posts."""
    for cp, claim_pk, denied in poster.denied:
        claim = claims.get(claim_pk)
        if claim is None:
            continue
        items = [
            DenialInput(
                charge_line_id=line_id,
                group=adjustment.group,
                reason=adjustment.reason,
                remarks=remarks,
                amount=adjustment.amount,
            )
            for line_id, adjustment, remarks in denied
        ]
        try:
            open_denials(
                claim=claim,
                adjustments=items,
                source_kind=SOURCE,
                source_id=str(cp.pk),
                actor=poster.actor,
                denied_on=on,
            )
        except ValidationError as refused:
            poster.exception(
                EraExceptionKind.UNKNOWN_CODE,
                f"Claim {cp.claim_identifier}: denied, but the denial queue refused it "
                f"({'; '.join(refused.messages)}); open it by hand.",
                cp,
            )
    poster.denied = []


def _record_adjudications(poster: _Poster, payment: EraPayment) -> None:
    """The payment's adjudicated lines (allowed = paid + the patient's share) stored with
    the amount the payer's contract expected, for the payers that have a contract."""
    lines, poster.adjudicated = poster.adjudicated, []
    payer_ids = {payer_id for _, payer_id, *_ in lines}
    contracted = set(
        Contract.objects.filter(payer_id__in=payer_ids, is_draft=False).values_list(
            "payer_id", flat=True
        )
    )
    lines = [line for line in lines if line[1] in contracted]
    if not lines:
        return
    charge_lines = ChargeLine.objects.select_related("encounter").in_bulk(
        [line_id for _, _, line_id, _, _ in lines]
    )
    claims = Claim.objects.in_bulk({claim_pk for claim_pk, *_ in lines})
    record_adjudications(
        [
            AdjudicatedLine(
                charge_line=charge_lines[line_id],
                claim=claims[claim_pk],
                payer_id=payer_id,
                allowed=allowed,
                paid=paid,
            )
            for claim_pk, payer_id, line_id, paid, allowed in lines
            if line_id in charge_lines and claim_pk in claims
        ],
        source_kind=SOURCE,
        source_id=f"payment {payment.pk}",
        actor=poster.actor,
    )


# --- plain data of a CLP loop, kept on the claim payment ----------------------------


def _proc_data(proc: Procedure | None) -> list[Any] | None:
    if proc is None:
        return None
    return [proc.qualifier, proc.code, list(proc.modifiers), proc.readable]


def _adj_data(items: Iterable[Adjustment]) -> list[list[str]]:
    return [[a.group, a.reason, str(a.amount)] for a in items]


def claim_data(claim: ClaimPayment) -> dict[str, Any]:
    """The parts of a CLP loop the posting needs, as JSON (to post it by hand later)."""
    return {
        "clp": [claim.claim_id, claim.status, str(claim.charge), str(claim.paid)],
        "cas": _adj_data(claim.adjustments),
        "moa": list(claim.remark_codes),
        "lines": [
            {
                "p": _proc_data(line.procedure),
                "o": _proc_data(line.original_procedure),
                "c": str(line.charge),
                "paid": str(line.paid),
                "d": line.service_date.isoformat() if line.service_date else None,
                "r": line.line_control_number,
                "cas": _adj_data(line.adjustments),
                "lq": [r.code for r in line.remarks if r.qualifier == "HE"],
            }
            for line in claim.lines
        ],
    }


@dataclass
class _Line:
    control: str
    procedure: PaidProcedure
    readable: bool
    day: dt.date | None
    charge: Decimal
    paid: Decimal
    adjustments: list[Adjustment]
    remarks: list[str]
    raw: str


@dataclass
class _Clp:
    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    adjustments: list[Adjustment]
    remarks: list[str]
    lines: list[_Line]


def _paid_procedure(proc: list[Any] | None) -> PaidProcedure:
    if not proc:
        return PaidProcedure("", "", ())
    return split_procedure(proc[0], proc[1], proc[2])


def _from_data(data: dict[str, Any]) -> _Clp:
    def adjustments(rows: list[list[str]]) -> list[Adjustment]:
        return [Adjustment(g, r, Decimal(a)) for g, r, a in rows]

    lines = []
    for row in data.get("lines", []):
        billed = row.get("o") or row.get("p")
        lines.append(
            _Line(
                control=row.get("r") or "",
                procedure=_paid_procedure(billed),
                readable=bool(billed and billed[3]),
                day=dt.date.fromisoformat(row["d"]) if row.get("d") else None,
                charge=Decimal(row["c"]),
                paid=Decimal(row["paid"]),
                adjustments=adjustments(row.get("cas", [])),
                remarks=list(row.get("lq", [])),
                raw=" ".join(str(p) for p in (billed or [])[:2]),
            )
        )
    clp = data["clp"]
    return _Clp(
        claim_id=clp[0],
        status=clp[1],
        charge=Decimal(clp[2]),
        paid=Decimal(clp[3]),
        adjustments=adjustments(data.get("cas", [])),
        remarks=list(data.get("moa", [])),
        lines=lines,
    )


def _person(name: Any) -> str:
    if name is None:
        return ""
    return " ".join(p for p in (name.first, name.last) if p)[:120]


# --- the posting of one file ---------------------------------------------------------


@dataclass
class _ClaimRow:
    pk: int
    encounter_id: int
    patient_id: int
    location_id: int
    payer_id: int
    status: str
    coverage_id: int | None
    payer_claim_number: str
    date_of_service: dt.date  # every entry's service date (A/R ages by it)


class _Poster:
    """Posts one file's claim payments; entries are gathered and written in bulk."""

    def __init__(self, actor: Actor, era_file: EraFile, result: EraImportResult) -> None:
        self.actor = actor
        self.user = actor_user(actor)
        self.user_pk = self.user.pk if self.user is not None else None
        self.era_file = era_file
        self.result = result
        self.rules = Rules.load()
        self.now = timezone.now()
        self.today = self.now.astimezone(practice_zone()).date()
        self.balances: dict[tuple[int, str, int | None], Decimal] = defaultdict(lambda: _ZERO)
        self.pending: list[LedgerEntry] = []
        self.receiving: list[tuple[LedgerEntry, int]] = []  # (entry, index of giving half)
        self.exceptions: list[EraException] = []
        self.transitions: list[ClaimTransition] = []
        self.claim_updates: dict[int, dict[str, Any]] = {}
        self.denied: list[tuple[EraClaimPayment, int, Denied]] = []
        # (claim, payer, charge line, paid, allowed) of each line the payer adjudicated
        self.adjudicated: list[tuple[int, int, int, Decimal, Decimal]] = []

    # -- loading what the payment's claims need, in a few queries --

    def load(
        self, payer_ids: list[int], claim_ids: list[str]
    ) -> tuple[dict[str, _ClaimRow], dict[int, list[BilledLine]], dict[tuple[int, int], int]]:
        claims: dict[str, _ClaimRow] = {}
        if payer_ids:
            for start in range(0, len(claim_ids), _CHUNK):
                for row in Claim.objects.filter(
                    control_number__in=claim_ids[start : start + _CHUNK], payer_id__in=payer_ids
                ).values_list(
                    "control_number",
                    "pk",
                    "encounter_id",
                    "patient_id",
                    "encounter__location_id",
                    "payer_id",
                    "status",
                    "coverage_id",
                    "payer_claim_number",
                    "encounter__date_of_service",
                ):
                    claims[row[0]] = _ClaimRow(*row[1:])
        billed: dict[int, list[BilledLine]] = defaultdict(list)
        charge_lines: dict[tuple[int, int], int] = {}
        claim_pks = [c.pk for c in claims.values()]
        encounter_ids = sorted({c.encounter_id for c in claims.values()})
        for start in range(0, len(claim_pks), _CHUNK):
            for pk, claim_id, number, code, mods, day, charge, ndc in ClaimLine.objects.filter(
                claim_id__in=claim_pks[start : start + _CHUNK]
            ).values_list(
                "pk",
                "claim_id",
                "line_number",
                "procedure_code",
                "modifiers",
                "service_from",
                "charge",
                "ndc",
            ):
                billed[claim_id].append(
                    BilledLine(
                        key=pk,
                        code=code.upper(),
                        modifiers=tuple(m for m in mods.upper().split(",") if m),
                        service_date=day,
                        charge=charge,
                        ndc=ndc,
                    )
                )
                charge_lines[(claim_id, pk)] = number
        line_ids: dict[tuple[int, int], int] = {}
        for start in range(0, len(encounter_ids), _CHUNK):
            for pk, encounter_id, number in ChargeLine.objects.filter(
                encounter_id__in=encounter_ids[start : start + _CHUNK]
            ).values_list("pk", "encounter_id", "line_number"):
                line_ids[(encounter_id, number)] = pk
        by_encounter = {c.pk: c.encounter_id for c in claims.values()}
        mapping = {
            (claim_pk, claim_line): line_ids[(by_encounter[claim_pk], number)]
            for (claim_pk, claim_line), number in charge_lines.items()
            if (by_encounter[claim_pk], number) in line_ids
        }
        wanted = sorted(set(mapping.values()))
        for start in range(0, len(wanted), _CHUNK):
            for line_id, party, payer_id, total in (
                LedgerEntry.objects.filter(charge_line_id__in=wanted[start : start + _CHUNK])
                .values("charge_line_id", "party", "payer_id")
                .annotate(total=Sum("amount"))
                .values_list("charge_line_id", "party", "payer_id", "total")
                .order_by()
            ):
                self.balances[(line_id, party, payer_id)] = total or _ZERO
        return claims, billed, mapping

    # -- entries --

    def _entry(
        self,
        claim: _ClaimRow,
        line_id: int,
        source_id: int,
        kind: str,
        party: str,
        amount: Decimal,
        adjustment: Adjustment | None = None,
        remarks: Sequence[str] = (),
        effective_date: dt.date | None = None,
        **fields: Any,
    ) -> LedgerEntry:
        payer_id = claim.payer_id if party == INS else None
        key = (line_id, party, payer_id)
        balance = self.balances[key] + amount
        self.balances[key] = balance
        codes: dict[str, str] = {"group_code": "", "reason_code": "", "remark_codes": ""}
        if adjustment is not None:
            codes = {
                "group_code": adjustment.group[:2],
                "reason_code": adjustment.reason[:5],
                "remark_codes": ",".join(remarks)[:40],
            }
        entry = LedgerEntry(
            charge_line_id=line_id,
            patient_id=claim.patient_id,
            location_id=claim.location_id,
            kind=kind,
            party=party,
            payer_id=payer_id,
            amount=amount,
            allows_credit=amount < 0 and balance < 0,
            claim_id=claim.pk,
            source_kind=SOURCE,
            source_id=str(source_id),
            effective_date=effective_date or self.today,
            service_date=claim.date_of_service,
            posted_at=self.now,
            posted_by_id=self.user_pk,
            **_UNSET,
            **codes,
            **fields,
        )
        self.pending.append(entry)
        return entry

    def _transfer(
        self,
        claim: _ClaimRow,
        line_id: int,
        source_id: int,
        amount: Decimal,
        adjustment: Adjustment,
        remarks: Sequence[str],
        on: dt.date | None,
    ) -> None:
        giving, taking = (INS, PAT) if amount > 0 else (PAT, INS)
        moved = abs(amount)
        if amount > 0:  # what the payer no longer carries is the patient's already (a copay
            # taken at the desk moved it): move at most what is left with the payer
            carried = self.balances[(line_id, INS, claim.payer_id)]
            if carried < 0:
                # The desk moved more to the patient than the payer's share of the line:
                # the excess comes back to the payer's side, where the write-off took it;
                # what the patient paid beyond their share is then their credit.
                giving, taking, moved = PAT, INS, -carried
            else:
                moved = min(moved, carried)
            if not moved:
                return
        self._entry(claim, line_id, source_id, K.TRANSFER, giving, -moved, adjustment, remarks, on)
        index = len(self.pending) - 1
        receiving = self._entry(
            claim, line_id, source_id, K.TRANSFER, taking, moved, adjustment, remarks, on
        )
        self.pending.pop()
        self.receiving.append((receiving, index))

    def flush(self) -> None:
        if not self.pending:
            return
        giving = {index for _, index in self.receiving}
        if giving:  # the giving halves need their ids: the receiving halves name them
            LedgerEntry.objects.bulk_create([self.pending[i] for i in sorted(giving)])
            for entry, index in self.receiving:
                entry.counterpart_id = self.pending[index].pk
        rest = [e for i, e in enumerate(self.pending) if i not in giving]
        _insert_entries(rest + [e for e, _ in self.receiving])
        ledger_totals.after_commit()  # the aging's daily totals take them in after commit
        self.pending, self.receiving = [], []

    def exception(
        self,
        kind: str,
        message: str,
        claim_payment: EraClaimPayment | None,
        *,
        amount: Decimal = _ZERO,
        raw: str = "",
    ) -> None:
        self.exceptions.append(
            EraException(
                era_file=self.era_file,
                claim_payment=claim_payment,
                location_id=claim_payment.location_id if claim_payment else None,
                kind=kind,
                message=message[:300],
                amount=amount,
                raw=raw[:4000],
                created_at=self.now,
            )
        )

    # -- one claim payment --

    def post_claim(
        self,
        cp: EraClaimPayment,
        clp: _Clp,
        claim: _ClaimRow,
        billed: list[BilledLine],
        mapping: dict[tuple[int, int], int],
        on: dt.date | None,
    ) -> bool:
        """Post a matched claim payment; True when nothing had to go to exceptions."""
        clean = True
        if clp.status == REVERSAL:
            return self._reverse(cp, claim)
        paid_lines = clp.lines
        matched: list[int | None] = match_lines(
            billed, [(ln.control, ln.procedure, ln.day) for ln in paid_lines]
        )
        plan: list[tuple[int, Decimal, list[Adjustment], list[str]]] = []
        for line, key in zip(paid_lines, matched, strict=True):
            if not line.readable or key is None:
                kind = EraExceptionKind.UNREADABLE if not line.readable else None
                self.exception(
                    kind or EraExceptionKind.UNMATCHED_LINE,
                    f"Claim {clp.claim_id}: the payer's line {line.raw or '?'} "
                    f"(paid {line.paid}) matches none of the claim's lines.",
                    cp,
                    amount=line.paid,
                    raw=line.raw,
                )
                clean = False
                continue
            line_id = mapping.get((claim.pk, key))
            if line_id is None:
                clean = False
                self.exception(
                    EraExceptionKind.UNMATCHED_LINE,
                    f"Claim {clp.claim_id}: line {line.raw} is no longer on the visit.",
                    cp,
                    amount=line.paid,
                )
                continue
            plan.append((line_id, line.paid, list(line.adjustments), line.remarks))
        claim_level = list(clp.adjustments)
        if not paid_lines:  # the payer answered at claim level only: spread on our lines
            targets = [(mapping.get((claim.pk, b.key)), b.charge) for b in billed]
            usable = [(lid, c) for lid, c in targets if lid is not None]
            weights = [c for _, c in usable]
            paid_shares = spread(clp.paid, weights)
            plan = [
                (lid, share, [], []) for (lid, _), share in zip(usable, paid_shares, strict=True)
            ]
        if claim_level and plan:
            weights = [
                b.charge for b in billed if mapping.get((claim.pk, b.key)) in {p[0] for p in plan}
            ]
            if len(weights) != len(plan):
                weights = [Decimal(1)] * len(plan)
            for adjustment in claim_level:
                shares = spread(adjustment.amount, weights)
                for entry, share in zip(plan, shares, strict=True):
                    if share:
                        entry[2].append(Adjustment(adjustment.group, adjustment.reason, share))
        elif claim_level and not plan:
            clean = False
        denied: Denied = []
        for line_id, paid, adjustments, remarks in plan:
            patient_share = sum((a.amount for a in adjustments if a.group == "PR"), _ZERO)
            if (paid or patient_share) and claim.payer_id is not None:
                self.adjudicated.append(
                    (claim.pk, claim.payer_id, line_id, paid, paid + patient_share)
                )
            if paid:
                self._entry(claim, line_id, cp.pk, K.INSURANCE_PAYMENT, INS, -paid, None, (), on)
            line_remarks = list(remarks) + list(clp.remarks)
            # the patient's share last: it moves what the payment and write-offs leave
            for adjustment in sorted(adjustments, key=lambda a: a.group == "PR"):
                if not adjustment.amount:
                    continue
                try:
                    reason = normalize_reason(adjustment.reason)
                except AdjustmentCodeError:
                    reason = adjustment.reason
                action = self.rules.action(
                    claim.payer_id, adjustment.group, reason, line_remarks, clp.status, paid
                )
                if action is None:
                    clean = False
                    self.exception(
                        EraExceptionKind.UNKNOWN_CODE,
                        f"Claim {clp.claim_id}: {adjustment.group}-{adjustment.reason} "
                        f"({adjustment.amount}) is a code the posting rules do not know; "
                        "not posted.",
                        cp,
                        raw=f"{adjustment.group}*{adjustment.reason}*{adjustment.amount}",
                    )
                    continue
                self._adjust(claim, line_id, cp, action, adjustment, line_remarks, on, denied)
        if not denied and clp.status == DENIED and clp.paid == 0:
            claim_remarks = tuple(clp.remarks)
            whole: Denied = [(None, a, claim_remarks) for a in clp.adjustments]
            denied = whole + [
                (None, a, claim_remarks)
                for line in paid_lines
                for a in line.adjustments
                if a.group != "PR"
            ]
        if denied:
            cp.is_denial = True
            self.denied.append((cp, claim.pk, denied))
        return clean

    def _adjust(
        self,
        claim: _ClaimRow,
        line_id: int,
        cp: EraClaimPayment,
        action: PostingAction,
        adjustment: Adjustment,
        remarks: list[str],
        on: dt.date | None,
        denied: Denied,
    ) -> None:
        amount = adjustment.amount
        if action == PostingAction.CONTRACTUAL_WRITE_OFF:
            self._entry(claim, line_id, cp.pk, K.CONTRACTUAL, INS, -amount, adjustment, remarks, on)
        elif action.is_patient_responsibility:
            self._transfer(claim, line_id, cp.pk, amount, adjustment, remarks, on)
        elif action == PostingAction.OTHER_ADJUSTMENT:
            self._entry(
                claim, line_id, cp.pk, K.OTHER_ADJUSTMENT, INS, -amount, adjustment, remarks, on
            )
        elif action == PostingAction.DENIAL:
            denied.append((line_id, adjustment, tuple(remarks)))

    def _reverse(self, cp: EraClaimPayment, claim: _ClaimRow) -> bool:
        self.flush()
        earlier = list(
            EraClaimPayment.objects.filter(claim_id=claim.pk, posted=True, is_reversal=False)
            .exclude(pk=cp.pk)
            .values_list("pk", flat=True)
        )
        entries = list(
            LedgerEntry.objects.filter(
                source_kind=SOURCE,
                source_id__in=[str(pk) for pk in earlier],
                reversal__isnull=True,
            )
            .exclude(kind=K.REVERSAL)
            .order_by("pk")
        )
        if not entries:
            self.exception(
                EraExceptionKind.NOT_REVERSIBLE,
                f"Claim {cp.claim_identifier}: the payer reverses a payment MedOffice never "
                "posted; check the claim by hand.",
                cp,
            )
            return False
        for entry in entries:
            key = (entry.charge_line_id, entry.party, entry.payer_id)
            self.balances[key] = self.balances[key] - entry.amount
            self.pending.append(
                LedgerEntry(
                    charge_line_id=entry.charge_line_id,
                    patient_id=entry.patient_id,
                    location_id=entry.location_id,
                    kind=K.REVERSAL,
                    party=entry.party,
                    payer_id=entry.payer_id,
                    amount=-entry.amount,
                    allows_credit=True,
                    claim_id=entry.claim_id,
                    reverses=entry,
                    source_kind=SOURCE,
                    source_id=str(cp.pk),
                    note=f"reversed by the payer (835 CLP02 22, {cp.payer_claim_number})"[:200],
                    effective_date=self.today,
                    service_date=entry.service_date,
                    posted_at=self.now,
                    posted_by=self.user,
                )
            )
        self.flush()
        self.result.reversals += 1
        return True

    def move_claim(self, claim: _ClaimRow, payer_claim_number: str, note: str) -> None:
        """Adjudicated, by the steps the claims module allows (submitted → accepted → …)."""
        update = self.claim_updates.setdefault(claim.pk, {})
        if payer_claim_number and not claim.payer_claim_number:
            update["payer_claim_number"] = payer_claim_number[:50]
        if claim.status not in _OPEN_AT_PAYER:
            return
        steps: list[tuple[str, str]] = []
        if claim.status == ClaimStatus.SUBMITTED:
            steps.append((ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED))
            steps.append((ClaimStatus.ACCEPTED, ClaimStatus.ADJUDICATED))
        else:
            steps.append((claim.status, ClaimStatus.ADJUDICATED))
        for before, after in steps:
            self.transitions.append(
                ClaimTransition(
                    claim_id=claim.pk,
                    from_status=before,
                    to_status=after,
                    by=self.user,
                    at=self.now,
                    note=note[:500],
                )
            )
        claim.status = ClaimStatus.ADJUDICATED
        update["status"] = ClaimStatus.ADJUDICATED

    def finish(self) -> None:
        self.flush()
        EraException.objects.bulk_create(self.exceptions, batch_size=1000)
        ClaimTransition.objects.bulk_create(self.transitions, batch_size=1000)
        by_fields: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
        numbers: list[Claim] = []
        for pk, update in self.claim_updates.items():
            if "payer_claim_number" in update:
                numbers.append(Claim(pk=pk, payer_claim_number=update["payer_claim_number"]))
            if "status" in update:
                by_fields[(("status", update["status"]),)].append(pk)
        for items, pks in by_fields.items():
            for start in range(0, len(pks), _CHUNK):
                Claim.objects.filter(pk__in=pks[start : start + _CHUNK]).update(**dict(items))
        if numbers:
            table = connection.ops.quote_name(Claim._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    # the table's name from the model; values are parameters
                    f"UPDATE {table} SET payer_claim_number = %s WHERE id = %s",  # noqa: S608
                    [(c.payer_claim_number, c.pk) for c in numbers],
                )


# Fields an entry of the posting never sets (given, so the model does not look defaults up).
_UNSET: dict[str, Any] = {
    "reverses_id": None,
    "patient_payment_id": None,
    "payment_refund_id": None,
    "note": "",
}


def _insert_entries(entries: list[LedgerEntry]) -> None:
    """Insert ledger entries without ids coming back (the bulk of a posting): one
    ``executemany`` with each value adapted as Django's own insert adapts it."""
    if not entries:
        return
    ops = connection.ops
    fields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    adapters: list[Any] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DecimalField":
            adapters.append(
                lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
            )
        elif kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = ops.quote_name(LedgerEntry._meta.db_table)
    # names from the model's fields; every value is a parameter
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = []
    for entry in entries:
        values = entry.__dict__
        rows.append(
            [
                values[name] if adapt is None or values[name] is None else adapt(values[name])
                for name, adapt in zip(names, adapters, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _payer_identifier(remittance: Remittance) -> str:
    payer = remittance.payer
    return (payer.identifier or remittance.trace.originator or payer.name)[:80]


def _payers_of(remittance: Remittance) -> list[int]:
    payer = remittance.payer
    ids = {payer.identifier, remittance.trace.originator}
    ids |= {r.value for r in payer.references if r.qualifier in {"2U", "EO", "HI", "NF"}}
    originator = remittance.trace.originator
    if len(originator) == 10 and originator[0] in "123":
        ids.add(originator[1:])
    ids = {i.strip() for i in ids if i and i.strip()}
    found = list(Payer.objects.filter(payer_id__in=ids).values_list("pk", flat=True))
    if not found and payer.name:
        found = list(Payer.objects.filter(name__iexact=payer.name).values_list("pk", flat=True))
    return found


def _already(key: dict[str, Any]) -> EraPayment | None:
    return EraPayment.objects.filter(**key).select_related("era_file").first()


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(practice_zone()).strftime("%Y-%m-%d %H:%M")


def _post_remittance(
    poster: _Poster, remittance: Remittance, era_file: EraFile, result: EraImportResult
) -> None:
    start = remittance.start
    key = {
        "payer_identifier": _payer_identifier(remittance),
        "trace_number": remittance.trace.number[:50],
        "trace_originator": remittance.trace.originator[:10],
        "amount": remittance.payment.amount,
    }
    label = f"payment {key['trace_number']} of {remittance.payer.name or key['payer_identifier']}"
    found = _already(key)
    if found is not None:
        result.already_imported.append(
            f"{label}: already imported on {_local(found.era_file.uploaded_at)} "
            f"({found.era_file.file_name})"
        )
        return
    payer_ids = _payers_of(remittance)
    try:
        with transaction.atomic():
            payment = EraPayment.objects.create(
                era_file=era_file,
                payer_id=payer_ids[0] if len(payer_ids) == 1 else None,
                payer_name=remittance.payer.name[:60],
                payee_name=remittance.payee.name[:60],
                credit_debit=remittance.payment.credit_debit[:1],
                method=remittance.payment.method[:3],
                payment_date=remittance.payment.date,
                production_date=start.production_date,
                claim_count=len(remittance.claims),
                posted_at=poster.now,
                **key,
            )
    except IntegrityError:
        found = _already(key)
        when = _local(found.era_file.uploaded_at) if found else "another import"
        result.already_imported.append(f"{label}: already imported on {when}")
        return
    result.payments_posted += 1
    EraProviderAdjustment.objects.bulk_create(
        [
            EraProviderAdjustment(
                payment=payment,
                provider_identifier=item.provider_id[:50],
                fiscal_period=item.fiscal_period,
                reason=item.reason[:2],
                reference=item.reference[:50],
                amount=item.amount,
            )
            for item in remittance.provider_adjustments
        ]
    )
    claims, billed, mapping = poster.load(payer_ids, [c.claim_id for c in remittance.claims])
    rows: list[EraClaimPayment] = []
    for clp in remittance.claims:
        claim = claims.get(clp.claim_id)
        crossover = clp.crossover_carrier
        forwarded = ""
        if clp.status in CROSSOVER or crossover is not None:
            forwarded = (crossover.last if crossover else "") or "the next payer"
        pr = (
            clp.patient_responsibility
            if clp.patient_responsibility is not None
            else sum((a.amount for a in clp.adjustments if a.group == "PR"), _ZERO)
            + sum((a.amount for ln in clp.lines for a in ln.adjustments if a.group == "PR"), _ZERO)
        )
        rows.append(
            EraClaimPayment(
                payment=payment,
                claim_id=claim.pk if claim else None,
                location_id=claim.location_id if claim else None,
                claim_identifier=clp.claim_id[:38],
                status_code=clp.status[:2],
                charge=clp.charge,
                paid=clp.paid,
                adjusted=clp.adjusted,
                patient_responsibility=pr,
                payer_claim_number=clp.payer_claim_number[:50],
                patient_name=_person(clp.patient),
                forwarded_to=forwarded[:60],
                is_reversal=clp.status == REVERSAL,
                posted=claim is not None,
                data=claim_data(clp),
            )
        )
    EraClaimPayment.objects.bulk_create(rows, batch_size=500)
    proposals: list[CoverageUpdateProposal] = []
    notes: list[ClaimNote] = []
    for clp, cp in zip(remittance.claims, rows, strict=True):
        result.claims += 1
        result.paid_total += clp.paid if clp.status != REVERSAL else _ZERO
        claim = claims.get(clp.claim_id)
        if claim is None:
            why = (
                "its payer is not one of the practice's payers"
                if not payer_ids
                else "no claim of this payer has that number"
            )
            poster.exception(
                EraExceptionKind.UNKNOWN_CLAIM,
                f"Claim {clp.claim_id} ({_person(clp.patient) or 'no name'}, paid {clp.paid}): "
                f"{why}. Match it by hand or resolve it.",
                cp,
                amount=clp.paid,
                raw=f"CLP*{clp.claim_id}*{clp.status}*{clp.charge}*{clp.paid}",
            )
            continue
        result.claims_matched += 1
        clean = poster.post_claim(
            cp,
            _from_data(cp.data),
            claim,
            billed.get(claim.pk, []),
            mapping,
            remittance.payment.date,
        )
        if clean and clp.status != REVERSAL:
            result.paid_auto_posted += clp.paid
        if cp.is_denial:
            result.denials.append(cp)
        if cp.forwarded_to:
            result.crossovers += 1
            notes.append(
                ClaimNote(
                    claim_id=claim.pk,
                    author=poster.user,
                    created_at=poster.now,
                    text=f"Forwarded to {cp.forwarded_to} by the payer (crossover): "
                    "no secondary claim to send.",
                )
            )
        if clp.corrected_insured is not None:
            insured = clp.corrected_insured
            proposals.append(
                CoverageUpdateProposal(
                    claim_payment=cp,
                    coverage_id=claim.coverage_id,
                    location_id=claim.location_id,
                    member_id=insured.identifier[:80],
                    last_name=insured.last[:60],
                    first_name=insured.first[:35],
                )
            )
        if clp.status != REVERSAL:
            poster.move_claim(claim, clp.payer_claim_number, f"835 {key['trace_number']}")
    denials = [cp.pk for cp in rows if cp.is_denial]
    for start_at in range(0, len(denials), _CHUNK):
        EraClaimPayment.objects.filter(pk__in=denials[start_at : start_at + _CHUNK]).update(
            is_denial=True
        )
    CoverageUpdateProposal.objects.bulk_create(proposals)
    ClaimNote.objects.bulk_create(notes)
    if poster.denied:
        by_pk = Claim.objects.in_bulk({claim_pk for _, claim_pk, _ in poster.denied})
        _open_denials(poster, by_pk, remittance.payment.date or poster.today)
    _record_adjudications(poster, payment)


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE:
        raise EraFileRefused("The file is larger than 50 MB; split it or ask the payer.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EraFileRefused(
            f"The file is not text (UTF-8) at byte {exc.start}: is it an 835?"
        ) from exc


def import_era(*, data: bytes, filename: str, actor: Actor) -> EraImportResult:
    """Read and post one 835 file (see the module's doc); ``EraFileRefused`` posts nothing."""
    require(actor, Permission.POST_LEDGER, "Your role does not post remittances.")
    text = _decode(data)
    try:
        read = read_835(text, strict=True)
    except X12Error as exc:
        raise EraFileRefused.from_x12(exc) from exc
    if read.errors:
        raise EraFileRefused.from_x12(read.errors[0])
    warnings = [
        f"segment {w.segment_number} ({w.segment_id}): {w.message}" for w in read.warnings
    ] + [str(e) for e in read.envelope_errors]
    with transaction.atomic():
        era_file = EraFile.objects.create(
            file_name=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content=text,
            uploaded_by=actor_user(actor),
            uploaded_at=timezone.now(),
            warnings="\n".join(warnings)[:20000],
        )
        result = EraImportResult(era_file=era_file, warnings=warnings)
        poster = _Poster(actor, era_file, result)
        for remittance in read.remittances:
            _post_remittance(poster, remittance, era_file, result)
        poster.finish()
        result.exceptions = len(poster.exceptions)
        skipped = len(result.already_imported)
        if skipped and not result.payments_posted:
            status = EraStatus.ALREADY_IMPORTED
        elif skipped:
            status = EraStatus.PARTLY_IMPORTED
        else:
            status = EraStatus.POSTED
        EraFile.objects.filter(pk=era_file.pk).update(
            status=status,
            payment_count=result.payments_posted,
            skipped_count=skipped,
            claim_count=result.claims,
            matched_count=result.claims_matched,
            exception_count=result.exceptions,
            total_paid=result.paid_total,
        )
        era_file.refresh_from_db()
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=era_file,
            data_category="ledger",
            detail=(
                f"835 {filename[:80]}: {result.payments_posted} payments, "
                f"{result.claims_matched}/{result.claims} claims matched, "
                f"{result.exceptions} exceptions, {skipped} already imported"
            ),
        )
    return result


# --- the exceptions queue ----------------------------------------------------------------


def _refuse(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


@transaction.atomic
def resolve_exception(*, exception: EraException, actor: Actor, note: str) -> EraException:
    """Close an exception with what was done about it (by hand, outside the posting)."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittance exceptions.")
    note = (note or "").strip()
    if not note or len(note) > 200:
        raise _refuse(
            "note", "Say in at most 200 characters what was done about it.", Code.ERA_NOTE_REQUIRED
        )
    exception = EraException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved_at is not None:
        raise _refuse("note", "This exception is already resolved.", Code.ERA_EXCEPTION_RESOLVED)
    exception.resolved_at = timezone.now()
    exception.resolved_by = actor_user(actor)
    exception.resolution = note
    exception.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=exception,
        data_category="ledger",
        detail=f"remittance exception {exception.pk} resolved",
    )
    return exception


@transaction.atomic
def match_exception(*, exception: EraException, claim: Claim, actor: Actor) -> EraClaimPayment:
    """Post an unmatched claim payment to the claim the biller picked; resolves it."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittance exceptions.")
    exception = EraException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved_at is not None:
        raise _refuse("claim", "This exception is already resolved.", Code.ERA_EXCEPTION_RESOLVED)
    if exception.kind != EraExceptionKind.UNKNOWN_CLAIM or exception.claim_payment_id is None:
        raise _refuse(
            "claim",
            "Only a claim payment that matched no claim is matched by hand.",
            Code.ERA_EXCEPTION_NOT_MATCHABLE,
        )
    cp = EraClaimPayment.objects.select_for_update().get(pk=exception.claim_payment_id)
    if cp.posted:
        raise _refuse("claim", "This claim payment is already posted.", Code.ERA_EXCEPTION_RESOLVED)
    if not Claim.objects.restrict(actor, "view").filter(pk=claim.pk).exists():
        raise _refuse("claim", "Choose one of your claims.", Code.ERA_CLAIM_INVALID)
    if claim.payer_id is None:
        raise _refuse(
            "claim", "A self-pay claim takes no insurance payment.", Code.ERA_CLAIM_INVALID
        )
    row = (
        Claim.objects.filter(pk=claim.pk)
        .values_list(
            "pk",
            "encounter_id",
            "patient_id",
            "encounter__location_id",
            "payer_id",
            "status",
            "coverage_id",
            "payer_claim_number",
            "encounter__date_of_service",
        )
        .get()
    )
    target = _ClaimRow(*row)
    era_file = exception.era_file
    result = EraImportResult(era_file=era_file)
    poster = _Poster(actor, era_file, result)
    payer_ids = [target.payer_id]
    _claims, billed, mapping = poster.load(payer_ids, [claim.control_number])
    cp.claim_id = target.pk
    cp.location_id = target.location_id
    poster.post_claim(cp, _from_data(cp.data), target, billed.get(target.pk, []), mapping, None)
    if cp.status_code != REVERSAL:
        poster.move_claim(target, cp.payer_claim_number, "835 matched by hand")
    poster.finish()
    cp.posted = True
    cp.posted_by_hand = True
    cp.save(update_fields=["claim", "location", "posted", "posted_by_hand", "is_denial"])
    exception.resolved_at = timezone.now()
    exception.resolved_by = actor_user(actor)
    exception.resolution = f"matched by hand to claim {claim.control_number}"
    exception.location_id = target.location_id
    exception.save(update_fields=["resolved_at", "resolved_by", "resolution", "location"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=cp,
        patient_id=target.patient_id,
        data_category="ledger",
        detail=f"remittance claim {cp.claim_identifier} matched by hand to {claim.control_number}",
    )
    return cp
