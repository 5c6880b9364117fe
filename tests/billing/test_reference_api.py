"""The billing reference API: codes searched and a code with its edits, payers with their
profiles and a line's timely filing deadline, fee schedules and entries, and the imports
answering the validation report as JSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.billing.models import FeeScheduleEntry, ProcedureCode, PtpEdit
from medoffice.core import services
from medoffice.core.roles import Role
from tests.api.conftest import token_client
from tests.billing.factories_reference import (
    FeeScheduleEntryFactory,
    PayerProfileFactory,
    ProcedureCodeFactory,
    PtpEditFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(practice):
    """A client authenticated by a write token of a new user with the roles given."""

    def make(*roles):
        from tests.factories import UserFactory

        user = UserFactory(roles=list(roles))
        _, raw = services.create_api_token(
            user=user, name="reference tests", access="write", mfa_verified=True
        )
        return token_client(raw)

    return make


@pytest.fixture
def biller(api_for):
    return api_for(Role.BILLER)


def upload(data: bytes, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_codes_are_searched(biller):
    ProcedureCodeFactory(code="99213", short_description="Office visit")
    ProcedureCodeFactory(code="36415", short_description="Blood draw")
    body = biller.get("/api/v1/billing/codes?q=blood").json()
    assert [c["code"] for c in body["items"]] == ["36415"]


def test_a_bad_code_set_answers_422(biller):
    assert biller.get("/api/v1/billing/codes?code_set=icd").status_code == 422


def test_a_code_comes_with_its_edits(biller):
    ProcedureCodeFactory(code="99213", is_synthetic=True)
    PtpEditFactory(column1="99213", column2="36415")
    body = biller.get("/api/v1/billing/codes/99213").json()
    assert body["is_synthetic"] is True
    assert body["ptp_as_column1"][0]["column2"] == "36415"


def test_an_unknown_code_answers_404(biller):
    assert biller.get("/api/v1/billing/codes/00000").status_code == 404


def test_a_malformed_code_answers_422(biller):
    assert biller.get("/api/v1/billing/codes/99%2013").status_code in {404, 422}


def test_payers_come_with_their_profile_and_deadline(biller):
    profile = PayerProfileFactory(timely_filing_rule="medicare", timely_filing_days=365)
    body = biller.get("/api/v1/billing/payers?from_date=2026-03-14").json()
    row = next(p for p in body["items"] if p["id"] == profile.payer.pk)
    assert row["profile"]["timely_filing_rule"] == "medicare"
    assert row["timely_filing_deadline"] == "2027-03-14"


def test_a_fee_schedules_entries_are_filtered_by_code(biller):
    entry = FeeScheduleEntryFactory(code="99213")
    FeeScheduleEntryFactory(schedule=entry.schedule, code="36415")
    body = biller.get(
        f"/api/v1/billing/fee-schedules/{entry.schedule.pk}/entries?code=36415"
    ).json()
    assert [e["code"] for e in body["items"]] == ["36415"]
    listed = biller.get("/api/v1/billing/fee-schedules").json()["items"]
    assert listed[0]["entry_count"] == 2


def test_a_code_import_with_a_bad_row_answers_the_report_and_writes_nothing(biller):
    data = b"Code,Short Description\n99213,Visit\nXX,Bad\n"
    response = biller.post(
        "/api/v1/billing/imports/codes", {"code_set": "cpt", "file": upload(data)}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["applied"] is False
    assert body["problems"] == [
        {"row": 3, "column": "code", "message": "“XX” is not a CPT code (five letters or digits)."}
    ]
    assert not ProcedureCode.objects.exists()


def test_a_code_import_of_the_good_rows_writes_them(biller):
    data = b"Code,Short Description\n99213,Visit\nXX,Bad\n"
    body = biller.post(
        "/api/v1/billing/imports/codes",
        {"code_set": "cpt", "import_good_rows": "true", "file": upload(data)},
    ).json()
    assert body["applied"] is True
    assert body["created"] == 1


def test_an_import_without_a_file_answers_422_naming_it(biller):
    response = biller.post("/api/v1/billing/imports/codes", {"code_set": "cpt"})
    assert response.status_code == 422
    assert "file" in str(response.json())


def test_an_unreadable_file_answers_400_naming_the_file(biller):
    response = biller.post(
        "/api/v1/billing/imports/ncci", {"kind": "ptp", "file": upload(b"nothing useful\n")}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert body["code"] == "import_file_unreadable"


def test_an_ncci_import_writes_its_table(biller):
    data = b"Column 1,Column 2,Effective Date,Deletion Date,Modifier\n99213,36415,20260101,*,1\n"
    biller.post(
        "/api/v1/billing/imports/ncci",
        {"kind": "ptp", "table": "outpatient", "file": upload(data)},
    )
    assert PtpEdit.objects.get().table == "outpatient"


def test_a_fee_import_answers_the_report(biller):
    entry = FeeScheduleEntryFactory(code="99213")
    data = b"code,modifier,amount,effective_from,effective_to\n36415,,15.00,2026-01-01,\n"
    body = biller.post(
        f"/api/v1/billing/fee-schedules/{entry.schedule.pk}/import", {"file": upload(data)}
    ).json()
    assert body["created"] == 1
    assert FeeScheduleEntry.objects.count() == 2


def test_the_front_desk_may_read_but_not_import(api_for):
    desk = api_for(Role.FRONT_DESK)
    assert desk.get("/api/v1/billing/codes").status_code == 200
    response = desk.post(
        "/api/v1/billing/imports/codes",
        {"code_set": "cpt", "file": upload(b"Code,Short Description\n99213,Visit\n")},
    )
    assert response.status_code == 403
