"""The drawing of the plain-paper form: box outlines, numbers, titles and check boxes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medoffice.billing.cms1500.layout import COLUMN_PT, LAYOUT, LEFT, LINE_PT, LINES_PER_PAGE, TOP

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
    Caption(36.25, 53.2, "YES"),
    Caption(36.25, 58.2, "NO"),
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
    or key
    in {"11a-f", "11d-yes", "11d-no", "20-yes", "20-no", "25-ssn", "25-ein", "27-yes", "27-no"}
)


def pt(value: float) -> str:
    return f"{value:.2f}pt"


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
                "style": f"left:{pt(left)};top:{pt(top)};height:{pt(height)}"
                + ("" if box.rule else f";width:{pt(width)}"),
            }
        )
    captions = [
        {
            "text": caption.text,
            "bold": caption.bold,
            "style": f"left:{pt(_x(caption.col))};top:{pt(_y(caption.line))};"
            f"font-size:{caption.size}pt",
        }
        for caption in FORM_CAPTIONS
    ]
    checks = []
    for key in CHECK_BOXES:
        left, top, right, bottom = LAYOUT[key].rect()
        checks.append(
            {
                "style": f"left:{pt(left)};top:{pt(top + 2)};"
                f"width:{pt(right - left)};height:{pt(bottom - top - 3)}"
            }
        )
    return {"boxes": boxes, "captions": captions, "checks": checks}


_form_cache: dict[str, list[dict[str, Any]]] | None = None


def drawn_form() -> dict[str, list[dict[str, Any]]]:
    global _form_cache
    if _form_cache is None:
        _form_cache = _form_items()
    return _form_cache
