"""Patient search terms. Pure module: no Django import.

A query such as "smi jo", "jo smi", "1970-04-02", "M0100123", "413 555 0123" or a
member ID is split into terms; each term is classified so the selector can use an
index for it (name prefixes on the folded name columns, exact dates, MRN
prefixes, phone digits).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
_MRN_RE = re.compile(r"^m\d{3,}$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "O'Brien-Núñez" → "obriennunez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)
    ).lower()


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass
class SearchTerms:
    names: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    mrn: str | None = None
    phone_digits: str | None = None
    identifier: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.dates or self.mrn or self.phone_digits or self.identifier)


def kinds(terms: SearchTerms) -> str:
    """What a search looked for, not what was typed: "name, date of birth".

    The audit log records this instead of the query, whose text (a phone number, a
    member ID, a name with a birth date) would be patient data in the log itself.
    """
    parts = [
        label
        for label, present in (
            ("name", terms.names),
            ("date of birth", terms.dates),
            ("MRN", terms.mrn),
            ("phone", terms.phone_digits),
            ("member ID", terms.identifier),
        )
        if present
    ]
    return ", ".join(parts) or "no terms"


def parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def parse(query: str) -> SearchTerms:
    terms = SearchTerms()
    raw = query.strip()
    digits = re.sub(r"\D", "", raw)
    if raw and re.fullmatch(r"[\d\s().+-]+", raw) and len(digits) >= 7 and parse_date(raw) is None:
        terms.phone_digits = digits[-10:]
        return terms
    for word in raw.replace(",", " ").split():
        born = parse_date(word)
        if born is not None:
            terms.dates.append(born)
        elif _MRN_RE.match(word):
            terms.mrn = word.upper()
        elif any(ch.isdigit() for ch in word):
            terms.identifier = word
        else:
            folded = fold(word)
            if folded:
                terms.names.append(folded)
    return terms
