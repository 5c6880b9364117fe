"""The reference pages: lists with search, filters, sorting and CSV; a code with its edits;
the imports with their report and "import the good rows"; payers read-only for the front
desk. (Who may open each page is the authorization matrix's: matrix_rows_reference.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.models import FeeScheduleEntry, PayerProfile, ProcedureCode
from medoffice.core.roles import Role
from tests.billing.factories_reference import (
    FeeScheduleEntryFactory,
    FeeScheduleFactory,
    MueLimitFactory,
    PayerProfileFactory,
    ProcedureCodeFactory,
    PtpEditFactory,
)

pytestmark = pytest.mark.django_db
FEES = b"code,modifier,amount,effective_from,effective_to\n"


@pytest.fixture
def biller(client_for):
    return client_for(Role.BILLER)


@pytest.fixture
def desk(client_for):
    return client_for(Role.FRONT_DESK)


def text(response) -> str:
    return response.content.decode()


def test_the_codes_list_badges_synthetic_codes(biller):
    ProcedureCodeFactory(code="99213", short_description="Demo visit", is_synthetic=True)
    page = text(biller.get("/billing/codes/"))
    assert "Demo visit" in page
    assert 'data-testid="synthetic-badge"' in page


def test_the_codes_list_searches_by_code_prefix_and_by_words(biller):
    ProcedureCodeFactory(code="99213", short_description="Office visit")
    ProcedureCodeFactory(code="36415", short_description="Venous blood draw")
    assert "/billing/codes/36415/" not in text(biller.get("/billing/codes/?q=992"))
    by_words = text(biller.get("/billing/codes/?q=blood+draw"))
    assert "/billing/codes/36415/" in by_words
    assert "/billing/codes/99213/" not in by_words


def test_the_codes_list_filters_by_set_and_sorts(biller):
    ProcedureCodeFactory(code="99213", code_set="cpt")
    ProcedureCodeFactory(code="J1100", code_set="hcpcs", short_description="Dexamethasone")
    assert "/billing/codes/99213/" not in text(biller.get("/billing/codes/?code_set=hcpcs"))
    page = text(biller.get("/billing/codes/?sort=-code"))
    assert page.index("/billing/codes/J1100/") < page.index("/billing/codes/99213/")


def test_a_refused_filter_answers_400_naming_it(biller):
    response = biller.get("/billing/codes/?code_set=icd")
    assert response.status_code == 400
    assert 'data-refused-field="code_set"' in text(response)


def test_the_front_desk_exports_the_codes_as_csv_with_the_synthetic_label(desk):
    ProcedureCodeFactory(code="99213", is_synthetic=True)
    response = desk.get("/billing/codes/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert body.splitlines()[0].startswith("Code,Set,Description")
    assert "synthetic demo code" in body
    assert "<span" not in body


def test_the_front_desk_sees_no_import_link(desk, biller):
    assert "/billing/codes/import/" not in text(desk.get("/billing/codes/"))
    assert "/billing/codes/import/" in text(biller.get("/billing/codes/"))


def test_a_code_shows_its_ptp_mue_and_addon_edits(biller):
    ProcedureCodeFactory(code="99213", short_description="Office visit")
    PtpEditFactory(column1="99213", column2="36415")
    PtpEditFactory(column1="99214", column2="99213", modifier_indicator="0")
    MueLimitFactory(code="99213", units=1)
    page = text(biller.get("/billing/codes/99213/"))
    assert "/billing/codes/36415/" in page
    assert "/billing/codes/99214/" in page
    assert "Office visit" in page


def test_an_unknown_code_answers_404(biller):
    assert biller.get("/billing/codes/00000/").status_code == 404


def test_the_ptp_list_filters_by_either_column(biller):
    PtpEditFactory(column1="99213", column2="36415")
    PtpEditFactory(column1="80053", column2="85025")
    page = text(biller.get("/billing/ncci/ptp/?code=36415"))
    assert "/billing/codes/99213/" in page
    assert "/billing/codes/80053/" not in page


def _upload(data: bytes, name: str = "fees.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_code_file_with_a_bad_row_shows_the_report_and_imports_nothing(biller):
    data = b"Code,Short Description\n99213,Visit\nBAD,Bad one\n"
    response = biller.post("/billing/codes/import/", {"code_set": "cpt", "file": _upload(data)})
    page = text(response)
    assert 'data-testid="report-problems"' in page
    assert "<td>3</td><td>code</td>" in page
    assert not ProcedureCode.objects.exists()


def test_import_the_good_rows_uses_the_file_already_uploaded(biller):
    schedule = FeeScheduleFactory()
    data = FEES + b"99213,,125.00,2026-01-01,\n99214,,abc,2026-01-01,\n"
    url = f"/billing/fee-schedules/{schedule.pk}/import/"
    first = biller.post(url, {"file": _upload(data)})
    stash = first.context["stash"]
    assert stash
    assert not FeeScheduleEntry.objects.exists()
    second = biller.post(url, {"stash": stash})
    assert second.context["report"].applied
    assert list(FeeScheduleEntry.objects.values_list("code", flat=True)) == ["99213"]


def test_a_stash_is_used_once(biller):
    schedule = FeeScheduleFactory()
    data = FEES + b"99213,,125.00,2026-01-01,\n99214,,abc,2026-01-01,\n"
    url = f"/billing/fee-schedules/{schedule.pk}/import/"
    stash = biller.post(url, {"file": _upload(data)}).context["stash"]
    biller.post(url, {"stash": stash})
    again = biller.post(url, {"stash": stash})
    assert again.status_code == 302


def test_a_stash_of_another_schedule_is_refused(biller):
    first, other = FeeScheduleFactory(), FeeScheduleFactory()
    data = FEES + b"99213,,125.00,2026-01-01,\n99214,,abc,2026-01-01,\n"
    stash = biller.post(
        f"/billing/fee-schedules/{first.pk}/import/", {"file": _upload(data)}
    ).context["stash"]
    response = biller.post(f"/billing/fee-schedules/{other.pk}/import/", {"stash": stash})
    assert response.status_code == 400
    assert not FeeScheduleEntry.objects.exists()


def test_an_unreadable_upload_is_named_on_the_file_field(biller):
    schedule = FeeScheduleFactory()
    response = biller.post(
        f"/billing/fee-schedules/{schedule.pk}/import/", {"file": _upload(b"\x00\x01" * 50)}
    )
    assert response.status_code == 400
    assert 'data-field-error="file"' in text(response)


def test_the_fee_schedule_export_is_in_the_import_columns(biller):
    entry = FeeScheduleEntryFactory(code="99213", effective_from=dt.date(2026, 1, 1))
    response = biller.get(f"/billing/fee-schedules/{entry.schedule.pk}/export.csv")
    assert response.content.decode().splitlines() == [
        "code,modifier,amount,effective_from,effective_to",
        "99213,,125.00,2026-01-01,",
    ]


def test_the_fee_schedule_page_filters_by_code(biller):
    entry = FeeScheduleEntryFactory(code="99213")
    FeeScheduleEntryFactory(schedule=entry.schedule, code="36415", amount="15.00")
    page = text(biller.get(f"/billing/fee-schedules/{entry.schedule.pk}/?code=36415"))
    assert "$15.00" in page
    assert "$125.00" not in page


def test_the_front_desk_sees_a_payer_read_only(desk):
    profile = PayerProfileFactory()
    page = text(desk.get(f"/billing/payers/{profile.payer.pk}/"))
    assert 'data-testid="payer-facts"' in page
    assert 'data-testid="payer-form"' not in page
    assert "Commercial insurance" in page
    assert profile.clearinghouse.name in page


def test_a_biller_saves_a_payer_and_its_profile_in_one_form(biller):
    profile = PayerProfileFactory()
    response = biller.post(
        f"/billing/payers/{profile.payer.pk}/",
        {
            "name": profile.payer.name,
            "payer_id": "NEW01",
            "phone": "",
            "filing_indicator": "MB",
            "timely_filing_rule": "medicare",
            "timely_filing_days": "90",
            "submission": "electronic",
            "clearinghouse": profile.clearinghouse.pk,
        },
    )
    assert response.status_code == 302
    saved = PayerProfile.objects.select_related("payer").get()
    assert (saved.payer.payer_id, saved.timely_filing_days) == ("NEW01", 365)


def test_a_refused_payer_names_the_field(biller):
    profile = PayerProfileFactory()
    response = biller.post(
        f"/billing/payers/{profile.payer.pk}/",
        {
            "name": profile.payer.name,
            "filing_indicator": "CI",
            "timely_filing_rule": "days",
            "timely_filing_days": "90",
            "submission": "paper",
        },
    )
    assert response.status_code == 400
    assert 'data-field-error="claims_address_line1"' in text(response)


def test_the_navigation_has_a_billing_area_for_readers_only(desk, client_for):
    assert ">NCCI edits<" in text(desk.get("/billing/codes/"))
    auditor = client_for(Role.AUDITOR)
    assert "/billing/codes/" not in text(auditor.get("/"))
