"""Secondary and tertiary claims: the other payers' adjudication in loops 2320, 2330 and 2430."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from medoffice.x12.claims import Adjudication, Adjustment, LineAdjudication, Payer, Subscriber
from medoffice.x12.errors import WriteError
from medoffice.x12.p837 import write_837p
from tests.x12 import builders as b
from tests.x12.pyx12check import pyx12_errors
from tests.x12.test_837p import first, segments_of


def ids(text: str) -> list[str]:
    return [s.id for s in segments_of(text)]


def test_a_secondary_claim_with_the_primarys_adjudication_validates() -> None:
    assert pyx12_errors(write_837p([b.secondary_claim()], b.envelope())) == []


def test_the_secondary_claim_says_it_is_secondary_in_sbr01() -> None:
    text = write_837p([b.secondary_claim()], b.envelope())
    sbrs = [s for s in segments_of(text) if s.id == "SBR"]
    assert [s.get(1) for s in sbrs] == ["S", "P"]


def test_loop_2320_carries_the_primarys_paid_amount() -> None:
    claim = b.secondary_claim()
    text = write_837p([claim], b.envelope())
    assert first(text, "AMT", "D").get(2) == "100"  # 80 % of 125.00


def test_loop_2330b_names_the_primary_payer_by_its_id() -> None:
    text = write_837p([b.secondary_claim()], b.envelope())
    payers = [s for s in segments_of(text) if s.id == "NM1" and s.get(1) == "PR"]
    assert [p.get(9) for p in payers] == ["BEAC2", "ACME1"]


def test_each_line_gets_an_svd_with_the_primarys_payment_and_its_adjustments() -> None:
    text = write_837p([b.secondary_claim()], b.envelope())
    svd = first(text, "SVD")
    assert (svd.get(1), svd.get(2), svd.component(3, 2), svd.get(5)) == (
        "ACME1",
        "100",
        "99213",
        "1",
    )
    after = ids(text)[ids(text).index("SVD") :]
    assert after[:4] == ["SVD", "CAS", "CAS", "DTP"]
    assert first(text, "CAS", "CO").get(2) == "45"
    assert first(text, "CAS", "PR").get(3) == "12.5"
    assert first(text, "DTP", "573").get(3) == "20261204"


def test_several_reasons_of_one_group_share_one_cas_segment() -> None:
    claim = b.secondary_claim()
    other = claim.other_subscribers[0]
    line = LineAdjudication(
        1,
        Decimal("100"),
        (
            Adjustment("PR", "1", Decimal("10")),
            Adjustment("PR", "2", Decimal("10")),
            Adjustment("CO", "45", Decimal("5")),
        ),
    )
    adjudication = replace(other.adjudication, lines=(line,))  # type: ignore[type-var]
    claim = replace(claim, other_subscribers=(replace(other, adjudication=adjudication),))
    text = write_837p([claim], b.envelope())
    assert pyx12_errors(text) == []
    pr = first(text, "CAS", "PR")
    assert pr.elements[:6] == ("PR", "1", "10", "", "2", "10")


def test_claim_level_adjustments_go_in_loop_2320() -> None:
    claim = b.secondary_claim()
    other = claim.other_subscribers[0]
    adjudication = Adjudication(
        paid=Decimal("90"),
        adjudicated_on=b.SERVICE_DAY,
        adjustments=(Adjustment("OA", "23", Decimal("35")),),
    )
    claim = replace(claim, other_subscribers=(replace(other, adjudication=adjudication),))
    text = write_837p([claim], b.envelope())
    assert pyx12_errors(text) == []
    segment_ids = ids(text)
    assert segment_ids.index("CAS") < segment_ids.index("OI")
    # without line answers the adjudication date goes in 2330B
    assert first(text, "DTP", "573").get(3) == "20261120"
    assert "SVD" not in segment_ids


def test_a_tertiary_claim_carries_both_earlier_payers_and_validates() -> None:
    claim = b.secondary_claim()
    primary = claim.other_subscribers[0]
    secondary = Subscriber(
        member_id="BEA998877",
        person=b.SUBSCRIBER_PERSON,
        payer_responsibility="S",
        filing_indicator="CI",
        payer=b.OTHER_PAYER,
        adjudication=b.primary_adjudication(claim, paid_share=Decimal("0.1")),
    )
    tertiary = replace(
        claim,
        payer=Payer("Cedar Mutual", "CEDR3"),
        subscriber=replace(claim.subscriber, member_id="CED1", payer_responsibility="T"),
        other_subscribers=(primary, secondary),
    )
    text = write_837p([tertiary], b.envelope())
    assert pyx12_errors(text) == []
    assert [s.get(1) for s in segments_of(text) if s.id == "SVD"] == ["ACME1", "BEAC2"]


def test_an_unknown_adjustment_group_is_refused() -> None:
    claim = b.secondary_claim()
    other = claim.other_subscribers[0]
    adjudication = Adjudication(
        paid=Decimal("0"),
        adjudicated_on=b.SERVICE_DAY,
        adjustments=(Adjustment("XX", "45", Decimal("125")),),
    )
    claim = replace(claim, other_subscribers=(replace(other, adjudication=adjudication),))
    with pytest.raises(WriteError, match="CAS group"):
        write_837p([claim], b.envelope())
