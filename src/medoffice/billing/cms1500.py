"""The CMS-1500 (02/12) paper claim, as a PDF made by WeasyPrint.

``render_cms1500(claims, printed_form=...)`` makes one page per claim (a claim with more
than six service lines goes on over further pages; box 28 says CONTINUED on every page but
the last, which carries the claim's total, as the NUCC manual asks). Every value comes from
the one crosswalk the 837P is written from (``x12.crosswalk.cms1500``/``cms1500_lines``),
formatted here the paper's way (NUCC 1500 Claim Form Reference Instruction Manual, 02/12):
upper case; dates MM DD YY in 24A and MM DD YYYY elsewhere; money as dollars | cents
without "$"; check boxes as X; a patient's or insured's name LAST SUFFIX, FIRST, M (the
middle initial) and a provider's FIRST M LAST; diagnoses A-L without the dot, pointers as
letters; no punctuation in addresses and a nine-digit ZIP code with its hyphen; the shaded
part of a box 24 line holds the supplemental information (N4 + the NDC, a space, the unit
qualifier and the quantity; ZZ + the description of a not-otherwise-classified code; three
spaces between two items). A value longer than its field is cut to the field (a name loses
its middle initial, then letters of the first name, before any of the last name).

Two versions: ``printed_form=True`` prints only the data, for the red pre-printed form;
``printed_form=False`` draws the form itself (box outlines, numbers and titles in the
form's red) under the same data, for plain paper.

Where things go: ``LAYOUT`` is the one table of data positions on the form's print grid
of 10 characters per inch and 6 lines per inch (66 lines of 85 columns on the 8.5 x 11
inch sheet; a line is 12 pt high and a column 7.2 pt wide), numbered from 1 as print
positions are. Column 1 starts ``LEFT`` from the paper's left edge and line 1 at ``TOP``
from its top edge (the form's own frame runs from column 1 to column 79). ``FORM_BOXES``
is the drawing of the plain-paper form on the same grid. The text is DejaVu Sans Mono at
10 pt spaced out to exactly 7.2 pt a character, so every character sits on the grid.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from medoffice.x12 import crosswalk as xw
from medoffice.x12.claims import Address, Claim, Payer, Person, Provider
from medoffice.x12.writer import text as x12_text

# --- the grid -------------------------------------------------------------------------------

COLUMN_PT = 7.2  # 10 characters per inch
LINE_PT = 12.0  # 6 lines per inch
PAGE_WIDTH_PT = 612.0  # 8.5 in
PAGE_HEIGHT_PT = 792.0  # 11 in
LEFT = 21.6  # pt from the paper's left edge to column 1 (0.3 in)
TOP = 0.0  # pt from the paper's top edge to line 1
FONT_PT = 10.0
# DejaVu Sans Mono advances 0.602 em a character; the rest of the 7.2 pt is letter-spacing.
LETTER_SPACING_PT = round(COLUMN_PT - 0.60205 * FONT_PT, 3)
LINES_PER_PAGE = 6  # service lines in box 24
INK = "#d6262b"  # the form's red
ICD10_INDICATOR = "0"  # box 21 "ICD Ind.": every diagnosis here is ICD-10-CM


class Cms1500Error(ValueError):
    """A claim whose value cannot go on the paper form; the message names the claim and box."""


@dataclass(frozen=True)
class Field:
    """A data position: ``width`` characters from ``col`` on ``line`` (numbered from 1)."""

    line: int
    col: int
    width: int = 1
    right: bool = False  # right-aligned in its width (amounts)

    def rect(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in points from the page's top-left corner."""
        left = LEFT + (self.col - 1) * COLUMN_PT
        top = TOP + (self.line - 1) * LINE_PT
        return left, top, left + self.width * COLUMN_PT, top + LINE_PT


def _box24(line: int) -> dict[str, Field]:
    """Box 24 for the service line whose unshaded row is ``line`` (shaded row above it)."""
    return {
        "supplemental": Field(line - 1, 1, 62),  # the shaded part, 24A to 24G
        "24A-from-mm": Field(line, 1, 2),
        "24A-from-dd": Field(line, 4, 2),
        "24A-from-yy": Field(line, 7, 2),
        "24A-to-mm": Field(line, 10, 2),
        "24A-to-dd": Field(line, 13, 2),
        "24A-to-yy": Field(line, 16, 2),
        "24B": Field(line, 19, 2),
        "24D": Field(line, 25, 6),
        "24D-mod1": Field(line, 32, 2),
        "24D-mod2": Field(line, 35, 2),
        "24D-mod3": Field(line, 38, 2),
        "24D-mod4": Field(line, 41, 2),
        "24E": Field(line, 45, 4),
        "24F-dollars": Field(line, 50, 5, right=True),
        "24F-cents": Field(line, 56, 2),
        "24G": Field(line, 59, 3, right=True),
        "24J": Field(line, 68, 10),
    }


