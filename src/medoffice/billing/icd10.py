"""ICD-10-CM diagnosis codes: look-up, search, and the sex a code is specific to. Pure module.

Over the ``simple-icd-10-cm`` package (the CDC's release it ships). Codes are accepted with
or without the dot, in any case, with surrounding blanks; ``normalize`` gives the X12 form
(``E119``), ``display`` the printed form (``E11.9``). Only categories, subcategories and
codes count as codes: chapters ("1") and blocks ("E08-E13") are not.

The search index is built on first use and kept for the process: importing the package
parses the CDC's XML (2 to 5 seconds here), so web workers build it as they start
(``warm_up``, from ``gunicorn_conf``).
"""

from __future__ import annotations

import bisect
import gc
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import simple_icd_10_cm as _cm

_CODE_QUERY = re.compile(r"^[A-Z][0-9][0-9A-Z]{0,5}\Z", re.ASCII)
_WORD = re.compile(r"[a-z0-9]+", re.ASCII)


@dataclass(frozen=True)
class Diagnosis:
    """One code of the code set, as a search result."""

    code: str  # X12 form, no dot
    description: str
    billable: bool

    @property
    def display(self) -> str:
        return display(self.code)


def normalize(code: str) -> str:
    """The X12 form: upper case, no dot, no blanks (``" e11.9 "`` → ``"E119"``).

    It does not check the code exists (``is_known`` does).
    """
    return code.strip().replace(".", "").replace(" ", "").upper()


def display(code: str) -> str:
    """The printed form, with the dot after the category (``"E119"`` → ``"E11.9"``)."""
    plain = normalize(code)
    return plain if len(plain) <= 3 else f"{plain[:3]}.{plain[3:]}"


@dataclass(frozen=True)
class _Index:
    codes: dict[str, Diagnosis]  # every category, subcategory and code by X12 form
    sorted_codes: list[str]  # for prefix search
    # Entry ids are ranks: entries are sorted leaf first, then by description length, then
    # code, so the best matches of a word search are its smallest ids.
    entries: list[Diagnosis]
    spaced: list[str]  # " word word ..." of each entry's description, lower case
    tokens: list[str]  # sorted distinct words
    postings: dict[str, tuple[int, ...]]  # word → ids of the entries whose description has it


_index_lock = threading.Lock()
_built: list[_Index] = []


def _index() -> _Index:
    """The index, built once per process; a second thread asking meanwhile waits for it."""
    if _built:
        return _built[0]
    with _index_lock:
        if not _built:
            _built.append(_build_index())
            _spare_the_collector()
    return _built[0]


def _spare_the_collector() -> None:
    """Keep the garbage collector from walking the code set on every full collection.

    The package's parsed release and the index are about 700,000 objects that live as long
    as the process; each full collection walked them all (0.2 to 0.5 s, a batch of 4,000
    claims exported met one or two). Collected once, then moved to the collector's
    permanent generation (``gc.freeze``), they are never walked again.
    """
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Build the index now (the web server calls it as a worker starts, in the background,
    so the first diagnosis search does not wait for the code set to load)."""
    _index()


def _build_index() -> _Index:
    codes: dict[str, Diagnosis] = {}
    for code in _cm.get_all_codes(with_dots=False):
        if _cm.is_chapter_or_block(code):
            continue
        codes[code] = Diagnosis(code, _cm.get_description(code), _cm.is_leaf(code))
    entries = sorted(codes.values(), key=lambda d: (not d.billable, len(d.description), d.code))
    spaced: list[str] = []
    postings: dict[str, list[int]] = {}
    for number, entry in enumerate(entries):
        words = _WORD.findall(entry.description.lower())
        spaced.append(" " + " ".join(words))
        for word in set(words):
            postings.setdefault(word, []).append(number)
    return _Index(
        codes=codes,
        sorted_codes=sorted(codes),
        entries=entries,
        spaced=spaced,
        tokens=sorted(postings),
        postings={word: tuple(ids) for word, ids in postings.items()},
    )


def lookup(code: str) -> Diagnosis | None:
    """The code's entry, or None when the code set has no such code."""
    return _index().codes.get(normalize(code))


