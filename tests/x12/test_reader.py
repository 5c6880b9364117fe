"""The tokenizer and envelope checker: separators from the ISA, counts, typed errors only."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.errors import CountError, EnvelopeError, X12Error, X12SyntaxError
from medoffice.x12.p837 import write_837p
from medoffice.x12.reader import X12Reader, envelope_errors, segments
from tests.x12 import builders as b
from tests.x12.samples import sample

OURS = write_837p([b.claim(), b.full_claim()], b.envelope())


def test_our_own_output_reads_without_problems() -> None:
    assert envelope_errors(OURS) == []


def test_segments_are_numbered_from_the_isa() -> None:
    listed = list(segments(OURS))
    assert (listed[0].number, listed[0].id) == (1, "ISA")
    assert [s.number for s in listed] == list(range(1, len(listed) + 1))


def test_the_same_file_without_line_breaks_reads_the_same() -> None:
    flat = OURS.replace("~\n", "~")
    assert [s.elements for s in segments(flat)] == [s.elements for s in segments(OURS)]


def test_crlf_and_a_byte_order_mark_are_accepted() -> None:
    data = ("\ufeff" + OURS.replace("\n", "\r\n")).encode()
    assert [s.elements for s in segments(data)] == [s.elements for s in segments(OURS)]


def test_separators_are_the_ones_the_isa_declares() -> None:
    other = OURS.replace("*", "|").replace(":", ">").replace("~", "'")
    reader = X12Reader(other)
    listed = list(reader)
    assert reader.separators.element == "|"
    assert reader.separators.component == ">"
    assert reader.separators.segment == "'"
    sv1 = next(s for s in listed if s.id == "SV1")
    assert sv1.component(1, 2) == "99213"


def test_a_file_object_is_read_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("medoffice.x12.reader.CHUNK_SIZE", 7)
    from_chunks = [s.elements for s in segments(io.BytesIO(OURS.encode()))]
    assert from_chunks == [s.elements for s in segments(OURS)]


def test_a_text_file_object_is_accepted() -> None:
    assert len(list(segments(io.StringIO(OURS)))) == len(list(segments(OURS)))


def test_a_wrong_se_count_is_a_count_error_naming_the_se() -> None:
    broken = OURS.replace("\nSE*", "\nSE*9", 1)
    with pytest.raises(CountError) as caught:
        list(X12Reader(broken))
    assert caught.value.segment_id == "SE"
    assert caught.value.element == 1
    assert caught.value.segment_number > 0


def test_a_mismatched_iea_control_number_is_an_envelope_error() -> None:
    broken = OURS.replace("IEA*1*000000101", "IEA*1*000000999")
    with pytest.raises(EnvelopeError) as caught:
        list(X12Reader(broken))
    assert (caught.value.segment_id, caught.value.element) == ("IEA", 2)


def test_a_wrong_group_count_is_reported() -> None:
    broken = OURS.replace("GE*1*", "GE*2*")
    errors = envelope_errors(broken)
    assert [(e.segment_id, e.element) for e in errors] == [("GE", 1)]


def test_a_truncated_file_names_the_last_segment_read() -> None:
    truncated = OURS[: OURS.index("LX*1")]
    errors = envelope_errors(truncated)
    assert errors
    assert all(isinstance(e, EnvelopeError) for e in errors)
    assert errors[0].segment_id != ""


def test_text_that_is_not_x12_is_a_syntax_error() -> None:
    with pytest.raises(X12SyntaxError, match="ISA"):
        list(segments("hello world"))


def test_bytes_that_are_not_utf8_are_a_syntax_error() -> None:
    with pytest.raises(X12SyntaxError, match="UTF-8"):
        list(segments(OURS.encode() + b"\xff\xfe"))


def test_a_segment_outside_a_transaction_set_is_reported() -> None:
    broken = OURS.replace("GE*1", "REF*XX*1~\nGE*1", 1)
    errors = envelope_errors(broken)
    assert any(e.segment_id == "REF" and "outside" in e.message for e in errors)


# --- the public samples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "stupidedi_837p_commercial-health-insurance.837",
        "stupidedi_999_three_837s.999",
        "ims_277ca_rejected.277",
        "ims_999_accepted_ta1.999",
        "lfh_dependent_check.271",
        "lfh_demo_835_x221a1.835",
    ],
)
def test_a_well_formed_sample_reads_without_problems(name: str) -> None:
    assert envelope_errors(sample(name)) == []


def test_the_imsweb_many_claims_file_reports_its_wrong_se_count() -> None:
    errors = envelope_errors(sample("ims_many_claims_837p.837"))
    assert [(type(e), e.segment_id, e.element) for e in errors] == [(CountError, "SE", 1)]


def test_the_imsweb_complex_file_reports_both_se_counts_and_the_ge_count() -> None:
    errors = envelope_errors(sample("ims_complex_837p.837"))
    assert [(e.segment_id, e.element) for e in errors] == [("SE", 1), ("SE", 1), ("GE", 1)]


def test_the_imsweb_999_reports_its_iea_control_number() -> None:
    errors = envelope_errors(sample("ims_999_accepted.999"))
    assert [(e.segment_id, e.element) for e in errors] == [("IEA", 2)]


def test_other_separators_are_read_from_the_isa() -> None:
    reader = X12Reader(sample("ims_837p_different_separators.837"), strict=False)
    listed = list(reader)
    assert reader.separators.element == "~"
    assert reader.separators.segment == "_"
    assert reader.separators.repetition == ""
    assert any(s.id == "CLM" for s in listed)


# --- fuzzing: only the reader's own errors --------------------------------------------------


def read_all(source: str | bytes) -> None:
    try:
        for _ in X12Reader(source, strict=False):
            pass
    except X12Error:
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    read_all(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_typed_errors(data: str) -> None:
    read_all(data)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="*:^~\n\r ISAGEST0123", max_size=300))
def test_isa_like_text_raises_only_typed_errors(data: str) -> None:
    read_all("ISA" + data)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(OURS) - 1),
    st.integers(min_value=0, max_value=40),
    st.text(alphabet="*:^~\nX9 ", max_size=5),
)
def test_a_mutated_valid_file_raises_only_typed_errors(at: int, cut: int, insert: str) -> None:
    read_all(OURS[:at] + insert + OURS[at + cut :])


def test_the_repetition_separator_is_isa11() -> None:
    reader = X12Reader(OURS)
    listed = list(reader)
    assert reader.separators.repetition == "^"
    assert listed[0].get(11) == "^"


def test_a_file_without_its_segment_terminator_is_refused_without_reading_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("medoffice.x12.reader.MAX_SEGMENT", 100)
    head = OURS[: OURS.index("GS")]
    with pytest.raises(X12SyntaxError, match="terminator"):
        list(segments(io.StringIO(head + "GS*" + "X" * 200_000)))


WITH_COUNT_ERRORS = {
    "ims_many_claims_837p.837",
    "ims_complex_837p.837",
    "ims_837p_different_separators.837",
    "ims_999_accepted.999",
}


def test_every_shared_sample_reads_and_only_the_imsweb_ones_report_problems() -> None:
    folder = sample("README.md").parent
    names = sorted(path.name for path in folder.iterdir() if path.suffix != ".md")
    assert len(names) > 20
    with_problems = {name for name in names if envelope_errors(folder / name)}
    assert with_problems == WITH_COUNT_ERRORS
