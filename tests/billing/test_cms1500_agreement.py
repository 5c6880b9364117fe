"""What the paper claim prints is what the 837P says.

The 837P written by ``write_837p`` is read back with ``x12.reader`` and turned, by this
test's own reading of the NUCC rules, into the text each CMS-1500 field should show; the
PDF's text is read back from each field's place with pypdfium2. A crosswalk value changed
on one side only (the 837P's or the paper's) makes them disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from medoffice.billing import cms1500
from medoffice.billing.cms1500 import values as paper
from medoffice.x12 import crosswalk, p837
from medoffice.x12.claims import Claim
from medoffice.x12.reader import Segment, segments
from tests.billing.cms1500_pdf import field_texts
from tests.x12 import builders as b

REPLACEMENT = b.claim(
    control_number="PCN3003", frequency_code="7", original_reference="ACME20261120X7"
)
CLAIMS = {
    "patient is the subscriber": b.claim(),
    "dependent": b.dependent_claim(),
    "J-code with NDC, 12 diagnoses, NOC, referring, rendering and facility": b.full_claim(),
    "replacement (frequency 7, REF*F8)": REPLACEMENT,
    "boxes 11b, 15, 16, 18, 19, 20, 24C and 24H": b.boxes_claim(),
    "box 24H family planning alone, no outside lab": b.boxes_claim(
        lines=tuple(
            replace(line, epsdt=False, family_planning=True, purchased_charge=None)
            for line in b.full_claim().lines
        )
    ),
    "secondary claim: boxes 9, 9a, 9d, 11d, 29": b.every_box_claim(),
    "box 17 supervising provider (DQ)": b.boxes_claim(referring_qualifier="DQ"),
    "box 16 start alone (DTP*360)": b.boxes_claim(unable_to_work_to=None),
}


def _date(text: str, *, short: bool) -> tuple[str, str, str]:
    day = dt.datetime.strptime(text, "%Y%m%d").date()
    return f"{day:%m}", f"{day:%d}", f"{day:%y}" if short else f"{day:%Y}"


def _money(text: str) -> tuple[str, str]:
    amount = Decimal(text).quantize(Decimal("0.01"))
    dollars, cents = f"{amount:f}".split(".")
    return dollars, cents


def _person(nm1: Segment) -> str:
    """NM103 last, NM104 first, NM105 middle as the NUCC writes a patient: LAST, FIRST, M."""
    parts = [nm1.get(3) + (f" {nm1.get(7)}" if nm1.get(7) else ""), nm1.get(4)]
    if nm1.get(5):
        parts.append(nm1.get(5)[:1])
    return ", ".join(parts).upper()


def _provider(nm1: Segment) -> str:
    if nm1.get(2) == "2":
        return nm1.get(3).upper()
    return " ".join(p for p in (nm1.get(4), nm1.get(5)[:1], nm1.get(3)) if p).upper()


def paper_from_837(text: str) -> dict[str, str]:
    """What the first page of the (one) claim in ``text`` should print, by field key."""
    want: dict[str, str] = {}
    line = 0
    loop = ""
    patient_dmg_loop = ""
    in_claim = other_payer = False  # past CLM; inside a 2320/2330 other-payer loop
    paid = purchased = Decimal("0")
    for segment in segments(text):
        sid, get = segment.id, segment.get
        if sid == "SBR" and in_claim and not line:
            other_payer = True
            if not want.get("9a"):
                want["9a"] = get(3)
                want["9d"] = get(4)
                want["11d-yes"] = "X"
        elif sid == "NM1" and other_payer and not line:
            loop = f"other-{get(1)}"
            if get(1) == "IL" and "9" not in want:
                want["9"] = _person(segment)
        elif sid == "AMT" and get(1) in {"F5", "D"}:
            paid += Decimal(get(2))
            want["29-dollars"], want["29-cents"] = _money(str(paid))
        elif sid == "REF" and get(1) == "Y4":
            want["11b-qual"], want["11b"] = "Y4", get(2)
        elif sid == "DTP" and get(1) in {"454", "304", "453", "439", "455", "471", "090", "091"}:
            want["15-qual"] = get(1)
            want["15-mm"], want["15-dd"], want["15-yyyy"] = _date(get(3), short=False)
        elif sid == "DTP" and get(1) in {"314", "360", "361", "435", "096"}:
            box = {"314": "16", "360": "16", "361": "16", "435": "18", "096": "18"}[get(1)]
            start, _, end = get(3).partition("-")
            parts = (
                [("from", start), ("to", end)]
                if end
                else [("to" if get(1) in {"361", "096"} else "from", start)]
            )
            for side, day in parts:
                (
                    want[f"{box}-{side}-mm"],
                    want[f"{box}-{side}-dd"],
                    want[f"{box}-{side}-yyyy"],
                ) = _date(day, short=False)
        elif sid == "NTE" and get(1) == "ADD":
            want["19"] = get(2)
        elif sid == "NM1" and get(1) == "DQ":
            want["17-qual"] = "DQ"
            want["17"] = _provider(segment)
            want["17b"] = get(9)
        elif sid == "NM1":
            loop = get(1)
            if get(1) == "IL":
                want["1a"] = get(9)
                want["4"] = _person(segment)
                want["2"] = _person(segment)  # until a 2010CA patient says otherwise
                patient_dmg_loop = "IL"
            elif get(1) == "QC":
                want["2"] = _person(segment)
                patient_dmg_loop = "QC"
            elif get(1) == "85":
                want["33-name"] = _provider(segment)
                want["33a"] = get(9)
            elif get(1) == "DN":
                want["17-qual"] = "DN"
                want["17"] = _provider(segment)
                want["17b"] = get(9)
            elif get(1) == "77":
                want["32-name"] = _provider(segment)
                want["32a"] = get(9)
            elif get(1) == "82" and line:
                want[f"24J.{line}"] = get(9)
            elif get(1) == "82":
                want["rendering"] = get(9)
        elif sid == "DMG" and loop == patient_dmg_loop:
            want["3-mm"], want["3-dd"], want["3-yyyy"] = _date(get(2), short=False)
            want.pop("3-m", None), want.pop("3-f", None)
            if get(3) in {"M", "F"}:
                want[f"3-{get(3).lower()}"] = "X"
            if loop == "IL":
                want["11a-mm"], want["11a-dd"], want["11a-yyyy"] = _date(get(2), short=False)
                want[f"11a-{get(3).lower()}"] = "X"
        elif sid == "PRV" and get(1) == "BI":
            want["33b"] = f"ZZ{get(3)}"
        elif sid == "REF" and get(1) in {"EI", "SY"} and not line:
            want["25"] = get(2)
            want["25-ssn" if get(1) == "SY" else "25-ein"] = "X"
        elif sid == "PER" and loop == "85":
            phone = get(4)
            want["33-phone-area"], want["33-phone"] = phone[:3], phone[3:]
        elif sid == "CLM":
            in_claim = True
            want["26"] = get(1)
            want["20-no"] = "X"
            want["28-dollars"], want["28-cents"] = _money(get(2))
            frequency = segment.component(5, 3)
            if frequency in {"7", "8"}:
                want["22-code"] = frequency
            want["31"] = "SIGNATURE ON FILE" if get(6) == "Y" else ""
            want["27-yes" if get(7) == "A" else "27-no"] = "X"
            if get(8) == "Y":
                want["13"] = "SIGNATURE ON FILE"
            if get(9) == "Y":
                want["12"] = "SIGNATURE ON FILE"
        elif sid == "REF" and get(1) == "F8":
            want["22-original"] = get(2)
        elif sid == "REF" and get(1) == "G1":
            want["23"] = get(2)
        elif sid == "HI":
            for position, letter in zip(range(1, 13), "ABCDEFGHIJKL", strict=True):
                if segment.get(position):
                    want[f"21-{letter}"] = segment.component(position, 2)
        elif sid == "LX":
            line = int(get(1))
            loop = "2400"
        elif sid == "SV1" and line <= cms1500.LINES_PER_PAGE:
            procedure = segment.components(1)
            want[f"24D.{line}"] = procedure[1]
            for index, modifier in enumerate(procedure[2:6], 1):
                if modifier:
                    want[f"24D-mod{index}.{line}"] = modifier
            if len(procedure) > 6 and procedure[6]:
                want[f"description.{line}"] = f"ZZ{procedure[6].upper()}"
            want[f"24F-dollars.{line}"], want[f"24F-cents.{line}"] = _money(get(2))
            want[f"24G.{line}"] = f"{Decimal(get(4)).normalize():f}"
            want[f"24B.{line}"] = get(5) or want["place"]
            want[f"24E.{line}"] = "".join("ABCDEFGHIJKL"[int(p) - 1] for p in segment.components(7))
            want[f"24J.{line}"] = want.get("rendering", want["33a"])
            if get(9) == "Y":
                want[f"24C.{line}"] = "Y"
            if get(11) == "Y":  # NUCC: EPSDT in 24H's shaded part, family planning below
                want[f"24H-epsdt.{line}"] = "Y"
            if get(12) == "Y":
                want[f"24H.{line}"] = "Y"
        elif sid == "PS1":  # box 20: one YES and the claim's purchase price
            want.pop("20-no", None)
            want["20-yes"] = "X"
            purchased += Decimal(get(2))
            want["20-dollars"], want["20-cents"] = _money(str(purchased))
        elif sid == "DTP" and get(1) == "472":
            start, _, end = get(3).partition("-")
            (
                want[f"24A-from-mm.{line}"],
                want[f"24A-from-dd.{line}"],
                want[f"24A-from-yy.{line}"],
            ) = _date(start, short=True)
            want[f"24A-to-mm.{line}"], want[f"24A-to-dd.{line}"], want[f"24A-to-yy.{line}"] = _date(
                end or start, short=True
            )
        elif sid == "LIN":
            want[f"ndc.{line}"] = f"N4{get(3)}"
        elif sid == "CTP":
            quantity = f"{Decimal(get(4)).normalize():f}"
            want[f"ndc.{line}"] += f" {segment.component(5, 1)}{quantity}"
        if sid == "CLM":
            want["place"] = segment.component(5, 1)
    for number in {k.split(".")[1] for k in want if k.startswith(("ndc.", "description."))}:
        parts = [want.pop(f"ndc.{number}", ""), want.pop(f"description.{number}", "")]
        want[f"supplemental.{number}"] = "   ".join(p for p in parts if p)
    for key in ("place", "rendering"):
        want.pop(key, None)
    return {key: value for key, value in want.items() if value}


def _supplemental_width(key: str, value: str) -> str:
    return value[: cms1500.LAYOUT[key].width] if key.startswith("supplemental.") else value


def disagreements(claim: Claim) -> list[str]:
    """Each field where the PDF's text and the 837P's value differ, named."""
    electronic = paper_from_837(p837.write_837p([claim], b.envelope()))
    paper = field_texts(cms1500.render_cms1500([claim], printed_form=True))[0]
    problems = []
    for key, value in electronic.items():
        expected = " ".join(_supplemental_width(key, value).split())
        if paper.get(key, "") != expected:
            problems.append(f"box {key}: paper {paper.get(key, '')!r}, 837P {expected!r}")
    return problems


@pytest.mark.parametrize("claim", CLAIMS.values(), ids=CLAIMS.keys())
def test_the_paper_claim_prints_what_the_837p_says(claim):
    assert disagreements(claim) == []


def test_the_837p_reading_covers_the_boxes_the_payer_compares():
    boxes = paper_from_837(p837.write_837p([b.full_claim()], b.envelope()))
    for key in (
        "1a",
        "2",
        "4",
        "13",
        "17",
        "17b",
        "21-A",
        "21-L",
        "24D.1",
        "24D-mod1.1",
        "24F-dollars.2",
        "24E.3",
        "24J.3",
        "supplemental.2",
        "supplemental.3",
        "27-yes",
        "28-dollars",
        "32a",
        "33a",
    ):
        assert key in boxes, key


class _OneSideChanged(ModuleType):
    """The crosswalk, with one box's value changed, as seen by one side only."""

    def __init__(self, box: str, change: Callable[[Any], Any]) -> None:
        super().__init__("crosswalk_changed")
        self.box, self.change = box, change

    def __getattr__(self, name: str) -> Any:
        return getattr(crosswalk, name)

    def claim_value(self, box: str, claim: Claim) -> Any:
        value = crosswalk.claim_value(box, claim)
        return self.change(value) if box == self.box else value

    def line_value(self, box: str, claim: Claim, line: Any) -> Any:
        value = crosswalk.line_value(box, claim, line)
        return self.change(value) if box == self.box else value

    def cms1500(self, claim: Claim) -> dict[str, Any]:
        return {box: self.claim_value(box, claim) for box in crosswalk.CLAIM_BY_BOX}

    def cms1500_lines(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {box: self.line_value(box, claim, line) for box in crosswalk.LINE_BY_BOX}
            for line in claim.lines
        ]