def is_known(code: str) -> bool:
    """The code exists in the code set (billable or a header such as ``E11``)."""
    return normalize(code) in _index().codes


def is_billable(code: str) -> bool:
    """The code is a leaf, the only kind a claim may carry (``E119`` yes, ``E11`` no)."""
    entry = _index().codes.get(normalize(code))
    return entry is not None and entry.billable


def describe(code: str) -> str | None:
    """The code's description, or None when the code is unknown."""
    entry = _index().codes.get(normalize(code))
    return entry.description if entry is not None else None


def search(text: str, limit: int = 20, *, billable_only: bool = True) -> list[Diagnosis]:
    """Codes matching ``text``, best first, at most ``limit``.

    A query that looks like a code (``e11``, ``E11.6``) matches codes starting with it,
    shortest code first. Otherwise, or as well, every word of the query must start a word
    of the description (``diab mell type 2``); leaf codes come first, then shorter
    descriptions. Header codes (``E11``) are left out unless ``billable_only`` is false.
    """
    if limit <= 0:
        return []
    index = _index()
    found: list[Diagnosis] = []
    seen: set[str] = set()
    plain = normalize(text)
    if _CODE_QUERY.match(plain):
        codes = index.sorted_codes
        start = bisect.bisect_left(codes, plain)
        stop = bisect.bisect_left(codes, plain + "\uffff", lo=start)
        matches: list[Diagnosis] = []
        for code in codes[start:stop]:
            entry = index.codes[code]
            if entry.billable or not billable_only:
                matches.append(entry)
        matches.sort(key=lambda d: (len(d.code), d.code))
        for entry in matches[:limit]:
            found.append(entry)
            seen.add(entry.code)
    if len(found) < limit:
        for entry in _word_matches(index, text, billable_only, limit + len(found)):
            if entry.code not in seen:
                found.append(entry)
                if len(found) == limit:
                    break
    return found


def _word_matches(index: _Index, text: str, billable_only: bool, limit: int) -> Iterator[Diagnosis]:
    words = set(_WORD.findall(text.lower()))
    if not words:
        return
    # Start from the word whose prefix range holds the fewest entries; check the others on
    # each candidate, in rank order, until ``limit`` are found.
    ranges = {word: _token_range(index, word) for word in words}
    sizes = {
        word: sum(len(index.postings[token]) for token in index.tokens[start:stop])
        for word, (start, stop) in ranges.items()
    }
    first = min(words, key=lambda word: (sizes[word], word))
    rest = [" " + word for word in words if word != first]
    start, stop = ranges[first]
    if stop - start == 1:
        candidates: Iterable[int] = index.postings[index.tokens[start]]
    else:
        merged: set[int] = set()
        for token in index.tokens[start:stop]:
            merged.update(index.postings[token])
        candidates = sorted(merged)
    found = 0
    for number in candidates:
        entry = index.entries[number]
        if billable_only and not entry.billable:
            break  # non-leaf entries rank after every leaf
        spaced = index.spaced[number]
        if all(word in spaced for word in rest):
            yield entry
            found += 1
            if found == limit:
                return


def _token_range(index: _Index, word: str) -> tuple[int, int]:
    start = bisect.bisect_left(index.tokens, word)
    stop = bisect.bisect_left(index.tokens, word + "\uffff", lo=start)
    return start, stop


