"""Reading reference files: procedure codes, NCCI edits (PTP, MUE, add-on) and fee schedules.

Pure module (no Django). A file (CSV, tab-delimited TXT or XLSX) becomes rows of cells;
the header row is found among the first lines (CMS's files open with a few lines of
copyright and preamble); each row is read into a plain value or into the problems that
name its row number (as a spreadsheet numbers it), its column and what is wrong.
``billing.services.imports`` writes what this module reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from medoffice.core.bounds import EARLIEST_DATE, LATEST_DATE
from medoffice.core.inputs import parse_date
from medoffice.core.money import MoneyError, parse_money

T = TypeVar("T")
HEADER_SEARCH_ROWS = 30
MAX_UNITS = 99_999
MAX_FEE = Decimal("99999999.99")  # FeeScheduleEntry.amount: ten digits, two decimals

CPT_CODE = re.compile(r"\d{4}[0-9FTU]", re.ASCII)
HCPCS_CODE = re.compile(r"[A-V]\d{4}", re.ASCII)
ANY_CODE = re.compile(r"[A-Z0-9]{5}", re.ASCII)
MODIFIER_CODE = re.compile(r"[A-Z0-9]{2}", re.ASCII)
NOC_WORDS = re.compile(r"not otherwise (classified|specified)|unlisted|\bnoc\b|\bnos\b", re.I)
YES = {"y", "yes", "true", "1", "x"}
NO = {"n", "no", "false", "0", ""}
# "No end" as CMS and spreadsheets write it.
NO_END = {"", "*", "99991231", "9999-12-31", "12/31/9999"}


class FileProblem(ValueError):
    """A file that cannot be read at all; ``str()`` says why, for the whole file."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class RowErrors(ValueError):
    """Every problem of one row, so the report names them all at once."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class _Cells:
    """Reads a row's cells one by one, keeping each cell's problem instead of stopping."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def take(self, fallback: T, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return read(*args, **kwargs)
        except RowError as exc:
            self.errors.append(exc)
            return fallback

    def check(self, ok: bool, column: str, message: str) -> None:
        if not ok:
            self.errors.append(RowError(column, message))

    def done(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


# --- the rows' values ----------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    short_description: str
    description: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    is_not_otherwise_classified: bool
    requires_ndc: bool

    @property
    def key(self) -> tuple[str, ...]:
        return (self.code,)


@dataclass(frozen=True)
class PtpRow:
    column1: str
    column2: str
    effective_from: dt.date
    deleted_on: dt.date | None
    modifier_indicator: str
    rationale: str

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.column1, self.column2, self.effective_from)


@dataclass(frozen=True)
class MueRow:
    code: str
    units: int
    adjudication: str
    rationale: str
    effective_from: dt.date | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.code, self.effective_from)


@dataclass(frozen=True)
class AddOnRow:
    addon: str
    primary: str
    edit_type: int
    effective_from: dt.date
    deleted_on: dt.date | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.addon, self.primary, self.effective_from)


@dataclass(frozen=True)
class FeeRow:
    code: str
    modifier: str
    amount: Decimal
    effective_from: dt.date
    effective_to: dt.date | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.code, self.modifier, self.effective_from)


# --- columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the name the report uses
    aliases: tuple[str, ...]  # normalised header words that name it (contained in the cell)
    required: bool = True


@dataclass(frozen=True)
class Spec:
    what: str
    columns: tuple[Column, ...]
    read: Callable[[dict[str, str], dt.date], Any]
    exact: bool = False  # headers must be exactly the names (our own CSV format)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def normalise(header: str) -> str:
    """ "Deletion Date *=no data" → "deletion date no data"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def match_header(cells: list[str], spec: Spec) -> dict[str, int] | None:
    """Column name → index when ``cells`` is the spec's header row, else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = normalise(cell)
        if not text:
            continue
        for column in spec.columns:
            if column.name in found:
                continue
            if spec.exact:
                hit = text in column.aliases
            else:
                hit = any(
                    alias == text or re.search(rf"(^| ){re.escape(alias)}( |$)", text)
                    for alias in column.aliases
                )
            if hit:
                found[column.name] = index
                break
    if all(name in found for name in spec.required):
        return found
    return None


# --- cells ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_code(value: str, column: str, pattern: re.Pattern[str] = ANY_CODE, what: str = "") -> str:
    code = value.strip().upper()
    if not code:
        raise RowError(column, "The code is missing.")
    if pattern.fullmatch(code) is None:
        kind = what or "procedure code"
        raise RowError(column, f"“{value[:20]}” is not a {kind} (five letters or digits).")
    return code


