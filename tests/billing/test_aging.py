"""The A/R aging: balances by payer (and the patients' share), by patient and by a payer's
claim, in buckets of 0–30, 31–60, 61–90, 91–120 and over 120 days from the date of service,
as of a day; summed in SQL from the ledger, location-limited, audited where it names
patients; the page, its CSV and the API refuse a bad day naming the field."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing import aging
from medoffice.billing.choices import LedgerParty
from medoffice.billing.models import LedgerEntry
from medoffice.billing.selectors import aging as selectors
from medoffice.billing.services import ledger as service
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_ledger import claim_of, claimed_visit, lines_of
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory

INS, PAT = LedgerParty.INSURANCE, LedgerParty.PATIENT
D = Decimal
URL = "/billing/aging/"
API = "/api/v1/ar/aging"
DATES = st.dates(min_value=dt.date(1900, 6, 1), max_value=dt.date(2100, 12, 31))


# --- the buckets (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, "days_0_30"),
        (30, "days_0_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_91_120"),
        (120, "days_91_120"),
        (121, "days_over_120"),
        (4000, "days_over_120"),
    ],
)
def test_a_balance_is_in_the_bucket_of_its_age_in_days(age, bucket):
    as_of = dt.date(2026, 6, 30)
    assert aging.bucket_of(as_of - dt.timedelta(days=age), as_of) == bucket


@settings(suppress_health_check=[HealthCheck.too_slow])  # two plain dates; a busy machine
@given(service_date=DATES, as_of=DATES)
def test_the_cutoffs_the_sql_compares_with_put_every_date_in_the_same_bucket(service_date, as_of):
    earliest = dict(aging.cutoffs(as_of))
    later = None
    found = None
    for key, first in earliest.items():
        if (first is None or service_date >= first) and (later is None or service_date < later):
            found = key
            break
        later = first
    assert found == aging.bucket_of(service_date, as_of)


@given(part=st.decimals(min_value=0, max_value=10**9, places=2))
def test_a_share_of_nothing_owed_is_unknown(part):
    assert aging.share(part, D("0.00")) is None


def test_a_share_is_a_fraction_rounded_to_a_tenth_of_a_percent():
    assert aging.share(D("1.00"), D("3.00")) == D("0.333")
    assert aging.share_text(D("0.333")) == "33.3 %"


# --- with the database ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def codes(request):
    """The practice and its codes, for the tests with the database (the pure ones, run
    under hypothesis, take no function-scoped fixture)."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("practice")
        office_visit_codes()


def age_visit(days: int, **kw):
    """A claimed visit (99213 $150 + 36415 $20 to the payer) ``days`` before ``as_of``."""
    visit = claimed_visit(**kw)
    return visit, visit.date_of_service + dt.timedelta(days=days)


def to_patient(visit, amount="30.00", line=0):
    service.transfer(
        actor=SYSTEM, line=lines_of(visit)[line], amount=amount, from_party=INS,
        from_payer_id=claim_of(visit).payer_id, to_party=PAT,
    )  # fmt: skip


def manager(**kw):
    return UserFactory(roles=[Role.OFFICE_MANAGER], **kw)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "bucket"),
    [(30, "days_0_30"), (31, "days_31_60"), (90, "days_61_90"), (120, "days_91_120"),
     (121, "days_over_120")],
)  # fmt: skip
def test_the_sql_puts_a_visit_in_the_bucket_of_its_age(days, bucket):
    _visit, as_of = age_visit(days)
    view = selectors.aging_by_payer(manager(), as_of=as_of)
    (row,) = view.rows
    assert row.buckets[bucket] == D("170.00")
    assert sum(row.buckets.values()) == row.total == D("170.00")


@pytest.mark.django_db
def test_by_payer_has_a_row_per_payer_and_one_for_the_patients_share():
    visit, as_of = age_visit(10)
    to_patient(visit, "30.00")
    view = selectors.aging_by_payer(manager(), as_of=as_of)
    payer_row, patients_row = view.rows
    assert (payer_row.key, payer_row.total) == (claim_of(visit).payer_id, D("140.00"))
    assert (patients_row.key, patients_row.name, patients_row.total) == (
        None,
        selectors.PATIENTS_ROW,
        D("30.00"),
    )
    assert view.total == D("170.00")
    assert (payer_row.share, patients_row.share) == (D("0.824"), D("0.176"))