# --- sex-specific codes ------------------------------------------------------------------------
#
# The ranges below are the code set's own sex-specific chapters, blocks and categories
# (ICD-10-CM Tabular List titles), compared on the code's X12 form: a code belongs to a range
# when ``first <= code[:len(first)]`` and ``code[:len(last)] <= last``. A modest table, not
# CMS's Medicare Code Editor lists: codes that can apply to either sex even where they
# concern reproduction (Z30.2 sterilization, Z31 procreative management, Z32.2–Z32.3
# childbirth and childcare instruction, Z30.018/Z30.019 other and unspecified contraceptives)
# are left out rather than guessed.
#
# | range       | sex | why (Tabular List title)                                            |
# | ----------- | --- | ------------------------------------------------------------------- |
# | O00–O9A     | F   | Chapter 15, pregnancy, childbirth and the puerperium                 |
# | Z32.0       | F   | encounter for pregnancy test                                         |
# | Z33–Z34     | F   | pregnant state; supervision of normal pregnancy                      |
# | Z36–Z37     | F   | antenatal screening; outcome of delivery                             |
# | Z39         | F   | postpartum care and examination                                      |
# | Z3A         | F   | weeks of gestation                                                   |
# | Z30.011–7   | F   | initial prescription of pills, emergency, injectable, IUD, ring, patch |
# | Z30.43      | F   | encounter for surveillance of intrauterine contraceptive device       |
# | Z01.41      | F   | encounter for routine gynecological examination                      |
# | Z12.4       | F   | screening for malignant neoplasm of cervix                           |
# | N70–N98     | F   | inflammatory and noninflammatory disorders of female genital organs  |
# | C51–C58     | F   | malignant neoplasms of female genital organs                         |
# | D06         | F   | carcinoma in situ of cervix uteri                                    |
# | D07.0–D07.3 | F   | carcinoma in situ of endometrium, vulva, vagina, other female organs |
# | D25–D28     | F   | leiomyoma of uterus, benign neoplasms of uterus, ovary, other female |
# | D39         | F   | neoplasm of uncertain behavior of female genital organs              |
# | E28         | F   | ovarian dysfunction                                                  |
# | Q50–Q52     | F   | congenital malformations of ovaries, tubes, uterus, cervix, vagina   |
# | R87         | F   | abnormal findings in specimens from female genital organs            |
# | N40–N53     | M   | diseases of male genital organs                                      |
# | C60–C63     | M   | malignant neoplasms of male genital organs                           |
# | D07.4–D07.6 | M   | carcinoma in situ of penis, prostate, other male genital organs      |
# | D29         | M   | benign neoplasms of male genital organs                              |
# | D40         | M   | neoplasm of uncertain behavior of male genital organs                |
# | E29         | M   | testicular dysfunction                                               |
# | Q53–Q55     | M   | undescended testicle, hypospadias, other male genital malformations  |
# | R86         | M   | abnormal findings in specimens from male genital organs              |
# | Z12.5       | M   | screening for malignant neoplasm of prostate                         |

SEX_RANGES: tuple[tuple[str, str, str], ...] = (
    ("O00", "O9A", "F"),
    ("Z320", "Z320", "F"),
    ("Z33", "Z34", "F"),
    ("Z36", "Z37", "F"),
    ("Z39", "Z39", "F"),
    ("Z3A", "Z3A", "F"),
    ("Z30011", "Z30017", "F"),
    ("Z3043", "Z3043", "F"),
    ("Z0141", "Z0141", "F"),
    ("Z124", "Z124", "F"),
    ("N70", "N98", "F"),
    ("C51", "C58", "F"),
    ("D06", "D06", "F"),
    ("D070", "D073", "F"),
    ("D25", "D28", "F"),
    ("D39", "D39", "F"),
    ("E28", "E28", "F"),
    ("Q50", "Q52", "F"),
    ("R87", "R87", "F"),
    ("N40", "N53", "M"),
    ("C60", "C63", "M"),
    ("D074", "D076", "M"),
    ("D29", "D29", "M"),
    ("D40", "D40", "M"),
    ("E29", "E29", "M"),
    ("Q53", "Q55", "M"),
    ("R86", "R86", "M"),
    ("Z125", "Z125", "M"),
)


def sex_for(code: str) -> str | None:
    """``"F"`` or ``"M"`` when the code applies to one sex only (table above), else None."""
    return _sex_for(normalize(code))


@cache
def _sex_for(plain: str) -> str | None:
    for first, last, sex in SEX_RANGES:
        if first <= plain[: len(first)] and plain[: len(last)] <= last:
            return sex
    return None
