"""Importing reference files: nothing is written when a row is bad unless the good rows are
chosen; rows are upserted by their key; a fee schedule refuses overlapping dates; an export
imports back unchanged; the commands print the report and exit 1 on a refused file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from medoffice.billing.models import AddOnCode, FeeScheduleEntry, MueLimit, ProcedureCode, PtpEdit
from medoffice.billing.services import imports
from medoffice.core.models import AuditEvent
from medoffice.core.permissions import SystemActor
from medoffice.core.roles import Role
from tests.billing.factories_reference import (
    FeeScheduleEntryFactory,
    FeeScheduleFactory,
    MueLimitFactory,
    ProcedureCodeFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("tests")
FEES = "code,modifier,amount,effective_from,effective_to\n"
PTP = "Column 1\tColumn 2\tEffective Date\tDeletion Date\tModifier Indicator\tRationale\n"


def cpt(*rows: str) -> bytes:
    return ("Code,Short Description,Long Description\n" + "\n".join(rows) + "\n").encode()


def test_a_good_code_file_is_imported():
    report = imports.import_procedure_codes(
        actor=ACTOR, code_set="cpt", data=cpt("99213,Office visit,Established patient visit")
    )
    assert report.applied
    assert report.created == 1
    assert ProcedureCode.objects.get(code="99213").short_description == "Office visit"


def test_a_file_with_a_bad_row_imports_nothing():
    report = imports.import_procedure_codes(
        actor=ACTOR, code_set="cpt", data=cpt("99213,Office visit,", "9921X,Bad code,")
    )
    assert not report.applied
    assert [(p.row, p.column) for p in report.problems] == [(3, "code")]
    assert not ProcedureCode.objects.exists()


def test_a_row_with_two_problems_counts_as_one_bad_row():
    report = imports.import_procedure_codes(
        actor=ACTOR, code_set="cpt", data=cpt("99213,Office visit,", "9921X,,")
    )
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "code"),
        (3, "short description"),
    ]
    assert report.bad_rows == 1
    assert report.summary.startswith("Nothing imported: 1 of 2 rows are bad.")


def test_choosing_the_good_rows_imports_them_and_names_the_bad():
    report = imports.import_procedure_codes(
        actor=ACTOR,
        code_set="cpt",
        data=cpt("99213,Office visit,", "9921X,Bad code,"),
        import_good_rows=True,
    )
    assert report.applied
    assert report.good_rows == 1
    assert len(report.problems) == 1
    assert list(ProcedureCode.objects.values_list("code", flat=True)) == ["99213"]


def test_codes_are_upserted_and_lose_their_synthetic_mark():
    ProcedureCodeFactory(code="99213", short_description="Old", is_synthetic=True)
    report = imports.import_procedure_codes(actor=ACTOR, code_set="cpt", data=cpt("99213,New,"))
    code = ProcedureCode.objects.get(code="99213")
    assert (report.created, report.updated) == (0, 1)
    assert code.short_description == "New"
    assert not code.is_synthetic


def test_a_terminated_code_is_imported_inactive():
    data = b"Code,Short Description,Termination Date\n99213,Visit,20200101\n"
    imports.import_procedure_codes(actor=ACTOR, code_set="cpt", data=data)
    assert not ProcedureCode.objects.get(code="99213").is_active


def test_an_unreadable_file_is_refused_naming_the_file():
    with pytest.raises(ValidationError) as caught:
        imports.import_procedure_codes(actor=ACTOR, code_set="cpt", data=b"")
    assert "file" in caught.value.error_dict


def test_an_import_needs_the_change_permission():
    desk = UserFactory(roles=[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        imports.import_procedure_codes(actor=desk, code_set="cpt", data=cpt("99213,Visit,"))


def test_an_import_is_audited():
    imports.import_procedure_codes(actor=ACTOR, code_set="cpt", data=cpt("99213,Visit,"))
    assert AuditEvent.objects.filter(object_type="billing.procedurecode").exists()


def test_ptp_edits_are_kept_per_table():
    data = (PTP + "99213\t36415\t20260101\t*\t1\tMisuse\n").encode()
    imports.import_ncci(actor=ACTOR, kind="ptp", table="practitioner", data=data)
    imports.import_ncci(actor=ACTOR, kind="ptp", table="outpatient", data=data)
    assert sorted(PtpEdit.objects.values_list("table", flat=True)) == ["outpatient", "practitioner"]


def test_a_reimported_ptp_edit_is_updated_not_doubled():
    imports.import_ncci(
        actor=ACTOR,
        kind="ptp",
        table="practitioner",
        data=(PTP + "99213\t36415\t20260101\t*\t1\t\n").encode(),
    )
    report = imports.import_ncci(
        actor=ACTOR,
        kind="ptp",
        table="practitioner",
        data=(PTP + "99213\t36415\t20260101\t20261001\t1\t\n").encode(),
    )
    assert report.updated == 1
    assert PtpEdit.objects.get().deleted_on == dt.date(2026, 10, 1)


def test_an_mue_file_without_dates_takes_the_quarter_and_closes_the_earlier_limit():
    MueLimitFactory(code="36415", units=1, effective_from=dt.date(2026, 1, 1))
    data = b"HCPCS/CPT Code,MUE Value,MUE Adjudication Indicator\n36415,2,3 Date of Service Edit: Clinical\n"
    imports.import_ncci(
        actor=ACTOR, kind="mue", table="practitioner", data=data, effective_from=dt.date(2026, 4, 1)
    )
    limits = list(MueLimit.objects.order_by("effective_from").values_list("units", "effective_to"))
    assert limits == [(1, dt.date(2026, 3, 31)), (2, None)]


def test_the_addon_file_is_imported():
    data = b"Add-on Code,Primary Code,AOC Edit Type,Effective Date,Deletion Date\n90472,90471,1,20260101,*\n"
    imports.import_ncci(actor=ACTOR, kind="addon", table="practitioner", data=data)
    assert AddOnCode.objects.get().primary == "90471"


def test_an_unknown_ncci_kind_is_refused():
    with pytest.raises(ValidationError):
        imports.import_ncci(actor=ACTOR, kind="lcd", table="practitioner", data=b"x")


def test_an_unknown_table_is_refused():
    with pytest.raises(ValidationError):
        imports.import_ncci(actor=ACTOR, kind="ptp", table="hospital", data=b"x")


# --- fee schedules -----------------------------------------------------------------------


def test_fee_entries_are_imported():
    schedule = FeeScheduleFactory()
    data = (FEES + "99213,,125.00,2026-01-01,\n99213,25,130.00,2026-01-01,\n").encode()
    report = imports.import_fee_schedule(actor=ACTOR, schedule=schedule, data=data)
    assert report.created == 2
    assert schedule.entries.get(modifier="25").amount == Decimal("130.00")


def test_an_entry_overlapping_one_in_the_schedule_is_refused():
    entry = FeeScheduleEntryFactory(code="99213", effective_from=dt.date(2026, 1, 1))
    data = (FEES + "99213,,140.00,2026-06-01,\n").encode()
    report = imports.import_fee_schedule(actor=ACTOR, schedule=entry.schedule, data=data)
    assert not report.applied
    assert "overlap" in report.problems[0].message
    assert entry.schedule.entries.count() == 1


def test_an_entry_after_the_schedules_closed_one_is_taken():
    entry = FeeScheduleEntryFactory(
        code="99213", effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2026, 5, 31)
    )
    data = (FEES + "99213,,140.00,2026-06-01,\n").encode()
    assert imports.import_fee_schedule(actor=ACTOR, schedule=entry.schedule, data=data).applied


def test_a_bad_fee_row_imports_nothing_until_the_good_rows_are_chosen():
    schedule = FeeScheduleFactory()
    data = (FEES + "99213,,125.00,2026-01-01,\n99214,,1e309,2026-01-01,\n").encode()
    refused = imports.import_fee_schedule(actor=ACTOR, schedule=schedule, data=data)
    assert not refused.applied
    assert not schedule.entries.exists()
    taken = imports.import_fee_schedule(
        actor=ACTOR, schedule=schedule, data=data, import_good_rows=True
    )
    assert taken.applied
    assert list(schedule.entries.values_list("code", flat=True)) == ["99213"]
    assert [(p.row, p.column) for p in taken.problems] == [(3, "amount")]


def test_the_schedules_export_imports_back_unchanged():
    schedule = FeeScheduleFactory()
    data = (
        FEES
        + "99213,,125.00,2026-01-01,2026-06-30\n99213,,130.00,2026-07-01,\n36415,,15.00,2026-01-01,\n"
    ).encode()
    imports.import_fee_schedule(actor=ACTOR, schedule=schedule, data=data)
    exported = "\n".join(",".join(row) for row in imports.fee_schedule_csv_rows(schedule)) + "\n"
    copy = FeeScheduleFactory()
    imports.import_fee_schedule(actor=ACTOR, schedule=copy, data=exported.encode())
    assert imports.fee_schedule_csv_rows(copy) == imports.fee_schedule_csv_rows(schedule)
    again = imports.import_fee_schedule(actor=ACTOR, schedule=schedule, data=exported.encode())
    assert (again.created, again.updated) == (0, 3)
    assert FeeScheduleEntry.objects.filter(schedule=schedule).count() == 3


# --- the commands ------------------------------------------------------------------------


def test_the_codes_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "cpt.csv"
    path.write_bytes(cpt("99213,Office visit,"))
    call_command("codes", "import", "--set", "cpt", str(path))
    assert ProcedureCode.objects.filter(code="99213").exists()
    assert "Imported 1 of 1" in capsys.readouterr().out


def test_the_codes_command_exits_1_naming_the_bad_rows(tmp_path, capsys):
    path = tmp_path / "cpt.csv"
    path.write_bytes(cpt("99213,Office visit,", "ABCDE,Bad,"))
    with pytest.raises(CommandError) as caught:
        call_command("codes", "import", "--set", "cpt", str(path))
    assert caught.value.returncode == 1
    assert "Row 3, code" in capsys.readouterr().err
    assert not ProcedureCode.objects.exists()


def test_the_codes_command_imports_the_good_rows_when_asked(tmp_path):
    path = tmp_path / "cpt.csv"
    path.write_bytes(cpt("99213,Office visit,", "ABCDE,Bad,"))
    call_command("codes", "import", "--set", "cpt", "--import-good-rows", str(path))
    assert ProcedureCode.objects.count() == 1


def test_the_codes_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("codes", "import", "--set", "cpt", str(tmp_path / "nope.csv"))


def test_the_ncci_command_imports_a_ptp_file(tmp_path):
    path = tmp_path / "ptp.txt"
    path.write_bytes(("Preamble line\n" + PTP + "99213\t36415\t20260101\t*\t1\t\n").encode())
    call_command("ncci", "import", "--kind", "ptp", "--table", "outpatient", str(path))
    assert PtpEdit.objects.get().table == "outpatient"


def test_the_ncci_command_refuses_a_bad_effective_date(tmp_path):
    with pytest.raises(CommandError, match="--effective"):
        call_command("ncci", "import", "--kind", "mue", "--effective", "soon", str(tmp_path / "x"))
