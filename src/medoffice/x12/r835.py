"""Reading an 835 (005010X221A1) remittance: what each payer paid, claim by claim, and why.

``Reader835(source)`` streams: iterating it yields, for every transaction set (ST…SE, one
payment), a ``RemittanceStart`` (BPR, TRN, CUR, REF, DTM, payer 1000A and payee 1000B),
then one ``ClaimPayment`` per 2100 loop as soon as it is complete, then a ``RemittanceEnd``
(the PLB provider adjustments and the LX/TS3/TS2 summaries). Nothing but the claim being
read is held, so memory stays flat however large the file. ``read_835(source)`` gathers
the same into ``Remittance`` objects for small files.

Balancing follows the guide: each service line's charge − paid = Σ its CAS; each claim's
charge − paid = Σ its CAS at claim and line level; BPR02 = Σ CLP04 − Σ PLB amounts. With
``strict`` (the default) the first imbalance raises ``BalanceError``; otherwise each is kept
in ``errors`` and reading goes on. Malformed content raises ``ContentError``; every error
names the segment number, the segment id and the element.

What real payers send is tolerated with a ``ReadWarning``: no PER*BL in 1000A, the file on
one line or with LF/CRLF after each segment, a UTF-8 byte-order mark, and a service
composite written with another separator than ISA16 (``SVC*HC>12345>26`` under ``:``),
which is split on the character actually used. A procedure that cannot be made out at all
is kept raw with ``readable`` False, for posting to send to exceptions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from medoffice.x12._r835_elements import (
    _CACHE_LIMIT,
    _DATES,
    _NUMBERS,
    _adjustments,
    _contact,
    _date,
    _dated,
    _decimal,
    _error,
    _figure,
    _foreign_separator,
    _head,
    _layout_warnings,
    _money,
    _name,
    _provider_adjustments,
    _raw,
    _reference,
    _required,
)
from medoffice.x12.errors import (
    BalanceError,
    ContentError,
    TruncatedError,
    X12Error,
    X12SyntaxError,
)
from medoffice.x12.reader import (
    _ENVELOPE_IDS,
    Segment,
    Separators,
    Source,
    X12Reader,
    _NoTerminator,
    check_id,
    no_terminator,
    piece_lists,
)
from medoffice.x12.remittance import (
    ADJUSTMENT_GROUPS,
    CLAIM_NAMES,
    PROCEDURE_QUALIFIERS,
    Adjustment,
    ClaimPayment,
    Contact,
    Dated,
    Event,
    Figure,
    Name,
    Party,
    Payment,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    Read835,
    ReadWarning,
    Reference,
    Remark,
    Remittance,
    RemittanceEnd,
    RemittanceStart,
    ServicePayment,
    Trace,
)

__all__ = [  # the typed result lives in ``remittance``; readers import it from here too
    "Adjustment",
    "ClaimPayment",
    "Contact",
    "Dated",
    "Event",
    "Figure",
    "Name",
    "Party",
    "Payment",
    "Procedure",
    "ProviderAdjustment",
    "ProviderSummary",
    "Read835",
    "ReadWarning",
    "Reader835",
    "Reference",
    "Remark",
    "Remittance",
    "RemittanceEnd",
    "RemittanceStart",
    "ServicePayment",
    "Trace",
    "iter_835",
    "read_835",
]

_ZERO = Decimal(0)
_NAN = Decimal("NaN")
_UNITS = {str(count): Decimal(count) for count in range(1, 10)}
_TEXT_CACHE_LIMIT = 4096  # dates and names found by their segment's text (a patient's is new)
_CLAIM_SEGMENTS = frozenset({"CAS", "NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY"})
_LINE_SEGMENTS = frozenset({"DTM", "CAS", "REF", "AMT", "QTY", "LQ"})
_PARTY_SEGMENTS = frozenset({"N3", "N4", "REF", "PER", "RDM"})

# --- the streaming reader -------------------------------------------------------------------


class _Claim:
    __slots__ = (
        "adjustments",
        "amounts",
        "contacts",
        "dates",
        "group",
        "inpatient",
        "line_adjusted",
        "lines",
        "names",
        "other_names",
        "outpatient",
        "quantities",
        "references",
        "segment",
    )

    def __init__(self, segment: Segment, group: str) -> None:
        self.segment = segment
        self.group = group
        self.names: dict[str, Name] = {}
        self.other_names: list[Name] = []
        self.adjustments: list[Adjustment] = []
        self.inpatient: tuple[str, ...] | None = None
        self.outpatient: tuple[str, ...] | None = None
        self.references: list[Reference] = []
        self.dates: list[Dated] = []
        self.contacts: list[Contact] = []
        self.amounts: list[Figure] = []
        self.quantities: list[Figure] = []
        self.lines: list[ServicePayment] = []
        self.line_adjusted = _ZERO  # Σ of the lines' CAS, added up as each line ends


class _Line:
    __slots__ = (
        "adjustments",
        "amounts",
        "dates",
        "original",
        "procedure",
        "quantities",
        "references",
        "remarks",
        "segment",
    )

    def __init__(self, segment: Segment, procedure: Procedure, original: Procedure | None) -> None:
        self.segment = segment
        self.procedure = procedure
        self.original = original
        self.dates: list[Dated] = []
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: list[Figure] = []
        self.quantities: list[Figure] = []
        self.remarks: list[Remark] = []


class _Header:
    def __init__(self) -> None:
        self.segments: dict[str, Segment] = {}  # BPR, TRN, CUR
        self.references: list[Segment] = []
        self.dates: list[Segment] = []


class _Party:
    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.address: tuple[str, ...] = ()
        self.place: tuple[str, ...] = ()
        self.references: list[Reference] = []
        self.contacts: list[Contact] = []
        self.delivery: tuple[str, ...] = ()

    def party(self) -> Party:
        get = self.segment.get
        place = self.place + ("", "", "", "")
        return Party(
            entity=get(1),
            name=get(2),
            id_qualifier=get(3),
            identifier=get(4),
            address=self.address,
            city=place[0],
            state=place[1],
            postal_code=place[2],
            country=place[3],
            references=tuple(self.references),
            contacts=tuple(self.contacts),
            delivery=self.delivery,
            segment_number=self.segment.number,
        )


class Reader835:
    """Iterate an 835's payments and claims one at a time (see the module's doc)."""

    def __init__(self, source: Source, *, strict: bool = True) -> None:
        self._source, head = _head(source)
        self.strict = strict
        self.warnings: list[ReadWarning] = _layout_warnings(head)
        self.errors: list[X12Error] = []  # balance problems when not strict
        self.envelope_errors: list[X12Error] = []
        self._procedures: dict[tuple[str, str], Procedure] = {}
        self._dates: dict[str, Dated] = {}  # by the DTM's text: its dates are few
        self._names: dict[str, Name] = {}  # by the NM1's text: providers repeat

    def _warn(self, code: str, message: str, segment: Segment, element: int = 0) -> None:
        self.warnings.append(ReadWarning(code, message, segment.number, segment.id, element))

    def _unbalanced(self, error: BalanceError) -> None:
        if self.strict:
            raise error
        self.errors.append(error)

    def __iter__(self) -> Iterator[Event]:
        # The tokenizer, the envelope checks and the 835's own reading are one loop: the
        # commonest segments inside a set (CAS, DTM, REF, AMT, NM1 in their usual shape) are
        # read straight from the split text, without a ``Segment``; every other segment, and
        # any of those in another shape, goes the general way below with its ``Segment``.
        envelopes = X12Reader(self._source, strict=False)  # its checks only: never iterated
        envelope_errors = envelopes.errors
        check = envelopes.check
        dates = self._dates
        names = self._names
        groups = ADJUSTMENT_GROUPS
        envelope_ids = _ENVELOPE_IDS
        decimal, adjustment, reference, figure = Decimal, Adjustment, Reference, Figure
        known_ids: set[str] = set()
        number = 0
        sid = ""
        set_start = 0  # the number of the open set's ST
        in_set = False
        separators: Separators | None = None
        st: Segment | None = None
        start: RemittanceStart | None = None
        header = _Header()
        party: _Party | None = None
        parties: dict[str, _Party] = {}
        claim: _Claim | None = None
        line: _Line | None = None
        group = ""
        summaries: list[ProviderSummary] = []
        plbs: list[ProviderAdjustment] = []
        claims = 0
        paid_total = _ZERO
        chunks = piece_lists(self._source)
        while True:
            try:
                separators, strip, pieces = next(chunks)
            except StopIteration:
                break
            except _NoTerminator:
                raise no_terminator(separators, number) from None
            element = separators.element
            for piece in pieces:
                if strip:
                    piece = piece.strip()
                if not piece:
                    continue
                number += 1
                parts = piece.split(element)
                sid = parts[0]
                if in_set:  # none of the ids read here is an envelope's
                    size = len(parts)
                    if line is not None:
                        if sid == "CAS":
                            if size == 4 and parts[1] in groups and parts[2]:
                                try:
                                    value = decimal(parts[3])
                                except InvalidOperation:
                                    value = _NAN
                                if value.is_finite():
                                    line.adjustments.append(
                                        adjustment(parts[1], parts[2], value, None, number)
                                    )
                                    continue
                        elif sid == "DTM":
                            dated = dates.get(piece)
                            if dated is not None:
                                line.dates.append(dated)
                                continue
                        elif sid == "REF":
                            if size == 3 and parts[1]:
                                line.references.append(reference(parts[1], parts[2]))
                                continue
                        elif sid == "AMT" and size == 3 and parts[1] and parts[2]:
                            try:
                                value = decimal(parts[2])
                            except InvalidOperation:
                                value = _NAN
                            if value.is_finite():
                                line.amounts.append(figure(parts[1], value))
                                continue
                    elif claim is not None:
                        if sid == "NM1":
                            name = names.get(piece)
                            if name is not None:
                                if name.entity in CLAIM_NAMES and name.entity not in claim.names:
                                    claim.names[name.entity] = name
                                else:
                                    claim.other_names.append(name)
                                continue
                        elif sid == "DTM":
                            dated = dates.get(piece)
                            if dated is not None:
                                claim.dates.append(dated)
                                continue
                        elif sid == "AMT" and size == 3:
                            qualifier, text = parts[1].strip(), parts[2].strip()
                            if qualifier and text:
                                try:
                                    value = decimal(text)
                                except InvalidOperation:
                                    value = _NAN
                                if value.is_finite():
                                    claim.amounts.append(figure(qualifier, value))
                                    continue
                        elif sid == "REF" and size >= 2:
                            qualifier = parts[1].strip()
                            if qualifier:
                                claim.references.append(
                                    reference(qualifier, parts[2] if size > 2 else "")
                                )
                                continue
                if in_set and sid not in envelope_ids:
                    if sid not in known_ids:  # the ids read above are known good
                        check_id(sid, number)
                        known_ids.add(sid)
                    segment = Segment(number, sid, tuple(parts[1:]), separators)
                    if sid == "DTM" and (line is not None or claim is not None):
                        dated = _dated(segment)  # then found by its text (a date has no number)
                        if len(dates) >= _TEXT_CACHE_LIMIT:
                            dates.clear()
                        dates[piece] = dated
                        if line is not None:
                            line.dates.append(dated)
                        elif claim is not None:
                            claim.dates.append(dated)
                        continue
                    elif sid == "NM1" and claim is not None and line is None:
                        name = _name(segment)
                        if len(names) >= _TEXT_CACHE_LIMIT:
                            names.clear()
                        names[piece] = name
                        if name.entity in CLAIM_NAMES and name.entity not in claim.names:
                            claim.names[name.entity] = name
                        else:
                            claim.other_names.append(name)
                        continue
                else:
                    if sid not in known_ids:
                        check_id(sid, number)
                        known_ids.add(sid)
                    segment = Segment(number, sid, tuple(parts[1:]), separators)
                    if in_set:  # every segment since the ST counts, this one too
                        envelopes.set_position = number - set_start + 1
                    check(segment)
                    in_set = envelopes.in_set
                    if sid == "ST":
                        set_start = number
                    if envelope_errors:
                        self._envelope(envelope_errors)
                if line is not None and sid in _LINE_SEGMENTS:
                    if sid == "CAS":  # the two commonest written out: a call less each
                        line.adjustments += _adjustments(segment)
                    elif sid == "DTM":
                        line.dates.append(_DATES.get(segment.elements) or _dated(segment))
                    else:
                        self._line_segment(line, segment, sid)
                    continue
                if claim is not None and line is None and sid in _CLAIM_SEGMENTS:
                    self._claim_segment(claim, segment, sid)
                    continue
                if sid == "SVC":
                    if claim is None:
                        raise _error(segment, 0, "a service line (SVC) outside a claim (CLP)")
                    if line is not None:
                        claim.lines.append(self._finish_line(line, claim))
                    raw = parts[1] if len(parts) > 1 else ""
                    procedure = self._procedures.get((raw, segment.separators.component))
                    line = _Line(
                        segment,
                        procedure or self._procedure(segment, 1, required=True),  # type: ignore[arg-type]
                        self._procedure(segment, 6, required=False) if len(parts) > 6 else None,
                    )
                    continue
                if sid == "CLP" or sid == "LX" or sid == "PLB" or sid == "SE":
                    if claim is not None:
                        if line is not None:
                            claim.lines.append(self._finish_line(line, claim))
                            line = None
                        done = self._finish_claim(claim)
                        paid_total += done.paid
                        claims += 1
                        claim = None
                        yield done
                    if st is not None and start is None:
                        start = self._start(st, header, parties, segment)
                        yield start
                if sid == "CLP":
                    if st is None or plbs:
                        raise _error(segment, 0, "a claim (CLP) out of place")
                    claim = _Claim(segment, group)
                elif sid == "LX":
                    if st is None or plbs:
                        raise _error(segment, 0, "a header number (LX) out of place")
                    group = _required(segment, 1, "the header number")
                    summaries.append(ProviderSummary(group))
                elif sid in ("TS3", "TS2"):
                    if not summaries or claim is not None:
                        raise _error(segment, 0, f"{sid} is not right after an LX")
                    last = summaries[-1]
                    values = _raw(segment.elements)
                    summaries[-1] = (
                        ProviderSummary(last.number, values, last.ts2)
                        if sid == "TS3"
                        else ProviderSummary(last.number, last.ts3, values)
                    )
                elif sid == "PLB":
                    if st is None:
                        raise _error(segment, 0, "a PLB outside a transaction set")
                    plbs += _provider_adjustments(segment)
                elif sid == "ST":
                    if segment.get(1).strip() != "835":
                        raise _error(
                            segment, 1, f"transaction set {segment.get(1)[:10]!r}, not an 835"
                        )
                    # An ST while a set is open: the envelope checker reports the missing SE;
                    # whatever of that set was unfinished is dropped with it.
                    st, start, header, party, parties = segment, None, _Header(), None, {}
                    claim = line = None
                    group, summaries, plbs, claims, paid_total = "", [], [], 0, _ZERO
                elif sid == "SE":
                    if st is None or start is None:
                        continue  # the envelope checker reports it
                    self._check_payment(start, paid_total, plbs)
                    yield RemittanceEnd(
                        start.control_number, tuple(plbs), tuple(summaries), claims, segment.number
                    )
                    st = start = party = None
                elif sid in ("ISA", "GS", "GE", "IEA", "TA1"):
                    continue
                elif st is None or start is not None:
                    self._warn("unexpected", f"{sid} is not expected here; skipped", segment)
                elif sid == "N1":
                    party = _Party(segment)
                    entity = segment.get(1).strip()
                    if entity in parties:
                        raise _error(segment, 1, f"a second N1*{entity} in the payment")
                    if entity in {"PR", "PE"}:
                        parties[entity] = party
                    else:
                        self._warn(
                            "unexpected", f"N1*{entity[:3]} is neither PR nor PE", segment, 1
                        )
                elif party is not None and sid in _PARTY_SEGMENTS:
                    self._party_segment(party, segment, sid)
                elif sid in ("BPR", "TRN", "CUR") and sid not in header.segments:
                    header.segments[sid] = segment
                elif sid == "REF":
                    header.references.append(segment)
                elif sid == "DTM":
                    header.dates.append(segment)
                else:
                    self._warn("unexpected", f"{sid} is not expected here; skipped", segment)
        if not number:
            raise X12SyntaxError("the file holds no segment")
        envelopes.finish(number, sid)
        self._envelope(envelope_errors)

    def _envelope(self, found: list[X12Error]) -> None:
        for error in found:
            if isinstance(error, TruncatedError):
                raise error
        self.envelope_errors += found
        found.clear()

    # -- the header --

    def _start(
        self,
        st: Segment,
        header: _Header,
        parties: dict[str, _Party],
        at: Segment,
    ) -> RemittanceStart:
        bpr = header.segments.get("BPR")
        trn = header.segments.get("TRN")
        if bpr is None:
            raise _error(at, 0, "the payment (BPR) is missing before the first claim")
        if trn is None:
            raise _error(at, 0, "the reassociation trace (TRN) is missing")
        for entity, what in (("PR", "payer (N1*PR, 1000A)"), ("PE", "payee (N1*PE, 1000B)")):
            if entity not in parties:
                raise _error(at, 0, f"the {what} is missing")
        payer = parties["PR"].party()
        if not any(contact.function == "BL" for contact in payer.contacts):
            self._warn(
                "no-technical-contact",
                "the payer (1000A) gives no technical contact (PER*BL)",
                parties["PR"].segment,
            )
        payment_date, date_at = self._payment_date(bpr)
        cur = header.segments.get("CUR")
        return RemittanceStart(
            control_number=st.get(2),
            payment=Payment(
                handling=_required(bpr, 1, "the transaction handling code"),
                amount=_money(bpr, 2, "the payment amount"),
                credit_debit=_required(bpr, 3, "the credit/debit flag"),
                method=_required(bpr, 4, "the payment method"),
                format=bpr.get(5),
                banking=_raw(bpr.elements[5 : date_at - 1]),
                date=payment_date,
                segment_number=bpr.number,
            ),
            trace=Trace(
                number=_required(trn, 2, "the check or EFT trace number"),
                originator=_required(trn, 3, "the payer identifier"),
                supplemental=trn.get(4),
                kind=trn.get(1),
            ),
            payer=payer,
            payee=parties["PE"].party(),
            currency=_raw(cur.elements) if cur is not None else (),
            references=tuple(_reference(s) for s in header.references),
            dates=tuple(_dated(s) for s in header.dates),
            segment_number=st.number,
        )

    def _payment_date(self, bpr: Segment) -> tuple[dt.date | None, int]:
        """BPR16 and its position; a date that is no date, or one in BPR15, is a warning."""
        at = 16
        if not bpr.get(16) and len(bpr.elements) == 15 and not any(bpr.elements[11:14]):
            at = 15
        if not bpr.get(at):
            return None, 16
        try:
            found = _date(bpr, at, "the payment date")
        except ContentError as exc:
            self._warn("bad-payment-date", f"{exc.message}; the payment date is left out", bpr, at)
            return None, at
        if at == 15:
            self._warn("payment-date-in-bpr15", "the payment date is in BPR15, not BPR16", bpr, 15)
        return found, at

    def _party_segment(self, party: _Party, segment: Segment, sid: str) -> None:
        if sid == "N3":
            party.address = _raw(segment.elements[:2])
        elif sid == "N4":
            party.place = segment.elements[:4]
        elif sid == "REF":
            party.references.append(_reference(segment))
        elif sid == "PER":
            party.contacts.append(_contact(segment))
        else:
            party.delivery = _raw(segment.elements)

    def _check_payment(
        self, start: RemittanceStart, paid: Decimal, plbs: list[ProviderAdjustment]
    ) -> None:
        adjusted = sum((p.amount for p in plbs), _ZERO)
        if start.payment.amount != paid - adjusted:
            self._unbalanced(
                BalanceError(
                    f"the payment {start.payment.amount} is not the claims' paid {paid} "
                    f"less the provider adjustments {adjusted} (= {paid - adjusted})",
                    segment_number=start.payment.segment_number,
                    segment_id="BPR",
                    element=2,
                )
            )

    # -- claims and lines --

    def _procedure(self, segment: Segment, position: int, *, required: bool) -> Procedure | None:
        elements = segment.elements
        raw = elements[position - 1] if position <= len(elements) else ""
        component = segment.separators.component
        found = self._procedures.get((raw, component))
        if found is not None:
            return found
        if not raw:
            if required:
                raise _error(segment, position, "the procedure (SVC01) is missing")
            return None
        parts = raw.split(segment.separators.component)
        if len(parts) == 1:
            glued = _foreign_separator(raw)
            if glued:
                self._warn(
                    "component-separator",
                    f"SVC{position:02d} {raw[:30]!r} is split on {glued!r} where ISA16 declares "
                    f"{segment.separators.component!r}; read as split on {glued!r}",
                    segment,
                    position,
                )
                parts = raw.split(glued)
        qualifier = parts[0].strip()
        code = parts[1].strip() if len(parts) > 1 else ""
        readable = qualifier in PROCEDURE_QUALIFIERS and bool(code)
        if not readable:
            self._warn(
                "unreadable-procedure",
                f"SVC{position:02d} {raw[:30]!r} is not a qualifier and a code; kept raw",
                segment,
                position,
            )
        procedure = Procedure(
            qualifier,
            code,
            _raw(tuple(parts[2:6])),
            parts[6] if len(parts) > 6 else "",
            raw,
            readable,
        )
        if readable and len(parts) > 1:  # the same text gives the same procedure, silently
            if len(self._procedures) >= _CACHE_LIMIT:
                self._procedures.clear()
            self._procedures[raw, component] = procedure
        return procedure

    def _line_segment(self, line: _Line, segment: Segment, sid: str) -> None:
        if sid == "CAS":
            line.adjustments += _adjustments(segment)
        elif sid == "DTM":
            line.dates.append(_dated(segment))
        elif sid == "AMT":
            elements = segment.elements
            if len(elements) == 2 and elements[0] and elements[1]:
                value = _NUMBERS.get(elements[1]) or _decimal(elements[1], segment, 2)
                line.amounts.append(Figure(elements[0], value))
            else:
                line.amounts.append(_figure(segment))
        elif sid == "REF":
            elements = segment.elements
            if len(elements) == 2 and elements[0]:
                line.references.append(Reference(elements[0], elements[1]))
            else:
                line.references.append(_reference(segment))
        elif sid == "QTY":
            line.quantities.append(_figure(segment))
        else:
            line.remarks.append(
                Remark(_required(segment, 1, "the code list qualifier"), segment.get(2))
            )

    def _claim_segment(self, claim: _Claim, segment: Segment, sid: str) -> None:
        if sid == "CAS":
            claim.adjustments += _adjustments(segment)
        elif sid == "NM1":
            name = _name(segment)
            if name.entity in CLAIM_NAMES and name.entity not in claim.names:
                claim.names[name.entity] = name
            else:
                claim.other_names.append(name)
        elif sid == "DTM":
            claim.dates.append(_dated(segment))
        elif sid == "REF":
            claim.references.append(_reference(segment))
        elif sid == "AMT":
            claim.amounts.append(_figure(segment))
        elif sid == "QTY":
            claim.quantities.append(_figure(segment))
        elif sid == "MIA":
            claim.inpatient = _raw(segment.elements)
        elif sid == "MOA":
            claim.outpatient = _raw(segment.elements)
        else:
            claim.contacts.append(_contact(segment))

    def _finish_line(self, line: _Line, claim: _Claim) -> ServicePayment:
        segment = line.segment
        elements = segment.elements
        size = len(elements)
        if size >= 3 and elements[1] and elements[2]:
            try:
                charge, paid = Decimal(elements[1]), Decimal(elements[2])
            except InvalidOperation:
                charge = paid = _NAN
            if not (charge.is_finite() and paid.is_finite()):  # the error names which
                charge = _decimal(elements[1], segment, 2)
                paid = _decimal(elements[2], segment, 3)
        else:
            charge = _money(segment, 2, "the line charge")
            paid = _money(segment, 3, "the line payment")
        adjustments = tuple(line.adjustments)
        adjusted = _ZERO
        for adjustment in adjustments:
            adjusted += adjustment.amount
        if charge - paid != adjusted:
            self._unbalanced(
                BalanceError(
                    f"the line's charge {charge} − paid {paid} = {charge - paid} but its "
                    f"adjustments add up to {adjusted}",
                    segment_number=segment.number,
                    segment_id="SVC",
                    element=3,
                )
            )
        claim.line_adjusted += adjusted
        units = elements[4].strip() if size > 4 else ""
        units_paid = _UNITS.get(units) if units else None  # "1" most of the time
        if units and units_paid is None:
            units_paid = _finite(units) or _decimal(units, segment, 5)
        original_units = elements[6].strip() if size > 6 else ""
        quantities, remarks = line.quantities, line.remarks
        return ServicePayment(
            line.procedure,
            charge,
            paid,
            elements[3] if size > 3 else "",
            units_paid,
            line.original,
            (_finite(original_units) or _decimal(original_units, segment, 7))
            if original_units
            else None,
            tuple(line.dates),
            adjustments,
            tuple(line.references),
            tuple(line.amounts),
            tuple(quantities) if quantities else (),
            tuple(remarks) if remarks else (),
            segment.number,
        )

    def _finish_claim(self, claim: _Claim) -> ClaimPayment:
        segment = claim.segment
        elements = segment.elements
        if len(elements) < 9:
            elements = elements + ("",) * (9 - len(elements))
        claim_id = elements[0].strip() or _required(segment, 1, "the claim id")
        status = elements[1].strip() or _required(segment, 2, "the claim status")
        charge = _finite(elements[2].strip()) if elements[2] else None
        if charge is None:
            charge = _money(segment, 3, "the claim charge")
        paid = _finite(elements[3].strip()) if elements[3] else None
        if paid is None:
            paid = _money(segment, 4, "the claim payment")
        responsibility = elements[4].strip()
        names = claim.names
        adjustments = tuple(claim.adjustments)
        drg = elements[9:14]
        done = ClaimPayment(
            claim_id,
            status,
            charge,
            paid,
            (_finite(responsibility) or _decimal(responsibility, segment, 5))
            if responsibility
            else None,
            elements[5],
            elements[6],
            elements[7],
            elements[8],
            _raw(drg) if drg else (),
            names.get("QC"),
            names.get("IL"),
            names.get("74"),
            names.get("82"),
            names.get("TT"),
            names.get("PR"),
            tuple(claim.other_names) if claim.other_names else (),
            adjustments,
            claim.inpatient,
            claim.outpatient,
            tuple(claim.references),
            tuple(claim.dates),
            tuple(claim.contacts) if claim.contacts else (),
            tuple(claim.amounts),
            tuple(claim.quantities) if claim.quantities else (),
            tuple(claim.lines),
            claim.group,
            segment.number,
        )
        own = _ZERO
        for adjustment in adjustments:
            own += adjustment.amount
        adjusted = own + claim.line_adjusted  # = done.adjusted, added up in the same order
        if charge - paid != adjusted:
            self._unbalanced(
                BalanceError(
                    f"claim {claim_id[:38]!r}: charge {charge} − paid {paid} = "
                    f"{charge - paid} but its adjustments (claim and lines) add up "
                    f"to {adjusted}",
                    segment_number=segment.number,
                    segment_id="CLP",
                    element=4,
                )
            )
        return done


def _finite(value: str) -> Decimal | None:
    """``value`` as a finite Decimal, or None (the caller's slower path names the error)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def iter_835(source: Source, *, strict: bool = True) -> Reader835:
    """The streaming reader over ``source`` (iterate it; read its warnings afterwards)."""
    return Reader835(source, strict=strict)


def read_835(source: Source, *, strict: bool = True) -> Read835:
    """The whole file as typed remittances (for small files; stream big ones)."""
    reader = Reader835(source, strict=strict)
    remittances: list[Remittance] = []
    start: RemittanceStart | None = None
    claims: list[ClaimPayment] = []
    for event in reader:
        if isinstance(event, RemittanceStart):
            start, claims = event, []
        elif isinstance(event, ClaimPayment):
            claims.append(event)
        elif start is not None:
            remittances.append(
                Remittance(start, tuple(claims), event.provider_adjustments, event.summaries)
            )
            start = None
    if not remittances and not reader.envelope_errors:
        raise ContentError("the file holds no 835 payment (ST*835 … SE)")
    return Read835(
        tuple(remittances),
        tuple(reader.warnings),
        tuple(reader.errors),
        tuple(reader.envelope_errors),
    )
