"""CMS-1500 boxes 11b, 15-19, 24C and 24H in the 837P: where the crosswalk says, valid."""

from __future__ import annotations

import pytest

from medoffice.x12.errors import WriteError
from medoffice.x12.p837 import write_837p
from tests.x12 import builders as b
from tests.x12.pyx12check import pyx12_errors
from tests.x12.test_837p import first, segments_of


def test_a_claim_with_every_added_box_validates() -> None:
    assert pyx12_errors(write_837p([b.boxes_claim()], b.envelope())) == []


def test_the_dates_of_boxes_14_to_18_are_2300_dtps_in_the_guides_order() -> None:
    text = write_837p([b.boxes_claim()], b.envelope())
    claim_dtps = [
        (s.get(1), s.get(3)) for s in segments_of(text) if s.id == "DTP" and s.get(1) != "472"
    ]
    assert claim_dtps == [
        ("431", "20261101"),
        ("454", "20261028"),
        ("314", "20261102-20261130"),
        ("435", "20261103"),
        ("096", "20261106"),
    ]


def test_box_19_is_the_claim_note() -> None:
    text = write_837p([b.boxes_claim()], b.envelope())
    assert first(text, "NTE", "ADD").get(2) == ("CORRECTED DIAGNOSIS PER THE DISCHARGE SUMMARY")


def test_a_start_of_disability_alone_is_dtp_360() -> None:
    text = write_837p([b.boxes_claim(unable_to_work_to=None)], b.envelope())
    assert pyx12_errors(text) == []
    assert first(text, "DTP", "360").get(3) == "20261102"


def test_box_11b_is_the_property_and_casualty_claim_number() -> None:
    text = write_837p([b.boxes_claim()], b.envelope())
    assert first(text, "REF", "Y4").get(2) == "PC778899"


def test_boxes_24c_and_24h_are_the_lines_indicators() -> None:
    text = write_837p([b.boxes_claim()], b.envelope())
    sv1 = [s for s in segments_of(text) if s.id == "SV1"]
    assert (sv1[0].get(9), sv1[0].get(11), sv1[0].get(12)) == ("Y", "Y", "Y")
    assert (sv1[1].get(9), sv1[1].get(11), sv1[1].get(12)) == ("", "", "")


def test_a_supervising_provider_goes_in_loop_2310d() -> None:
    text = write_837p([b.boxes_claim(referring_qualifier="DQ")], b.envelope())
    assert pyx12_errors(text) == []
    codes = [s.get(1) for s in segments_of(text) if s.id == "NM1"]
    assert "DQ" in codes
    assert "DN" not in codes


def test_an_ordering_provider_of_box_17_orders_every_line() -> None:
    text = write_837p([b.boxes_claim(referring_qualifier="DK")], b.envelope())
    assert pyx12_errors(text) == []
    ordering = [s for s in segments_of(text) if s.id == "NM1" and s.get(1) == "DK"]
    assert len(ordering) == 3  # line 2 names its own; lines 1 and 3 take box 17's


def test_an_unknown_box_15_qualifier_is_refused() -> None:
    with pytest.raises(WriteError, match="box 15"):
        write_837p([b.boxes_claim(other_date_qualifier="999")], b.envelope())
