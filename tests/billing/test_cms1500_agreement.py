"""What the paper claim prints is what the 837P says.

The 837P written by ``write_837p`` is read back with ``x12.reader`` and turned, by this
test's own reading of the NUCC rules, into the text each CMS-1500 field should show; the
PDF's text is read back from each field's place with pypdfium2. A crosswalk value changed
on one side only (the 837P's or the paper's) makes them disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
    for segment in segments(text):
        sid, get = segment.id, segment.get
        if sid == "NM1":
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
            want["26"] = get(1)
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


@pytest.mark.parametrize(
    ("side", "box", "change", "field"), DIVERGENCES.values(), ids=DIVERGENCES.keys()
)
def test_a_crosswalk_value_changed_on_one_side_only_is_caught(
    monkeypatch, side, box, change, field
):
    monkeypatch.setattr(side, "xw", _OneSideChanged(box, change))
    problems = disagreements(b.full_claim())
    assert any(problem.startswith(f"box {field}:") for problem in problems), problems
