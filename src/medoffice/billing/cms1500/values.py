"""The text of each page of a claim: every value from the crosswalk, formatted the NUCC way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from medoffice.billing.cms1500.layout import (
    COLUMN_PT,
    ICD10_INDICATOR,
    LAYOUT,
    LEFT,
    LINES_PER_PAGE,
    PAGE_WIDTH_PT,
    Cms1500Error,
)
from medoffice.x12 import crosswalk as xw
from medoffice.x12.claims import Address, Claim, Payer, Person, Provider
from medoffice.x12.writer import text as x12_text

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


def _put_phone(page: dict[str, str], box: str, phone: object) -> None:
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) == 10:
        _put(page, f"{box}-phone-area", digits[:3])
        _put(page, f"{box}-phone", digits[3:])


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
    _put_phone(page, "5", v["5-phone"])
    _put(page, RELATIONSHIP.get(str(v["6"]), "6-other"), X)
    _put_address(page, "7", v["7"])
    _put_phone(page, "7", v["7-phone"])

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
    if v["11b"]:
        _put(page, "11b-qual", str(v["11b-qual"]))
        _put(page, "11b", paper_text(str(v["11b"])))
    _put(page, "11c", paper_text(str(v["11c"])))
    _put(page, "11d-yes" if v["11d"] else "11d-no", X)

    if v["12"] == "Y":
        _put(page, "12", "SIGNATURE ON FILE")
    if v["13"] is True:
        _put(page, "13", "SIGNATURE ON FILE")
    if isinstance(v["14"], dt.date):
        _put_date(page, "14", v["14"], short_year=False)
        _put(page, "14-qual", "431")  # onset of current symptoms or illness
    if isinstance(v["15"], dt.date):
        _put(page, "15-qual", str(v["15-qual"]))
        _put_date(page, "15", v["15"], short_year=False)
    _put_date(page, "16-from", v["16-from"], short_year=False)
    _put_date(page, "16-to", v["16-to"], short_year=False)
    referring = v["17"]
    if isinstance(referring, Provider):
        _put(page, "17-qual", str(v["17-qual"]))  # DN referring, DK ordering, DQ supervising
        _put(page, "17", provider_name(referring, LAYOUT["17"].width))
        _put(page, "17b", str(v["17b"]))
    _put_date(page, "18-from", v["18-from"], short_year=False)
    _put_date(page, "18-to", v["18-to"], short_year=False)
    _put(page, "19", paper_text(str(v["19"])))
    if v["20"] is True:
        _put(page, "20-yes", X)
        _put_money(page, "20", v["20-charges"], f"{name} box 20")
    else:
        _put(page, "20-no", X)

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
    if line["24C"] is True:
        put("24C", "Y")
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
    if line["24H-epsdt"] is True:  # NUCC: EPSDT in the shaded part, family planning below
        put("24H-epsdt", "Y")
    if line["24H-family"] is True:
        put("24H", "Y")
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
