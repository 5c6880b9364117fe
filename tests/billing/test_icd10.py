"""ICD-10-CM look-up and search over the CDC code set (simple-icd-10-cm)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import icd10


@pytest.mark.parametrize("written", ["E11.9", "e119", " E119 ", "e11.9"])
def test_normalize_gives_the_x12_form(written):
    assert icd10.normalize(written) == "E119"


@pytest.mark.parametrize(
    ("code", "shown"),
    [("E119", "E11.9"), ("e11.9", "E11.9"), ("I10", "I10"), ("S52521A", "S52.521A")],
)
def test_display_puts_the_dot_after_the_category(code, shown):
    assert icd10.display(code) == shown


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=7))
def test_display_and_normalize_are_inverses(code):
    assert icd10.normalize(icd10.display(code)) == code


def test_a_leaf_code_is_billable():
    assert icd10.is_billable("E11.9")


def test_a_category_with_subcodes_is_known_but_not_billable():
    assert icd10.is_known("E11")
    assert not icd10.is_billable("E11")


@pytest.mark.parametrize("text", ["E08-E13", "4", "E1199", "", "E11.9.9"])
def test_blocks_chapters_and_made_up_codes_are_not_known(text):
    assert not icd10.is_known(text)


def test_a_seventh_character_code_is_billable():
    assert icd10.is_billable("S52.521A")


def test_describe_gives_the_cdc_description():
    assert icd10.describe("e11.9") == "Type 2 diabetes mellitus without complications"


def test_describe_of_an_unknown_code_is_none():
    assert icd10.describe("ZZZ") is None


@pytest.mark.parametrize("query", ["E11.9", "e119", "E11.9 "])
def test_a_code_search_finds_the_code_first(query):
    assert icd10.search(query)[0].code == "E119"


def test_a_code_prefix_search_gives_only_billable_codes_starting_with_it():
    found = icd10.search("e11", limit=50)

    assert len(found) == 50
    assert all(d.code.startswith("E11") and d.billable for d in found)


def test_a_code_prefix_search_gives_shorter_codes_first():
    lengths = [len(d.code) for d in icd10.search("E11", limit=50)]

    assert lengths == sorted(lengths)


def test_headings_are_found_when_asked():
    assert icd10.search("E11", billable_only=False)[0].code == "E11"


def test_a_word_search_needs_every_word():
    found = icd10.search("diabetes kidney", limit=30)

    assert found
    assert all(
        "diabetes" in d.description.lower() and "kidney" in d.description.lower() for d in found
    )


def test_words_match_the_start_of_description_words_in_any_case():
    found = icd10.search("HYPERTEN ESSENT")

    assert found[0].code == "I10"


def test_a_word_search_gives_shorter_descriptions_first():
    lengths = [len(d.description) for d in icd10.search("asthma", limit=20)]

    assert lengths == sorted(lengths)


def test_a_word_search_gives_only_billable_codes_unless_asked():
    assert all(d.billable for d in icd10.search("fracture", limit=100))
    assert not all(d.billable for d in icd10.search("diabetes", limit=500, billable_only=False))


def test_the_limit_is_kept():
    assert len(icd10.search("pain", limit=7)) == 7


@pytest.mark.parametrize("query", ["", "   ", "..", "zzzzqqq", "!!"])
def test_a_search_with_nothing_to_match_is_empty(query):
    assert icd10.search(query) == []


def test_a_zero_limit_gives_nothing():
    assert icd10.search("E11", limit=0) == []


@given(st.text(max_size=30))
def test_any_text_can_be_searched(text):
    assert len(icd10.search(text, limit=5)) <= 5


@pytest.mark.parametrize(
    ("code", "sex"),
    [
        ("O80", "F"),  # full-term delivery
        ("O9A.111", "F"),
        ("Z3A.20", "F"),
        ("Z34.00", "F"),
        ("Z30.011", "F"),
        ("N76.0", "F"),
        ("C53.9", "F"),
        ("D25.9", "F"),
        ("D07.0", "F"),
        ("N40.1", "M"),
        ("N53.12", "M"),
        ("C61", "M"),
        ("D29.1", "M"),
        ("D07.5", "M"),
        ("Z12.5", "M"),
        ("E11.9", None),
        ("N39.0", None),  # urinary tract infection: either sex
        ("Z30.2", None),  # sterilization: either sex
        ("Z30.018", None),  # other contraceptives: either sex
        ("Z31.41", None),
        ("C50.911", None),  # breast: either sex
    ],
)
def test_sex_for_gives_the_sex_a_code_is_specific_to(code, sex):
    assert icd10.sex_for(code) == sex


def test_every_sex_range_is_ordered_and_names_f_or_m():
    for first, last, sex in icd10.SEX_RANGES:
        assert first[:3] <= last[:3]
        assert sex in ("F", "M")
