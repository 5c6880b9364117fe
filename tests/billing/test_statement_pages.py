"""The statement pages, PDFs, CSV, command and API: a run from the page, the run's print
file, a statement's PDF holding its amounts, the patient's history linked from the ledger,
collections flagged and brought back, the agency's CSV limited to the user's locations and
audited as an export; odd input never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from medoffice.billing import statement_pdf
from medoffice.billing.models import (
    CollectionsFlag,
    Statement,
    StatementPrintFile,
    StatementRun,
)
from medoffice.billing.services import statements as service
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_statements import guarantor, self_pay_visit
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


def today() -> str:
    return service.practice_today().isoformat()


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, read back with PDFium (as the CMS-1500 tests do)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(pdf_pages(data)).split())


@pytest.fixture
def biller(client_for):
    return client_for(Role.BILLER)


# --- the run page ----------------------------------------------------------------------------


def test_the_preview_counts_the_statements_and_their_total(biller):
    self_pay_visit()
    self_pay_visit()
    response = biller.get("/billing/statements/", {"as_of": today()})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview-count">2<' in html
    assert "$340.00" in html
    assert not StatementRun.objects.exists()


def test_running_from_the_page_shows_the_run(biller):
    visit = self_pay_visit()
    response = biller.post("/billing/statements/", {"as_of": today()}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert visit.patient.last_name in html
    assert "$170.00" in html
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    "as_of",
    ["0001-01-01", "9999-12-31", "1e309", "2099-01-01", "2026-02-30", "二〇二六年", "", "x" * 5000],
)
def test_an_odd_run_date_is_a_clear_error_not_a_500(biller, as_of):
    response = biller.post("/billing/statements/", {"as_of": as_of})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not StatementRun.objects.exists()


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1e309", "ü"])
def test_an_odd_preview_date_is_a_clear_error_not_a_500(biller, as_of):
    response = biller.get("/billing/statements/", {"as_of": as_of})
    assert response.status_code == 400


def test_the_front_desk_may_not_run_statements(client_for):
    response = client_for(Role.FRONT_DESK).post("/billing/statements/", {"as_of": today()})
    assert response.status_code == 403


# --- PDFs -----------------------------------------------------------------------------------------


def test_the_statement_pdf_holds_the_amount_due_and_the_visit(biller):
    visit = self_pay_visit(days_ago=40)
    service.run_statements(as_of=today(), actor=SYSTEM)
    statement = Statement.objects.get()
    response = biller.get(f"/billing/statements/{statement.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Amount due: $170.00" in text
    assert "99213" in text
    assert statement.number in text
    assert visit.patient.last_name in text


def test_printing_a_statement_is_audited(biller):
    self_pay_visit()
    service.run_statements(as_of=today(), actor=SYSTEM)
    statement = Statement.objects.get()
    biller.get(f"/billing/statements/{statement.pk}.pdf")
    event = AuditEvent.objects.get(action="print", object_type="billing.statement")
    assert event.patient_id == statement.patient_id


def test_a_statement_pdf_is_made_again_the_same(biller):
    self_pay_visit()
    service.run_statements(as_of=today(), actor=SYSTEM)
    statement = Statement.objects.get()
    # the pay link is signed with the second it was made: the clock stands still between prints
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        first = statement_pdf.render_statements_html([statement], "x")
        assert statement_pdf.render_statements_html([Statement.objects.get()], "x") == first


def test_the_run_print_file_has_one_page_per_paper_statement(biller):
    self_pay_visit()
    self_pay_visit()
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    response = biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert len(pdf_pages(response.content)) == 2
    assert pdf_text(response.content).count("Amount due: $170.00") == 2


def test_a_run_lays_out_its_print_file_once_it_is_saved(django_capture_on_commit_callbacks):
    self_pay_visit()
    with django_capture_on_commit_callbacks(execute=True):
        run = service.run_statements(as_of=today(), actor=SYSTEM)
    kept = StatementPrintFile.objects.get(run=run)
    assert len(pdf_pages(bytes(kept.content))) == 1


def test_the_print_file_opened_again_is_the_kept_one(biller):
    self_pay_visit()
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    StatementPrintFile.objects.filter(run=run).update(content=b"%PDF-kept")
    response = biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert response.content == b"%PDF-kept"


def test_opening_the_kept_print_file_is_audited_each_time(biller):
    self_pay_visit()
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert (
        AuditEvent.objects.filter(action="print", object_type="billing.statementrun").count() == 2
    )


def test_the_month_run_again_with_a_new_statement_makes_the_print_file_again(biller):
    self_pay_visit()
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    self_pay_visit()
    service.run_statements(as_of=today(), actor=SYSTEM)
    response = biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert len(pdf_pages(response.content)) == 2


def test_a_print_file_whose_pay_links_near_their_end_is_made_again(biller, settings):
    settings.PAY_LINK_MAX_AGE_DAYS = 60
    self_pay_visit()
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    StatementPrintFile.objects.filter(run=run).update(
        content=b"%PDF-old", made_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    )
    response = biller.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert len(pdf_pages(response.content)) == 1


def test_a_location_limited_biller_prints_only_the_statements_of_their_locations(client_for):
    northgate, riverside = LocationFactory(), LocationFactory()
    self_pay_visit(location=northgate)
    self_pay_visit(location=riverside)
    run = service.run_statements(as_of=today(), actor=SYSTEM)
    client_for(Role.BILLER).get(f"/billing/statements/runs/{run.pk}/print.pdf")
    limited = client_for(Role.BILLER, locations=[northgate])
    response = limited.get(f"/billing/statements/runs/{run.pk}/print.pdf")
    assert len(pdf_pages(response.content)) == 1


# --- history and collections -------------------------------------------------------------------


def test_the_ledger_page_links_to_the_statement_history(biller):
    visit = self_pay_visit()
    html = biller.get(f"/billing/patients/{visit.patient_id}/ledger/").content.decode()
    assert f"/billing/patients/{visit.patient_id}/statements/" in html


def test_the_history_lists_each_statement_with_stage_and_delivery(biller):
    visit = self_pay_visit()
    service.run_statements(as_of=today(), actor=SYSTEM)
    html = biller.get(f"/billing/patients/{visit.patient_id}/statements/").content.decode()
    assert "$170.00" in html
    assert "To print" in html


def test_flagging_from_the_history_page_stops_statements(biller):
    visit = self_pay_visit()
    response = biller.post(
        f"/billing/patients/{visit.patient_id}/collections/", {"reason": "No answer"}
    )
    assert response.status_code == 302
    service.run_statements(as_of=today(), actor=SYSTEM)
    assert not Statement.objects.exists()


@pytest.mark.parametrize("reason", ["", "x" * 201, "line\nbreak"])
def test_an_odd_flag_reason_is_a_clear_error(biller, reason):
    visit = self_pay_visit()
    response = biller.post(f"/billing/patients/{visit.patient_id}/collections/", {"reason": reason})
    assert response.status_code == 400
    assert not CollectionsFlag.objects.exists()


def test_bringing_an_account_back_from_the_collections_page(biller):
    visit = self_pay_visit()
    flag = service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    response = biller.post(f"/billing/collections/{flag.pk}/reverse/", {"reason": "Plan agreed"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.is_active, flag.reversal_reason) == (False, "Plan agreed")


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_agency_csv_lists_the_account_with_its_balance(biller):
    patient = guarantor(phone="4135550101")
    self_pay_visit(patient)
    service.run_statements(as_of=today(), actor=SYSTEM)
    service.flag_to_collections(patient=patient, reason="No answer", actor=SYSTEM)
    [row] = _csv(biller.get("/billing/collections/export.csv"))
    assert row["Name"] == f"{patient.first_name} {patient.last_name}"
    assert row["Balance"] == "170.00"
    assert row["Date of birth"] == patient.date_of_birth.isoformat()
    assert row["Phone"] == "4135550101"
    assert row["Last statement"] == today()
    assert "Springfield" in row["Address"]


def test_the_agency_csv_is_limited_to_the_users_locations(client_for):
    northgate, riverside = LocationFactory(), LocationFactory()
    here = self_pay_visit(location=northgate)
    there = self_pay_visit(location=riverside)
    for visit in (here, there):
        service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    limited = client_for(Role.BILLER, locations=[northgate])
    rows = _csv(limited.get("/billing/collections/export.csv"))
    assert [r["Name"] for r in rows] == [f"{here.patient.first_name} {here.patient.last_name}"]


def test_the_agency_csv_is_audited_as_an_export(biller):
    visit = self_pay_visit()
    service.flag_to_collections(patient=visit.patient, reason="No answer", actor=SYSTEM)
    biller.get("/billing/collections/export.csv")
    event = AuditEvent.objects.get(action="export", object_type="billing.collectionsflag")
    assert visit.patient_id in event.shown_patient_ids


def test_a_location_limited_biller_does_not_see_another_locations_statement(client_for):
    northgate, riverside = LocationFactory(), LocationFactory()
    self_pay_visit(location=riverside)
    service.run_statements(as_of=today(), actor=SYSTEM)
    statement = Statement.objects.get()
    limited = client_for(Role.BILLER, locations=[northgate])
    assert limited.get(f"/billing/statements/{statement.pk}.pdf").status_code == 404
    html = limited.get(f"/billing/statements/runs/{statement.run_id}/").content.decode()
    assert statement.guarantor_name not in html


# --- small balances -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "days"), [("1e309", ""), ("NaN", ""), ("", "9999999"), ("", "-3"), ("ü", "ü")]
)
def test_odd_small_balance_input_is_a_clear_error(biller, threshold, days):
    response = biller.post(
        "/billing/small-balances/", {"as_of": today(), "threshold": threshold, "days": days}
    )
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()


# --- command ---------------------------------------------------------------------------------------


def test_the_command_runs_the_month(capsys):
    self_pay_visit()
    call_command("statements", "run", "--as-of", today())
    assert "1 statement(s), $170.00 due; 0 e-mailed, 1 to print." in capsys.readouterr().out


def test_the_command_refuses_an_odd_date():
    with pytest.raises(CommandError, match="--as-of"):
        call_command("statements", "run", "--as-of", "9999-99-99")


# --- API ---------------------------------------------------------------------------------------


def test_the_api_runs_and_lists_the_runs(api_for):
    self_pay_visit()
    client = api_for(Role.BILLER)
    made = client.post(
        "/api/v1/statement-runs", {"as_of": today()}, content_type="application/json"
    )
    assert made.status_code == 200, made.content
    assert (made.json()["statements"], made.json()["total_due"]) == (1, "170.00")
    listed = client.get("/api/v1/statement-runs").json()
    assert [r["id"] for r in listed["items"]] == [made.json()["id"]]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1e309", "二〇二六"])
def test_the_api_refuses_an_odd_date_naming_it(api_for, as_of):
    response = api_for(Role.BILLER).post(
        "/api/v1/statement-runs", {"as_of": as_of}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "as_of" in response.content.decode()


def test_the_api_gives_a_patients_statements_and_the_pdf(api_for):
    visit = self_pay_visit()
    service.run_statements(as_of=today(), actor=SYSTEM)
    client = api_for(Role.BILLER)
    [row] = client.get(f"/api/v1/patients/{visit.patient_id}/statements").json()["items"]
    assert Decimal(row["amount_due"]) == Decimal("170.00")
    pdf = client.get(f"/api/v1/patients/{visit.patient_id}/statements/{row['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "$170.00" in pdf_text(pdf.content)
