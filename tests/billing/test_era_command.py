"""`medoffice era import`: what it prints, and its exit status."""

from __future__ import annotations

import contextlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medoffice.billing.models import EraException, EraFile
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_era import era_for, submitted_claim

pytestmark = pytest.mark.django_db
SAMPLES = Path("/work/shared/x12-samples")


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def run(*files: Path) -> str:
    out = StringIO()
    call_command("era", "import", *[str(f) for f in files], stdout=out, stderr=out)
    return out.getvalue()


def test_the_command_prints_payments_claims_and_exceptions(tmp_path):
    claim = submitted_claim()
    path = tmp_path / "remit.835"
    path.write_bytes(era_for(claim))
    printed = run(path)
    assert "1 payments posted, 1 of 1 claims matched, 0 exceptions" in printed


def test_a_second_run_says_already_imported(tmp_path):
    claim = submitted_claim()
    path = tmp_path / "remit.835"
    path.write_bytes(era_for(claim))
    run(path)
    assert "already imported on" in run(path)


def test_a_truncated_file_exits_non_zero_naming_the_segment(tmp_path):
    claim = submitted_claim()
    data = era_for(claim)
    path = tmp_path / "cut.835"
    path.write_bytes(data[: data.index(b"SE*")])
    with pytest.raises(CommandError):
        run(path)
    assert not EraFile.objects.exists()


def test_a_truncated_file_is_reported_with_its_segment(tmp_path, capsys):
    claim = submitted_claim()
    data = era_for(claim)
    path = tmp_path / "cut.835"
    path.write_bytes(data[: data.index(b"SE*")])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("era", "import", str(path), stdout=StringIO(), stderr=err)
    assert "segment" in err.getvalue()


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared X12 samples are not here")
def test_the_shared_835_samples_import_as_exceptions_without_crashing():
    files = sorted(SAMPLES.glob("*.835"))
    out, err = StringIO(), StringIO()
    # a sample the reader refuses is reported (and the exit is non-zero), not a crash
    with contextlib.suppress(CommandError):
        call_command("era", "import", *[str(f) for f in files], stdout=out, stderr=err)
    printed = out.getvalue()
    assert printed.count("payments posted") + err.getvalue().count("refused") == len(files)
    assert EraException.objects.count() >= 1
