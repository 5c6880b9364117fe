"""Payers with their billing profiles, plans, clearinghouses and fee schedules through their
services; the scrubber's reference data; the reference rows the migration ships; the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medoffice.billing import scrubber
from medoffice.billing.models import (
    FeeSchedule,
    Modifier,
    PayerProfile,
    PlaceOfService,
    ProcedureCode,
)
from medoffice.billing.selectors import reference as selectors
from medoffice.billing.services import reference as services
from medoffice.core.permissions import SystemActor
from medoffice.core.roles import Role
from tests.billing.factories_reference import (
    AddOnCodeFactory,
    ClearinghouseFactory,
    MueLimitFactory,
    PayerFactory,
    PayerProfileFactory,
    ProcedureCodeFactory,
    PtpEditFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("tests")


def payer_data(**changes):
    house = changes.pop("clearinghouse", None) or ClearinghouseFactory()
    data = {
        "name": "Harbor Mutual",
        "payer_id": "HM123",
        "phone": "(413) 555-0123",
        "filing_indicator": "CI",
        "timely_filing_rule": "days",
        "timely_filing_days": 90,
        "submission": "electronic",
        "clearinghouse": house,
    }
    data.update(changes)
    return data


def test_a_payer_and_its_profile_are_saved_together():
    payer = services.save_payer(actor=ACTOR, payer=None, data=payer_data())
    assert payer.phone == "+14135550123"
    assert payer.billing.timely_filing_days == 90


def test_the_medicare_rule_holds_one_calendar_year():
    payer = services.save_payer(
        actor=ACTOR,
        payer=None,
        data=payer_data(timely_filing_rule="medicare", filing_indicator="MB"),
    )
    assert payer.billing.timely_filing_days == 365
    assert selectors.timely_filing_deadline(payer, dt.date(2026, 3, 14)) == dt.date(2027, 3, 14)


def test_a_payer_without_a_profile_is_held_to_180_days():
    payer = PayerFactory()
    assert selectors.timely_filing_deadline(payer, dt.date(2026, 1, 1)) == dt.date(2026, 6, 30)


def test_a_bad_phone_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError) as caught:
        services.save_payer(actor=ACTOR, payer=None, data=payer_data(phone="12"))
    assert "phone" in caught.value.error_dict
    assert not PayerProfile.objects.exists()


def test_paper_claims_need_the_claims_address():
    with pytest.raises(ValidationError) as caught:
        services.save_payer(actor=ACTOR, payer=None, data=payer_data(submission="paper"))
    assert "claims_address_line1" in caught.value.error_dict


def test_a_retired_clearinghouse_is_refused():
    house = ClearinghouseFactory(is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.save_payer(actor=ACTOR, payer=None, data=payer_data(clearinghouse=house))
    assert "clearinghouse" in caught.value.error_dict


def test_timely_filing_days_out_of_range_are_refused():
    with pytest.raises(ValidationError) as caught:
        services.save_payer(actor=ACTOR, payer=None, data=payer_data(timely_filing_days=0))
    assert "timely_filing_days" in caught.value.error_dict


def test_the_front_desk_may_not_change_a_payer():
    with pytest.raises(PermissionDenied):
        services.save_payer(
            actor=UserFactory(roles=[Role.FRONT_DESK]), payer=None, data=payer_data()
        )


def test_an_existing_payers_profile_is_updated_in_place():
    profile = PayerProfileFactory()
    services.save_payer(
        actor=ACTOR,
        payer=profile.payer,
        data=payer_data(name=profile.payer.name, timely_filing_days=120),
    )
    assert PayerProfile.objects.get().timely_filing_days == 120


def test_a_plans_name_is_unique_per_payer():
    payer = PayerFactory()
    services.save_plan(actor=ACTOR, payer=payer, plan=None, data={"name": "Gold"})
    with pytest.raises(ValidationError):
        services.save_plan(actor=ACTOR, payer=payer, plan=None, data={"name": "Gold"})


def test_a_clearinghouse_keeps_ten_phone_digits_and_upper_case_qualifiers():
    house = services.save_clearinghouse(
        actor=ACTOR,
        clearinghouse=None,
        data={
            "name": "Test house",
            "submitter_id": "ETIN1",
            "submitter_qualifier": "zz",
            "receiver_id": "RCV",
            "receiver_qualifier": "ZZ",
            "receiver_name": "RECEIVER",
            "contact_phone": "1 (800) 555-0142",
        },
    )
    assert (house.contact_phone, house.submitter_qualifier) == ("8005550142", "ZZ")


def test_a_clearinghouse_with_an_unknown_qualifier_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.save_clearinghouse(
            actor=ACTOR,
            clearinghouse=None,
            data={
                "name": "X",
                "submitter_id": "1",
                "submitter_qualifier": "QQ",
                "receiver_id": "2",
                "receiver_qualifier": "ZZ",
                "receiver_name": "R",
            },
        )
    assert "submitter_qualifier" in caught.value.error_dict


def test_a_standard_schedule_has_no_payer_and_an_allowed_one_has():
    with pytest.raises(ValidationError):
        services.save_fee_schedule(
            actor=ACTOR,
            schedule=None,
            data={"name": "S", "kind": "standard", "payer": PayerFactory()},
        )
    with pytest.raises(ValidationError):
        services.save_fee_schedule(
            actor=ACTOR, schedule=None, data={"name": "A", "kind": "allowed"}
        )
    services.save_fee_schedule(actor=ACTOR, schedule=None, data={"name": "S", "kind": "standard"})
    assert FeeSchedule.objects.count() == 1


# --- the scrubber's reference ----------------------------------------------------------------


def test_scrub_reference_is_the_scrubbers_reference_in_six_queries(django_assert_max_num_queries):
    ProcedureCodeFactory(
        code="J3490",
        code_set="hcpcs",
        is_not_otherwise_classified=True,
        requires_ndc=True,
        short_description="Drug NOC",
    )
    PtpEditFactory(column1="99213", column2="36415", modifier_indicator="1")
    MueLimitFactory(code="36415", units=2, adjudication="3")
    AddOnCodeFactory(addon="90472", primary="90471")
    ProcedureCodeFactory(code="90472")
    with django_assert_max_num_queries(6):
        ref = selectors.scrub_reference(dt.date(2026, 6, 1))
    assert ref.ptp_edits("99213")["36415"] == (
        scrubber.PtpEdit("99213", "36415", 1, dt.date(2026, 1, 1), None),
    )
    assert ref.mue("36415") == scrubber.MueLimit("36415", 2, 3)
    addon = ref.procedure("90472")
    assert addon is not None
    assert (addon.is_addon, addon.addon_primaries) == (True, frozenset({"90471"}))
    drug = ref.procedure("J3490")
    assert drug is not None
    assert (drug.description, drug.is_noc, drug.is_drug) == ("Drug NOC", True, True)
    assert all(ref.is_valid_modifier(m) for m in ("25", "59", "XU"))
    assert all(ref.is_valid_place_of_service(p) for p in ("02", "10", "11"))


def test_scrub_reference_keeps_a_deleted_ptp_edit_with_its_dates_for_older_lines():
    PtpEditFactory(deleted_on=dt.date(2026, 3, 1))
    ref = selectors.scrub_reference(dt.date(2026, 6, 1))
    (edit,) = ref.ptp_edits("99213")["36415"]
    assert (edit.effective, edit.deleted) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))


def test_scrub_reference_leaves_out_an_mue_not_yet_in_force():
    MueLimitFactory(effective_from=dt.date(2027, 1, 1))
    assert selectors.scrub_reference(dt.date(2026, 6, 1)).mue("36415") is None


def test_scrub_reference_leaves_out_an_addon_edit_deleted_by_the_day():
    AddOnCodeFactory(addon="90472", primary="90471", deleted_on=dt.date(2026, 6, 1))
    ProcedureCodeFactory(code="90472")
    addon = selectors.scrub_reference(dt.date(2026, 6, 1)).procedure("90472")
    assert addon is not None
    assert not addon.is_addon


def test_scrub_reference_keeps_the_latest_mue_in_force():
    MueLimitFactory(units=1, effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2026, 3, 31))
    MueLimitFactory(units=3, effective_from=dt.date(2026, 4, 1))
    mue = selectors.scrub_reference(dt.date(2026, 6, 1)).mue("36415")
    assert mue is not None
    assert mue.units == 3


def test_scrub_reference_keeps_the_tables_apart():
    PtpEditFactory(table="outpatient")
    assert not selectors.scrub_reference(dt.date(2026, 6, 1)).ptp_edits("99213")
    assert selectors.scrub_reference(dt.date(2026, 6, 1), table="outpatient").ptp_edits("99213")


# --- what the migration ships ---------------------------------------------------------------


def test_the_places_of_service_include_telehealth_office_and_hospital():
    names = dict(PlaceOfService.objects.values_list("code", "name"))
    assert {
        "02",
        "10",
        "11",
        "12",
        "19",
        "20",
        "21",
        "22",
        "23",
        "31",
        "32",
        "49",
        "50",
        "71",
        "72",
        "81",
        "99",
    } <= set(names)


def test_the_ncci_associated_modifiers_are_marked():
    marked = set(Modifier.objects.filter(is_ncci_associated=True).values_list("code", flat=True))
    assert {
        "24",
        "25",
        "57",
        "58",
        "59",
        "78",
        "79",
        "91",
        "XE",
        "XP",
        "XS",
        "XU",
        "LT",
        "RT",
        "F1",
        "T9",
        "E4",
        "FA",
        "TA",
        "LC",
        "LD",
        "RC",
        "LM",
        "RI",
    } <= marked
    assert not {"26", "TC", "50", "51", "95", "GT", "GA", "KX", "QW", "33", "CR"} & marked
    assert Modifier.objects.filter(code__in=["26", "TC", "95", "GY", "GZ", "CR"]).count() == 6


# --- the demo ------------------------------------------------------------------------------


def test_the_demo_reference_is_synthetic_and_a_second_run_adds_nothing(
    django_assert_max_num_queries,
):
    from medoffice.billing.demo_reference import CODES, PROFILES, build_reference
    from medoffice.patients.models import Payer

    for name in PROFILES:
        Payer.objects.create(name=name)
    build_reference({})
    assert ProcedureCode.objects.filter(is_synthetic=True).count() == len(CODES)
    assert (
        PayerProfile.objects.get(payer__name__contains="Medicare").timely_filing_rule == "medicare"
    )
    assert PayerProfile.objects.get(payer__name__contains="Medicaid").filing_indicator == "MC"
    assert FeeSchedule.objects.filter(kind="allowed").count() == len(PROFILES)
    with django_assert_max_num_queries(12):
        build_reference({})
    assert ProcedureCode.objects.count() == len(CODES)


def test_a_new_demo_clears_the_files_an_earlier_demo_left_in_its_own_outbox(settings, tmp_path):
    from medoffice.billing.demo_reference import build_reference

    settings.VAR_DIR = tmp_path
    stale = tmp_path / "outbox" / "demo-clearinghouse-test"
    stale.mkdir(parents=True)
    (stale / "837P-20261201-000000001-demo-clearinghouse--test.x12").write_text("ISA*old~")
    (stale / "270-000000001.x12").write_text("ISA*old~")
    (stale / "notes.txt").write_text("the practice's own file")

    build_reference({})

    assert sorted(p.name for p in stale.iterdir()) == ["notes.txt"]


def test_the_demo_fees_are_in_force_before_its_oldest_visit():
    from medoffice.billing.demo_reference import build_reference
    from medoffice.billing.selectors.fees import standard_charge
    from tests.frontdesk.factories import local_today

    build_reference({})

    fourteen_months_back = local_today() - dt.timedelta(days=430)
    assert standard_charge("99213", [], fourteen_months_back) is not None