@pytest.mark.django_db
def test_each_buckets_total_is_the_sum_of_its_rows():
    claimed_visit(days_ago=103)
    recent = claimed_visit(days_ago=3)
    view = selectors.aging_by_payer(manager(), as_of=recent.date_of_service)
    assert (view.totals["days_0_30"], view.totals["days_91_120"]) == (D("170.00"), D("170.00"))
    assert view.total == sum(view.totals.values()) == sum(r.total for r in view.rows)


@pytest.mark.django_db
def test_an_entry_after_the_as_of_day_is_not_counted():
    visit, as_of = age_visit(40)
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=claim_of(visit).payer_id,
        amount="100.00", effective_date=as_of + dt.timedelta(days=1),
    )  # fmt: skip
    assert selectors.aging_by_payer(manager(), as_of=as_of).total == D("170.00")
    later = selectors.aging_by_payer(manager(), as_of=as_of + dt.timedelta(days=1))
    assert later.total == D("70.00")


@pytest.mark.django_db
def test_a_line_in_credit_counts_as_a_negative_amount_in_its_bucket():
    visit, as_of = age_visit(5)
    second = lines_of(visit)[1]  # $20
    service.post_insurance_payment(
        actor=SYSTEM, line=second, payer_id=claim_of(visit).payer_id, amount="25.00",
        allows_credit=True, effective_date=as_of,
    )  # fmt: skip
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(visit)[0], payer_id=claim_of(visit).payer_id,
        amount="150.00", effective_date=as_of,
    )  # fmt: skip
    (row,) = selectors.aging_by_payer(manager(), as_of=as_of).rows
    assert row.buckets["days_0_30"] == row.total == D("-5.00")
    assert row.share is None  # nothing is owed in all: no share


@pytest.mark.django_db
def test_a_row_paid_in_full_is_left_out():
    visit, as_of = age_visit(5)
    for line in lines_of(visit):
        service.post_insurance_payment(
            actor=SYSTEM, line=line, payer_id=claim_of(visit).payer_id, amount=line.charge,
            effective_date=as_of,
        )  # fmt: skip
    assert selectors.aging_by_payer(manager(), as_of=as_of).rows == []


@pytest.mark.django_db
def test_by_patient_is_the_patients_share_patient_by_patient():
    first, as_of = age_visit(20)
    second = claimed_visit(days_ago=3)
    to_patient(first, "30.00")
    to_patient(second, "45.00")
    view = selectors.aging_by_patient(manager(), as_of=max(as_of, second.date_of_service))
    assert [(r.patient_id, r.total) for r in view.rows] == [
        (second.patient_id, D("45.00")),
        (first.patient_id, D("30.00")),
    ]
    assert (view.count, view.total) == (2, D("75.00"))


@pytest.mark.django_db
def test_by_patient_sorts_by_name_and_pages_in_sql():
    a = claimed_visit(PatientFactory(last_name="Adams"))
    b = claimed_visit(PatientFactory(last_name="Baker"))
    to_patient(a, "10.00")
    to_patient(b, "20.00")
    day = selectors.today()  # the transfers' day
    page = selectors.aging_by_patient(manager(), as_of=day, sort="name", limit=1)
    assert ([r.patient_id for r in page.rows], page.count, page.total) == (
        [a.patient_id],
        2,
        D("30.00"),
    )
    second = selectors.aging_by_patient(manager(), as_of=day, sort="name", offset=1, limit=1)
    assert [r.patient_id for r in second.rows] == [b.patient_id]


@pytest.mark.django_db
def test_a_payers_claims_each_carry_their_balance_by_bucket():
    visit, as_of = age_visit(45)
    view = selectors.aging_by_claim(manager(), claim_of(visit).payer_id, as_of=as_of)
    (row,) = view.rows
    assert (row.claim_id, row.name, row.buckets["days_31_60"]) == (
        claim_of(visit).pk,
        claim_of(visit).control_number,
        D("170.00"),
    )


