"""The duplicates' scoring (patients/duplicates.py, a pure module): reasons and strength."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from medoffice.patients.duplicates import Person, Strength, alike, ranked, score

BORN = dt.date(1975, 6, 15)
PHONE = "+14135550188"

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñüç' -", min_size=1, max_size=14)
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 1, 1)))
phones = st.frozensets(st.sampled_from(["+14135550101", "+14135550102", PHONE]), max_size=2)
people = st.builds(
    Person,
    first_name=names,
    last_name=names,
    date_of_birth=dates,
    phones=phones,
    member_ids=st.frozensets(st.sampled_from(["QQ1", "QQ2"]), max_size=1),
    address_line1=st.sampled_from(["", "1 Main St", "2 Elm St"]),
    postal_code=st.sampled_from(["", "01060"]),
)


def points(match):
    return match.score if match is not None else 0


@given(people, people)
def test_the_score_is_the_same_whichever_record_is_new(a, b):
    assert points(score(a, b)) == points(score(b, a))


@given(names, names, names, names, dates, st.sampled_from(["", "1 Main St"]))
def test_a_same_name_and_birth_date_is_strong_and_above_any_phone_only_hint(
    first, last, other_first, other_last, born, street
):
    new = Person(first, last, BORN, frozenset({PHONE}), address_line1=street, postal_code="01060")
    twin = Person(first, last, BORN)
    strong = score(new, twin)
    if strong is None:  # a name of punctuation only folds to nothing
        return
    assert strong.strength is Strength.STRONG
    housemate = Person(
        other_first, other_last, born, frozenset({PHONE}), address_line1=street, postal_code="01060"
    )
    hint = score(new, housemate)
    if hint is not None and set(hint.reasons) <= {"same phone", "same address"}:
        assert hint.strength is Strength.WEAK
        assert not hint.holds_registration
        assert ranked(new, {2: housemate, 1: twin})[0][0] == 1


@given(names, names)
def test_a_phone_alone_is_a_weak_hint_that_never_holds_a_registration(first, last):
    hint = score(
        Person(first, last, BORN, frozenset({PHONE})),
        Person("Zed", "Qqq", None, frozenset({PHONE})),
    )
    assert hint is not None
    if hint.reasons == ("same phone",):
        assert (hint.strength, hint.holds_registration) == (Strength.WEAK, False)


def test_accents_and_case_do_not_make_another_name():
    match = score(Person("José", "Núñez", BORN), Person("jose", "NUNEZ", BORN))
    assert match is not None
    assert match.reasons == ("same birth date", "same name")


def test_a_typo_is_a_similar_name_naming_both_spellings():
    match = score(Person("Jonh", "Smith", BORN), Person("John", "Smith", BORN))
    assert match is not None
    assert match.reasons == ("same birth date", "similar name (Jonh/John)")
    assert match.strength is Strength.STRONG


def test_a_short_name_and_its_long_form_are_alike():
    assert alike("jon", "jonathan")
    assert alike("chris", "christopher")
    assert not alike("jo", "john")  # two letters say too little
    assert not alike("mary", "maurice")


def test_swapped_names_are_named_as_such():
    match = score(Person("Smith", "John", BORN), Person("John", "Smith", BORN))
    assert match is not None
    assert "first and last names swapped" in match.reasons


def test_a_birth_date_alone_is_no_match():
    assert score(Person("Ann", "Lee", BORN), Person("Zoe", "Quartermaine", BORN)) is None


def test_a_member_id_alone_is_a_possible_duplicate():
    match = score(
        Person("Ann", "Lee", member_ids=frozenset({"qq1 "})),
        Person("Zoe", "Q", member_ids=frozenset({"QQ1"})),
    )
    assert match is not None
    assert match.strength is Strength.POSSIBLE
