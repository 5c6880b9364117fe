"""The pyx12 helper can fail: it reports the errors of a file that has them."""

from tests.x12.pyx12check import pyx12_errors
from tests.x12.samples import sample


def test_a_broken_sample_gives_errors() -> None:
    assert pyx12_errors(sample("ims_complex_837p.837").read_text())


def test_a_valid_sample_gives_none() -> None:
    text = sample("stupidedi_837p_commercial-health-insurance.837").read_text()
    assert pyx12_errors(text) == []
