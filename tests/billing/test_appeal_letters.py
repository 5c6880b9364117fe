"""The appeal letters' placeholders: filled where known, anything else kept as written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing.appeal_letters import BUILT_IN, PLACEHOLDERS, fill, placeholders_in


def test_a_known_placeholder_is_filled():
    assert (
        fill("Dear {payer_name},", {"payer_name": "Synthetic Health"}) == "Dear Synthetic Health,"
    )


def test_an_unknown_placeholder_is_kept_as_written():
    assert fill("{nonsense} {", {"nonsense": "x"}) == "{nonsense} {"


def test_a_known_placeholder_without_a_value_becomes_empty():
    assert fill("Member {member_id}.", {}) == "Member ."


def test_every_built_in_template_uses_only_known_placeholders():
    for template in BUILT_IN:
        for name in __import__("re").findall(r"\{([a-z_]+)\}", template.body):
            assert name in PLACEHOLDERS, (template.key, name)


def test_the_built_in_templates_name_the_patient_claim_and_codes():
    for template in BUILT_IN:
        used = placeholders_in(template.body)
        assert {"patient_name", "date_of_birth", "member_id", "claim_number", "codes"} <= set(used)


@given(
    st.text(max_size=300),
    st.dictionaries(st.sampled_from(sorted(PLACEHOLDERS)), st.text(max_size=20)),
)
def test_filling_never_fails_whatever_the_text(text, values):
    filled = fill(text, values)

    assert isinstance(filled, str)
    if "{" not in text:
        assert filled == text
