"""Denial management: open denials (from an 835's posting or typed by the biller), assign
them, move them through their statuses with a reason, write them off to the ledger, send
them back as a corrected or void claim, appeal them with a letter, and record what came of it.

``open_denials`` is what the 835 posting calls for each claim with denied adjustments: one
``Denial`` per (claim, charge line or none for the whole claim, group code, CARC, source),
so posting the same remittance twice opens nothing twice. Every change is audited and
kept as a ``DenialEvent``; every refusal is a ``ValidationError`` naming the field, all the
form's problems at once, and nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing import appeal_letters
from medoffice.billing.adjustments import (
    AdjustmentCodeError,
    DenialCategory,
    denial_category,
    normalize_group,
    normalize_reason,
    normalize_remark,
)
from medoffice.billing.choices import (
    AppealMethod,
    AppealOutcome,
    DenialStatus,
    LedgerKind,
    LedgerParty,
)
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    Appeal,
    AppealTemplate,
    ChargeLine,
    Claim,
    Denial,
    DenialEvent,
    Encounter,
    LedgerEntry,
    PayerProfile,
)
from medoffice.billing.models.denials import SETTLED
from medoffice.billing.selectors.ledger import party_balance_of
from medoffice.core.audit import AuditAction, record_event
from medoffice.core.bounds import date_problem
from medoffice.core.inputs import one_line
from medoffice.core.models import User
from medoffice.core.money import MoneyError, format_money, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission

S = DenialStatus
DEFAULT_APPEAL_DAYS = 90
MAX_AMOUNT = Decimal("9999999.99")
MAX_REASON = 500
MAX_NOTES = 4000
MAX_LETTER = 20000
MAX_REMARKS = 8
MAX_SOURCE_ID = 40
SOURCE_KINDS = frozenset({"era", "remittance", "manual", "277", "import"})
ZERO = Decimal("0.00")

# Where a denial may go from each status (write-offs go through ``write_off_denial``).
NEXT: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.APPEALED, S.CORRECTED, S.WRITTEN_OFF, S.UPHELD, S.OVERTURNED, S.CLOSED}),
    S.APPEALED: frozenset({S.OVERTURNED, S.UPHELD, S.OPEN, S.CLOSED}),
    S.CORRECTED: frozenset({S.OVERTURNED, S.UPHELD, S.OPEN, S.CLOSED}),
    S.UPHELD: frozenset({S.APPEALED, S.WRITTEN_OFF, S.OPEN, S.CLOSED}),
    S.OVERTURNED: frozenset({S.CLOSED, S.OPEN}),
    S.WRITTEN_OFF: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN}),
}


@dataclass(frozen=True)
class DenialInput:
    """One denied adjustment as the 835 gives it (CAS group, reason, its amount) with the
    claim's remarks (MOA/LQ); ``charge_line_id`` None: the whole claim."""

    charge_line_id: int | None
    group: str
    reason: str
    remarks: tuple[str, ...] = ()
    amount: Decimal = ZERO


@dataclass
class _Problems:
    errors: dict[str, list[ValidationError]] = field(default_factory=dict)

    def add(self, name: str, message: str, code: str) -> None:
        self.errors.setdefault(name, []).append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.errors:
            coded = self.errors  # every message went in through add(), with its code
            raise ValidationError(coded)


