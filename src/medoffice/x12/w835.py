"""Writing an 835 (005010X221A1) from the reader's own dataclasses (tests, bench, demo).

``write_835(remittances, header)`` returns one interchange holding one ST…SE per
``Remittance``. ``Writer835`` does the same incrementally (``start``, ``claim``, ``end``,
``close``; ``drain`` hands over the text written so far), so a file of any size can be
written to disk without being held. The writer checks what it is given balances the way
the reader checks it (line, claim, BPR02 = Σ CLP04 − Σ PLB) and raises ``WriteError``
otherwise: what it writes is always a balanced 835.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from medoffice.x12.errors import WriteError
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Contact,
    Dated,
    Figure,
    Name,
    Party,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    Reference,
    Remittance,
    RemittanceStart,
)
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    date8,
    decimal_text,
    ident,
    open_interchange,
    text,
    transaction_control,
)

VERSION = "005010X221A1"
_ZERO = Decimal(0)


class Writer835:
    """An 835 interchange written one payment and one claim at a time."""

    def __init__(self, header: InterchangeHeader, *, line_breaks: bool = True) -> None:
        self.header = header
        self.out = SegmentWriter(line_breaks=line_breaks)
        self._sets = 0
        self._control = ""
        self._open: RemittanceStart | None = None
        self._paid = _ZERO
        self._lx = ""
        self._summaries: dict[str, ProviderSummary] = {}
        open_interchange(self.out, header, "HP", VERSION)

    def drain(self) -> str:
        """The text written since the last ``drain`` (the segment count carries on)."""
        written = self.out.text()
        self.out.parts.clear()
        return written

    def start(
        self,
        start: RemittanceStart,
        summaries: Sequence[ProviderSummary] = (),
        *,
        control_number: int | None = None,
    ) -> None:
        """Write ST, BPR, TRN, CUR, REF, DTM, 1000A and 1000B; TS3/TS2 go after their LX."""
        if self._open is not None:
            raise WriteError("a payment is already open: end it first")
        self._sets += 1
        out = self.out
        if control_number is None and start.control_number.isdigit():
            control_number = int(start.control_number)
        self._control = transaction_control(control_number or self._sets)
        out.start_count()
        out.add("ST", "835", self._control)
        payment = start.payment
        banking = list(payment.banking) + [""] * (10 - len(payment.banking))
        if len(banking) != 10:
            raise WriteError("BPR06…BPR15 are ten elements at most")
        out.add(
            "BPR",
            payment.handling,
            _money(payment.amount),
            payment.credit_debit,
            payment.method,
            payment.format,
            *[ident(value) for value in banking],
            date8(payment.date) if payment.date else "",
        )
        trace = start.trace
        out.add(
            "TRN",
            trace.kind or "1",
            ident(trace.number),
            ident(trace.originator),
            ident(trace.supplemental),
        )
        if start.currency:
            out.add("CUR", *[ident(value) for value in start.currency])
        self._references(start.references)
        self._dates(start.dates)
        self._party(start.payer)
        self._party(start.payee)
        self._open = start
        self._paid = _ZERO
        self._lx = ""
        self._summaries = {summary.number: summary for summary in summaries}

    def claim(self, claim: ClaimPayment) -> None:
        if self._open is None:
            raise WriteError("a claim outside a payment: start one first")
        _check_claim(claim)
        out = self.out
        group = claim.service_group or "1"
        if group != self._lx:
            out.add("LX", ident(group))
            self._lx = group
            summary = self._summaries.get(group)
            if summary is not None and summary.ts3:
                out.add("TS3", *[ident(value) for value in summary.ts3])
            if summary is not None and summary.ts2:
                out.add("TS2", *[ident(value) for value in summary.ts2])
        out.add(
            "CLP",
            ident(claim.claim_id),
            claim.status,
            _money(claim.charge),
            _money(claim.paid),
            _money(claim.patient_responsibility)
            if claim.patient_responsibility is not None
            else "",
            claim.filing_indicator,
            ident(claim.payer_claim_number),
            claim.facility_type,
            claim.frequency,
            *[ident(value) for value in claim.drg],
        )
        self._adjustments(claim.adjustments)
        for name in (
            claim.patient,
            claim.insured,
            claim.corrected_insured,
            claim.rendering_provider,
            claim.crossover_carrier,
            claim.corrected_payer,
            *claim.other_names,
        ):
            if name is not None:
                self._name(name)
        if claim.inpatient:
            out.add("MIA", *[ident(value) for value in claim.inpatient])
        if claim.outpatient:
            out.add("MOA", *[ident(value) for value in claim.outpatient])
        self._references(claim.references)
        self._dates(claim.dates)
        for contact in claim.contacts:
            self._contact(contact)
        self._figures("AMT", claim.amounts)
        self._figures("QTY", claim.quantities)
        for line in claim.lines:
            out.add(
                "SVC",
                _procedure(line.procedure),
                _money(line.charge),
                _money(line.paid),
                line.revenue_code,
                _number(line.units),
                _procedure(line.original_procedure) if line.original_procedure else "",
                _number(line.original_units),
            )
            self._dates(line.dates)
            self._adjustments(line.adjustments)
            self._references(line.references)
            self._figures("AMT", line.amounts)
            self._figures("QTY", line.quantities)
            for remark in line.remarks:
                out.add("LQ", remark.qualifier, ident(remark.code))
        self._paid += claim.paid

    def end(self, provider_adjustments: Sequence[ProviderAdjustment] = ()) -> None:
        start = self._open
        if start is None:
            raise WriteError("no payment is open")
        adjusted = sum((p.amount for p in provider_adjustments), _ZERO)
        if start.payment.amount != self._paid - adjusted:
            raise WriteError(
                f"BPR02 {start.payment.amount} is not the claims' paid {self._paid} less the "
                f"provider adjustments {adjusted}"
            )
        for at in range(0, len(provider_adjustments), 6):
            batch = provider_adjustments[at : at + 6]
            first = batch[0]
            if any(
                (p.provider_id, p.fiscal_period) != (first.provider_id, first.fiscal_period)
                for p in batch
            ):
                raise WriteError("the PLBs of one segment share a provider and fiscal period")
            pairs: list[str | Sequence[str]] = []
            for item in batch:
                pairs += [(item.reason, ident(item.reference)), _money(item.amount)]
            out = self.out
            out.add("PLB", ident(first.provider_id), date8(first.fiscal_period), *pairs)
        self.out.add("SE", str(self.out.count + 1), self._control)
        self._open = None

    def close(self) -> None:
        if self._open is not None:
            raise WriteError("a payment is still open")
        close_interchange(self.out, self.header, self._sets)

    # -- pieces --

    def _party(self, party: Party) -> None:
        out = self.out
        out.add("N1", party.entity, text(party.name), party.id_qualifier, ident(party.identifier))
        if party.address:
            out.add("N3", *[text(value) for value in party.address])
        if party.city or party.state or party.postal_code or party.country:
            out.add("N4", text(party.city), party.state, party.postal_code, party.country)
        self._references(party.references)
        for contact in party.contacts:
            self._contact(contact)
        if party.delivery:
            out.add("RDM", *[ident(value) for value in party.delivery])

    def _contact(self, contact: Contact) -> None:
        numbers: list[str] = []
        for qualifier, number in contact.numbers:
            numbers += [qualifier, ident(number)]
        self.out.add("PER", contact.function, text(contact.name), *numbers)

    def _references(self, references: Iterable[Reference]) -> None:
        for reference in references:
            self.out.add("REF", reference.qualifier, ident(reference.value))

    def _dates(self, dates: Iterable[Dated]) -> None:
        for dated in dates:
            self.out.add("DTM", dated.qualifier, date8(dated.date))

    def _figures(self, segment_id: str, figures: Iterable[Figure]) -> None:
        for figure in figures:
            self.out.add(segment_id, figure.qualifier, _number(figure.value))

    def _name(self, name: Name) -> None:
        self.out.add(
            "NM1",
            name.entity,
            name.kind,
            text(name.last),
            text(name.first),
            text(name.middle),
            "",
            text(name.suffix),
            name.id_qualifier,
            ident(name.identifier),
        )

    def _adjustments(self, adjustments: Sequence[Adjustment]) -> None:
        """One CAS per group, six triplets at most each (more: another CAS of the group)."""
        groups: dict[str, list[Adjustment]] = {}
        for adjustment in adjustments:
            groups.setdefault(adjustment.group, []).append(adjustment)
        for group, items in groups.items():
            for at in range(0, len(items), 6):
                values: list[str] = []
                for item in items[at : at + 6]:
                    values += [item.reason, _money(item.amount), _number(item.quantity)]
                self.out.add("CAS", group, *values)


def _money(value: object) -> str:
    if not isinstance(value, Decimal):
        raise WriteError(f"{value!r} is not a Decimal amount")
    return decimal_text(value)


def _number(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        raise WriteError(f"{value!r} is not a Decimal quantity")
    return decimal_text(value, places=4)


def _procedure(procedure: Procedure) -> tuple[str, ...]:
    if not procedure.qualifier or not procedure.code:
        raise WriteError("a service line's procedure needs a qualifier and a code")
    parts = [procedure.qualifier, ident(procedure.code)]
    modifiers = list(procedure.modifiers)
    if len(modifiers) > 4:
        raise WriteError("a procedure has four modifiers at most")
    if procedure.description:
        parts += modifiers + [""] * (4 - len(modifiers)) + [text(procedure.description)]
    else:
        parts += modifiers
    return tuple(parts)


def _check_claim(claim: ClaimPayment) -> None:
    for line in claim.lines:
        if line.charge - line.paid != line.adjusted:
            raise WriteError(
                f"claim {claim.claim_id!r}: a line's charge − paid is not its adjustments' sum"
            )
    if claim.charge - claim.paid != claim.adjusted:
        raise WriteError(f"claim {claim.claim_id!r}: charge − paid is not its adjustments' sum")


def write_835(
    remittances: Iterable[Remittance], header: InterchangeHeader, *, line_breaks: bool = True
) -> str:
    """One interchange with an ST…SE per remittance; ``WriteError`` if one does not balance."""
    writer = Writer835(header, line_breaks=line_breaks)
    parts: list[str] = []
    for remittance in remittances:
        writer.start(remittance.start, remittance.summaries)
        for claim in remittance.claims:
            writer.claim(claim)
        writer.end(remittance.provider_adjustments)
        parts.append(writer.drain())
    writer.close()
    parts.append(writer.drain())
    return "".join(parts)