DIVERGENCES = {
    "837P box 27 (CLM07)": (p837, "27", lambda v: not v, "27-no"),
    "837P box 1a (2010BA NM109)": (p837, "1a", lambda v: v + "9", "1a"),
    "837P box 33a (2010AA NM109)": (p837, "33a", lambda v: "1999999999", "33a"),
    "837P box 24F (SV102)": (p837, "24F", lambda v: v + 1, "24F-dollars.1"),
    "paper box 13 (CLM08)": (paper, "13", lambda v: not v, "13"),
    "paper box 28 (CLM02)": (paper, "28", lambda v: v + Decimal("0.01"), "28-cents"),
    "paper box 21 (HI)": (paper, "21", lambda v: tuple(reversed(v)), "21-A"),
    "paper box 24D modifiers (SV101-3)": (
        paper,
        "24D-modifiers",
        lambda v: ("59",),
        "24D-mod1.1",
    ),
}
# The boxes of the secondary claim with every box filled, changed on one side.
EVERY_BOX_DIVERGENCES = {
    "837P box 19 (NTE*ADD)": (p837, "19", lambda v: v + " X", "19"),
    "837P box 16 (DTP*314)": (p837, "16-to", lambda v: v.replace(day=29), "16-to-dd"),
    "837P box 24C (SV109)": (p837, "24C", lambda v: not v, "24C.2"),
    "837P box 24H EPSDT (SV111)": (p837, "24H-epsdt", lambda v: not v, "24H-epsdt.2"),
    "837P box 20 (PS102)": (p837, "24-purchased", lambda v: v and v + 1, "20-dollars"),
    "paper box 20 (PS1 present)": (paper, "20", lambda v: not v, "20-yes"),
    "paper box 20 charges (PS102)": (
        paper,
        "20-charges",
        lambda v: v + Decimal("0.05"),
        "20-cents",
    ),
    "paper box 24H family planning (SV112)": (
        paper,
        "24H-family",
        lambda v: not v,
        "24H.1",
    ),
    "paper box 18 (DTP*435)": (paper, "18-from", lambda v: v.replace(day=4), "18-from-dd"),
    "paper box 15 (DTP*454)": (paper, "15-qual", lambda v: "304", "15-qual"),
    "paper box 29 (AMT*F5 + AMT*D)": (paper, "29", lambda v: v + 1, "29-dollars"),
    "paper box 11b (REF*Y4)": (paper, "11b", lambda v: v + "1", "11b"),
}