def read_day(value: str, column: str, *, required: bool, today: dt.date) -> dt.date | None:
    """YYYYMMDD (CMS), YYYY-MM-DD or MM/DD/YYYY; '*', empty or 9999-12-31 when optional
    mean "none"."""
    text = value.strip()
    if not required and text in NO_END:
        return None
    if not text:
        raise RowError(column, "The date is missing.")
    try:
        if re.fullmatch(r"\d{8}", text, re.ASCII):
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            day = parse_date(text, today=today)
    except ValueError:
        raise RowError(
            column, f"“{text[:20]}” is not a date (YYYYMMDD, YYYY-MM-DD or MM/DD/YYYY)."
        ) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise RowError(
            column,
            f"{day.isoformat()} is outside {EARLIEST_DATE.year}–{LATEST_DATE.year}; "
            "check the year.",
        )
    return day


def read_flag(value: str, column: str, default: bool) -> bool:
    text = value.strip().lower()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowError(column, f"“{value[:20]}” is not yes or no (Y/N).")


def read_text(value: str, column: str, limit: int, *, required: bool = False) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise RowError(column, "This is missing.")
    if "\x00" in text:
        raise RowError(column, "The text holds a NUL character.")
    if len(text) > limit:
        raise RowError(column, f"This is longer than {limit} characters ({len(text)}).")
    return text


def _in_order(start: dt.date | None, end: dt.date | None, column: str) -> None:
    if start is not None and end is not None and end < start:
        raise RowError(column, f"{end.isoformat()} is before the start {start.isoformat()}.")


# --- one reader per kind of file -------------------------------------------------------


def _procedure(code_set: str) -> Callable[[dict[str, str], dt.date], ProcedureRow]:
    pattern, what = (CPT_CODE, "CPT code") if code_set == "cpt" else (HCPCS_CODE, "HCPCS code")

    def read(row: dict[str, str], today: dt.date) -> ProcedureRow:
        cells = _Cells()
        code = cells.take("", read_code, row["code"], "code", pattern, what)
        short = cells.take(
            "", read_text, row["short description"], "short description", 60, required=True
        )
        long = cells.take("", read_text, row.get("long description", ""), "long description", 2000)
        start = _optional_day(cells, row, "effective date", today)
        end = _optional_day(cells, row, "termination date", today)
        cells.take(None, _in_order, start, end, "termination date")
        words = f"{short} {long}"
        noc = cells.take(False, read_flag, row.get("noc", ""), "noc", bool(NOC_WORDS.search(words)))
        ndc = cells.take(
            False, read_flag, row.get("requires ndc", ""), "requires ndc", code.startswith("J")
        )
        cells.done()
        return ProcedureRow(code, short, long, start, end, noc, ndc)

    return read


def _optional_day(
    cells: _Cells, row: dict[str, str], column: str, today: dt.date
) -> dt.date | None:
    return cells.take(None, read_day, row.get(column, ""), column, required=False, today=today)


def _dates(
    cells: _Cells, row: dict[str, str], today: dt.date, start_column: str, end_column: str
) -> tuple[dt.date, dt.date | None]:
    """A required start and an optional end, in order (the start is a stand-in on a problem)."""
    start = cells.take(None, read_day, row[start_column], start_column, required=True, today=today)
    end = _optional_day(cells, row, end_column, today)
    cells.take(None, _in_order, start, end, end_column)
    return start or EARLIEST_DATE, end


def _ptp(row: dict[str, str], today: dt.date) -> PtpRow:
    cells = _Cells()
    first = cells.take("", read_code, row["column 1"], "column 1")
    second = cells.take("", read_code, row["column 2"], "column 2")
    cells.check(not first or first != second, "column 2", "Column 2 is the same code as column 1.")
    start, end = _dates(cells, row, today, "effective date", "deletion date")
    indicator = row["modifier indicator"].strip()
    cells.check(
        indicator in {"0", "1", "9"},
        "modifier indicator",
        f"“{indicator[:20]}” is not 0, 1 or 9.",
    )
    rationale = cells.take("", read_text, row.get("rationale", ""), "rationale", 200)
    cells.done()
    return PtpRow(first, second, start, end, indicator, rationale)


def _units(value: str, column: str) -> int:
    text = value.strip().replace(",", "")
    if not re.fullmatch(r"\d{1,9}", text, re.ASCII):
        raise RowError(column, f"“{value[:20]}” is not a whole number of units.")
    units = int(text)
    if units > MAX_UNITS:
        raise RowError(column, f"{units} units is more than {MAX_UNITS:,}; check the file.")
    return units