# Where each value goes. Keys are box numbers with a suffix for the parts of a box.
LAYOUT: dict[str, Field] = {
    "carrier-1": Field(2, 41, 31),
    "carrier-2": Field(3, 41, 31),
    "carrier-3": Field(4, 41, 31),
    "carrier-4": Field(5, 41, 31),
    "1-medicare": Field(8, 1),
    "1-medicaid": Field(8, 8),
    "1-tricare": Field(8, 15),
    "1-champva": Field(8, 24),
    "1-group": Field(8, 31),
    "1-feca": Field(8, 39),
    "1-other": Field(8, 45),
    "1a": Field(8, 50, 29),
    "2": Field(10, 1, 28),
    "3-mm": Field(10, 31, 2),
    "3-dd": Field(10, 34, 2),
    "3-yyyy": Field(10, 37, 4),
    "3-m": Field(10, 43),
    "3-f": Field(10, 47),
    "4": Field(10, 50, 29),
    "5-street": Field(12, 1, 28),
    "6-self": Field(12, 33),
    "6-spouse": Field(12, 38),
    "6-child": Field(12, 42),
    "6-other": Field(12, 47),
    "7-street": Field(12, 50, 29),
    "5-city": Field(14, 1, 23),
    "5-state": Field(14, 26, 2),
    "7-city": Field(14, 50, 23),
    "7-state": Field(14, 74, 2),
    "5-zip": Field(16, 1, 12),
    "7-zip": Field(16, 50, 12),
    "9": Field(18, 1, 28),
    "11": Field(18, 50, 29),
    "9a": Field(20, 1, 28),
    "10a-yes": Field(20, 35),
    "10a-no": Field(20, 41),
    "11a-mm": Field(20, 53, 2),
    "11a-dd": Field(20, 56, 2),
    "11a-yyyy": Field(20, 59, 4),
    "11a-m": Field(20, 68),
    "11a-f": Field(20, 75),
    "10b-yes": Field(22, 35),
    "10b-no": Field(22, 41),
    "10b-state": Field(22, 45, 2),
    "10c-yes": Field(24, 35),
    "10c-no": Field(24, 41),
    "11c": Field(24, 50, 29),
    "9d": Field(26, 1, 28),
    "11d-yes": Field(26, 52),
    "11d-no": Field(26, 57),
    "12": Field(29, 7, 20),
    "13": Field(29, 55, 20),
    "14-mm": Field(32, 2, 2),
    "14-dd": Field(32, 5, 2),
    "14-yyyy": Field(32, 8, 4),
    "14-qual": Field(32, 16, 3),
    "17-qual": Field(34, 1, 2),
    "17": Field(34, 4, 25),
    "17b": Field(34, 33, 10),
    "21-ind": Field(37, 45),
    **{
        f"21-{letter}": Field(38 + index // 4, 3 + 12 * (index % 4), 7)
        for index, letter in enumerate("ABCDEFGHIJKL")
    },
    "22-code": Field(38, 50, 11),
    "22-original": Field(38, 62, 17),
    "23": Field(40, 50, 29),
    **{
        f"{key}.{number}": field
        for number in range(1, LINES_PER_PAGE + 1)
        for key, field in _box24(42 + 2 * number).items()
    },
    "25": Field(56, 1, 15),
    "25-ssn": Field(56, 17),
    "25-ein": Field(56, 19),
    "26": Field(56, 23, 13),
    "27-yes": Field(56, 38),
    "27-no": Field(56, 43),
    "28-dollars": Field(56, 50, 7, right=True),
    "28-cents": Field(56, 58, 2),
    "28-continued": Field(56, 51, 9),
    "29-dollars": Field(56, 63, 4, right=True),
    "29-cents": Field(56, 68, 2),
    "33-phone-area": Field(57, 66, 3),
    "33-phone": Field(57, 70, 7),
    "32-name": Field(58, 23, 26),
    "33-name": Field(58, 50, 29),
    "32-street": Field(59, 23, 26),
    "33-street": Field(59, 50, 29),
    "31": Field(60, 1, 20),
    "32-city": Field(60, 23, 26),
    "33-city": Field(60, 50, 29),
    "32a": Field(61, 24, 10),
    "33a": Field(61, 51, 10),
    "33b": Field(61, 63, 16),
}

# Box 1 by the 837P claim filing indicator (SBR09); anything else is "Other".
INSURANCE_TYPE = {
    "MA": "1-medicare",
    "MB": "1-medicare",
    "MC": "1-medicaid",
    "CH": "1-tricare",
    "VA": "1-champva",
    **dict.fromkeys(
        ("CI", "BL", "HM", "12", "13", "14", "15", "16", "17", "FI", "DS", "LM"), "1-group"
    ),
}
RELATIONSHIP = {"18": "6-self", "01": "6-spouse", "19": "6-child"}


# --- formatting, the NUCC way ---------------------------------------------------------------


def paper_text(value: str) -> str:
    """Upper case ASCII, one space between words, no period (NUCC: no punctuation in names);
    the characters the 837P cannot carry (``* : ^ ~``) become spaces there and here alike."""
    return x12_text(value.replace(".", " "))


def address_text(value: str) -> str:
    """An address line without punctuation: NUCC writes 123 N MAIN STREET 101."""
    return paper_text(value.replace(",", " ").replace("#", " "))


def fit(value: str, width: int) -> str:
    return value[:width]


def person_name(person: Person, width: int) -> str:
    """LAST SUFFIX, FIRST, M fitted to ``width``: the middle initial goes first, then the
    first name's last letters, the last name's only when nothing else is left."""
    last = paper_text(f"{person.last_name} {person.suffix}")
    first = paper_text(person.first_name)
    middle = paper_text(person.middle_name)[:1]
    for candidate in (f"{last}, {first}, {middle}" if middle else "", f"{last}, {first}"):
        if candidate and len(candidate) <= width:
            return candidate
    room = width - len(last) - 2
    if room >= 1 and first:
        return f"{last}, {first[:room]}"
    return fit(last, width)


def provider_name(provider: Provider, width: int) -> str:
    """An organisation's name, or a person's FIRST M LAST SUFFIX (NUCC boxes 17, 31-33)."""
    if not provider.is_person:
        return fit(paper_text(provider.last_name), width)
    middle = paper_text(provider.middle_name)[:1]
    last = paper_text(f"{provider.last_name} {provider.suffix}")
    first = paper_text(provider.first_name)
    for candidate in (" ".join(p for p in (first, middle, last) if p), f"{first} {last}"):
        if len(candidate) <= width:
            return candidate.strip()
    room = width - len(last) - 1
    if room >= 1 and first:
        return f"{first[:room]} {last}"
    return fit(last, width)


def zip_code(value: str) -> str:
    """Five digits, or nine with the hyphen after the fifth (NUCC)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"{digits[:5]}-{digits[5:9]}" if len(digits) == 9 else digits


def money(value: Decimal, what: str) -> tuple[str, str]:
    """Dollars and cents, the two parts of a money field (no "$", no separators)."""
    try:
        cents = int(value.quantize(Decimal("0.01")) * 100)
    except (InvalidOperation, AttributeError) as exc:
        raise Cms1500Error(f"{what}: {value!r} is not an amount") from exc
    if cents < 0:
        raise Cms1500Error(f"{what}: a negative amount ({value}) cannot go on the form")
    return str(cents // 100), f"{cents % 100:02d}"


def number_text(value: Decimal) -> str:
    """A quantity as printed: 1, 1.5 (the decimal point only for a fraction, NUCC 24G)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def date_parts(value: dt.date, *, short_year: bool) -> tuple[str, str, str]:
    year = f"{value.year % 100:02d}" if short_year else f"{value.year:04d}"
    return f"{value.month:02d}", f"{value.day:02d}", year


def pointer_letters(pointers: Sequence[object]) -> str:
    """Diagnosis pointers 1-12 as the letters A-L of box 21, no separator (NUCC 24E)."""
    letters = "ABCDEFGHIJKL"
    return "".join(
        letters[p - 1] for p in pointers if isinstance(p, int) and 1 <= p <= len(letters)
    )


def supplemental(ndc: str, unit: str, quantity: Decimal | None, description: str) -> str:
    """The shaded part of a box 24 line: N4 + NDC, a space, unit + quantity; ZZ + narrative."""
    items: list[str] = []
    if ndc:
        amount = number_text(quantity) if quantity is not None else ""
        items.append(f"N4{''.join(ch for ch in ndc if ch.isdigit())} {unit.upper()}{amount}")
    if description:
        items.append(f"ZZ{paper_text(description)}")
    return "   ".join(items)


def _city_line(address: Address, width: int) -> str:
    return fit(
        " ".join(
            part
            for part in (
                address_text(address.city),
                address_text(address.state),
                zip_code(address.postal_code),
            )
            if part
        ),
        width,
    )


# --- the values of one page -----------------------------------------------------------------


X = "X"


def _put(page: dict[str, str], key: str, text: str) -> None:
    if text:
        field = LAYOUT[key]
        text = text[: field.width]
        page[key] = text.rjust(field.width) if field.right else text


def _put_date(page: dict[str, str], box: str, value: object, *, short_year: bool) -> None:
    if isinstance(value, dt.date):
        mm, dd, year = date_parts(value, short_year=short_year)
        _put(page, f"{box}-mm", mm)
        _put(page, f"{box}-dd", dd)
        _put(page, f"{box}-yy" if short_year else f"{box}-yyyy", year)


def _put_address(page: dict[str, str], box: str, address: object) -> None:
    if isinstance(address, Address):
        street = address_text(f"{address.line1} {address.line2}")
        _put(page, f"{box}-street", street)
        _put(page, f"{box}-city", address_text(address.city))
        _put(page, f"{box}-state", address_text(address.state))
        _put(page, f"{box}-zip", zip_code(address.postal_code))


def _put_sex(page: dict[str, str], box: str, sex: object) -> None:
    if sex in {"M", "F"}:
        _put(page, f"{box}-{str(sex).lower()}", X)


def _put_money(page: dict[str, str], box: str, value: object, what: str) -> None:
    if not isinstance(value, Decimal):
        raise Cms1500Error(f"{what}: {value!r} is not an amount")
    dollars, cents = money(value, what)
    _put(page, f"{box}-dollars", dollars)
    _put(page, f"{box}-cents", cents)


def _claim_boxes(claim: Claim) -> dict[str, str]:
    """The claim-level boxes (the same on every page of the claim but box 28 and 29)."""
    v = xw.cms1500(claim)
    page: dict[str, str] = {}
    name = f"claim {claim.control_number}"

    carrier = v["carrier"]
    if isinstance(carrier, Payer):
        rows = [paper_text(carrier.name)]
        if carrier.address is not None:
            rows += [address_text(carrier.address.line1), address_text(carrier.address.line2)]
            rows.append(_city_line(carrier.address, LAYOUT["carrier-4"].width))
        for number, row in enumerate((r for r in rows if r), 1):
            _put(page, f"carrier-{number}", row)

    _put(page, INSURANCE_TYPE.get(str(v["1"]), "1-other"), X)
    _put(page, "1a", paper_text(str(v["1a"])))
    patient, insured = v["2"], v["4"]
    if isinstance(patient, Person):
        _put(page, "2", person_name(patient, LAYOUT["2"].width))
    _put_date(page, "3", v["3"], short_year=False)
    _put_sex(page, "3", v["3-sex"])
    if isinstance(insured, Person):
        _put(page, "4", person_name(insured, LAYOUT["4"].width))
    _put_address(page, "5", v["5"])
    _put(page, RELATIONSHIP.get(str(v["6"]), "6-other"), X)
    _put_address(page, "7", v["7"])

    other = v["9"]
    if isinstance(other, Person):
        _put(page, "9", person_name(other, LAYOUT["9"].width))
        _put(page, "9a", paper_text(str(v["9a"])))
        _put(page, "9d", paper_text(str(v["9d"])))
    causes = v["10"]
    assert isinstance(causes, tuple)
    _put(page, "10a-yes" if "EM" in causes else "10a-no", X)
    _put(page, "10b-yes" if "AA" in causes else "10b-no", X)
    if "AA" in causes:
        _put(page, "10b-state", paper_text(str(v["10b"])))
    _put(page, "10c-yes" if "OA" in causes else "10c-no", X)
    _put(page, "11", paper_text(str(v["11"])))
    _put_date(page, "11a", v["11a"], short_year=False)
    _put_sex(page, "11a", v["11a-sex"])
    _put(page, "11c", paper_text(str(v["11c"])))
    _put(page, "11d-yes" if v["11d"] else "11d-no", X)

    if v["12"] == "Y":
        _put(page, "12", "SIGNATURE ON FILE")
    if v["13"] is True:
        _put(page, "13", "SIGNATURE ON FILE")
    if isinstance(v["14"], dt.date):
        _put_date(page, "14", v["14"], short_year=False)
        _put(page, "14-qual", "431")  # onset of current symptoms or illness
    referring = v["17"]
    if isinstance(referring, Provider):
        _put(page, "17-qual", "DN")  # referring provider
        _put(page, "17", provider_name(referring, LAYOUT["17"].width))
        _put(page, "17b", str(v["17b"]))

    diagnoses = v["21"]
    assert isinstance(diagnoses, tuple)
    if len(diagnoses) > 12:
        raise Cms1500Error(f"{name}: box 21 holds 12 diagnoses, the claim has {len(diagnoses)}")
    _put(page, "21-ind", ICD10_INDICATOR)
    for letter, code in zip("ABCDEFGHIJKL", diagnoses, strict=False):
        _put(page, f"21-{letter}", str(code).replace(".", "").upper())
    if v["22"] in {"7", "8"}:
        _put(page, "22-code", str(v["22"]))
        _put(page, "22-original", paper_text(str(v["22-original"])))
    _put(page, "23", paper_text(str(v["23"] or v["23-referral"])))

    _put(page, "25", "".join(ch for ch in str(v["25"]) if ch.isalnum()))
    _put(page, "25-ssn" if v["25-ssn"] else "25-ein", X)
    _put(page, "26", paper_text(str(v["26"])))
    _put(page, "27-yes" if v["27"] else "27-no", X)
    if v["31"] is True:
        _put(page, "31", "SIGNATURE ON FILE")

    facility = v["32"]
    if isinstance(facility, Provider):
        _put(page, "32-name", provider_name(facility, LAYOUT["32-name"].width))
        if facility.address is not None:
            _put(
                page,
                "32-street",
                address_text(f"{facility.address.line1} {facility.address.line2}"),
            )
            _put(page, "32-city", _city_line(facility.address, LAYOUT["32-city"].width))
        _put(page, "32a", str(v["32a"]))
    billing = v["33"]
    if isinstance(billing, Provider):
        _put(page, "33-name", provider_name(billing, LAYOUT["33-name"].width))
        if billing.address is not None:
            _put(
                page, "33-street", address_text(f"{billing.address.line1} {billing.address.line2}")
            )
            _put(page, "33-city", _city_line(billing.address, LAYOUT["33-city"].width))
        phone = "".join(ch for ch in billing.phone if ch.isdigit())
        if len(phone) == 10:
            _put(page, "33-phone-area", phone[:3])
            _put(page, "33-phone", phone[3:])
    _put(page, "33a", str(v["33a"]))
    if v["33b"]:
        _put(page, "33b", f"ZZ{paper_text(str(v['33b']))}")  # ZZ: provider taxonomy
    return page


def _line_boxes(page: dict[str, str], number: int, line: dict[str, xw.Value], claim: Claim) -> None:
    what = f"claim {claim.control_number} line"

    def put(key: str, text: str) -> None:
        _put(page, f"{key}.{number}", text)

    _put_supplemental = supplemental(
        str(line["24-ndc"]),
        str(line["24-ndc-unit"]),
        line["24-ndc-quantity"] if isinstance(line["24-ndc-quantity"], Decimal) else None,
        str(line["24D-description"]),
    )
    put("supplemental", _put_supplemental)
    dates = line["24A"]
    assert isinstance(dates, tuple)
    for part, day in zip(("from", "to"), dates, strict=True):
        if isinstance(day, dt.date):
            mm, dd, yy = date_parts(day, short_year=True)
            put(f"24A-{part}-mm", mm)
            put(f"24A-{part}-dd", dd)
            put(f"24A-{part}-yy", yy)
    put("24B", paper_text(str(line["24B"])))
    put("24D", paper_text(str(line["24D"])))
    modifiers = line["24D-modifiers"]
    assert isinstance(modifiers, tuple)
    for index, modifier in enumerate(modifiers[:4], 1):
        put(f"24D-mod{index}", paper_text(str(modifier)))
    pointers = line["24E"]
    assert isinstance(pointers, tuple)
    put("24E", pointer_letters(pointers))
    charge = line["24F"]
    if not isinstance(charge, Decimal):
        raise Cms1500Error(f"{what} {number}: box 24F {charge!r} is not an amount")
    dollars, cents = money(charge, f"{what} {number} box 24F")
    put("24F-dollars", dollars)
    put("24F-cents", cents)
    units = line["24G"]
    if isinstance(units, Decimal):
        put("24G", number_text(units))
    put("24J", str(line["24J"]))


def claim_pages(claim: Claim) -> list[dict[str, str]]:
    """The text of each page of ``claim``, keyed by ``LAYOUT`` key (box 24 keys end .1-.6)."""
    if not claim.lines:
        raise Cms1500Error(f"claim {claim.control_number} has no service line")
    boxes = _claim_boxes(claim)
    lines = xw.cms1500_lines(claim)
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    pages: list[dict[str, str]] = []
    for index, chunk in enumerate(chunks):
        page = dict(boxes)
        for number, line in enumerate(chunk, 1):
            _line_boxes(page, number, line, claim)
        if index < len(chunks) - 1:
            _put(page, "28-continued", "CONTINUED")
        else:
            _put_money(
                page, "28", xw.claim_value("28", claim), f"claim {claim.control_number} box 28"
            )
            paid = xw.claim_value("29", claim)
            if isinstance(paid, Decimal) and paid > 0:
                _put_money(page, "29", paid, f"claim {claim.control_number} box 29")
        pages.append(page)
    return pages


# --- the drawn form (plain paper) -----------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A box of the drawn form: lines ``top``..``bottom`` and columns ``left``..``right``."""

    top: int
    left: float
    bottom: int
    right: float
    title: str = ""
    shaded: bool = False
    rule: bool = False  # a vertical rule along the left edge of column ``left``


@dataclass(frozen=True)
class Caption:
    """A printed word of the form: a check box's name, a sub-heading, the form's title."""

    line: float
    col: float
    text: str
    size: float = 5.5
    bold: bool = False


# Box 24's column rules in the unshaded rows: 24A to, B, C, D, the modifiers, E, F, cents, G.
BOX24_RULES = (10, 19, 22, 25, 32, 35, 38, 41, 45, 50, 55.6, 59)

# The form's boxes (02/12), each titled with its number and the NUCC title.
FORM_BOXES: tuple[Box, ...] = (
    Box(7, 1, 8, 49, "1."),
    Box(7, 50, 8, 79, "1a. INSURED'S I.D. NUMBER (For Program in Item 1)"),
    Box(9, 1, 10, 29, "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)"),
    Box(9, 30, 10, 49, "3. PATIENT'S BIRTH DATE   MM DD YY   SEX"),
    Box(9, 50, 10, 79, "4. INSURED'S NAME (Last Name, First Name, Middle Initial)"),
    Box(11, 1, 12, 29, "5. PATIENT'S ADDRESS (No., Street)"),
    Box(11, 30, 12, 49, "6. PATIENT RELATIONSHIP TO INSURED"),
    Box(11, 50, 12, 79, "7. INSURED'S ADDRESS (No., Street)"),
    Box(13, 1, 14, 24, "CITY"),
    Box(13, 25, 14, 29, "STATE"),
    Box(13, 30, 16, 49, "8. RESERVED FOR NUCC USE"),
    Box(13, 50, 14, 72, "CITY"),
    Box(13, 73, 14, 79, "STATE"),
    Box(15, 1, 16, 13, "ZIP CODE"),
    Box(15, 14, 16, 29, "TELEPHONE (Include Area Code)"),
    Box(15, 50, 16, 63, "ZIP CODE"),
    Box(15, 64, 16, 79, "TELEPHONE (Include Area Code)"),
    Box(17, 1, 18, 29, "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)"),
    Box(17, 30, 26, 49, "10. IS PATIENT'S CONDITION RELATED TO:"),
    Box(17, 50, 18, 79, "11. INSURED'S POLICY GROUP OR FECA NUMBER"),
    Box(19, 1, 20, 29, "a. OTHER INSURED'S POLICY OR GROUP NUMBER"),
    Box(19, 30, 20, 49, "a. EMPLOYMENT? (Current or Previous)"),
    Box(19, 50, 20, 79, "a. INSURED'S DATE OF BIRTH   MM DD YY   SEX"),
    Box(21, 1, 22, 29, "b. RESERVED FOR NUCC USE"),
    Box(21, 30, 22, 49, "b. AUTO ACCIDENT?   PLACE (State)"),
    Box(21, 50, 22, 79, "b. OTHER CLAIM ID (Designated by NUCC)"),
    Box(23, 1, 24, 29, "c. RESERVED FOR NUCC USE"),
    Box(23, 30, 24, 49, "c. OTHER ACCIDENT?"),
    Box(23, 50, 24, 79, "c. INSURANCE PLAN NAME OR PROGRAM NAME"),
    Box(25, 1, 26, 29, "d. INSURANCE PLAN NAME OR PROGRAM NAME"),
    Box(25, 30, 26, 49, "10d. CLAIM CODES (Designated by NUCC)"),
    Box(25, 50, 26, 79, "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?"),
    Box(
        27,
        1,
        30,
        49,
        "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.|"
        "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE I authorize the release of any medical "
        "or other information|necessary to process this claim.",
    ),
    Box(
        27,
        50,
        30,
        79,
        "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE I authorize|payment of medical "
        "benefits to the undersigned physician or supplier|for services described below.",
    ),
    Box(31, 1, 32, 29, "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)   QUAL."),
    Box(31, 30, 32, 49, "15. OTHER DATE   QUAL.   MM DD YY"),
    Box(31, 50, 32, 79, "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION   FROM   TO"),
    Box(33, 1, 34, 29, "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE"),
    Box(33, 30, 33, 49, "17a.", shaded=True),
    Box(34, 30, 34, 49, "17b. NPI"),
    Box(33, 50, 34, 79, "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES   FROM   TO"),
    Box(35, 1, 36, 49, "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)"),
    Box(35, 50, 36, 79, "20. OUTSIDE LAB?   $ CHARGES"),
    Box(
        37,
        1,
        40,
        49,
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY Relate A-L to service line below (24E)",
    ),
    Box(37, 50, 38, 79, "22. RESUBMISSION CODE   ORIGINAL REF. NO."),
    Box(39, 50, 40, 79, "23. PRIOR AUTHORIZATION NUMBER"),
    Box(41, 1, 42, 18, "24. A. DATE(S) OF SERVICE|From MM DD YY   To MM DD YY"),
    Box(41, 19, 42, 21, "B. PLACE OF|SERVICE"),
    Box(41, 22, 42, 24, "C.|EMG"),
    Box(41, 25, 42, 44, "D. PROCEDURES, SERVICES, OR SUPPLIES|CPT/HCPCS   MODIFIER"),
    Box(41, 45, 42, 49, "E. DIAGNOSIS|POINTER"),
    Box(41, 50, 42, 58, "F.|$ CHARGES"),
    Box(41, 59, 42, 62, "G. DAYS|OR UNITS"),
    Box(41, 63, 42, 64, "H.|EPSDT"),
    Box(41, 65, 42, 67, "I. ID.|QUAL."),
    Box(41, 68, 42, 79, "J.|RENDERING PROVIDER ID. #"),
    # The six service lines: rules under the shaded rows (they cover them), the shaded rows,
    # then the rules of 24H, 24I and 24J, which run through the shaded rows too.
    *(Box(43, col, 54, col, rule=True) for col in BOX24_RULES),
    *(Box(41 + 2 * n, 1, 41 + 2 * n, 79, shaded=True) for n in range(1, LINES_PER_PAGE + 1)),
    *(Box(43, col, 54, col, rule=True) for col in (63, 65, 68)),
    Box(43, 1, 54, 79),
    Box(55, 1, 56, 22, "25. FEDERAL TAX I.D. NUMBER"),
    Box(55, 23, 56, 35, "26. PATIENT'S ACCOUNT NO."),
    Box(55, 36, 56, 49, "27. ACCEPT ASSIGNMENT?"),
    Box(55, 50, 56, 61, "28. TOTAL CHARGE"),
    Box(55, 62, 56, 71, "29. AMOUNT PAID"),
    Box(55, 72, 56, 79, "30. Rsvd for NUCC Use"),
    Box(
        57,
        1,
        61,
        22,
        "31. SIGNATURE OF PHYSICIAN OR SUPPLIER|INCLUDING DEGREES OR CREDENTIALS|(I certify "
        "that the statements on the reverse|apply to this bill and are made a part thereof.)",
    ),
    Box(57, 23, 60, 49, "32. SERVICE FACILITY LOCATION INFORMATION"),
    Box(57, 50, 60, 79, "33. BILLING PROVIDER INFO & PH #   ("),
    Box(61, 23, 61, 34, "a."),
    Box(61, 35, 61, 49, "b.", shaded=True),
    Box(61, 50, 61, 61, "a."),
    Box(61, 62, 61, 79, "b.", shaded=True),
)

FORM_CAPTIONS: tuple[Caption, ...] = (
    Caption(5.2, 1, "HEALTH INSURANCE CLAIM FORM", 11, bold=True),
    Caption(6.3, 1, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", 6),
    Caption(6.3, 72, "PICA", 6),
    Caption(1.3, 73, "CARRIER", 6, bold=True),
    Caption(7.35, 2, "MEDICARE"),
    Caption(7.35, 9, "MEDICAID"),
    Caption(7.35, 16, "TRICARE"),
    Caption(7.35, 25, "CHAMPVA"),
    Caption(7.05, 32, "GROUP"),
    Caption(7.55, 32, "HEALTH PLAN"),
    Caption(7.05, 40, "FECA"),
    Caption(7.55, 40, "BLK LUNG"),
    Caption(7.35, 46, "OTHER"),
    Caption(62.3, 1, "NUCC Instruction Manual available at: www.nucc.org", 6),
    Caption(62.3, 33, "PLEASE PRINT OR TYPE", 7, bold=True),
    Caption(62.3, 56, "APPROVED OMB-0938-1197 FORM 1500 (02-12)", 6),
    Caption(8.25, 2.2, "(Medicare#)"),
    Caption(8.25, 9.2, "(Medicaid#)"),
    Caption(8.25, 16.2, "(ID#/DoD#)"),
    Caption(8.25, 25.2, "(Member ID#)"),
    Caption(8.25, 32.2, "(ID#)"),
    Caption(8.25, 40.2, "(ID#)"),
    Caption(8.25, 46.2, "(ID#)"),
    Caption(10.25, 41.9, "M"),
    Caption(10.25, 45.9, "F"),
    Caption(12.25, 30.3, "Self"),
    Caption(12.25, 34.6, "Spouse"),
    Caption(12.25, 39.6, "Child"),
    Caption(12.25, 44.5, "Other"),
    *(Caption(line + 0.25, 36.2, "YES") for line in (20, 22, 24)),
    *(Caption(line + 0.25, 42.2, "NO") for line in (20, 22, 24)),
    Caption(20.25, 66.6, "M"),
    Caption(20.25, 73.6, "F"),
    Caption(26.25, 53.2, "YES"),
    Caption(26.25, 58.2, "NO"),
    Caption(29.25, 1.2, "SIGNED"),
    Caption(29.25, 31, "DATE"),
    Caption(29.25, 50.2, "SIGNED"),
    Caption(37.6, 40, "ICD Ind."),
    *(
        Caption(38.25 + index // 4, 1.2 + 12 * (index % 4), f"{letter}.")
        for index, letter in enumerate("ABCDEFGHIJKL")
    ),
    *(Caption(44.25 + 2 * (n - 1), -0.8, str(n), 8, bold=True) for n in range(1, 7)),
    *(Caption(44.25 + 2 * (n - 1), 65.4, "NPI") for n in range(1, 7)),
    Caption(55.6, 16.8, "SSN"),
    Caption(55.6, 18.8, "EIN"),
    Caption(56.25, 39.2, "YES"),
    Caption(56.25, 44.2, "NO"),
    Caption(56.25, 50.2, "$"),
    Caption(56.25, 62.2, "$"),
    Caption(61.25, 1.2, "SIGNED"),
    Caption(61.25, 12, "DATE"),
    Caption(57.1, 69.1, ")"),
)

# The check boxes the drawn form has: the single-character fields that take an X.
CHECK_BOXES = tuple(
    key
    for key in LAYOUT
    if key.startswith(("1-", "3-m", "3-f", "6-", "10a-", "10b-y", "10b-n", "10c-", "11a-m"))
    or key in {"11a-f", "11d-yes", "11d-no", "25-ssn", "25-ein", "27-yes", "27-no"}
)


# --- the PDF --------------------------------------------------------------------------------


def _pt(value: float) -> str:
    return f"{value:.2f}pt"


GRID_LINES = 66
GRID_COLUMNS = int((PAGE_WIDTH_PT - LEFT) / COLUMN_PT)  # 82: from column 1 to the paper's edge


def page_text(page: dict[str, str]) -> str:
    """The page's data as the print grid itself: 66 lines, each value at its line and column.

    Values are already cut to their fields; two values never share a character.
    """
    grid = [[" "] * GRID_COLUMNS for _ in range(GRID_LINES)]
    for key, text in page.items():
        field = LAYOUT[key]
        row = grid[field.line - 1]
        for offset, char in enumerate(text[: field.width]):
            column = field.col - 1 + offset
            if char != " " and row[column] != " ":
                raise Cms1500Error(f"box {key} overlaps another value at line {field.line}")
            if char != " ":
                row[column] = char
    return "\n".join("".join(row).rstrip() for row in grid).rstrip("\n")


def _x(col: float) -> float:
    return LEFT + (col - 1) * COLUMN_PT


def _y(line: float) -> float:
    return TOP + (line - 1) * LINE_PT


def _form_items() -> dict[str, list[dict[str, Any]]]:
    boxes = []
    for box in FORM_BOXES:
        left, top = _x(box.left), _y(box.top)
        width, height = _x(box.right + 1) - left, _y(box.bottom + 1) - top
        boxes.append(
            {
                "title": box.title.replace("|", "\n"),
                "kind": "rule" if box.rule else "shaded" if box.shaded else "",
                "style": f"left:{_pt(left)};top:{_pt(top)};height:{_pt(height)}"
                + ("" if box.rule else f";width:{_pt(width)}"),
            }
        )
    captions = [
        {
            "text": caption.text,
            "bold": caption.bold,
            "style": f"left:{_pt(_x(caption.col))};top:{_pt(_y(caption.line))};"
            f"font-size:{caption.size}pt",
        }
        for caption in FORM_CAPTIONS
    ]
    checks = []
    for key in CHECK_BOXES:
        left, top, right, bottom = LAYOUT[key].rect()
        checks.append(
            {
                "style": f"left:{_pt(left)};top:{_pt(top + 2)};"
                f"width:{_pt(right - left)};height:{_pt(bottom - top - 3)}"
            }
        )
    return {"boxes": boxes, "captions": captions, "checks": checks}


_form_cache: dict[str, list[dict[str, Any]]] | None = None


def _drawn_form() -> dict[str, list[dict[str, Any]]]:
    global _form_cache
    if _form_cache is None:
        _form_cache = _form_items()
    return _form_cache


def cms1500_html(claims: Sequence[Claim], *, printed_form: bool) -> str:
    """The HTML the PDF is made from: one ``.page`` per page of every claim, in order."""
    from django.template.loader import render_to_string

    pages = [
        {
            "claim": claim.control_number,
            "number": number,
            "of": len(claim_pages_),
            "text": page_text(page),
        }
        for claim in claims
        for claim_pages_ in (claim_pages(claim),)
        for number, page in enumerate(claim_pages_, 1)
    ]
    return render_to_string(
        "billing/cms1500/claims.html",
        {
            "pages": pages,
            "form": None if printed_form else _drawn_form(),
            "printed_form": printed_form,
            "title": "CMS-1500 claims"
            if len(claims) != 1
            else f"CMS-1500 claim {claims[0].control_number}",
            "font_size": FONT_PT,
            "letter_spacing": LETTER_SPACING_PT,
            "line_height": LINE_PT,
            "ink": INK,
            "data_style": f"left:{_pt(LEFT)};top:{_pt(TOP)};"
            f"width:{_pt(GRID_COLUMNS * COLUMN_PT)};height:{_pt(GRID_LINES * LINE_PT)}",
        },
    )


_render_lock = threading.Lock()
_renderer: Any = None


def _current_renderer() -> Any:
    global _renderer
    if _renderer is None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        _renderer = (FontConfiguration(), URLFetcher(allowed_protocols=frozenset()))
    return _renderer


def render_cms1500(claims: list[Claim], *, printed_form: bool) -> bytes:
    """The claims' CMS-1500 pages as one PDF: data only (``printed_form``) or with the form."""
    if not claims:
        raise Cms1500Error("no claim to print")
    html = cms1500_html(claims, printed_form=printed_form)
    from weasyprint import HTML

    with _render_lock:
        font_config, fetcher = _current_renderer()
        document = HTML(string=html, url_fetcher=fetcher).render(font_config=font_config)
        return bytes(document.write_pdf())