def _refusal(message: str, code: str, name: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({name: [ValidationError(message, code=code)]})


def appeal_days(payer_id: int | None) -> int:
    """Days the payer gives to appeal: its billing profile's, else the practice's default
    (``BILLING_APPEAL_DAYS``, 90)."""
    if payer_id is not None:
        days = (
            PayerProfile.objects.filter(payer_id=payer_id)
            .values_list("appeal_days", flat=True)
            .first()
        )
        if days:
            return int(days)
    return int(getattr(settings, "BILLING_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def appeal_days_of(payer_ids: Iterable[int | None]) -> dict[int | None, int]:
    """``appeal_days`` of many payers in one query."""
    default = int(getattr(settings, "BILLING_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))
    wanted = {pk for pk in payer_ids if pk is not None}
    days: dict[int | None, int] = dict.fromkeys(wanted, default)
    days[None] = default
    for payer_id, found in PayerProfile.objects.filter(payer_id__in=wanted).values_list(
        "payer_id", "appeal_days"
    ):
        if found:
            days[payer_id] = int(found)
    return days


def _amount(value: Any, problems: _Problems, name: str = "amount") -> Decimal | None:
    if isinstance(value, float | bool):
        problems.add(
            name, "Enter the amount in dollars and cents, e.g. 25.00.", Code.INVALID_AMOUNT
        )
        return None
    if value is None or value == "":
        problems.add(name, "Enter the amount denied.", Code.AMOUNT_REQUIRED)
        return None
    try:
        return parse_money(value, maximum=MAX_AMOUNT, allow_zero=True)
    except MoneyError as exc:
        problems.add(name, str(exc), Code.INVALID_AMOUNT)
    except (TypeError, ValueError, ArithmeticError):
        problems.add(name, "Enter the amount in dollars and cents.", Code.INVALID_AMOUNT)
    return None


@dataclass(frozen=True)
class _Clean:
    charge_line_id: int | None
    group: str
    reason: str
    remarks: tuple[str, ...]
    amount: Decimal
    category: str


def _clean_input(
    item: DenialInput, line_ids: set[int], problems: _Problems, prefix: str = ""
) -> _Clean | None:
    ok = True
    try:
        group = normalize_group(item.group)
    except AdjustmentCodeError as exc:
        problems.add(prefix + "group", str(exc), Code.DENIAL_CODE_INVALID)
        ok = False
    try:
        reason = normalize_reason(item.reason)
    except AdjustmentCodeError as exc:
        problems.add(prefix + "reason", str(exc), Code.DENIAL_CODE_INVALID)
        ok = False
    remarks: list[str] = []
    if len(item.remarks) > MAX_REMARKS:
        problems.add(
            prefix + "remarks", f"At most {MAX_REMARKS} remark codes.", Code.DENIAL_CODE_INVALID
        )
        ok = False
    else:
        for remark in item.remarks:
            try:
                plain = normalize_remark(remark)
            except AdjustmentCodeError as exc:
                problems.add(prefix + "remarks", str(exc), Code.DENIAL_CODE_INVALID)
                ok = False
                continue
            if plain not in remarks:
                remarks.append(plain)
    if item.charge_line_id is not None and item.charge_line_id not in line_ids:
        problems.add(
            prefix + "charge_line_id",
            "That service line is not one of this claim's visit.",
            Code.DENIAL_LINE_INVALID,
        )
        ok = False
    amount = _amount(item.amount, problems, prefix + "amount")
    if not ok or amount is None:
        return None
    category = denial_category(group, reason, remarks) or DenialCategory.OTHER
    return _Clean(item.charge_line_id, group, reason, tuple(remarks), amount, category.value)


def _clean_source(source_kind: str, source_id: str, problems: _Problems) -> tuple[str, str]:
    kind = one_line(source_kind).lower()
    ident = one_line(source_id)
    if kind not in SOURCE_KINDS:
        problems.add(
            "source_kind",
            f"The source must be one of {', '.join(sorted(SOURCE_KINDS))}.",
            Code.DENIAL_SOURCE_INVALID,
        )
    if len(ident) > MAX_SOURCE_ID or not ident.isprintable():
        problems.add(
            "source_id",
            f"At most {MAX_SOURCE_ID} printable characters.",
            Code.DENIAL_SOURCE_INVALID,
        )
    return kind, ident


def _clean_day(value: dt.date | None, name: str, problems: _Problems) -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if not isinstance(value, dt.date) or date_problem(value):
        problems.add(name, "Enter a date between 1900 and 2100.", Code.DATE_INVALID)
        return today
    if isinstance(value, dt.datetime):
        value = value.date()
    if value > today:
        problems.add(name, "The date cannot be in the future.", Code.DATE_INVALID)
    return value


def _event(denial: Denial, from_status: str, reason: str, actor: Actor, at: dt.datetime) -> None:
    DenialEvent.objects.create(
        denial=denial,
        from_status=from_status,
        to_status=denial.status,
        reason=reason[:MAX_REASON],
        by=actor_user(actor),
        at=at,
    )


def _audit(action: AuditAction, denial: Denial, actor: Actor, detail: str) -> None:
    record_event(
        action,
        user=actor,
        obj=denial,
        patient_id=denial.patient_id,
        data_category="claims",
        detail=detail[:500],
    )


@dataclass(frozen=True)
class _Opening:
    """One claim's denials to open, checked: the source, the day, the merged inputs."""

    kind: str
    ident: str
    day: dt.date
    text: str
    merged: dict[tuple[int | None, str, str], _Clean]


def _opening(
    claim: Claim,
    adjustments: Sequence[DenialInput],
    source_kind: str,
    source_id: str,
    denied_on: dt.date | None,
    notes: str,
    line_ids: set[int] | None = None,
) -> _Opening:
    """``open_denials``' checks (every problem at once, a ``ValidationError``); the claim's
    visit's line ids read unless given."""
    problems = _Problems()
    kind, ident = _clean_source(source_kind, source_id, problems)
    day = _clean_day(denied_on, "denied_on", problems)
    text = one_line(notes)
    if len(text) > MAX_NOTES:
        problems.add("notes", f"At most {MAX_NOTES} characters.", Code.TEXT_TOO_LONG)
    if claim.pk is None or claim.payer_id is None:
        problems.add(
            "claim", "Only a claim billed to a payer can be denied.", Code.DENIAL_CLAIM_INVALID
        )
        problems.raise_any()
    if line_ids is None:
        line_ids = set(
            ChargeLine.with_removed.filter(encounter_id=claim.encounter_id).values_list(
                "pk", flat=True
            )
        )
    merged: dict[tuple[int | None, str, str], _Clean] = {}
    for index, item in enumerate(adjustments):
        prefix = f"adjustments.{index}." if len(adjustments) > 1 else ""
        clean = _clean_input(item, line_ids, problems, prefix)
        if clean is None:
            continue
        key = (clean.charge_line_id, clean.group, clean.reason)
        if key in merged:
            before = merged[key]
            remarks = tuple(dict.fromkeys(before.remarks + clean.remarks))
            clean = _Clean(
                key[0], key[1], key[2], remarks, before.amount + clean.amount, before.category
            )
        merged[key] = clean
    problems.raise_any()
    return _Opening(kind, ident, day, text, merged)


def _new_denial(
    locked: Claim, opening: _Opening, clean: _Clean, due: dt.date, user: Any, now: dt.datetime
) -> Denial:
    return Denial(
        claim=locked,
        charge_line_id=clean.charge_line_id,
        patient_id=locked.patient_id,
        payer_id=locked.payer_id,
        group_code=clean.group,
        reason_code=clean.reason,
        remark_codes=",".join(clean.remarks),
        amount=clean.amount,
        category=clean.category,
        denied_on=opening.day,
        source_kind=opening.kind,
        source_id=opening.ident,
        status=S.OPEN,
        due_on=due,
        notes=opening.text,
        created_at=now,
        created_by=user,
    )


def _audit_opened(locked: Claim, opening: _Opening, made: list[Denial], actor: Actor) -> None:
    record_event(
        AuditAction.CREATE,
        user=actor,
        object_type="billing.denial",
        object_id=made[0].pk if len(made) == 1 else "",
        patient_id=locked.patient_id,
        data_category="claims",
        detail=(
            f"{len(made)} denial(s) on claim {locked.control_number} from {opening.kind} "
            f"{opening.ident}: " + ", ".join(f"{d.code} {format_money(d.amount)}" for d in made)
        )[:500],
    )


def open_denials(
    *,
    claim: Claim,
    adjustments: Sequence[DenialInput],
    source_kind: str,
    source_id: str,
    actor: Actor,
    denied_on: dt.date | None = None,
    notes: str = "",
) -> list[Denial]:
    """The claim's denials for ``adjustments``: those already opened from this source are
    returned as they are, the others made (status open, due by the payer's appeal days).
    Two inputs of one key (line, group, reason) are one denial of their summed amount."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not open denials.")
    opening = _opening(claim, adjustments, source_kind, source_id, denied_on, notes)
    if not opening.merged:
        return []
    kind, ident = opening.kind, opening.ident
    now = timezone.now()
    made: list[Denial] = []
    result: list[Denial] = []
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        existing = {
            (d.charge_line_id, d.group_code, d.reason_code): d
            for d in Denial.objects.filter(claim=locked, source_kind=kind, source_id=ident)
        }
        due = opening.day + dt.timedelta(days=appeal_days(locked.payer_id))
        for key, clean in opening.merged.items():
            found = existing.get(key)
            if found is not None:
                result.append(found)
                continue
            denial = _new_denial(locked, opening, clean, due, actor_user(actor), now)
            denial.save(force_insert=True)
            _event(denial, "", f"opened from {kind} {ident}".strip(), actor, now)
            made.append(denial)
            result.append(denial)
        if made:
            _audit_opened(locked, opening, made, actor)
    return result


@dataclass(frozen=True)
class DenialRequest:
    """One claim's denied adjustments for ``open_many_denials`` (its source id: the claim
    payment)."""

    claim: Claim
    adjustments: Sequence[DenialInput]
    source_id: str


def open_many_denials(
    requests: Sequence[DenialRequest],
    *,
    source_kind: str,
    actor: Actor,
    denied_on: dt.date | None = None,
) -> list[list[Denial] | ValidationError]:
    """``open_denials`` for many claims at once (an 835 posting's): each request checked
    as ``open_denials`` checks it, a refused one answered by its ``ValidationError`` with
    nothing of it written; the others' claims locked, their denials read and written
    together, each claim's opening audited as ``open_denials`` audits it. One answer per
    request, in order."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not open denials.")
    encounters = {r.claim.encounter_id for r in requests if r.claim.pk is not None}
    line_ids: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(encounters)):
        for pk, encounter_id in ChargeLine.with_removed.filter(encounter_id__in=chunk).values_list(
            "pk", "encounter_id"
        ):
            line_ids[encounter_id].add(pk)
    answers: list[list[Denial] | ValidationError] = []
    openings: dict[int, _Opening] = {}
    for index, request in enumerate(requests):
        try:
            opening = _opening(
                request.claim,
                request.adjustments,
                source_kind,
                request.source_id,
                denied_on,
                "",
                line_ids.get(request.claim.encounter_id, set()),
            )
        except ValidationError as refused:
            answers.append(refused)
            continue
        answers.append([])
        if opening.merged:
            openings[index] = opening
    if not openings:
        return answers
    now = timezone.now()
    user = actor_user(actor)
    with transaction.atomic():
        claim_pks = sorted({requests[i].claim.pk for i in openings})
        locked: dict[int, Claim] = {}
        for chunk in _chunks(claim_pks):
            locked.update(Claim.objects.select_for_update().in_bulk(chunk))
        kinds = {o.kind for o in openings.values()}
        existing: dict[tuple[int, str, str, int | None, str, str], Denial] = {}
        for chunk in _chunks(claim_pks):
            for d in Denial.objects.filter(claim_id__in=chunk, source_kind__in=kinds):
                source = (d.claim_id, d.source_kind, d.source_id)
                existing[(*source, d.charge_line_id, d.group_code, d.reason_code)] = d
        days = appeal_days_of({c.payer_id for c in locked.values()})
        made: dict[int, list[Denial]] = {}
        for index, opening in openings.items():
            claim = locked[requests[index].claim.pk]
            due = opening.day + dt.timedelta(days=days[claim.payer_id])
            result = answers[index]
            assert isinstance(result, list)
            for key, clean in opening.merged.items():
                found = existing.get((claim.pk, opening.kind, opening.ident, *key))
                if found is not None:
                    result.append(found)
                    continue
                denial = _new_denial(claim, opening, clean, due, user, now)
                made.setdefault(index, []).append(denial)
                result.append(denial)
        Denial.objects.bulk_create([d for ds in made.values() for d in ds], batch_size=500)
        DenialEvent.objects.bulk_create(
            [
                DenialEvent(
                    denial=denial,
                    from_status="",
                    to_status=denial.status,
                    reason=f"opened from {openings[index].kind} {openings[index].ident}".strip()[
                        :MAX_REASON
                    ],
                    by=user,
                    at=now,
                )
                for index, ds in made.items()
                for denial in ds
            ],
            batch_size=500,
        )
        for index, ds in made.items():
            _audit_opened(locked[requests[index].claim.pk], openings[index], ds, actor)
    return answers


def _chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def record_denial(
    *,
    claim: Claim,
    group: str,
    reason: str,
    amount: Any,
    actor: Actor,
    remarks: Iterable[str] = (),
    charge_line_id: int | None = None,
    denied_on: dt.date | None = None,
    notes: str = "",
) -> Denial:
    """A denial the biller types (a letter, a phone call, a paper EOB): source "manual"."""
    made = open_denials(
        claim=claim,
        adjustments=[DenialInput(charge_line_id, group, reason, tuple(remarks), amount)],
        source_kind="manual",
        source_id="",
        actor=actor,
        denied_on=denied_on,
        notes=notes,
    )
    return made[0]


def _locked(denial: Denial) -> Denial:
    return Denial.objects.select_for_update().select_related("claim").get(pk=denial.pk)


def _reason(reason: str, problems: _Problems, *, required: bool = True) -> str:
    text = one_line(reason)
    if required and not text:
        problems.add("reason", "Say why (a few words).", Code.DENIAL_REASON_REQUIRED)
    elif len(text) > MAX_REASON:
        problems.add(
            "reason", f"At most {MAX_REASON} characters ({len(text)} given).", Code.TEXT_TOO_LONG
        )
    return text


def _move(denial: Denial, status: str, reason: str, actor: Actor, now: dt.datetime) -> None:
    before = denial.status
    denial.status = status
    denial.closed_at = now if status in SETTLED else None
    denial.save(update_fields=["status", "closed_at", "recovered"])
    _event(denial, before, reason, actor, now)
    _audit(
        AuditAction.UPDATE,
        denial,
        actor,
        f"denial {denial.code} on claim {denial.claim.control_number}: {before} → {status}"
        + (f" ({reason})" if reason else ""),
    )


def change_status(
    *,
    denial: Denial,
    status: str,
    reason: str,
    actor: Actor,
    recovered: Any = None,
) -> Denial:
    """Move the denial to ``status`` (see ``NEXT``), saying why; ``recovered`` (what the
    payer paid after all) only when it is overturned. Settled statuses close it."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not work denials.")
    problems = _Problems()
    text = _reason(reason, problems)
    if status not in S.values:
        problems.add(
            "status",
            f"“{one_line(str(status))[:40]}” is not a denial status: one of {', '.join(S.values)}.",
            Code.DENIAL_STATUS_INVALID,
        )
    elif status == S.WRITTEN_OFF:
        problems.add(
            "status",
            "Write the denial off with “Write off”: the ledger must show it.",
            Code.DENIAL_STATUS_CHANGE_REFUSED,
        )
    amount: Decimal | None = None
    if recovered not in (None, ""):
        if status != S.OVERTURNED:
            problems.add(
                "recovered",
                "An amount recovered goes with an overturned denial only.",
                Code.INVALID_AMOUNT,
            )
        else:
            amount = _amount(recovered, problems, "recovered")
    problems.raise_any()
    with transaction.atomic():
        current = _locked(denial)
        if status == current.status or status not in NEXT[current.status]:
            raise _refusal(
                f"A denial “{current.get_status_display()}” cannot become “{S(status).label}”.",
                Code.DENIAL_STATUS_CHANGE_REFUSED,
                "status",
            )
        if amount is not None and amount > current.amount:
            raise _refusal(
                f"At most the amount denied ({format_money(current.amount)}).",
                Code.INVALID_AMOUNT,
                "recovered",
            )
        if status == S.OVERTURNED:
            current.recovered = amount
        _move(current, status, text, actor, timezone.now())
    return current


def assign_denial(*, denial: Denial, assignee: User | None, actor: Actor) -> Denial:
    """Give the denial to someone who works its claim (None: nobody)."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not work denials.")
    with transaction.atomic():
        current = _locked(denial)
        if assignee is not None and (
            not assignee.is_active
            or not assignee.has_perm(Permission.CHANGE_CLAIM)
            or not Claim.objects.restrict(assignee, "view").filter(pk=current.claim_id).exists()
        ):
            raise _refusal(
                "Give the denial to someone who works this claim (a biller of its location).",
                Code.ASSIGNEE_INVALID,
                "assigned_to",
            )
        current.assigned_to = assignee
        current.save(update_fields=["assigned_to"])
        who = (assignee.get_full_name() or assignee.username) if assignee else "nobody"
        now = timezone.now()
        DenialEvent.objects.create(
            denial=current,
            from_status=current.status,
            to_status=current.status,
            reason=f"assigned to {who}"[:MAX_REASON],
            by=actor_user(actor),
            at=now,
        )
        _audit(AuditAction.UPDATE, current, actor, f"denial {current.code} assigned to {who}")
    return current


def write_off_denial(*, denial: Denial, actor: Actor, note: str = "") -> list[LedgerEntry]:
    """Take what the payer still owes for the denial off the ledger (kind denial write-off,
    with the denial's group code, CARC and RARCs), at most the amount denied; the denial is
    then written off. A claim-level denial is spread over the visit's lines in order."""
    from medoffice.billing.services import ledger

    require(actor, Permission.POST_LEDGER, "Your role does not post to the ledger.")
    require(actor, Permission.CHANGE_CLAIM, "Your role does not work denials.")
    problems = _Problems()
    text = _reason(note, problems, required=False)[:200]
    problems.raise_any()
    with transaction.atomic():
        current = _locked(denial)
        if S.WRITTEN_OFF not in NEXT[current.status]:
            raise _refusal(
                f"A denial “{current.get_status_display()}” cannot be written off.",
                Code.DENIAL_STATUS_CHANGE_REFUSED,
                "status",
            )
        if current.charge_line_id is not None:
            line_ids = [current.charge_line_id]
        else:
            line_ids = list(
                ChargeLine.with_removed.filter(encounter_id=current.claim.encounter_id)
                .order_by("line_number")
                .values_list("pk", flat=True)
            )
        left = current.amount
        plan: list[tuple[int, Decimal]] = []
        for line_id in line_ids:
            if left <= 0:
                break
            owed = party_balance_of(line_id, LedgerParty.INSURANCE, current.payer_id)
            take = min(left, owed)
            if take > 0:
                plan.append((line_id, take))
                left -= take
        if not plan:
            raise _refusal(
                "The payer owes nothing on this claim's lines any more: there is nothing to "
                "write off. Close the denial instead.",
                Code.DENIAL_NOT_WRITABLE_OFF,
            )
        lines = {
            line.pk: line for line in ChargeLine.with_removed.filter(pk__in=[p for p, _ in plan])
        }
        entries = [
            ledger.write_off(
                actor=actor,
                line=lines[line_id],
                kind=LedgerKind.DENIAL_WRITE_OFF,
                amount=take,
                party=LedgerParty.INSURANCE,
                payer_id=current.payer_id,
                claim=current.claim,
                group_code=current.group_code,
                reason_code=current.reason_code,
                remark_codes=current.remark_codes,
                note=text or f"denial {current.code} written off",
            )
            for line_id, take in plan
        ]
        total = sum((take for _, take in plan), ZERO)
        _move(
            current,
            S.WRITTEN_OFF,
            f"{format_money(total)} written off" + (f": {text}" if text else ""),
            actor,
            timezone.now(),
        )
    return entries


def correct_denied_claim(*, denial: Denial, actor: Actor, note: str = "") -> Encounter:
    """Reopen the denied claim's charges for a correction (the frequency-7 replacement
    follows their review); the denial is then "corrected"."""
    from medoffice.billing.services.claims import correct_claim

    require(actor, Permission.CHANGE_CLAIM, "Your role does not correct claims.")
    with transaction.atomic():
        current = _locked(denial)
        if S.CORRECTED not in NEXT[current.status]:
            raise _refusal(
                f"A denial “{current.get_status_display()}” cannot be corrected.",
                Code.DENIAL_STATUS_CHANGE_REFUSED,
                "status",
            )
        encounter = correct_claim(
            claim=current.claim, actor=actor, note=note or f"denial {current.code}"
        )
        _move(current, S.CORRECTED, one_line(note) or "charges reopened", actor, timezone.now())
    return encounter


def void_denied_claim(*, denial: Denial, actor: Actor, reason: str) -> Claim:
    """Void the denied claim with the payer (frequency 8); the denial is closed."""
    from medoffice.billing.services.claims import void_claim

    require(actor, Permission.CHANGE_CLAIM, "Your role does not void claims.")
    with transaction.atomic():
        current = _locked(denial)
        if S.CLOSED not in NEXT[current.status]:
            raise _refusal(
                f"A denial “{current.get_status_display()}” cannot be closed.",
                Code.DENIAL_STATUS_CHANGE_REFUSED,
                "status",
            )
        made = void_claim(claim=current.claim, actor=actor, reason=reason)
        _move(current, S.CLOSED, f"claim voided ({made.control_number})", actor, timezone.now())
    return made


# --- appeals ------------------------------------------------------------------------------


def ensure_templates() -> None:
    """The built-in letters, when none is there (the migration seeds them)."""
    for built in appeal_letters.BUILT_IN:
        AppealTemplate.objects.get_or_create(
            key=built.key, defaults={"name": built.name, "body": built.body, "built_in": True}
        )


def _letter(text: str, problems: _Problems) -> str:
    cleaned = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not cleaned:
        problems.add("letter_text", "Write the letter.", Code.APPEAL_LETTER_REQUIRED)
    elif len(cleaned) > MAX_LETTER:
        problems.add(
            "letter_text",
            f"At most {MAX_LETTER} characters ({len(cleaned)} given).",
            Code.TEXT_TOO_LONG,
        )
    return cleaned


def create_appeal(
    *,
    denials: Sequence[Denial],
    letter_text: str,
    actor: Actor,
    template: AppealTemplate | None = None,
    method: str = AppealMethod.MAIL,
    sent_on: dt.date | None = None,
) -> Appeal:
    """An appeal of ``denials`` (all of one claim) with the letter as the biller edited it;
    each denial becomes "appealed"."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not appeal denials.")
    problems = _Problems()
    text = _letter(letter_text, problems)
    if method not in AppealMethod.values:
        problems.add(
            "method",
            f"The method must be one of {', '.join(AppealMethod.values)}.",
            Code.APPEAL_METHOD_INVALID,
        )
    day = _clean_day(sent_on, "sent_on", problems) if sent_on is not None else None
    ids = sorted({d.pk for d in denials})
    if not ids:
        problems.add("denials", "Choose the denials to appeal.", Code.APPEAL_DENIALS_REQUIRED)
    problems.raise_any()
    now = timezone.now()
    with transaction.atomic():
        locked = list(Denial.objects.select_for_update().select_related("claim").filter(pk__in=ids))
        if len({d.claim_id for d in locked}) != 1 or len(locked) != len(ids):
            raise _refusal(
                "An appeal is of the denials of one claim.", Code.APPEAL_DENIALS_REQUIRED, "denials"
            )
        stuck = [d for d in locked if S.APPEALED not in NEXT[d.status]]
        if stuck:
            raise _refusal(
                "These denials cannot be appealed now: "
                + ", ".join(f"{d.code} ({d.get_status_display()})" for d in stuck),
                Code.DENIAL_STATUS_CHANGE_REFUSED,
                "denials",
            )
        appeal = Appeal.objects.create(
            claim=locked[0].claim,
            template=template,
            letter_text=text,
            sent_on=day,
            method=method,
            created_at=now,
            created_by=actor_user(actor),
        )
        appeal.denials.set(locked)
        for denial in locked:
            before = denial.status
            denial.status = S.APPEALED
            denial.closed_at = None
            denial.save(update_fields=["status", "closed_at"])
            _event(denial, before, f"appeal {appeal.pk}", actor, now)
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=appeal,
            patient_id=locked[0].patient_id,
            data_category="claims",
            detail=f"appeal of claim {locked[0].claim.control_number}: "
            + ", ".join(d.code for d in locked),
        )
    return appeal


def record_appeal_outcome(
    *,
    appeal: Appeal,
    outcome: str,
    actor: Actor,
    outcome_on: dt.date | None = None,
    recovered: Any = None,
    reason: str = "",
) -> Appeal:
    """What the payer decided: overturned (with what it paid, spread over the appeal's
    denials in order) or upheld; each denial is settled so."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not work appeals.")
    problems = _Problems()
    if outcome not in (AppealOutcome.OVERTURNED, AppealOutcome.UPHELD):
        problems.add("outcome", "The outcome is overturned or upheld.", Code.APPEAL_OUTCOME_INVALID)
    day = _clean_day(outcome_on, "outcome_on", problems)
    amount: Decimal | None = None
    if recovered not in (None, ""):
        amount = _amount(recovered, problems, "recovered")
        if amount is not None and outcome == AppealOutcome.UPHELD and amount > 0:
            problems.add("recovered", "An upheld appeal recovered nothing.", Code.INVALID_AMOUNT)
    text = _reason(reason, problems, required=False)
    problems.raise_any()
    now = timezone.now()
    with transaction.atomic():
        current = Appeal.objects.select_for_update().select_related("claim").get(pk=appeal.pk)
        if current.outcome != AppealOutcome.PENDING:
            raise _refusal(
                "The appeal's outcome is already recorded.", Code.APPEAL_OUTCOME_INVALID, "outcome"
            )
        denials = list(current.denials.select_for_update().select_related("claim").order_by("pk"))
        total_denied = sum((d.amount for d in denials), ZERO)
        if amount is not None and amount > total_denied:
            raise _refusal(
                f"At most the amount appealed ({format_money(total_denied)}).",
                Code.INVALID_AMOUNT,
                "recovered",
            )
        current.outcome = outcome
        current.outcome_on = day
        current.recovered = amount
        current.save(update_fields=["outcome", "outcome_on", "recovered"])
        status = S.OVERTURNED if outcome == AppealOutcome.OVERTURNED else S.UPHELD
        left = amount or ZERO
        for denial in denials:
            if status not in NEXT[denial.status]:
                continue
            if status == S.OVERTURNED:
                share = min(left, denial.amount)
                denial.recovered = share
                left -= share
            _move(denial, status, text or f"appeal {current.pk} {outcome}", actor, now)
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=current,
            patient_id=current.claim.patient_id,
            data_category="claims",
            detail=f"appeal {current.pk} of claim {current.claim.control_number}: {outcome}"
            + (f", {format_money(amount)} recovered" if amount else ""),
        )
    return current