@pytest.mark.django_db
def test_every_ledger_entry_carries_its_visits_date_of_service():
    visit = claimed_visit(days_ago=12)
    to_patient(visit)
    dates = set(LedgerEntry.objects.filter(patient_id=visit.patient_id).values_list(
        "service_date", flat=True
    ))  # fmt: skip
    assert dates == {visit.date_of_service}


# --- location limits ---------------------------------------------------------------------------


@pytest.fixture
def two_offices():
    northgate = LocationFactory(name="Northgate", code="NG")
    riverside = LocationFactory(name="Riverside Main", code="RM")
    ours = claimed_visit(PatientFactory(last_name="Northwood", home_location=northgate),
                         location=northgate)  # fmt: skip
    theirs = claimed_visit(PatientFactory(last_name="Rivera", home_location=riverside),
                           location=riverside)  # fmt: skip
    to_patient(ours, "10.00")
    to_patient(theirs, "20.00")
    return northgate, ours, theirs


def as_of_param(*visits) -> str:
    """Today: the transfers to the patients took effect today."""
    return selectors.today().isoformat()


@pytest.mark.django_db
def test_a_northgate_user_sees_only_northgates_balances(two_offices):
    northgate, ours, _theirs = two_offices
    user = manager(locations=[northgate])
    day = selectors.today()
    assert selectors.aging_by_payer(user, as_of=day).total == D("170.00")
    assert [r.patient_id for r in selectors.aging_by_patient(user, as_of=day).rows] == [
        ours.patient_id
    ]


@pytest.mark.django_db
def test_a_northgate_biller_never_sees_a_riverside_patient_on_the_page_drill_down_or_csv(
    client_for, two_offices
):
    northgate, ours, theirs = two_offices
    client = client_for(Role.BILLER, locations=[northgate])
    day = as_of_param(ours, theirs)
    payer = claim_of(theirs).payer_id
    for query in (
        f"?by=patient&as_of={day}",
        f"?by=payer&as_of={day}&payer=patients",
        f"?by=payer&as_of={day}&payer={payer}",
        f"?by=patient&as_of={day}&format=csv",
        f"?by=payer&as_of={day}&payer={payer}&format=csv",
    ):
        body = client.get(URL + query).content.decode()
        assert "Rivera" not in body, query
        assert claim_of(theirs).control_number not in body, query
    assert "Northwood" in client.get(f"{URL}?by=patient&as_of={day}").content.decode()


@pytest.mark.django_db
def test_a_northgate_user_choosing_riverside_is_refused_naming_the_location(
    client_for, two_offices
):
    northgate, _ours, theirs = two_offices
    riverside = theirs.location
    client = client_for(Role.BILLER, locations=[northgate])
    page = client.get(f"{URL}?location={riverside.pk}")
    assert page.status_code == 400
    assert "location" in page.context["form"].errors


@pytest.mark.django_db
def test_the_api_by_patient_leaves_out_other_locations(api_for, two_offices):
    northgate, ours, theirs = two_offices
    body = (
        api_for(Role.BILLER, locations=[northgate])
        .get(f"{API}?by=patient&as_of={as_of_param(ours, theirs)}")
        .json()
    )
    assert [r["patient_id"] for r in body["rows"]] == [ours.patient_id]
    assert body["total"] == "10.00"


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_each_payer_with_a_link_to_its_claims(client_for):
    visit, as_of = age_visit(10)
    page = client_for(Role.BILLER).get(f"{URL}?as_of={as_of.isoformat()}")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"payer={claim_of(visit).payer_id}" in body
    assert "170.00" in body


@pytest.mark.django_db
def test_a_claims_row_links_to_the_claim_page(client_for):
    visit, as_of = age_visit(10)
    claim = claim_of(visit)
    page = client_for(Role.BILLER).get(f"{URL}?as_of={as_of}&payer={claim.payer_id}")
    assert reverse("billing_office:claim", args=[claim.pk]) in page.content.decode()


@pytest.mark.django_db
def test_a_patients_row_links_to_the_patients_ledger(client_for):
    visit, as_of = age_visit(10)
    to_patient(visit)
    page = client_for(Role.BILLER).get(f"{URL}?by=patient&as_of={as_of}")
    assert (
        reverse("billing_office:patient-ledger", args=[visit.patient_id]) in page.content.decode()
    )