def _mue(row: dict[str, str], today: dt.date) -> MueRow:
    cells = _Cells()
    code = cells.take("", read_code, row["code"], "code")
    units = cells.take(0, _units, row["mue value"], "mue value")
    indicator = row["adjudication indicator"].strip()
    cells.check(
        bool(indicator)
        and indicator[0] in "123"
        and not (len(indicator) > 1 and indicator[1].isdigit()),
        "adjudication indicator",
        f"“{indicator[:30]}” does not start with 1, 2 or 3 "
        "(e.g. “2 Date of Service Edit: Policy”).",
    )
    rationale = cells.take("", read_text, row.get("rationale", ""), "rationale", 200)
    start = _optional_day(cells, row, "effective date", today)
    cells.done()
    return MueRow(code, units, indicator[0], rationale, start)


def _addon(row: dict[str, str], today: dt.date) -> AddOnRow:
    cells = _Cells()
    addon = cells.take("", read_code, row["add-on code"], "add-on code")
    primary = cells.take("", read_code, row["primary code"], "primary code")
    text = row.get("edit type", "").strip() or "1"
    cells.check(text in {"1", "2", "3"}, "edit type", f"“{text[:20]}” is not 1, 2 or 3.")
    start, end = _dates(cells, row, today, "effective date", "deletion date")
    cells.done()
    return AddOnRow(addon, primary, int(text), start, end)


def _money(value: str, column: str) -> Decimal:
    try:
        return parse_money(value, maximum=MAX_FEE, allow_zero=True)
    except MoneyError as exc:
        raise RowError(column, str(exc)) from None


def _fee(row: dict[str, str], today: dt.date) -> FeeRow:
    cells = _Cells()
    code = cells.take("", read_code, row["code"], "code")
    modifier = row.get("modifier", "").strip().upper()
    cells.check(
        not modifier or MODIFIER_CODE.fullmatch(modifier) is not None,
        "modifier",
        f"“{modifier[:20]}” is not a modifier (two letters or digits).",
    )
    amount = cells.take(Decimal(0), _money, row["amount"], "amount")
    start, end = _dates(cells, row, today, "effective_from", "effective_to")
    cells.done()
    return FeeRow(code, modifier, amount, start, end)


PROCEDURE_COLUMNS = (
    Column("code", ("hcpcs cpt code", "hcpcs code", "cpt code", "hcpc", "hcpcs", "cpt", "code")),
    Column("short description", ("short description", "short desc", "short descriptor")),
    Column(
        "long description",
        ("long description", "long desc", "long descriptor", "description"),
        required=False,
    ),
    Column("effective date", ("effective date", "add date", "effective", "start date"), False),
    Column("termination date", ("termination date", "term date", "end date", "termination"), False),
    Column("noc", ("noc", "not otherwise classified"), required=False),
    Column("requires ndc", ("requires ndc", "ndc"), required=False),
)

SPECS: dict[str, Spec] = {
    "cpt": Spec("CPT codes", PROCEDURE_COLUMNS, _procedure("cpt")),
    "hcpcs": Spec("HCPCS Level II codes", PROCEDURE_COLUMNS, _procedure("hcpcs")),
    "ptp": Spec(
        "NCCI PTP edits",
        (
            Column("column 1", ("column 1", "column1")),
            Column("column 2", ("column 2", "column2")),
            Column("prior 1996", ("prior to 1996",), required=False),
            Column("effective date", ("effective date", "effective")),
            Column("deletion date", ("deletion date", "deletion"), required=False),
            Column("modifier indicator", ("modifier indicator", "modifier")),
            Column("rationale", ("rationale",), required=False),
        ),
        _ptp,
    ),
    "mue": Spec(
        "NCCI MUEs",
        (
            Column("code", ("hcpcs cpt code", "hcpcs code", "cpt code", "code")),
            Column("mue value", ("mue values", "mue value", "units")),
            Column("adjudication indicator", ("adjudication indicator", "adjudication", "mai")),
            Column("rationale", ("rationale",), required=False),
            Column("effective date", ("effective date", "effective"), required=False),
        ),
        _mue,
    ),
    "addon": Spec(
        "NCCI add-on code edits",
        (
            Column("add-on code", ("add on code", "addon code", "aoc")),
            Column("primary code", ("primary code", "primary")),
            Column("edit type", ("aoc edit type", "edit type"), required=False),
            Column("effective date", ("effective date", "effective")),
            Column("deletion date", ("deletion date", "deletion"), required=False),
        ),
        _addon,
    ),
    "fees": Spec(
        "fee schedule entries",
        (
            Column("code", ("code",)),
            Column("modifier", ("modifier",), required=False),
            Column("amount", ("amount",)),
            Column("effective_from", ("effective from",)),
            Column("effective_to", ("effective to",), required=False),
        ),
        _fee,
        exact=True,
    ),
}
FEE_COLUMNS = ["code", "modifier", "amount", "effective_from", "effective_to"]