def save_template(
    *,
    actor: Actor,
    name: str,
    body: str,
    is_active: bool = True,
    template: AppealTemplate | None = None,
    key: str = "",
) -> AppealTemplate:
    """Change a letter template (or add one); the office manager's."""
    from django.utils.text import slugify

    require(
        actor, Permission.CHANGE_BILLING_REFERENCE, "Your role does not change letter templates."
    )
    problems = _Problems()
    title = one_line(name)
    if not title:
        problems.add("name", "Name the template.", Code.APPEAL_TEMPLATE_INVALID)
    elif len(title) > 120:
        problems.add("name", "At most 120 characters.", Code.TEXT_TOO_LONG)
    text = _letter(body, problems)
    if "body" not in problems.errors and "letter_text" in problems.errors:
        problems.errors["body"] = problems.errors.pop("letter_text")
    slug = ""
    if template is None:
        slug = slugify(key or title)[:40] or "template"
        if AppealTemplate.objects.filter(key=slug).exists():
            problems.add(
                "name", "A template of that name is there already.", Code.APPEAL_TEMPLATE_INVALID
            )
    problems.raise_any()
    with transaction.atomic():
        if template is None:
            template = AppealTemplate(key=slug)
        template.name = title
        template.body = text
        template.is_active = bool(is_active)
        template.updated_at = timezone.now()
        template.save()
        record_event(
            AuditAction.UPDATE,
            user=actor,
            obj=template,
            detail=f"appeal letter template {template.key}",
        )
    return template