@pytest.mark.django_db
def test_the_by_patient_view_is_audited_with_the_patients_shown(client_for):
    visit, as_of = age_visit(10)
    to_patient(visit)
    client_for(Role.BILLER).get(f"{URL}?by=patient&as_of={as_of}")
    event = AuditEvent.objects.filter(detail__startswith="A/R aging by patient").get()
    assert event.shown_patient_ids == [visit.patient_id]


@pytest.mark.django_db
def test_the_csv_has_a_row_per_payer_and_the_totals(client_for):
    visit, as_of = age_visit(45)
    to_patient(visit)
    response = client_for(Role.BILLER).get(f"{URL}?as_of={as_of}&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()
                                       if response.streaming else response.content.decode())))  # fmt: skip
    assert rows[0][:7] == ["Payer", "0–30", "31–60", "61–90", "91–120", "120+", "Total"]
    assert rows[2][0] == selectors.PATIENTS_ROW
    assert rows[2][2] == "30.00"
    assert rows[-1][0] == "Total"
    assert rows[-1][6] == "170.00"


@pytest.mark.django_db
def test_the_page_sorts_patients_by_a_bucket(client_for):
    a, day = age_visit(10)
    b = claimed_visit(days_ago=3)
    to_patient(a, "10.00")
    to_patient(b, "20.00")
    when = max(day, b.date_of_service)
    page = client_for(Role.BILLER).get(f"{URL}?by=patient&as_of={when}&sort=total")
    assert [r.patient_id for r in page.context["aging"].rows] == [a.patient_id, b.patient_id]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0001-01-01", "9999-99-99", "1e309", "2026-02-30"])
def test_a_bad_as_of_on_the_page_is_a_form_error_not_a_500(client_for, bad):
    page = client_for(Role.BILLER).get(f"{URL}?as_of={bad}")
    assert page.status_code == 400
    assert "as_of" in page.context["form"].errors


@pytest.mark.django_db
def test_a_bad_as_of_for_the_csv_is_a_400_naming_the_field(client_for):
    response = client_for(Role.BILLER).get(f"{URL}?as_of=9999-99-99&format=csv")
    assert response.status_code == 400
    assert response.content.startswith(b"as_of:")


@pytest.mark.django_db
def test_the_front_desk_may_not_open_the_aging(client_for):
    assert client_for(Role.FRONT_DESK).get(URL).status_code == 403


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_gives_the_payers_buckets_as_strings_of_dollars(api_for):
    visit, as_of = age_visit(61)
    body = api_for(Role.BILLER).get(f"{API}?as_of={as_of}").json()
    (row,) = body["rows"]
    assert (row["payer_id"], row["days_61_90"], row["total"]) == (
        claim_of(visit).payer_id,
        "170.00",
        "170.00",
    )
    assert body["by"] == "payer"
    assert body["as_of"] == as_of.isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0001-01-01", "9999-99-99", "1e309"])
def test_a_bad_as_of_in_the_api_is_a_400_naming_as_of(api_for, bad):
    response = api_for(Role.BILLER).get(f"{API}?as_of={bad}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["as_of"]


@pytest.mark.django_db
def test_an_unknown_view_in_the_api_is_a_400_naming_by(api_for):
    response = api_for(Role.BILLER).get(f"{API}?by=clinic")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["by"]


@pytest.mark.django_db
def test_the_api_refuses_the_front_desk(api_for):
    assert api_for(Role.FRONT_DESK).get(API).status_code == 403


@pytest.mark.django_db
def test_by_payer_sorts_by_a_column_and_keeps_the_patients_share_last():
    small = claimed_visit()
    big = claimed_visit()
    service.post_insurance_payment(
        actor=SYSTEM, line=lines_of(small)[0], payer_id=claim_of(small).payer_id,
        amount="100.00",
    )  # fmt: skip
    to_patient(big, "5.00")
    view = selectors.aging_by_payer(manager(), sort="total")
    assert [r.key for r in view.rows] == [
        claim_of(small).payer_id,
        claim_of(big).payer_id,
        None,
    ]
