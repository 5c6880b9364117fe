"""Reading reference files: the header is found after CMS's preamble, every bad row is named
by its row number, its column and what is wrong, and no cell crashes the reader."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import reference_files as files

TODAY = dt.date(2026, 12, 1)
PTP_HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale"
)
PREAMBLE = "CPT codes and descriptions only are copyright 2025 American Medical Association.\n\n"


def read(kind: str, text: str, name: str = "file.txt") -> files.ReadResult:
    return files.read_file(kind, text.encode(), name, today=TODAY)


def ptp(*rows: str) -> str:
    return PREAMBLE + PTP_HEADER + "\n" + "\n".join(rows) + "\n"


def fees(*rows: str) -> str:
    return "code,modifier,amount,effective_from,effective_to\n" + "\n".join(rows) + "\n"


def test_the_ptp_header_is_found_after_the_preamble():
    result = read("ptp", ptp("99213\t36415\t\t20260101\t*\t1\tMisuse"))
    assert result.header_row == 3
    assert result.rows == [
        (4, files.PtpRow("99213", "36415", dt.date(2026, 1, 1), None, "1", "Misuse"))
    ]


def test_a_deletion_date_of_star_means_none_and_a_date_is_read():
    result = read("ptp", ptp("99213\t36415\t*\t20260101\t20261001\t0\t"))
    assert result.rows[0][1].deleted_on == dt.date(2026, 10, 1)


def test_a_bad_modifier_indicator_is_named_with_its_row_and_column():
    result = read(
        "ptp", ptp("99213\t36415\t\t20260101\t*\t1\t", "99214\t36415\t\t20260101\t*\t7\t")
    )
    assert [str(p) for p in result.problems] == ["Row 5, modifier indicator: “7” is not 0, 1 or 9."]
    assert len(result.rows) == 1


def test_a_pair_of_the_same_code_is_bad():
    result = read("ptp", ptp("99213\t99213\t\t20260101\t*\t1\t"))
    assert result.problems[0].column == "column 2"


def test_a_deletion_before_the_effective_date_is_bad():
    result = read("ptp", ptp("99213\t36415\t\t20260101\t20251231\t1\t"))
    assert result.problems[0].column == "deletion date"


def test_every_problem_of_a_ptp_row_is_named_at_once():
    result = read("ptp", ptp("9921\t36415\t\t20261399\t*\t7\t"))
    assert [p.column for p in result.problems] == [
        "column 1",
        "effective date",
        "modifier indicator",
    ]


def test_every_problem_of_a_fee_row_is_named_at_once():
    result = read("fees", fees("99213,X!,1e309,2026-01-01,2025-01-01"), "f.csv")
    assert [p.column for p in result.problems] == ["modifier", "amount", "effective_to"]


def test_every_problem_of_an_mue_row_is_named_at_once():
    header = "HCPCS/CPT Code\tMUE Values\tMUE Adjudication Indicator\tMUE Rationale\n"
    result = read("mue", header + "ABC\t-3\t7 Line\tx\n")
    assert [p.column for p in result.problems] == [
        "code",
        "mue value",
        "adjudication indicator",
    ]


def test_a_repeated_row_is_named_as_repeating_the_first():
    row = "99213\t36415\t\t20260101\t*\t1\t"
    result = read("ptp", ptp(row, row))
    assert result.problems == [files.RowProblem(5, "column 1", "Repeats row 4.")]


def test_a_file_without_the_header_is_refused_naming_the_columns():
    with pytest.raises(files.FileProblem, match="column 1"):
        read("ptp", "just some text\nand more\n")


def test_an_empty_file_is_refused():
    with pytest.raises(files.FileProblem, match="empty"):
        read("fees", "")


def test_a_header_without_rows_is_refused():
    with pytest.raises(files.FileProblem, match="no rows"):
        read("fees", fees())


def test_a_binary_file_is_refused():
    with pytest.raises(files.FileProblem, match="not text"):
        files.read_file("fees", b"\x00\x01\x02" * 100, "x.bin", today=TODAY)


def test_a_broken_xlsx_is_refused():
    with pytest.raises(files.FileProblem, match="spreadsheet"):
        files.read_file("fees", b"PK\x03\x04not really a zip", "x.xlsx", today=TODAY)


def test_an_xlsx_mue_table_is_read_with_its_dates_and_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CMS NCCI MUE table, practitioner services"])
    sheet.append([])
    sheet.append(
        [
            "HCPCS/CPT Code",
            "Practitioner Services MUE Values",
            "MUE Adjudication Indicator",
            "MUE Rationale",
        ]
    )
    sheet.append(["36415", 2, "3 Date of Service Edit: Clinical", "Clinical: Data"])
    sheet.append([85025, 1.0, "2 Date of Service Edit: Policy", "Nature of Service"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = files.read_file("mue", buffer.getvalue(), "mue.xlsx", today=TODAY)
    assert [row for _, row in result.rows] == [
        files.MueRow("36415", 2, "3", "Clinical: Data", None),
        files.MueRow("85025", 1, "2", "Nature of Service", None),
    ]


def test_an_mue_adjudication_must_start_with_1_2_or_3():
    text = "HCPCS/CPT Code,MUE Value,MUE Adjudication Indicator\n36415,2,Date of Service\n"
    result = read("mue", text, "mue.csv")
    assert result.problems[0].column == "adjudication indicator"


@pytest.mark.parametrize("units", ["1e309", "99999999999999999999", "-1", "2.5", "NaN", "٣"])
def test_mue_units_that_are_not_a_plausible_whole_number_are_bad(units):
    text = f"HCPCS/CPT Code,MUE Value,MUE Adjudication Indicator\n36415,{units},1 Line Edit\n"
    result = read("mue", text, "mue.csv")
    assert result.problems[0].column == "mue value"


def test_the_addon_file_is_read():
    text = (
        "Add-on Code\tPrimary Code\tAOC Edit Type\tEffective Date\tDeletion Date\n"
        "90472\t90471\t1\t20260101\t*\n"
    )
    assert read("addon", text).rows[0][1] == files.AddOnRow(
        "90472", "90471", 1, dt.date(2026, 1, 1), None
    )


def test_a_procedure_code_file_infers_noc_from_its_description_and_ndc_from_j_codes():
    text = (
        "HCPCS Code,Short Description,Long Description\n"
        "J3490,Drugs unclassified,Unclassified drugs not otherwise classified\n"
        "J1100,Dexamethasone inj,Injection of dexamethasone\n"
        "A4550,Surgical trays,Surgical trays\n"
    )
    rows = {row.code: row for _, row in read("hcpcs", text, "h.csv").rows}
    assert rows["J3490"].is_not_otherwise_classified
    assert rows["J1100"].requires_ndc
    assert not rows["J1100"].is_not_otherwise_classified
    assert not rows["A4550"].requires_ndc


def test_explicit_noc_and_ndc_columns_win_over_the_inference():
    text = "Code,Short Description,NOC,Requires NDC\nJ1100,Dexamethasone,Y,N\n"
    row = read("hcpcs", text, "h.csv").rows[0][1]
    assert row.is_not_otherwise_classified
    assert not row.requires_ndc


def test_a_cpt_file_refuses_a_hcpcs_code():
    text = "CPT Code,Short Description\nJ1100,Dexamethasone\n"
    assert (
        read("cpt", text, "c.csv")
        .problems[0]
        .message.endswith("is not a CPT code (five letters or digits).")
    )


def test_unicode_descriptions_are_kept_and_unicode_codes_refused():
    text = "Code,Short Description\n99213,Visite établie — niveau 3\n９９２１４,Fullwidth digits\n"
    result = read("cpt", text, "c.csv")
    assert result.rows[0][1].short_description == "Visite établie — niveau 3"
    assert result.problems[0].row == 3


def test_a_cp1252_file_is_read():
    data = "Code,Short Description\n99213,Caf\xe9 visit\n".encode("cp1252")
    result = files.read_file("cpt", data, "c.csv", today=TODAY)
    assert result.rows[0][1].short_description == "Café visit"


def test_a_short_description_longer_than_60_characters_is_bad():
    text = "Code,Short Description\n99213," + "x" * 61 + "\n"
    assert read("cpt", text, "c.csv").problems[0].column == "short description"


def test_a_fee_row_is_read_with_its_money_and_dates():
    result = read("fees", fees('99213,25,"1,250.00",2026-01-01,12/31/2026'), "f.csv")
    assert result.rows[0][1] == files.FeeRow(
        "99213", "25", Decimal("1250.00"), dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )


@pytest.mark.parametrize("amount", ["1e309", "12.345", "-5", "abc", "", "NaN", "100000000.00"])
def test_a_fee_amount_that_is_not_money_is_bad(amount):
    result = read("fees", fees(f"99213,,{amount},2026-01-01,"), "f.csv")
    assert result.problems[0].column == "amount"


@pytest.mark.parametrize("day", ["9999-12-31", "99990101", "1899-12-31", "2026-02-30", "20261301"])
def test_a_fee_start_outside_the_calendar_or_the_years_taken_is_bad(day):
    result = read("fees", fees(f"99213,,10.00,{day},"), "f.csv")
    assert result.problems[0].column == "effective_from"


def test_an_open_end_may_be_written_9999_12_31():
    result = read("fees", fees("99213,,10.00,2026-01-01,9999-12-31"), "f.csv")
    assert result.rows[0][1].effective_to is None


def test_the_fee_file_needs_its_own_column_names():
    with pytest.raises(files.FileProblem):
        read("fees", "Procedure,Fee\n99213,10.00\n", "f.csv")


def test_overlapping_rows_of_one_code_and_modifier_are_named():
    rows = read(
        "fees",
        fees(
            "99213,,10.00,2026-01-01,2026-06-30",
            "99213,,12.00,2026-06-01,",
            "99213,25,12.00,2026-06-01,",
        ),
        "f.csv",
    ).rows
    assert [p.row for p in files.overlapping_fees(rows)] == [3]


@given(st.text(max_size=40))
def test_no_text_in_a_fee_cell_crashes_the_reader(cell):
    cleaned = cell.replace("\n", " ").replace("\r", " ").replace(",", " ").replace('"', " ")
    for column in range(5):
        cells = ["99213", "", "10.00", "2026-01-01", ""]
        cells[column] = cleaned
        try:
            result = files.read_file("fees", fees(",".join(cells)).encode(), "f.csv", today=TODAY)
        except files.FileProblem:
            continue
        assert len(result.rows) + len(result.problems) == 1


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_in_range_reads_back_in_each_written_form(day):
    for text in (day.strftime("%Y%m%d"), day.isoformat(), day.strftime("%m/%d/%Y")):
        assert files.read_day(text, "d", required=True, today=TODAY) == day


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.one_of(st.none(), st.integers(0, 4000)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.one_of(st.none(), st.integers(0, 4000)),
)
def test_ranges_overlap_exactly_when_they_share_a_day(s1, n1, s2, n2):
    e1 = None if n1 is None else s1 + dt.timedelta(days=n1)
    e2 = None if n2 is None else s2 + dt.timedelta(days=n2)
    shared = max(s1, s2) <= min(e for e in (e1, e2, dt.date.max) if e is not None)
    assert files.ranges_overlap(s1, e1, s2, e2) == shared
