"""The CMS-1500 (02/12) print grid and where each value goes on it (see the package's doc)."""

from __future__ import annotations

from dataclasses import dataclass

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
        "24C": Field(line, 23, 1),
        "24D": Field(line, 25, 6),
        "24D-mod1": Field(line, 32, 2),
        "24D-mod2": Field(line, 35, 2),
        "24D-mod3": Field(line, 38, 2),
        "24D-mod4": Field(line, 41, 2),
        "24E": Field(line, 45, 4),
        "24F-dollars": Field(line, 50, 5, right=True),
        "24F-cents": Field(line, 56, 2),
        "24G": Field(line, 59, 3, right=True),
        "24H-epsdt": Field(line - 1, 64, 1),  # the shaded part: EPSDT
        "24H": Field(line, 64, 1),  # the unshaded part: family planning
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
    "5-phone-area": Field(16, 16, 3),
    "5-phone": Field(16, 21, 7),
    "7-zip": Field(16, 50, 12),
    "7-phone-area": Field(16, 66, 3),
    "7-phone": Field(16, 71, 7),
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
    "11b-qual": Field(22, 50, 2),
    "11b": Field(22, 53, 26),
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
    "15-qual": Field(32, 31, 3),
    "15-mm": Field(32, 36, 2),
    "15-dd": Field(32, 39, 2),
    "15-yyyy": Field(32, 42, 4),
    "16-from-mm": Field(32, 53, 2),
    "16-from-dd": Field(32, 56, 2),
    "16-from-yyyy": Field(32, 59, 4),
    "16-to-mm": Field(32, 67, 2),
    "16-to-dd": Field(32, 70, 2),
    "16-to-yyyy": Field(32, 73, 4),
    "17-qual": Field(34, 1, 2),
    "17": Field(34, 4, 25),
    "17b": Field(34, 33, 10),
    "18-from-mm": Field(34, 53, 2),
    "18-from-dd": Field(34, 56, 2),
    "18-from-yyyy": Field(34, 59, 4),
    "18-to-mm": Field(34, 67, 2),
    "18-to-dd": Field(34, 70, 2),
    "18-to-yyyy": Field(34, 73, 4),
    "19": Field(36, 1, 48),
    "20-yes": Field(36, 52),
    "20-no": Field(36, 57),
    "20-dollars": Field(36, 62, 8, right=True),
    "20-cents": Field(36, 71, 2),
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
