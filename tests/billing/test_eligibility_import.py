"""Reading a 271: each answer goes to its check; a file that cannot be read changes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing.models import EligibilityCheck
from medoffice.billing.services import eligibility
from tests.billing.factories_eligibility import CoverageFactory, EligibilityCheckFactory
from tests.billing.x12_271 import answer_271
from tests.factories import SYSTEM, PatientFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "x12-samples"
SAMPLE_271 = Path("/work/shared/x12-samples/lfh_dependent_check.271")
if not SAMPLE_271.exists():  # run from another checkout: the samples beside the project
    SAMPLE_271 = SAMPLES / "lfh_dependent_check.271"


@pytest.fixture
def sent(location):
    patient = PatientFactory(home_location=location, last_name="Doe", first_name="Jane")
    coverage = CoverageFactory(patient=patient, member_id="XZ700001", copay=Decimal("25.00"))
    return EligibilityCheckFactory(coverage=coverage, location=location, status="sent")


def _import(text, name="answer.271"):
    return eligibility.import_271(actor=SYSTEM, source=text, file_name=name)


def test_an_answer_with_our_trace_goes_to_that_check(sent):
    report = _import(answer_271(trace=sent.trace_number, member_id="OTHER1"))
    sent.refresh_from_db()
    assert report.ok
    assert report.lines[0].check_id == sent.pk
    assert sent.status == "active"


def test_the_answer_stores_plan_copay_deductible_and_remaining_amounts(sent):
    _import(answer_271(trace=sent.trace_number))
    sent.refresh_from_db()
    assert sent.plan_name == "GOLD PLUS PLAN"
    assert sent.copay == Decimal("30.00")
    assert sent.deductible == Decimal("1500.00")
    assert sent.deductible_remaining == Decimal("400.00")
    assert sent.out_of_pocket_remaining == Decimal("2500.00")
    assert sent.answered_at is not None


def test_without_a_trace_the_member_id_and_name_find_the_open_check(sent):
    report = _import(answer_271(member_id="xz700001"))
    assert report.lines[0].check_id == sent.pk


def test_a_member_id_with_another_name_does_not_match(sent):
    report = _import(answer_271(member_id="XZ700001", last_name="ROE"))
    assert report.lines[0].check_id is None
    assert "no matching coverage" in report.text_lines()[0]


def test_a_matching_coverage_without_an_open_check_gets_an_answered_check(location):
    patient = PatientFactory(home_location=location, last_name="Doe", first_name="Jane")
    coverage = CoverageFactory(patient=patient, member_id="XZ700001")
    report = _import(answer_271())
    check = EligibilityCheck.objects.get()
    assert (check.coverage, check.status, report.lines[0].check_id) == (
        coverage,
        "active",
        check.pk,
    )


def test_an_inactive_answer_is_stored_as_inactive(sent):
    _import(answer_271(trace=sent.trace_number, benefits=("EB*6**30",)))
    sent.refresh_from_db()
    assert sent.status == "inactive"


def test_an_aaa_rejection_is_stored_with_its_reason_in_words(sent):
    _import(answer_271(trace=sent.trace_number, rejections=("AAA*N**72*C",), benefits=()))
    sent.refresh_from_db()
    assert sent.status == "rejected"
    assert "invalid/missing subscriber/insured id (AAA 72)" in sent.rejection_reason


def test_a_malformed_file_changes_nothing_and_names_segment_and_element(sent):
    broken = answer_271(trace=sent.trace_number).replace("EB*B**98", "EB***98")
    report = _import(broken)
    sent.refresh_from_db()
    assert not report.ok
    assert sent.status == "sent"
    assert report.error.segment_id == "EB"
    assert report.error.element == 1
    assert "segment 13 (EB) element 1" in report.text_lines()[0]
    assert "Nothing was changed" in report.text_lines()[0]


def test_a_271_with_a_pipe_as_element_separator_reads(sent):
    report = _import(answer_271(trace=sent.trace_number, element="|"))
    assert report.ok
    assert report.lines[0].check_id == sent.pk


def test_a_271_starting_with_a_byte_order_mark_reads(sent):
    report = _import(answer_271(trace=sent.trace_number, bom=True).encode("utf-8"))
    assert report.lines[0].check_id == sent.pk


def test_the_shared_sample_reads_with_its_plan_and_in_network_copay(db):
    report = _import(SAMPLE_271.read_bytes(), SAMPLE_271.name)
    (line,) = report.lines
    assert (line.name, line.member_id, line.status, line.plan) == (
        "SMITH, MARY",
        "123456789",
        "active",
        "GOLD 123 PLAN",
    )
    assert line.copay == Decimal("10.00")
    assert line.check_id is None


def test_the_command_prints_each_subscriber_and_exits_0_without_a_match(db, capsys):
    call_command("eligibility", "import", str(SAMPLE_271))
    out = capsys.readouterr().out
    assert "SMITH, MARY (member 123456789) · Coverage active · plan GOLD 123 PLAN" in out
    assert "copay $10.00" in out
    assert "no matching coverage" in out


def test_the_command_prints_the_check_an_answer_went_to(sent, tmp_path, capsys):
    path = tmp_path / "answer.271"
    path.write_text(answer_271(trace=sent.trace_number))
    call_command("eligibility", "import", str(path))
    out = capsys.readouterr().out
    assert f"check {sent.trace_number}" in out
    assert "deductible remaining $400.00" in out


def test_the_command_exits_1_naming_the_segment_on_a_malformed_file(sent, tmp_path):
    path = tmp_path / "broken.271"
    path.write_text(answer_271(trace=sent.trace_number).replace("EB*B**98", "EB***98"))
    with pytest.raises(CommandError, match=r"segment 13 \(EB\) element 1") as raised:
        call_command("eligibility", "import", str(path))
    assert raised.value.returncode == 1
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_the_command_exits_1_on_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("eligibility", "import", str(tmp_path / "nothing.271"))


def test_the_send_command_prints_the_files_it_wrote(location, tmp_path, capsys):
    from tests.billing.factories_eligibility import insured, local_day, visit_on

    patient = PatientFactory(home_location=location)
    insured(patient, tmp_path)
    visit_on(local_day(1), location, patient=patient)
    call_command("eligibility", "send")
    out = capsys.readouterr().out
    assert "1 checks queued." in out
    (written,) = tmp_path.glob("*.x12")
    assert f"{written.name}, 1 inquiries, written to {written}" in out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_give_a_report_never_an_exception(sent, content):
    report = _import(content)
    assert report.ok or report.error is not None
    assert report.text_lines()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=600))
def test_a_truncated_271_gives_a_report_never_an_exception(sent, cut):
    report = _import(answer_271(trace=sent.trace_number)[:cut])
    assert report.text_lines()
