"""Claims out of the door: scrubbing stored with the claim, 837P batches, acknowledgements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch, ClaimFinding
from medoffice.billing.services import acks, batches, scrub
from medoffice.core.models import Practice
from medoffice.x12.ack999 import read_999
from medoffice.x12.reader import X12Reader
from medoffice.x12.respond import Rejection, acknowledge_837
from medoffice.x12.writer import InterchangeHeader
from tests.billing.factories_claims import billable_claim, office_visit_codes
from tests.factories import SYSTEM, LocationFactory
from tests.x12.pyx12check import pyx12_errors
from tests.x12.samples import sample

pytestmark = pytest.mark.django_db

CLEARINGHOUSE = InterchangeHeader(
    sender_id="SYNXCHG",
    receiver_id="MEDOFFICE",
    interchange_control_number=777,
    group_control_number=778,
    created=dt.datetime(2026, 11, 30, 9, 0),
)


@pytest.fixture
def practice_ready(tmp_path: Path):
    office_visit_codes()
    location = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return location


def _claim(location, tmp_path: Path, **patient_fields) -> Claim:
    return billable_claim(location, tmp_path / "outbox", **patient_fields)


def _scrub(*claims: Claim) -> list[scrub.ScrubOutcome]:
    return scrub.scrub_claims(
        actor=SYSTEM, claims=Claim.objects.filter(pk__in=[c.pk for c in claims])
    )


def test_a_clean_claim_becomes_ready_with_no_findings(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)

    (outcome,) = _scrub(claim)

    claim.refresh_from_db()
    assert [f.code for f in outcome.findings] == []
    assert claim.status == ClaimStatus.READY
    assert claim.first_scrub_clean is True


def test_a_claim_with_an_error_is_held_with_its_finding_stored(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="")

    _scrub(claim)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SCRUBBED
    finding = claim.findings.get(code="pointer_missing")
    assert finding.severity == "error"
    assert finding.line_number == 1
    assert finding.fix
    assert claim.first_scrub_clean is False


def test_the_first_verdict_is_kept_when_the_claim_is_scrubbed_again(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="")
    _scrub(claim)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="1,2")

    _scrub(claim)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    assert claim.first_scrub_clean is False
    assert not claim.findings.exists()


def test_an_error_cannot_be_overridden(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="")
    _scrub(claim)
    finding = claim.findings.get(code="pointer_missing")

    with pytest.raises(ValidationError) as refused:
        scrub.override_warning(finding=finding, actor=SYSTEM, reason="the payer does not mind")

    assert "cannot be overridden" in str(refused.value)


def test_a_warning_overridden_with_a_reason_lets_the_claim_go(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)
    ClaimFinding.objects.create(
        claim=claim,
        code="timely_filing_near",
        severity="warning",
        message="m",
        found_at=claim.created_at,
    )
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SCRUBBED)
    finding = claim.findings.get()

    scrub.override_warning(finding=finding, actor=SYSTEM, reason="sent on paper last week")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    finding.refresh_from_db()
    assert finding.override_reason == "sent on paper last week"


def test_an_override_needs_a_reason(practice_ready, tmp_path):
    claim = _claim(practice_ready, tmp_path)
    finding = ClaimFinding.objects.create(
        claim=claim, code="x", severity="warning", message="m", found_at=claim.created_at
    )

    with pytest.raises(ValidationError) as refused:
        scrub.override_warning(finding=finding, actor=SYSTEM, reason="   ")

    assert "reason" in refused.value.message_dict


def test_the_clean_claim_rate_counts_first_scrubs(practice_ready, tmp_path):
    clean = _claim(practice_ready, tmp_path)
    held = _claim(practice_ready, tmp_path)
    held.lines.filter(line_number=1).update(diagnosis_pointers="")
    _scrub(clean, held)

    rate = scrub.clean_claim_rate(Claim.objects.all())

    assert (rate.clean, rate.scrubbed, rate.rate) == (1, 2, 50)


def _ready(location, tmp_path, count=2) -> list[Claim]:
    claims = [_claim(location, tmp_path) for _ in range(count)]
    _scrub(*claims)
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.READY, list(
            claim.findings.values_list("code", flat=True)
        )
    return claims


def test_export_writes_one_pyx12_valid_batch_per_clearinghouse_and_submits(
    practice_ready, tmp_path
):
    claims = _ready(practice_ready, tmp_path)

    result = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")

    assert len(result.batches) == 2  # each insured() payer has its own clearinghouse
    for done in result.batches:
        text = (tmp_path / "out" / done.batch.file_name).read_text()
        assert pyx12_errors(text) == []
        assert text == done.batch.content
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.SUBMITTED
        assert claim.batch_id
        assert claim.first_submitted_at


def test_a_claim_exported_again_keeps_the_date_it_was_first_submitted(practice_ready, tmp_path):
    (claim, *_) = _ready(practice_ready, tmp_path)
    first = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)
    Claim.objects.filter(pk=claim.pk).update(first_submitted_at=first)

    batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.first_submitted_at == first
    assert claim.submitted_at > first


def test_a_claim_that_becomes_ready_after_the_export_started_is_not_marked_submitted(
    practice_ready, tmp_path, monkeypatch
):
    """Only the claims the export locked and wrote are marked; a late one waits."""
    claims = _ready(practice_ready, tmp_path)
    late = claims[-1]
    Claim.objects.filter(pk=late.pk).update(status=ClaimStatus.SCRUBBED)
    written = batches._write

    def write_then_a_claim_turns_ready(*args, **kwargs):
        Claim.objects.filter(pk=late.pk).update(status=ClaimStatus.READY)
        return written(*args, **kwargs)

    monkeypatch.setattr(batches, "_write", write_then_a_claim_turns_ready)

    result = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")

    late.refresh_from_db()
    assert late.status == ClaimStatus.READY
    assert late.batch_id is None
    assert all(late.control_number not in done.batch.content for done in result.batches)


def test_the_control_numbers_of_two_batches_differ(practice_ready, tmp_path):
    _ready(practice_ready, tmp_path)

    result = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")

    numbers = [
        (b.batch.interchange_control_number, b.batch.group_control_number) for b in result.batches
    ]
    assert len(set(numbers)) == len(numbers)


def test_nothing_ready_exports_nothing(practice_ready, tmp_path):
    assert batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path).batches == []


def test_the_command_prints_what_it_wrote(practice_ready, tmp_path, capsys):
    _ready(practice_ready, tmp_path, count=1)

    call_command("claims", "export", "--out", str(tmp_path / "cmd"))

    out = capsys.readouterr().out
    assert "Submitted 1 claim(s) in 1 batch(es)." in out
    assert len(list((tmp_path / "cmd").iterdir())) == 1


def _submitted(location, tmp_path, count=2) -> tuple[ClaimBatch, list[Claim]]:
    claims = _ready(location, tmp_path, count)
    for claim in claims[1:]:  # one clearinghouse for all
        claim.payer.billing.clearinghouse = claims[0].payer.billing.clearinghouse
        claim.payer.billing.save()
    result = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")
    (done,) = result.batches
    return done.batch, [Claim.objects.get(pk=c.pk) for c in claims]


def test_a_999_accepting_the_batch_accepts_its_claims(practice_ready, tmp_path):
    batch, _claims = _submitted(practice_ready, tmp_path)
    answer = acknowledge_837(batch.content, {}, CLEARINGHOUSE)

    report = acks.import_acknowledgement(content=answer, file_name="a.999", actor=SYSTEM)

    assert report.ok
    assert report.count("accepted") == 2
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.ACCEPTED}


def test_a_999_rejecting_one_claim_names_where_and_why(practice_ready, tmp_path):
    batch, (first, second) = _submitted(practice_ready, tmp_path)
    answer = acknowledge_837(
        batch.content, {second.control_number: Rejection(element=5, code="7")}, CLEARINGHOUSE
    )

    acks.import_acknowledgement(content=answer, file_name="r.999", actor=SYSTEM)

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == ClaimStatus.REJECTED
    assert "CLM at position" in second.rejection_reason
    assert "CLM05" in second.rejection_reason
    assert first.status == ClaimStatus.REJECTED  # the payer saw none of the set
    assert "rejected with its file" in first.rejection_reason
    assert f"the errors are in claim {second.control_number}" in first.rejection_reason


def test_a_malformed_999_changes_nothing_and_names_the_segment(practice_ready, tmp_path):
    batch, _claims = _submitted(practice_ready, tmp_path)
    answer = acknowledge_837(batch.content, {}, CLEARINGHOUSE)
    broken = answer.replace("IK5*A", "IK5*Q")

    report = acks.import_acknowledgement(content=broken, file_name="b.999", actor=SYSTEM)

    assert not report.ok
    assert "IK5" in report.problems[0]
    assert not Acknowledgement.objects.exists()
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}


def test_a_file_that_is_no_acknowledgement_is_refused(practice_ready, tmp_path):
    report = acks.import_acknowledgement(content=b"\xff\xfe nonsense", file_name="x", actor=SYSTEM)

    assert not report.ok
    assert "not text" in report.problems[0]


def test_a_999_of_another_batch_is_noted_not_applied(practice_ready, tmp_path):
    batch, _claims = _submitted(practice_ready, tmp_path)
    answer = acknowledge_837(batch.content, {}, CLEARINGHOUSE)
    other = answer.replace(f"AK1*HC*{batch.group_control_number}*", "AK1*HC*99999*")

    report = acks.import_acknowledgement(content=other, file_name="o.999", actor=SYSTEM)

    assert report.ok
    assert report.lines == []
    assert "no batch of ours" in report.notes[0]


def test_the_ack_command_imports_and_prints(practice_ready, tmp_path, capsys):
    batch, _claims = _submitted(practice_ready, tmp_path)
    path = tmp_path / "a.999"
    path.write_text(acknowledge_837(batch.content, {}, CLEARINGHOUSE))

    call_command("ack", "import", str(path))

    assert "999, 2 accepted, 0 rejected" in capsys.readouterr().out


def test_the_exported_batch_reads_back_with_our_reader(practice_ready, tmp_path):
    batch, claims = _submitted(practice_ready, tmp_path)

    found = [s.get(1) for s in X12Reader(batch.content) if s.id == "CLM"]

    assert found == [c.control_number for c in claims]
    assert read_999(acknowledge_837(batch.content, {}, CLEARINGHOUSE)).groups[0].sets[0].accepted


def _277ca_for(claim: Claim, name: str) -> str:
    """The public 277CA sample with our claim's number in its patient-level TRN."""
    text = sample(name).read_text()
    return text.replace("TRN*2*3920394930203", f"TRN*2*{claim.control_number}")