# --- files ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    import openpyxl  # type: ignore[import-untyped]  # no stubs installed

    # openpyxl raises many kinds of error on a damaged workbook: each is "cannot be read".
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem("The file is not a spreadsheet (XLSX) that can be read.") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise FileProblem("The spreadsheet (XLSX) is damaged and cannot be read.") from exc
            yield [_text(v) for v in values]
    finally:
        book.close()


def _text_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:4096]:
        raise FileProblem("The file is not text (CSV or tab-delimited TXT) nor XLSX.")
    text = _decode(data)
    head = text[:8192]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield [c.strip() for c in cells]
    except csv.Error as exc:
        raise FileProblem(
            f"The file cannot be read as {'tab-delimited text' if delimiter == chr(9) else 'CSV'}: {exc}."
        ) from exc


def file_rows(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """Each row of the file as its cells' text: XLSX (by name or by its zip signature),
    else CSV or tab-delimited text (whichever the first lines use more)."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    return _text_rows(data)


@dataclass
class ReadResult:
    """The good rows (with their row numbers) and the problems of a file."""

    rows: list[tuple[int, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    header_row: int = 0


def read_file(kind: str, data: bytes, filename: str = "", *, today: dt.date) -> ReadResult:
    """Every row of a ``kind`` file (see ``SPECS``) read, the bad ones named.

    Raises ``FileProblem`` when the file is empty, unreadable or has no header row. A row
    whose key (code; pair and date…) repeats an earlier row's is a problem of that row.
    """
    spec = SPECS[kind]
    if not data or not data.strip():
        raise FileProblem("The file is empty.")
    result = ReadResult()
    columns: dict[str, int] | None = None
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in enumerate(file_rows(data, filename), start=1):
        if columns is None:
            if number > HEADER_SEARCH_ROWS:
                break
            columns = match_header(cells, spec)
            if columns is not None:
                result.header_row = number
            continue
        if not any(cells):
            continue
        result.rows_read += 1
        row = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        try:
            value = spec.read(row, today)
        except RowErrors as exc:
            result.problems += [RowProblem(number, e.column, e.message) for e in exc.errors]
            continue
        except RowError as exc:
            result.problems.append(RowProblem(number, exc.column, exc.message))
            continue
        if value.key in seen:
            result.problems.append(
                RowProblem(number, spec.columns[0].name, f"Repeats row {seen[value.key]}.")
            )
            continue
        seen[value.key] = number
        result.rows.append((number, value))
    if columns is None:
        raise FileProblem(
            f"No header row found in the first {HEADER_SEARCH_ROWS} lines: a file of "
            f"{spec.what} needs the columns {', '.join(spec.required)}."
        )
    if result.rows_read == 0:
        raise FileProblem("The file has a header row but no rows under it.")
    return result


def overlapping_fees(rows: list[tuple[int, FeeRow]]) -> list[RowProblem]:
    """Rows of one file whose dates overlap an earlier row's for the same code and modifier."""
    problems: list[RowProblem] = []
    by_key: dict[tuple[str, str], list[tuple[int, FeeRow]]] = {}
    for number, row in rows:
        for other_number, other in by_key.get((row.code, row.modifier), []):
            if ranges_overlap(
                row.effective_from, row.effective_to, other.effective_from, other.effective_to
            ):
                problems.append(
                    RowProblem(
                        number,
                        "effective_from",
                        f"Its dates overlap row {other_number} for {row.code}"
                        f"{'-' + row.modifier if row.modifier else ''}.",
                    )
                )
                break
        else:
            by_key.setdefault((row.code, row.modifier), []).append((number, row))
    return problems


def ranges_overlap(
    start1: dt.date, end1: dt.date | None, start2: dt.date, end2: dt.date | None
) -> bool:
    """Whether two date ranges (ends included; None: open) share a day."""
    return (end2 is None or start1 <= end2) and (end1 is None or start2 <= end1)
