"""Posting one file's claim payments (``Poster``): entries gathered and written in bulk,
balances followed in memory, exceptions, claim moves, and what the posting hands on
(denials to the queue, adjudicated lines to contracts). ``services.era`` drives it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Model, Sum
from django.db.models.base import ModelState
from django.utils import timezone

from medoffice.billing.adjustments import (
    AdjustmentCodeError,
    PostingAction,
    normalize_reason,
)
from medoffice.billing.choices import ClaimStatus, LedgerKind, LedgerParty
from medoffice.billing.models import (
    ChargeLine,
    Claim,
    ClaimLine,
    ClaimTransition,
    Contract,
    EraClaimPayment,
    EraException,
    EraExceptionKind,
    EraFile,
    EraPayment,
    LedgerEntry,
)
from medoffice.billing.services import ledger_totals
from medoffice.billing.services.contracts import (
    AdjudicatedLine,
    record_adjudications,
    reverse_adjudications,
)
from medoffice.billing.services.denials import DenialInput, DenialRequest, open_many_denials
from medoffice.billing.services.era_data import ClpData
from medoffice.billing.services.era_match import (
    BilledLine,
    match_lines,
    spread,
)
from medoffice.billing.services.era_rules import Rules
from medoffice.core.models import practice_zone
from medoffice.core.permissions import Actor, actor_user
from medoffice.x12.r835 import (
    Adjustment,
)

SOURCE = "era"
REVERSAL = "22"
CROSSOVER = frozenset({"19", "20", "21"})
DENIED = "4"
ZERO = Decimal(0)
CHUNK = 500
K = LedgerKind
INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
OPEN_AT_PAYER = frozenset(
    {ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.ADJUDICATED, ClaimStatus.CLOSED}
)


@dataclass
class EraImportResult:
    era_file: EraFile
    payments_posted: int = 0
    payments_waiting: list[str] = field(default_factory=list)  # held for their deposit
    already_imported: list[str] = field(default_factory=list)
    claims: int = 0
    claims_matched: int = 0
    exceptions: int = 0
    denials: list[EraClaimPayment] = field(default_factory=list)
    crossovers: int = 0
    reversals: int = 0
    paid_total: Decimal = ZERO
    paid_auto_posted: Decimal = ZERO  # paid dollars posted with no exception on the claim
    warnings: list[str] = field(default_factory=list)

    @property
    def auto_posting_rate(self) -> Decimal | None:
        if not self.paid_total:
            return None
        return self.paid_auto_posted / self.paid_total


# --- what the posting hands on: denials to the queue, adjudicated lines to contracts ----

# (charge line id or None for the whole claim, the CAS, its RARCs)
Denied = list[tuple[int | None, Adjustment, tuple[str, ...]]]


def open_claim_denials(poster: Poster, claims: dict[int, Claim], on: dt.date) -> None:
    """Each zero-pay denial posted opens its denials in the queue (idempotent per claim
    payment), all of the payment's at once; a denial the queue refuses becomes an
    exception, the rest still posts."""
    denied = [(cp, claims[pk], items) for cp, pk, items in poster.denied if pk in claims]
    poster.denied = []
    if not denied:
        return
    answers = open_many_denials(
        [
            DenialRequest(
                claim=claim,
                adjustments=[
                    DenialInput(
                        charge_line_id=line_id,
                        group=adjustment.group,
                        reason=adjustment.reason,
                        remarks=remarks,
                        amount=adjustment.amount,
                    )
                    for line_id, adjustment, remarks in items
                ],
                source_id=str(cp.pk),
            )
            for cp, claim, items in denied
        ],
        source_kind=SOURCE,
        actor=poster.actor,
        denied_on=on,
    )
    for (cp, _, _), answer in zip(denied, answers, strict=True):
        if isinstance(answer, ValidationError):
            poster.exception(
                EraExceptionKind.UNKNOWN_CODE,
                f"Claim {cp.claim_identifier}: denied, but the denial queue refused it "
                f"({'; '.join(answer.messages)}); open it by hand.",
                cp,
            )


def record_payment_adjudications(poster: Poster, payment: EraPayment) -> None:
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


def person_name(name: Any) -> str:
    if name is None:
        return ""
    return " ".join(p for p in (name.first, name.last) if p)[:120]


# --- the posting of one file ---------------------------------------------------------


@dataclass
class ClaimRow:
    pk: int
    encounter_id: int
    patient_id: int
    location_id: int
    payer_id: int
    status: str
    coverage_id: int | None
    payer_claim_number: str
    date_of_service: dt.date  # every entry's service date (A/R ages by it)


class Poster:
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
        self.balances: dict[tuple[int, str, int | None], Decimal] = defaultdict(lambda: ZERO)
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
    ) -> tuple[dict[str, ClaimRow], dict[int, list[BilledLine]], dict[tuple[int, int], int]]:
        claims: dict[str, ClaimRow] = {}
        if payer_ids:
            for start in range(0, len(claim_ids), CHUNK):
                for row in Claim.objects.filter(
                    control_number__in=claim_ids[start : start + CHUNK], payer_id__in=payer_ids
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
                    claims[row[0]] = ClaimRow(*row[1:])
        billed: dict[int, list[BilledLine]] = defaultdict(list)
        charge_lines: dict[tuple[int, int], int] = {}
        claim_pks = [c.pk for c in claims.values()]
        encounter_ids = sorted({c.encounter_id for c in claims.values()})
        for start in range(0, len(claim_pks), CHUNK):
            for pk, claim_id, number, code, mods, day, charge, ndc in ClaimLine.objects.filter(
                claim_id__in=claim_pks[start : start + CHUNK]
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
        for start in range(0, len(encounter_ids), CHUNK):
            for pk, encounter_id, number in ChargeLine.objects.filter(
                encounter_id__in=encounter_ids[start : start + CHUNK]
            ).values_list("pk", "encounter_id", "line_number"):
                line_ids[(encounter_id, number)] = pk
        by_encounter = {c.pk: c.encounter_id for c in claims.values()}
        mapping = {
            (claim_pk, claim_line): line_ids[(by_encounter[claim_pk], number)]
            for (claim_pk, claim_line), number in charge_lines.items()
            if (by_encounter[claim_pk], number) in line_ids
        }
        wanted = sorted(set(mapping.values()))
        for start in range(0, len(wanted), CHUNK):
            for line_id, party, payer_id, total in (
                LedgerEntry.objects.filter(charge_line_id__in=wanted[start : start + CHUNK])
                .values("charge_line_id", "party", "payer_id")
                .annotate(total=Sum("amount"))
                .values_list("charge_line_id", "party", "payer_id", "total")
                .order_by()
            ):
                self.balances[(line_id, party, payer_id)] = total or ZERO
        return claims, billed, mapping

    # -- entries --

    def _entry(
        self,
        claim: ClaimRow,
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
        entry = made(
            LedgerEntry,
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
        claim: ClaimRow,
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
            insert_entries([self.pending[i] for i in sorted(giving)], returning=True)
            for entry, index in self.receiving:
                entry.counterpart_id = self.pending[index].pk
        rest = [e for i, e in enumerate(self.pending) if i not in giving]
        insert_entries(rest + [e for e, _ in self.receiving])
        ledger_totals.after_commit()  # the aging's daily totals take them in after commit
        self.pending, self.receiving = [], []

    def exception(
        self,
        kind: str,
        message: str,
        claim_payment: EraClaimPayment | None,
        *,
        amount: Decimal = ZERO,
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
        clp: ClpData,
        claim: ClaimRow,
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
            patient_share = sum((a.amount for a in adjustments if a.group == "PR"), ZERO)
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
        claim: ClaimRow,
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

    def _reverse(self, cp: EraClaimPayment, claim: ClaimRow) -> bool:
        """Reverse what earlier payments posted for the claim (a corrected claim in this
        same payment, before or after the reversal, is the payer's new answer: kept), and
        take back the line adjudications those postings stored."""
        self.flush()
        payment_of = dict(
            EraClaimPayment.objects.filter(claim_id=claim.pk, posted=True, is_reversal=False)
            .exclude(payment_id=cp.payment_id)
            .values_list("pk", "payment_id")
        )
        earlier = list(payment_of)
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
        reverse_adjudications(
            claim_ids=[claim.pk],
            source_kind=SOURCE,
            source_ids=sorted({f"payment {payment_of[int(e.source_id)]}" for e in entries}),
            reversed_by=f"claim payment {cp.pk}",
            actor=self.actor,
        )
        self.result.reversals += 1
        return True

    def move_claim(self, claim: ClaimRow, payer_claim_number: str, note: str) -> None:
        """Adjudicated, by the steps the claims module allows (submitted → accepted → …)."""
        update = self.claim_updates.setdefault(claim.pk, {})
        if payer_claim_number and not claim.payer_claim_number:
            update["payer_claim_number"] = payer_claim_number[:50]
        if claim.status not in OPEN_AT_PAYER:
            return
        steps: list[tuple[str, str]] = []
        if claim.status == ClaimStatus.SUBMITTED:
            steps.append((ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED))
            steps.append((ClaimStatus.ACCEPTED, ClaimStatus.ADJUDICATED))
        else:
            steps.append((claim.status, ClaimStatus.ADJUDICATED))
        for before, after in steps:
            self.transitions.append(
                made(
                    ClaimTransition,
                    claim_id=claim.pk,
                    from_status=before,
                    to_status=after,
                    by_id=self.user_pk,
                    at=self.now,
                    note=note[:500],
                )
            )
        claim.status = ClaimStatus.ADJUDICATED
        update["status"] = ClaimStatus.ADJUDICATED

    def finish(self) -> None:
        self.flush()
        EraException.objects.bulk_create(self.exceptions, batch_size=1000)
        insert_rows(ClaimTransition, self.transitions)
        by_fields: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
        numbers: list[Claim] = []
        for pk, update in self.claim_updates.items():
            if "payer_claim_number" in update:
                numbers.append(Claim(pk=pk, payer_claim_number=update["payer_claim_number"]))
            if "status" in update:
                by_fields[(("status", update["status"]),)].append(pk)
        for items, pks in by_fields.items():
            for start in range(0, len(pks), CHUNK):
                Claim.objects.filter(pk__in=pks[start : start + CHUNK]).update(**dict(items))
        if numbers:
            _set_payer_claim_numbers([(c.pk, c.payer_claim_number) for c in numbers])


def _set_payer_claim_numbers(numbers: list[tuple[int, str]]) -> None:
    """The claims' payer claim numbers: on PostgreSQL one ``UPDATE … FROM UNNEST(…)`` per
    few thousand claims; on SQLite an ``executemany`` (in process, no round trips)."""
    table = connection.ops.quote_name(Claim._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                # the table's name from the model; values are parameters
                f"UPDATE {table} SET payer_claim_number = %s WHERE id = %s",  # noqa: S608
                [(number, pk) for pk, number in numbers],
            )
            return
        for start in range(0, len(numbers), 5000):
            batch = numbers[start : start + 5000]
            cursor.execute(
                # the table's name from the model; values are parameters
                f"UPDATE {table} AS c SET payer_claim_number = v.number "  # noqa: S608
                "FROM UNNEST((%s)::bigint[], (%s)::varchar[]) AS v(id, number) "
                "WHERE c.id = v.id",
                [[pk for pk, _ in batch], [number for _, number in batch]],
            )


# Fields an entry of the posting never sets (given, so the model does not look defaults up).
_UNSET: dict[str, Any] = {
    "reverses_id": None,
    "patient_payment_id": None,
    "payment_refund_id": None,
    "note": "",
}

_DEFAULTS: dict[type[Model], dict[str, Any]] = {}

M = TypeVar("M", bound=Model)


def made(model: type[M], **values: Any) -> M:
    """A new, unsaved ``model`` of ``values`` (attnames: ``claim_id``, not ``claim``), the
    other fields at their defaults: what ``model(**values)`` makes, without its per-field
    work (the posting makes tens of thousands). The model must have no callable default
    and no ``__init__`` of its own."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        fields = model._meta.concrete_fields
        assert not any(f.has_default() and callable(f.default) for f in fields), model
        defaults = _DEFAULTS[model] = {f.attname: f.get_default() for f in fields}
    obj = model.__new__(model)
    state = obj.__dict__
    state["_state"] = ModelState()
    state.update(defaults)
    state.update(values)
    return obj


# Fields whose Python value is the database's (given by attname: a key's id).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.ForeignKey,
    models.OneToOneField,
)

