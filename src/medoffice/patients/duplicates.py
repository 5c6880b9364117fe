"""Why a record may be the patient being registered. Pure module: no Django import.

Each thing two records share earns points and a reason the desk reads ("same birth
date", "similar name (Jon/John)", "same phone"); the points say how strong the
suggestion is. A shared phone or address alone (a household, a care home) is at most a
weak hint, always below a record with the same name and birth date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from medoffice.patients.search import fold

SAME_NAME = 35
SWAPPED_NAME = 30
SIMILAR_NAME = 30
SAME_LAST_NAME = 15
SAME_BIRTH_DATE = 30
SAME_MEMBER_ID = 45
SAME_PHONE = 10
SAME_ADDRESS = 10

STRONG = 60
POSSIBLE = 40
# Two spellings at least this alike (difflib's ratio) are a typo of each other: Jonh/John.
SIMILAR_RATIO = 0.75


class Strength(StrEnum):
    STRONG = "strong"
    POSSIBLE = "possible"
    WEAK = "weak"


@dataclass(frozen=True)
class Person:
    """What the duplicate check compares: names, birth date, phones (E.164), member IDs,
    and the first address line with the ZIP code."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    phones: frozenset[str] = field(default_factory=frozenset)
    member_ids: frozenset[str] = field(default_factory=frozenset)
    address_line1: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]

    @property
    def strength(self) -> Strength:
        if self.score >= STRONG:
            return Strength.STRONG
        if self.score >= POSSIBLE:
            return Strength.POSSIBLE
        return Strength.WEAK

    @property
    def holds_registration(self) -> bool:
        """A weak hint is shown beside stronger ones but never holds a registration alone."""
        return self.strength is not Strength.WEAK


def alike(a: str, b: str) -> bool:
    """Two folded names that are one spelling: equal, one the beginning of the other
    (Jon/Jonathan, Chris/Christopher) or a typo away (Jonh/John)."""
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    ratio = max(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, b, a).ratio())
    return ratio >= SIMILAR_RATIO


def _street(text: str) -> str:
    return fold(text)


def name_reason(new: Person, known: Person) -> tuple[int, str] | None:
    """The points and reason the two names give, or None when they are not alike."""
    first_new, last_new = fold(new.first_name), fold(new.last_name)
    first_known, last_known = fold(known.first_name), fold(known.last_name)
    if not last_new or not last_known:
        return None
    if (first_new, last_new) == (first_known, last_known):
        return SAME_NAME, "same name"
    if first_new and (first_new, last_new) == (last_known, first_known):
        return SWAPPED_NAME, "first and last names swapped"
    lasts_alike = alike(last_new, last_known) or (
        len(last_new) >= 3 and last_new[:3] == last_known[:3]
    )
    if lasts_alike and first_new and alike(first_new, first_known):
        differ = [
            f"{a.strip()}/{b.strip()}"
            for a, b, folded_a, folded_b in (
                (new.first_name, known.first_name, first_new, first_known),
                (new.last_name, known.last_name, last_new, last_known),
            )
            if folded_a != folded_b
        ]
        return SIMILAR_NAME, f"similar name ({', '.join(differ)})"
    if last_new == last_known:
        return SAME_LAST_NAME, "same last name"
    return None


def score(new: Person, known: Person) -> Match | None:
    """How much ``known`` looks like ``new``, and why; None when nothing but perhaps the
    birth date is shared (a birth date alone is no reason: hundreds share each one)."""
    points = 0
    reasons: list[str] = []
    same_birth = new.date_of_birth is not None and new.date_of_birth == known.date_of_birth
    if same_birth:
        points += SAME_BIRTH_DATE
        reasons.append("same birth date")
    named = name_reason(new, known)
    if named is not None:
        points += named[0]
        reasons.append(named[1])
    shared_ids = {m.strip().upper() for m in new.member_ids if m.strip()} & {
        m.strip().upper() for m in known.member_ids if m.strip()
    }
    if shared_ids:
        points += SAME_MEMBER_ID
        reasons.append("same insurance member ID")
    if {p for p in new.phones if p} & {p for p in known.phones if p}:
        points += SAME_PHONE
        reasons.append("same phone")
    street = _street(new.address_line1)
    if (
        street
        and street == _street(known.address_line1)
        and (new.postal_code[:5] == known.postal_code[:5])
    ):
        points += SAME_ADDRESS
        reasons.append("same address")
    if not reasons or reasons == ["same birth date"]:
        return None
    return Match(points, tuple(reasons))


def ranked(new: Person, known: dict[int, Person]) -> list[tuple[int, Match]]:
    """The keys of ``known`` that match ``new``, strongest first (ties by key)."""
    found = [(key, match) for key, person in known.items() if (match := score(new, person))]
    return sorted(found, key=lambda item: (-item[1].score, item[0]))
