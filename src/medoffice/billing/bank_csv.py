"""A bank's deposit file (CSV) read into plain rows: pure module, no Django.

The file has a header row naming at least ``date``, ``amount`` and ``reference`` (in any
order, any case; ``check number``/``check_number`` and ``method`` are optional). Dates are
``YYYY-MM-DD`` or ``MM/DD/YYYY``; amounts as people write them (``core.money``), above
zero (a debit is not a deposit). Every bad row is reported, naming its row number (the
header is row 1) and the column; the caller imports nothing when there is one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from medoffice.core.money import MoneyError, parse_money

MAXIMUM = Decimal("99999999.99")
MAX_ROWS = 5000
METHODS = {"check": "check", "eft": "eft", "ach": "ach", "": ""}
_HEADERS = {
    "date": "date",
    "deposit date": "date",
    "amount": "amount",
    "reference": "reference",
    "trace": "reference",
    "check number": "check_number",
    "check_number": "check_number",
    "check": "check_number",
    "method": "method",
}
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class BankRow:
    row: int
    deposit_date: dt.date
    amount: Decimal
    reference: str
    check_number: str
    method: str  # "" when the file does not say


def read_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a plain date)
        except ValueError:
            continue
    raise ValueError("a date as YYYY-MM-DD or MM/DD/YYYY")


def _clean_text(value: str, limit: int) -> str:
    value = value.strip()
    if "\x00" in value or not value.isprintable():
        raise ValueError("printable characters only")
    if len(value) > limit:
        raise ValueError(f"at most {limit} characters")
    return value


def parse_bank_csv(text: str, *, latest: dt.date) -> tuple[list[BankRow], list[str]]:
    """(rows, errors): each error names its row and column; no rows are trusted when there
    are errors. ``latest`` is the last date a deposit may have (today)."""
    errors: list[str] = []
    if "\x00" in text:
        return [], ["The file holds NUL characters: is it a CSV file?"]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["The file is empty: it needs a header row (date, amount, reference)."]
    except csv.Error as exc:
        return [], [f"Row 1: not CSV ({exc})."]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _HEADERS.get(name.strip().lower())
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in ("date", "amount", "reference") if c not in columns]
    if missing:
        return [], [f"Row 1: the header has no column {', '.join(missing)}."]
    rows: list[BankRow] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(f"The file has more than {MAX_ROWS} rows: split it.")
                break
            problems: list[str] = []

            def cell(key: str, cells: list[str] = cells) -> str:
                index = columns.get(key)
                return cells[index] if index is not None and index < len(cells) else ""

            day: dt.date | None = None
            try:
                day = read_date(cell("date"))
                if not EARLIEST <= day <= latest:
                    problems.append(
                        f"date {day.isoformat()} is not between {EARLIEST.isoformat()} and today"
                    )
                    day = None
            except ValueError as exc:
                problems.append(f"date {cell('date')[:20]!r}: expected {exc}")
            amount: Decimal | None = None
            try:
                amount = parse_money(cell("amount").strip(), maximum=MAXIMUM)
            except MoneyError as exc:
                problems.append(f"amount {cell('amount')[:20]!r}: {exc}")
            texts: dict[str, str] = {}
            for key, limit in (("reference", 50), ("check_number", 30), ("method", 5)):
                try:
                    texts[key] = _clean_text(cell(key), limit)
                except ValueError as exc:
                    problems.append(f"{key.replace('_', ' ')}: {exc}")
            method = texts.get("method", "").lower()
            if method not in METHODS:
                problems.append(f"method {method[:10]!r}: check, EFT or ACH")
            if not texts.get("reference") and not texts.get("check_number"):
                problems.append("reference: enter the bank's reference or the check number")
            if problems or day is None or amount is None:
                errors.append(f"Row {number}: " + "; ".join(problems) + ".")
                continue
            rows.append(
                BankRow(
                    row=number,
                    deposit_date=day,
                    amount=amount,
                    reference=texts["reference"],
                    check_number=texts["check_number"],
                    method=METHODS[method],
                )
            )
    except csv.Error as exc:
        errors.append(f"Row {number}: not CSV ({exc}).")
    if not rows and not errors:
        errors.append("The file has a header but no deposit.")
    return rows, errors
