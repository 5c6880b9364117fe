"""Importing reference files: procedure codes (CPT, HCPCS), NCCI edits and fee schedules.

Each import reads the whole file first (``billing.reference_files``) and returns an
``ImportReport`` naming every bad row (row number, column, what is wrong). When any row is
bad nothing is written, unless the caller chose ``import_good_rows``; then the good rows
are written and the bad ones left out. Writes are upserts by the row's key (the code; the
pair and its effective date; …), in one transaction, and one audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing import reference_files as files
from medoffice.billing.choices import CodeSet, NcciTable
from medoffice.billing.error_codes import BillingErrorCode
from medoffice.billing.models import (
    AddOnCode,
    FeeSchedule,
    FeeScheduleEntry,
    MueLimit,
    ProcedureCode,
    PtpEdit,
)
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, practice_zone
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission

BATCH = 2000
MAX_FILE_BYTES = 200 * 1024 * 1024
KINDS = {"cpt", "hcpcs", "ptp", "mue", "addon", "fees"}


@dataclass
class ImportReport:
    """What an import found and did. ``applied``: whether anything was written."""

    kind: str
    rows_read: int = 0
    good_rows: int = 0
    problems: list[files.RowProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    applied: bool = False
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        """Rows with a problem (a row may have several, each named)."""
        return len({p.row for p in self.problems})

    @property
    def summary(self) -> str:
        if self.applied:
            text = f"Imported {self.good_rows} of {self.rows_read} rows ({self.created} new, {self.updated} updated)."
            if self.problems:
                text += f" {self.bad_rows} bad rows were left out."
            return text
        return (
            f"Nothing imported: {self.bad_rows} of {self.rows_read} rows are bad. "
            "Fix them, or choose to import the good rows."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows_read": self.rows_read,
            "good_rows": self.good_rows,
            "created": self.created,
            "updated": self.updated,
            "applied": self.applied,
            "summary": self.summary,
            "bad_rows": self.bad_rows,
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
        }


def _today() -> dt.date:
    return timezone.now().astimezone(practice_zone()).date()


def _refuse(message: str, code: BillingErrorCode) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def read(kind: str, data: bytes, filename: str = "") -> tuple[ImportReport, files.ReadResult]:
    """The file read; ValidationError (field ``file``) when it cannot be read at all."""
    if kind not in KINDS:
        raise ValidationError(
            {
                "kind": ValidationError(
                    f"Unknown kind of file “{kind}”.", code=BillingErrorCode.IMPORT_KIND_INVALID
                )
            }
        )
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.",
            BillingErrorCode.IMPORT_FILE_UNREADABLE,
        )
    try:
        result = files.read_file(kind, data, filename, today=_today())
    except files.FileProblem as exc:
        raise _refuse(str(exc), BillingErrorCode.IMPORT_FILE_UNREADABLE) from None
    report = ImportReport(
        kind=kind,
        rows_read=result.rows_read,
        problems=list(result.problems),
        header_row=result.header_row,
    )
    return report, result


def _finish(report: ImportReport, result: files.ReadResult, import_good_rows: bool) -> bool:
    """Whether to write: no problems, or the caller chose to write the good rows."""
    report.problems.sort(key=lambda p: p.row)
    report.good_rows = len(result.rows) if (not report.problems or import_good_rows) else 0
    return bool(result.rows) and (not report.problems or import_good_rows)


def _audit(actor: Actor, report: ImportReport, object_type: str, filename: str) -> None:
    record_event(
        AuditAction.UPDATE,
        user=actor,
        object_type=object_type,
        data_category="billing reference",
        detail=(
            f"import of {report.kind} from “{filename[:80]}”: {report.created} new, "
            f"{report.updated} updated, {report.bad_rows} bad rows left out"
        )[:500],
    )


def _require(actor: Actor) -> None:
    require(
        actor,
        Permission.CHANGE_BILLING_REFERENCE,
        "Your roles do not allow importing code sets, NCCI edits or fee schedules.",
    )


# --- procedure codes ---------------------------------------------------------------------


def import_procedure_codes(
    *,
    actor: Actor,
    code_set: str,
    data: bytes,
    filename: str = "",
    import_good_rows: bool = False,
) -> ImportReport:
    """CPT or HCPCS Level II codes, upserted by code (an imported code is not synthetic)."""
    _require(actor)
    if code_set not in CodeSet.values:
        raise ValidationError(
            {
                "code_set": ValidationError(
                    "Choose cpt or hcpcs.", code=BillingErrorCode.CODE_SET_INVALID
                )
            }
        )
    report, result = read(code_set, data, filename)
    if not _finish(report, result, import_good_rows):
        return report
    today = _today()
    with transaction.atomic():
        rows: list[files.ProcedureRow] = [row for _, row in result.rows]
        existing = {
            c.code: c
            for c in ProcedureCode.objects.filter(code__in=[r.code for r in rows]).only(
                "pk", "code"
            )
        }
        new, changed = [], []
        for row in rows:
            values = {
                "code_set": code_set,
                "short_description": row.short_description,
                "description": row.description,
                "is_not_otherwise_classified": row.is_not_otherwise_classified,
                "requires_ndc": row.requires_ndc,
                "effective_from": row.effective_from,
                "effective_to": row.effective_to,
                "is_synthetic": False,
                "is_active": row.effective_to is None or row.effective_to >= today,
            }
            if row.code in existing:
                obj = existing[row.code]
                for name, value in values.items():
                    setattr(obj, name, value)
                changed.append(obj)
            else:
                new.append(ProcedureCode(code=row.code, **values))
        ProcedureCode.objects.bulk_create(new, batch_size=BATCH)
        ProcedureCode.objects.bulk_update(changed, list(values), batch_size=BATCH)
        report.created, report.updated, report.applied = len(new), len(changed), True
        _audit(actor, report, "billing.procedurecode", filename)
    return report


# --- NCCI ------------------------------------------------------------------------------


def _table(table: str) -> str:
    if table not in NcciTable.values:
        raise ValidationError(
            {
                "table": ValidationError(
                    "Choose practitioner, outpatient or dme.",
                    code=BillingErrorCode.NCCI_TABLE_INVALID,
                )
            }
        )
    return table


def import_ptp_edits(
    *,
    actor: Actor,
    table: str,
    data: bytes,
    filename: str = "",
    import_good_rows: bool = False,
) -> ImportReport:
    """A PTP file of one table, upserted by (column 1, column 2, effective date)."""
    _require(actor)
    _table(table)
    report, result = read("ptp", data, filename)
    if not _finish(report, result, import_good_rows):
        return report
    with transaction.atomic():
        rows: list[files.PtpRow] = [row for _, row in result.rows]
        firsts = {r.column1 for r in rows}
        existing = {
            (e.column1, e.column2, e.effective_from): e
            for e in PtpEdit.objects.filter(table=table, column1__in=firsts).only(
                "pk", "column1", "column2", "effective_from"
            )
        }
        new, changed = [], []
        for row in rows:
            obj = existing.get(row.key)
            if obj is None:
                new.append(
                    PtpEdit(
                        table=table,
                        column1=row.column1,
                        column2=row.column2,
                        effective_from=row.effective_from,
                        deleted_on=row.deleted_on,
                        modifier_indicator=row.modifier_indicator,
                        rationale=row.rationale,
                    )
                )
            else:
                obj.deleted_on = row.deleted_on
                obj.modifier_indicator = row.modifier_indicator
                obj.rationale = row.rationale
                obj.is_synthetic = False
                changed.append(obj)
        PtpEdit.objects.bulk_create(new, batch_size=BATCH)
        PtpEdit.objects.bulk_update(
            changed,
            ["deleted_on", "modifier_indicator", "rationale", "is_synthetic"],
            batch_size=BATCH,
        )
        report.created, report.updated, report.applied = len(new), len(changed), True
        _audit(actor, report, "billing.ptpedit", filename)
    return report


def import_mue_limits(
    *,
    actor: Actor,
    table: str,
    data: bytes,
    filename: str = "",
    effective_from: dt.date | None = None,
    import_good_rows: bool = False,
) -> ImportReport:
    """An MUE file of one table. A row without its own effective date takes
    ``effective_from`` (the quarter's first day; default today). A code's earlier limit
    still open ends the day before the new one starts."""
    _require(actor)
    _table(table)
    report, result = read("mue", data, filename)
    if not _finish(report, result, import_good_rows):
        return report
    default_start = effective_from or _today()
    with transaction.atomic():
        rows: list[files.MueRow] = [row for _, row in result.rows]
        codes = {r.code for r in rows}
        current = list(MueLimit.objects.filter(table=table, code__in=codes).select_for_update())
        by_key = {(m.code, m.effective_from): m for m in current}
        new, changed, closed = [], [], []
        for row in rows:
            start = row.effective_from or default_start
            obj = by_key.get((row.code, start))
            if obj is None:
                new.append(
                    MueLimit(
                        table=table,
                        code=row.code,
                        units=row.units,
                        adjudication=row.adjudication,
                        rationale=row.rationale,
                        effective_from=start,
                    )
                )
            else:
                obj.units, obj.adjudication, obj.rationale = (
                    row.units,
                    row.adjudication,
                    row.rationale,
                )
                obj.is_synthetic = False
                changed.append(obj)
            for earlier in current:
                if (
                    earlier.code == row.code
                    and earlier.effective_from < start
                    and (earlier.effective_to is None or earlier.effective_to >= start)
                ):
                    earlier.effective_to = start - dt.timedelta(days=1)
                    closed.append(earlier)
        MueLimit.objects.bulk_create(new, batch_size=BATCH)
        MueLimit.objects.bulk_update(
            changed, ["units", "adjudication", "rationale", "is_synthetic"], batch_size=BATCH
        )
        MueLimit.objects.bulk_update(closed, ["effective_to"], batch_size=BATCH)
        report.created, report.updated, report.applied = len(new), len(changed), True
        _audit(actor, report, "billing.muelimit", filename)
    return report


def import_addon_edits(
    *, actor: Actor, data: bytes, filename: str = "", import_good_rows: bool = False
) -> ImportReport:
    """An add-on code edit file, upserted by (add-on, primary, effective date)."""
    _require(actor)
    report, result = read("addon", data, filename)
    if not _finish(report, result, import_good_rows):
        return report
    with transaction.atomic():
        rows: list[files.AddOnRow] = [row for _, row in result.rows]
        existing = {
            (a.addon, a.primary, a.effective_from): a
            for a in AddOnCode.objects.filter(addon__in={r.addon for r in rows})
        }
        new, changed = [], []
        for row in rows:
            obj = existing.get(row.key)
            if obj is None:
                new.append(
                    AddOnCode(
                        addon=row.addon,
                        primary=row.primary,
                        edit_type=row.edit_type,
                        effective_from=row.effective_from,
                        deleted_on=row.deleted_on,
                    )
                )
            else:
                obj.edit_type, obj.deleted_on, obj.is_synthetic = (
                    row.edit_type,
                    row.deleted_on,
                    False,
                )
                changed.append(obj)
        AddOnCode.objects.bulk_create(new, batch_size=BATCH)
        AddOnCode.objects.bulk_update(
            changed, ["edit_type", "deleted_on", "is_synthetic"], batch_size=BATCH
        )
        report.created, report.updated, report.applied = len(new), len(changed), True
        _audit(actor, report, "billing.addoncode", filename)
    return report


def import_ncci(
    *,
    actor: Actor,
    kind: str,
    table: str,
    data: bytes,
    filename: str = "",
    effective_from: dt.date | None = None,
    import_good_rows: bool = False,
) -> ImportReport:
    """One of the three NCCI files by its kind: ptp, mue or addon."""
    if kind == "ptp":
        return import_ptp_edits(
            actor=actor,
            table=table,
            data=data,
            filename=filename,
            import_good_rows=import_good_rows,
        )
    if kind == "mue":
        return import_mue_limits(
            actor=actor,
            table=table,
            data=data,
            filename=filename,
            effective_from=effective_from,
            import_good_rows=import_good_rows,
        )
    if kind == "addon":
        return import_addon_edits(
            actor=actor, data=data, filename=filename, import_good_rows=import_good_rows
        )
    raise ValidationError(
        {
            "kind": ValidationError(
                "Choose ptp, mue or addon.", code=BillingErrorCode.IMPORT_KIND_INVALID
            )
        }
    )


# --- fee schedules ---------------------------------------------------------------------


def import_fee_schedule(
    *,
    actor: Actor,
    schedule: FeeSchedule,
    data: bytes,
    filename: str = "",
    import_good_rows: bool = False,
) -> ImportReport:
    """Entries of one schedule (columns code, modifier, amount, effective_from,
    effective_to), upserted by (code, modifier, effective_from). A row whose dates overlap
    another row's or another entry's of the same code and modifier is bad."""
    _require(actor)
    report, result = read("fees", data, filename)
    rows: list[tuple[int, files.FeeRow]] = result.rows
    overlaps = files.overlapping_fees(rows)
    bad = {p.row for p in overlaps}
    report.problems += overlaps
    with transaction.atomic():
        FeeSchedule.objects.select_for_update().filter(pk=schedule.pk).first()
        existing: dict[tuple[str, str], list[FeeScheduleEntry]] = {}
        for entry in FeeScheduleEntry.objects.filter(
            schedule=schedule, code__in={r.code for _, r in rows}
        ):
            existing.setdefault((entry.code, entry.modifier), []).append(entry)
        for number, row in rows:
            if number in bad:
                continue
            for entry in existing.get((row.code, row.modifier), []):
                if entry.effective_from == row.effective_from:
                    continue  # the same entry: updated below
                if files.ranges_overlap(
                    row.effective_from, row.effective_to, entry.effective_from, entry.effective_to
                ):
                    end = entry.effective_to.isoformat() if entry.effective_to else "no end"
                    report.problems.append(
                        files.RowProblem(
                            number,
                            "effective_from",
                            f"Its dates overlap the entry of {entry.effective_from.isoformat()}"
                            f" to {end} already in the schedule.",
                        )
                    )
                    bad.add(number)
                    break
        bad |= {p.row for p in report.problems}
        result.rows = [(n, r) for n, r in rows if n not in bad]
        if not _finish(report, result, import_good_rows):
            return report
        keyed = {
            (e.code, e.modifier, e.effective_from): e
            for entries in existing.values()
            for e in entries
        }
        new, changed = [], []
        for _, row in result.rows:
            obj = keyed.get(row.key)
            if obj is None:
                new.append(
                    FeeScheduleEntry(
                        schedule=schedule,
                        code=row.code,
                        modifier=row.modifier,
                        amount=row.amount,
                        effective_from=row.effective_from,
                        effective_to=row.effective_to,
                    )
                )
            else:
                obj.amount, obj.effective_to = row.amount, row.effective_to
                changed.append(obj)
        FeeScheduleEntry.objects.bulk_create(new, batch_size=BATCH)
        FeeScheduleEntry.objects.bulk_update(changed, ["amount", "effective_to"], batch_size=BATCH)
        report.created, report.updated, report.applied = len(new), len(changed), True
        _audit(actor, report, "billing.feescheduleentry", f"{schedule.name}: {filename}")
    return report


def fee_schedule_csv_rows(schedule: FeeSchedule) -> list[list[str]]:
    """The schedule's entries in the import's columns (an export imports back as it is)."""
    rows = [list(files.FEE_COLUMNS)]
    for e in schedule.entries.order_by("code", "modifier", "effective_from"):
        rows.append(
            [
                e.code,
                e.modifier,
                f"{e.amount:.2f}",
                e.effective_from.isoformat(),
                e.effective_to.isoformat() if e.effective_to else "",
            ]
        )
    return rows


__all__ = [
    "ImportReport",
    "fee_schedule_csv_rows",
    "import_addon_edits",
    "import_fee_schedule",
    "import_mue_limits",
    "import_ncci",
    "import_procedure_codes",
    "import_ptp_edits",
    "read",
]