def test_the_837p_reading_covers_the_added_boxes():
    boxes = paper_from_837(p837.write_837p([b.every_box_claim()], b.envelope()))
    for key in (
        "9",
        "9a",
        "11b",
        "11d-yes",
        "15-qual",
        "15-yyyy",
        "16-from-mm",
        "16-to-dd",
        "17-qual",
        "18-from-yyyy",
        "18-to-mm",
        "19",
        "24C.1",
        "24H.1",
        "24H-epsdt.1",
        "20-yes",
        "20-dollars",
        "20-cents",
        "29-dollars",
    ):
        assert key in boxes, key


@pytest.mark.parametrize(
    ("side", "box", "change", "field"),
    EVERY_BOX_DIVERGENCES.values(),
    ids=EVERY_BOX_DIVERGENCES.keys(),
)
def test_an_added_box_changed_on_one_side_only_is_caught(monkeypatch, side, box, change, field):
    monkeypatch.setattr(side, "xw", _OneSideChanged(box, change))
    problems = disagreements(b.every_box_claim())
    assert any(problem.startswith(f"box {field}:") for problem in problems), problems


def test_boxes_5_and_7_print_the_telephone_the_837p_cannot_carry():
    page = field_texts(cms1500.render_cms1500([b.every_box_claim()], printed_form=True))[0]
    assert (page["5-phone-area"], page["5-phone"]) == ("413", "5550123")
    assert (page["7-phone-area"], page["7-phone"]) == ("413", "5550123")


@pytest.mark.parametrize(
    ("side", "box", "change", "field"), DIVERGENCES.values(), ids=DIVERGENCES.keys()
)
def test_a_crosswalk_value_changed_on_one_side_only_is_caught(
    monkeypatch, side, box, change, field
):
    monkeypatch.setattr(side, "xw", _OneSideChanged(box, change))
    problems = disagreements(b.full_claim())
    assert any(problem.startswith(f"box {field}:") for problem in problems), problems