def test_a_277ca_rejection_sends_the_claim_to_the_rejection_queue(practice_ready, tmp_path):
    _batch, (claim, _) = _submitted(practice_ready, tmp_path)

    report = acks.import_acknowledgement(
        content=_277ca_for(claim, "ims_277ca_rejected.277"), file_name="r.277", actor=SYSTEM
    )

    claim.refresh_from_db()
    assert report.ok
    assert report.count("rejected") == 1
    assert claim.status == ClaimStatus.REJECTED
    assert claim.rejection_reason.startswith("277CA rejected")


def test_a_277ca_acceptance_keeps_the_payers_claim_number(practice_ready, tmp_path):
    _batch, (claim, _) = _submitted(practice_ready, tmp_path)
    text = (
        sample("ims_277ca_accepted.277")
        .read_text()
        .replace("TRN*2*5781", f"TRN*2*{claim.control_number}")
    )

    acks.import_acknowledgement(content=text, file_name="a.277", actor=SYSTEM)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED
    assert claim.payer_claim_number == "1107000000014420"


def test_a_batch_that_cannot_be_written_is_refused_not_sent(practice_ready, tmp_path):
    (claim,) = _ready(practice_ready, tmp_path, count=1)
    Practice.objects.update(phone="")

    result = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out")

    assert result.batches == []
    assert [c.pk for c, _ in result.refused] == [claim.pk]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