# PostgreSQL takes at most 65,535 parameters in one statement.
_MAX_PARAMETERS = 65_535


@dataclass(frozen=True)
class _Table:
    """What a raw insert of a model needs: its columns, attnames and value adapters."""

    names: list[str]
    adapters: list[Any]
    table: str
    columns: str
    fields: list[Any]


def _table(model: type[Model]) -> _Table:
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters: list[Any] = []
    for f in fields:
        kind = type(f)
        if kind is models.DecimalField:
            adapters.append(
                lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
            )
        elif kind is models.DateTimeField:
            adapters.append(ops.adapt_datetimefield_value)
        elif kind is models.DateField:
            adapters.append(ops.adapt_datefield_value)
        elif kind in _PLAIN:
            adapters.append(None)
        else:  # any other field (JSON, encrypted, …) prepares its own value
            adapters.append(lambda v, f=f: f.get_db_prep_save(v, connection))
    return _Table(
        names=[f.attname for f in fields],
        adapters=adapters,
        table=ops.quote_name(model._meta.db_table),
        columns=", ".join(ops.quote_name(str(f.column)) for f in fields),
        fields=fields,
    )


def insert_rows(model: type[Model], objects: Sequence[Model], *, returning: bool = False) -> None:
    """Insert ``objects`` of ``model`` as Django's own insert would (each value adapted the
    same way) without its per-field preparation: on PostgreSQL as one ``COPY … FROM STDIN``
    (or, when the ids are wanted, ``INSERT … SELECT * FROM UNNEST(column arrays)``, one
    round trip per 5,000 rows), on SQLite as one
    ``executemany`` (in process). ``returning``: the new ids are set on the objects
    (``RETURNING id``, rows back in the order given, as ``bulk_create`` has them).
    No signals, no ``save()``: for the posting's own rows."""
    if not objects:
        return
    table = _table(model)
    rows = []
    for obj in objects:
        values = obj.__dict__
        rows.append(
            [
                values[name] if adapt is None or values[name] is None else adapt(values[name])
                for name, adapt in zip(table.names, table.adapters, strict=True)
            ]
        )
    ops = connection.ops
    head = f"INSERT INTO {table.table} ({table.columns}) "
    back = " RETURNING " + ops.quote_name("id") if returning else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not returning:
            # COPY: the rows stream to the server in one go, each value by psycopg's own
            # dumper for its type (no query to parse, no arrays to build).
            with cursor.cursor.copy(f"COPY {table.table} ({table.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if connection.vendor == "postgresql":
            # One array per column: a few parameters whatever the rows (psycopg parses
            # a long query's placeholders anew each time), as Django's bulk_create does.
            types = [f.db_type(connection).split("(")[0] for f in table.fields]
            arrays = ", ".join(f"(%s)::{kind}[]" for kind in types)
            sql = f"{head}SELECT * FROM UNNEST({arrays}){back}"  # noqa: S608 (model names)
            size = 5000
        else:
            width = len(table.names)
            one = "(" + ", ".join(["%s"] * width) + ")"
            if not returning:
                for start in range(0, len(rows), 2000):
                    # names from the model's fields; every value is a parameter
                    cursor.executemany(head + "VALUES " + one, rows[start : start + 2000])
                return
            size = max(1, ops.bulk_batch_size(table.fields, objects))
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            if connection.vendor == "postgresql":
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            else:
                cursor.execute(
                    head + "VALUES " + ", ".join([one] * len(batch)) + back,
                    [value for row in batch for value in row],
                )
            if not returning:
                continue
            for obj, (pk,) in zip(objects[start : start + size], cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


def insert_entries(entries: list[LedgerEntry], *, returning: bool = False) -> None:
    """Insert ledger entries (the bulk of a posting): ``insert_rows``."""
    insert_rows(LedgerEntry, entries, returning=returning)
