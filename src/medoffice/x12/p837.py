"""The 837P 005010X222A1 professional claim file, written from plain ``Claim`` values.

``write_837p(claims, envelope)`` returns the interchange text: one ISA/GS (GS01 HC,
GS08 = ST03 = 005010X222A1) and one ST per at most ``MAX_CLAIMS_PER_SET`` claims, each
ST holding a 2000A billing-provider HL per billing provider and, under it, a 2000B
subscriber HL per claim (2000C when the patient is not the insured). Every value with a
CMS-1500 box is read through ``crosswalk``; the control numbers are the caller's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from medoffice.x12 import crosswalk as xw
from medoffice.x12.claims import (
    Address,
    Adjustment,
    Claim,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)
from medoffice.x12.errors import WriteError
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    date8,
    decimal_text,
    digits,
    ident,
    open_interchange,
    text,
    time4,
    transaction_control,
)

VERSION = "005010X222A1"
MAX_CLAIMS_PER_SET = 5000


@dataclass(frozen=True)
class Submitter:
    """Loop 1000A: who sends the file (the practice or its billing service)."""

    name: str
    etin: str  # NM109: the id the receiver assigned to the submitter
    contact_name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Envelope837:
    """Everything around the claims; the control numbers are persisted by the caller."""

    header: InterchangeHeader
    submitter: Submitter
    receiver_name: str  # 1000B NM103
    receiver_id: str  # 1000B NM109
    transaction_control_number: int  # ST02 of the first set; the next sets count up
    batch_id: str = ""  # BHT03, the first ST02 when empty


def _str(value: xw.Value) -> str:
    if not isinstance(value, str):
        raise WriteError(f"expected text, got {value!r}")
    return value


def _flag(value: xw.Value) -> bool:
    if not isinstance(value, bool):
        raise WriteError(f"expected a yes/no flag, got {value!r}")
    return value


def _money(value: xw.Value) -> Decimal:
    if not isinstance(value, Decimal):
        raise WriteError(f"expected an amount, got {value!r}")
    return value


CAS_GROUPS = frozenset({"CO", "CR", "OA", "PI", "PR"})
MAX_CAS_REASONS = 6
# The 2300 DTP segments in the guide's order (box 14, 15's qualifiers, 16, 18, 15's others).
DTP_ORDER = (
    "431",
    "454",
    "304",
    "453",
    "439",
    "455",
    "471",
    "314",
    "360",
    "361",
    "435",
    "096",
    "090",
    "091",
    "444",
)  # reason/amount/quantity triplets in one CAS segment


def _need(value: str, what: str, claim: Claim) -> str:
    if not value:
        raise WriteError(f"claim {claim.control_number}: {what} is missing")
    return value


class _ClaimFile:
    def __init__(self, envelope: Envelope837, *, line_breaks: bool) -> None:
        self.envelope = envelope
        self.out = SegmentWriter(line_breaks=line_breaks)
        self.hl = 0

    # --- shared pieces ------------------------------------------------------------------

    def name(
        self, code: str, who: Person | Provider, qualifier: str = "", identifier: str = ""
    ) -> None:
        person = isinstance(who, Person) or who.is_person
        if not text(who.last_name):
            raise WriteError(f"NM1*{code}: the name is empty once made X12-safe")
        self.out.add(
            "NM1",
            code,
            "1" if person else "2",
            text(who.last_name),
            text(who.first_name) if person else "",
            text(who.middle_name) if person else "",
            "",
            text(who.suffix) if person else "",
            qualifier if identifier else "",
            ident(identifier),
        )

    def address(self, address: Address | None, what: str, claim: Claim) -> None:
        if address is None:
            raise WriteError(f"claim {claim.control_number}: the {what}'s address is missing")
        self.out.add("N3", text(address.line1), text(address.line2))
        self.out.add("N4", text(address.city), text(address.state), digits(address.postal_code))

    def demographics(self, person: Person, claim: Claim) -> None:
        if person.date_of_birth is None:
            raise WriteError(
                f"claim {claim.control_number}: {person.last_name}'s date of birth is missing"
            )
        self.out.add("DMG", "D8", date8(person.date_of_birth), person.sex or "U")

    def provider(self, code: str, provider: Provider) -> None:
        self.name(code, provider, "XX", provider.npi)

    def next_hl(self, parent: int, level: str, children: bool) -> int:
        self.hl += 1
        self.out.add(
            "HL", str(self.hl), str(parent) if parent else "", level, "1" if children else "0"
        )
        return self.hl

    # --- the transaction set ------------------------------------------------------------

    def transaction(self, number: int, claims: Sequence[Claim]) -> None:
        env, out = self.envelope, self.out
        control = transaction_control(number)
        out.start_count()
        self.hl = 0
        out.add("ST", "837", control, VERSION)
        created = env.header.created
        out.add(
            "BHT",
            "0019",
            "00",
            ident(env.batch_id or control),
            date8(created),
            time4(created),
            "CH",
        )
        sub = env.submitter
        out.add("NM1", "41", "2", text(sub.name), "", "", "", "", "46", ident(sub.etin))
        contact: list[str] = ["IC", text(sub.contact_name)]
        for qualifier, value in (("TE", digits(sub.phone)), ("EM", ident(sub.email))):
            if value:
                contact += [qualifier, value]
        if len(contact) == 2:
            raise WriteError("the submitter needs a phone number or an e-mail address")
        out.add("PER", *contact)
        out.add(
            "NM1", "40", "2", text(env.receiver_name), "", "", "", "", "46", ident(env.receiver_id)
        )
        by_provider: dict[Provider, list[Claim]] = {}
        for claim in claims:
            by_provider.setdefault(claim.billing_provider, []).append(claim)
        for provider, theirs in by_provider.items():
            self.billing_provider(provider, theirs[0])
            parent = self.hl
            for claim in theirs:
                self.subscriber(parent, claim)
        out.add("SE", str(out.count + 1), control)

    def billing_provider(self, provider: Provider, claim: Claim) -> None:
        self.next_hl(0, "20", True)
        taxonomy = _str(xw.claim_value("33b", claim))
        if taxonomy:
            self.out.add("PRV", "BI", "PXC", ident(taxonomy))
        billing = xw.claim_value("33", claim)
        assert isinstance(billing, Provider)
        self.name(
            "85", billing, "XX", _need(_str(xw.claim_value("33a", claim)), "the billing NPI", claim)
        )
        self.address(billing.address, "billing provider", claim)
        tax_id = digits(
            _need(_str(xw.claim_value("25", claim)), "the billing provider's tax id", claim)
        )
        self.out.add("REF", "SY" if _flag(xw.claim_value("25-ssn", claim)) else "EI", tax_id)
        if billing.phone:
            self.out.add("PER", "IC", text(billing.last_name), "TE", digits(billing.phone))
        if billing.pay_to_address is not None and billing.pay_to_address != billing.address:
            self.out.add("NM1", "87", "2")
            self.address(billing.pay_to_address, "pay-to", claim)

    def subscriber(self, parent: int, claim: Claim) -> None:
        sub = claim.subscriber
        self_insured = claim.patient is None
        self.next_hl(parent, "22", not self_insured)
        self.out.add(
            "SBR",
            sub.payer_responsibility,
            _str(xw.claim_value("6", claim)) if self_insured else "",
            ident(_str(xw.claim_value("11", claim))),
            text(_str(xw.claim_value("11c", claim)))
            if not _str(xw.claim_value("11", claim))
            else "",
            "",
            "",
            "",
            "",
            _str(xw.claim_value("1", claim)),
        )
        insured = xw.claim_value("4", claim)
        assert isinstance(insured, Person)
        self.name(
            "IL", insured, "MI", _need(_str(xw.claim_value("1a", claim)), "the member id", claim)
        )
        if self_insured:
            self.address(xw.claim_value("7", claim) or None, "subscriber", claim)  # type: ignore[arg-type]
            self.demographics(insured, claim)
        elif insured.address is not None:
            self.address(insured.address, "subscriber", claim)
        other_claim = _str(xw.claim_value("11b", claim))
        if other_claim:
            self.out.add("REF", _str(xw.claim_value("11b-qual", claim)), ident(other_claim))
        carrier = xw.claim_value("carrier", claim)
        assert isinstance(carrier, Payer)
        self.payer(carrier)
        if not self_insured:
            self.next_hl(self.hl, "23", False)
            self.out.add("PAT", _str(xw.claim_value("6", claim)))
            person = xw.claim_value("2", claim)
            assert isinstance(person, Person)
            self.name("QC", person)
            self.address(person.address, "patient", claim)
            self.demographics(person, claim)
        self.claim(claim)

    def payer(self, payer: Payer) -> None:
        self.out.add(
            "NM1", "PR", "2", text(payer.name), "", "", "", "", "PI", ident(payer.payer_id)
        )
        if payer.address is not None:
            self.out.add("N3", text(payer.address.line1), text(payer.address.line2))
            self.out.add(
                "N4",
                text(payer.address.city),
                text(payer.address.state),
                digits(payer.address.postal_code),
            )

    # --- loop 2300 ----------------------------------------------------------------------

    def claim(self, claim: Claim) -> None:
        out = self.out
        if not claim.lines:
            raise WriteError(f"claim {claim.control_number} has no service line")
        causes = xw.claim_value("10", claim)
        assert isinstance(causes, tuple)
        related: list[str] = [ident(str(cause)) for cause in causes[:3]]
        if related:
            related += [""] * (3 - len(related)) + [ident(_str(xw.claim_value("10b", claim)))]
        accepts = _flag(xw.claim_value("27", claim))
        control = ident(
            _need(_str(xw.claim_value("26", claim)), "the patient control number", claim)
        )
        if len(control) > 38:
            raise WriteError(f"claim {control}: the patient control number is over 38 characters")
        out.add(
            "CLM",
            control,
            decimal_text(_money(xw.claim_value("28", claim))),
            "",
            "",
            (ident(claim.place_of_service), "B", _str(xw.claim_value("22", claim))),
            "Y" if _flag(xw.claim_value("31", claim)) else "N",
            "A" if accepts else "C",
            "Y" if _flag(xw.claim_value("13", claim)) else "N",
            _str(xw.claim_value("12", claim)),
            "",
            related,
        )
        dates: list[tuple[str, str, str]] = []  # qualifier, format, value
        for qualifier, box in (
            ("431", "14"),
            (_str(xw.claim_value("15-qual", claim)), "15"),
            ("435", "18-from"),
            ("096", "18-to"),
        ):
            day = xw.claim_value(box, claim)
            if isinstance(day, dt.date) and qualifier:
                if qualifier not in DTP_ORDER:
                    raise WriteError(
                        f"claim {claim.control_number}: {qualifier!r} is not a box 15 qualifier"
                    )
                dates.append((qualifier, "D8", date8(day)))
        # Box 16, one disability DTP: 314 the period (RD8), else 360 its start or 361 its end.
        start, end = xw.claim_value("16-from", claim), xw.claim_value("16-to", claim)
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            dates.append(("314", "RD8", f"{date8(start)}-{date8(end)}"))
        elif isinstance(start, dt.date):
            dates.append(("360", "D8", date8(start)))
        elif isinstance(end, dt.date):
            dates.append(("361", "D8", date8(end)))
        for qualifier, form, value in sorted(dates, key=lambda d: DTP_ORDER.index(d[0])):
            out.add("DTP", qualifier, form, value)
        paid = _money(xw.claim_value("29-patient", claim))
        if paid > 0:
            out.add("AMT", "F5", decimal_text(paid))
        for qualifier, box in (("9F", "23-referral"), ("G1", "23")):
            value = _str(xw.claim_value(box, claim))
            if value:
                out.add("REF", qualifier, ident(value))
        frequency = _str(xw.claim_value("22", claim))
        if frequency in {"7", "8"}:
            original = _need(
                _str(xw.claim_value("22-original", claim)),
                "the original claim's reference (REF*F8)",
                claim,
            )
            out.add("REF", "F8", ident(original))
        note = text(_str(xw.claim_value("19", claim)))[:80]
        if note:
            out.add("NTE", "ADD", note)
        diagnoses = xw.claim_value("21", claim)
        assert isinstance(diagnoses, tuple)
        if not diagnoses or len(diagnoses) > 12:
            raise WriteError(
                f"claim {claim.control_number} has {len(diagnoses)} diagnoses (1 to 12)"
            )
        codes = [ident(str(code)).replace(".", "") for code in diagnoses]
        out.add("HI", ("ABK", codes[0]), *(("ABF", code) for code in codes[1:]))
        referring = xw.claim_value("17", claim)
        role = _str(xw.claim_value("17-qual", claim))
        if isinstance(referring, Provider) and role not in {"DN", "DK", "DQ"}:
            raise WriteError(f"claim {claim.control_number}: box 17 qualifier {role!r}")
        if isinstance(referring, Provider) and role == "DN":
            self.name("DN", referring, "XX", _str(xw.claim_value("17b", claim)))
        if claim.rendering is not None:
            self.provider("82", claim.rendering)
            if claim.rendering.taxonomy:
                out.add("PRV", "PE", "PXC", ident(claim.rendering.taxonomy))
        facility = xw.claim_value("32", claim)
        if isinstance(facility, Provider):
            self.name("77", facility, "XX", _str(xw.claim_value("32a", claim)))
            self.address(facility.address, "service facility", claim)
        if isinstance(referring, Provider) and role == "DQ":  # loop 2310D
            self.name("DQ", referring, "XX", _str(xw.claim_value("17b", claim)))
        for other in claim.other_subscribers:
            self.other_subscriber(other, claim)
        for number, line in enumerate(claim.lines, 1):
            self.line(number, line, claim)

    def adjustments(self, adjustments: Sequence[Adjustment], claim: Claim) -> None:
        """CAS segments: one per group code, its reasons in order (same reasons summed)."""
        by_group: dict[str, dict[str, Decimal]] = {}
        for adj in adjustments:
            group = adj.group.strip().upper()
            if group not in CAS_GROUPS:
                raise WriteError(
                    f"claim {claim.control_number}: {adj.group!r} is not a CAS group code"
                )
            reasons = by_group.setdefault(group, {})
            reason = ident(adj.reason.strip().upper())
            if not reason:
                raise WriteError(f"claim {claim.control_number}: an adjustment has no reason")
            reasons[reason] = reasons.get(reason, Decimal("0")) + adj.amount
        for group, reasons in by_group.items():
            if len(reasons) > MAX_CAS_REASONS:
                raise WriteError(
                    f"claim {claim.control_number}: more than {MAX_CAS_REASONS} reasons in "
                    f"adjustment group {group}"
                )
            elements: list[str] = [group]
            for reason, amount in reasons.items():
                if len(elements) > 1:
                    elements.append("")  # the previous reason's quantity
                elements += [reason, decimal_text(amount)]
            self.out.add("CAS", *elements)

    def other_subscriber(self, other: Subscriber, claim: Claim) -> None:
        if other.payer is None:
            raise WriteError(f"claim {claim.control_number}: an other subscriber has no payer")
        self.out.add(
            "SBR",
            other.payer_responsibility,
            other.relationship,
            ident(other.group_number),
            text(other.plan_name) if not other.group_number else "",
            "",
            "",
            "",
            "",
            other.filing_indicator,
        )
        adjudication = other.adjudication
        if adjudication is not None:
            self.adjustments(adjudication.adjustments, claim)
            self.out.add("AMT", "D", decimal_text(adjudication.paid))
        self.out.add(
            "OI",
            "",
            "",
            "Y" if claim.benefits_assigned else "N",
            "",
            "",
            claim.release_of_information,
        )
        self.name(
            "IL",
            other.person,
            "MI",
            _need(other.member_id, "the other subscriber's member id", claim),
        )
        if other.person.address is not None:
            self.address(other.person.address, "other subscriber", claim)
        payer_id = _need(ident(other.payer.payer_id), "the other payer's id", claim)
        self.out.add("NM1", "PR", "2", text(other.payer.name), "", "", "", "", "PI", payer_id)
        if adjudication is not None and not adjudication.lines:
            # 2330B DTP*573: the adjudication date when no line (2430) carries it.
            self.out.add("DTP", "573", "D8", date8(adjudication.adjudicated_on))

    def line_adjudications(self, number: int, line: ServiceLine, claim: Claim) -> None:
        """Loop 2430 for each other payer that adjudicated this line: SVD, CAS, DTP*573."""
        for other in claim.other_subscribers:
            adjudication = other.adjudication
            if adjudication is None or other.payer is None:
                continue
            for answer in adjudication.lines:
                if answer.line != number:
                    continue
                modifiers = [ident(str(m)) for m in line.modifiers[:4]]
                self.out.add(
                    "SVD",
                    ident(other.payer.payer_id),
                    decimal_text(answer.paid),
                    ["HC", ident(line.procedure_code), *modifiers],
                    "",
                    decimal_text(line.units, 3),
                )
                self.adjustments(answer.adjustments, claim)
                self.out.add("DTP", "573", "D8", date8(adjudication.adjudicated_on))

    # --- loop 2400 ----------------------------------------------------------------------

    def line(self, number: int, line: ServiceLine, claim: Claim) -> None:
        out = self.out
        out.add("LX", str(number))
        modifiers = xw.line_value("24D-modifiers", claim, line)
        assert isinstance(modifiers, tuple)
        if len(modifiers) > 4:
            raise WriteError(
                f"claim {claim.control_number} line {number} has more than 4 modifiers"
            )
        description = text(_str(xw.line_value("24D-description", claim, line)))[:80]
        procedure = [
            "HC",
            ident(_str(xw.line_value("24D", claim, line))),
            *(ident(str(m)) for m in modifiers),
        ]
        if description:
            procedure += [""] * (6 - len(procedure)) + [description]
        place = _str(xw.line_value("24B", claim, line))
        pointers = xw.line_value("24E", claim, line)
        assert isinstance(pointers, tuple)
        if (
            not pointers
            or len(pointers) > 4
            or any(not isinstance(p, int) or not 1 <= p <= len(claim.diagnoses) for p in pointers)
        ):
            raise WriteError(
                f"claim {claim.control_number} line {number}: diagnosis pointers {pointers} "
                f"must be 1 to 4 positions among the claim's {len(claim.diagnoses)} diagnoses"
            )
        units = xw.line_value("24G", claim, line)
        assert isinstance(units, Decimal)
        out.add(
            "SV1",
            procedure,
            decimal_text(_money(xw.line_value("24F", claim, line))),
            _str(xw.line_value("24G-basis", claim, line)),
            decimal_text(units, 3),
            ident(place) if place != claim.place_of_service else "",
            "",
            [str(p) for p in pointers],
            "",
            "Y" if _flag(xw.line_value("24C", claim, line)) else "",
            "",
            "Y" if _flag(xw.line_value("24H-epsdt", claim, line)) else "",
            "Y" if _flag(xw.line_value("24H-family", claim, line)) else "",
        )
        dates = xw.line_value("24A", claim, line)
        assert isinstance(dates, tuple)
        start, end = dates
        assert isinstance(start, dt.date)
        assert isinstance(end, dt.date)
        if end != start:
            out.add("DTP", "472", "RD8", f"{date8(start)}-{date8(end)}")
        else:
            out.add("DTP", "472", "D8", date8(start))
        if line.line_control_number:
            out.add("REF", "6R", ident(line.line_control_number))
        purchased = xw.line_value("24-purchased", claim, line)
        if purchased is not None:
            lab = _str(xw.line_value("24-purchased-from", claim, line))
            if not lab:
                raise WriteError(
                    f"claim {claim.control_number} line {number}: a purchased service "
                    "(box 20) needs the outside lab's identifier (PS101)"
                )
            out.add("PS1", ident(lab), decimal_text(_money(purchased)))
        ndc = _str(xw.line_value("24-ndc", claim, line))
        if ndc:
            quantity = xw.line_value("24-ndc-quantity", claim, line)
            assert isinstance(quantity, Decimal)
            out.add("LIN", "", "N4", digits(ndc))
            out.add(
                "CTP",
                "",
                "",
                "",
                decimal_text(quantity, 3),
                (_str(xw.line_value("24-ndc-unit", claim, line)),),
            )
        if line.rendering is not None:
            self.name("82", line.rendering, "XX", _str(xw.line_value("24J", claim, line)))
            if line.rendering.taxonomy:
                out.add("PRV", "PE", "PXC", ident(line.rendering.taxonomy))
        ordering = line.ordering
        if ordering is None and claim.referring is not None and claim.referring_qualifier == "DK":
            ordering = claim.referring  # box 17 DK: the ordering provider of every line
        if ordering is not None:
            self.provider("DK", ordering)
        self.line_adjudications(number, line, claim)


def write_837p(claims: Iterable[Claim], envelope: Envelope837, *, line_breaks: bool = True) -> str:
    """The 837P interchange for ``claims``; ``WriteError`` names a claim that cannot be sent."""
    batch = list(claims)
    if not batch:
        raise WriteError("no claim to write")
    writer = _ClaimFile(envelope, line_breaks=line_breaks)
    open_interchange(writer.out, envelope.header, "HC", VERSION)
    sets = 0
    for start in range(0, len(batch), MAX_CLAIMS_PER_SET):
        writer.transaction(
            envelope.transaction_control_number + sets, batch[start : start + MAX_CLAIMS_PER_SET]
        )
        sets += 1
    close_interchange(writer.out, envelope.header, sets)
    return writer.out.text()
