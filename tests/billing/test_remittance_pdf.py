"""The remittance advice PDF: any 835 read back as a printed advice, per payment and per claim.

The PDF's text is read back with pypdfium2; amounts are looked for as the page writes them
(``$1,250.00``). The shared samples are read at test time (skipped when absent).
"""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from medoffice.billing.adjustments import carc, rarc
from medoffice.billing.remittance_pdf import (
    advice_filename,
    remittance_advice_pdf,
    remittance_advice_response,
)
from medoffice.core.money import format_money
from medoffice.x12.errors import X12Error
from medoffice.x12.r835 import Remittance, read_835
from medoffice.x12.w835 import write_835
from medoffice.x12.writer import InterchangeHeader
from tests.x12.builders835 import FULL, interchange, replaced
from tests.x12.samples import sample

SAMPLES = [
    "lfh_demo_835_x221a1.835",
    "lfh_managed_care.835",
    "lfh_secondary_payment.835",
    "stupidedi_835_era-sample.835",
    "stupidedi_835_secondary-payments.835",
]


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace made single spaces."""
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return " ".join(" ".join(texts).split())


def full_remittance(body: list[str] | None = None) -> Remittance:
    return read_835(interchange(body or FULL), strict=False).remittances[0]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_835_shows_each_claim_number_and_amount(name: str) -> None:
    read = read_835(sample(name).read_bytes(), strict=False)
    assert read.remittances
    for remittance in read.remittances:
        text = pdf_text(remittance_advice_pdf(remittance))
        assert remittance.trace.number in text
        assert format_money(remittance.payment.amount) in text
        for claim in remittance.claims:
            assert claim.claim_id in text
            assert format_money(claim.charge) in text
            assert format_money(claim.paid) in text
            for line in claim.lines:
                assert format_money(line.charge) in text
                assert format_money(line.paid) in text


def test_an_835_our_writer_wrote_shows_every_claim_and_amount() -> None:
    header = InterchangeHeader(
        sender_id="ACME1",
        receiver_id="VALLEYFM",
        interchange_control_number=7,
        group_control_number=7,
        created=dt.datetime(2026, 12, 1, 9, 0),
    )
    written = write_835(read_835(interchange(FULL)).remittances, header)
    remittance = read_835(written).remittances[0]
    text = pdf_text(remittance_advice_pdf(remittance))
    for claim in remittance.claims:
        assert claim.claim_id in text
        assert format_money(claim.charge) in text
        assert format_money(claim.paid) in text
    assert format_money(remittance.payment.amount) in text


def test_the_payment_shows_payer_payee_method_date_and_trace() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    assert "ACME HEALTH PLAN" in text
    assert "VALLEY FAMILY MEDICINE" in text
    assert "electronic funds transfer (ACH)" in text
    assert "2026-12-01" in text
    assert "EFT0001" in text
    assert "$177.50" in text


def test_a_claim_shows_patient_payer_claim_number_and_status_in_words() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    assert "MARIA J RIVERA" in text
    assert "PAYER0001" in text
    assert "processed as primary" in text
    assert "denied" in text  # PCN1002 is CLP02 = 4
    assert "$20.00" in text  # PCN1001's patient responsibility


def test_a_line_shows_its_code_with_modifiers_dates_and_allowed() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    assert "HC 99213-25-59-XE-GT" in text
    assert "from 2026-11-10" in text
    assert "$140.00" in text  # AMT*B6 allowed
    assert "billed as HC 99215" in text  # SVC06


def test_each_adjustment_shows_its_group_and_reason_in_words() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    entry = carc("45")
    assert entry is not None
    assert "CO-45" in text
    assert " ".join(entry.description.split()) in text
    assert "PR-1" in text
    assert "CO-29" in text  # claim-level CAS of the denied claim


def test_remark_codes_are_described() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    entry = rarc("N130")
    assert entry is not None
    assert "N130" in text
    assert " ".join(entry.description.split())[:40] in text


def test_provider_adjustments_and_totals_are_shown() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance()))
    assert "interest owed" in text  # PLB L6
    assert "overpayment recovery" in text  # PLB WO
    assert "OVP123" in text
    assert "-$2.50" in text
    assert "$12.50" in text  # Σ PLB
    assert "$190.00" in text  # Σ CLP04


def test_a_claim_filter_keeps_only_that_claim() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance(), claim_ids={"PCN1002"}))
    assert "PCN1002" in text
    assert "PCN1001" not in text
    assert "RIVERA" not in text
    assert "1 of 2" in text


def test_a_claim_filter_matching_nothing_says_so() -> None:
    text = pdf_text(remittance_advice_pdf(full_remittance(), claim_ids={"NOPE"}))
    assert "None of the claims asked for (NOPE)" in text


def test_unicode_names_render() -> None:
    body = replaced(FULL, "NM1*QC*1*RIVERA", "NM1*QC*1*NÚÑEZ-ŁUKASZ*ZOË****MI*XJ1")
    text = pdf_text(remittance_advice_pdf(full_remittance(body)))
    assert "ZOË NÚÑEZ-ŁUKASZ" in text


def test_an_unknown_reason_code_says_it_is_unknown() -> None:
    body = replaced(FULL, "CAS*CO*45*60", "CAS*CO*Z9*60")
    text = pdf_text(remittance_advice_pdf(full_remittance(body)))
    assert "CO-Z9" in text
    assert "a reason code MedOffice does not know" in text


def test_a_500_claim_file_renders_every_claim() -> None:
    first = FULL.index("CLP*PCN1001*1*300*190*20*12*PAYER0001*11*1")
    end = FULL.index("LX*2")
    claim = FULL[first:end]
    body = [segment for segment in FULL[:first] if not segment.startswith(("TS3", "TS2"))]
    body = replaced(body, "BPR*", "BPR*C*95000*C*CHK************20261201")
    for number in range(500):
        body += [claim[0].replace("PCN1001", f"PCN{number:05d}"), *claim[1:]]
    read = read_835(interchange(body), strict=True)
    assert len(read.remittances[0].claims) == 500
    text = pdf_text(remittance_advice_pdf(read.remittances[0]))
    assert all(f"PCN{number:05d}" in text for number in range(500))
    assert "$95,000.00" in text


def test_the_response_is_an_inline_pdf_named_after_the_file() -> None:
    data = interchange(FULL).encode()
    response = remittance_advice_response(data, "uploads/ERA 0601.835")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="ERA_0601-remittance-advice.pdf"'
    assert response.content.startswith(b"%PDF")
    assert "PCN1002" in pdf_text(response.content)


def test_the_response_for_one_claim_is_named_after_it() -> None:
    response = remittance_advice_response(interchange(FULL).encode(), "a.835", {"PCN1001"})
    assert 'filename="a-PCN1001-remittance-advice.pdf"' in response["Content-Disposition"]
    assert "PCN1002" not in pdf_text(response.content)


def test_a_file_that_does_not_balance_still_gets_its_advice() -> None:
    body = replaced(FULL, "CAS*CO*45*60", "CAS*CO*45*61")
    response = remittance_advice_response(interchange(body).encode(), "x.835")
    assert "PCN1001" in pdf_text(response.content)


def test_a_file_that_is_no_835_raises_the_readers_error() -> None:
    with pytest.raises(X12Error):
        remittance_advice_response(b"this is not an 835", "x.835")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ERA.835", "ERA-remittance-advice.pdf"),
        ('../"evil";.835', "evil-remittance-advice.pdf"),
        ("", "remittance-remittance-advice.pdf"),
    ],
)
def test_the_file_name_is_safe_in_a_header(given: str, expected: str) -> None:
    assert advice_filename(given) == expected
