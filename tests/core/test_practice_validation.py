"""The practice edit page refuses bad identifiers, naming the field, and saves nothing."""

from __future__ import annotations

import pytest

from medoffice.core.identifiers import npi_check_digit
from medoffice.core.models import AuditAction, AuditEvent, Practice
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db


def form_data(practice: Practice, **changes) -> dict:
    data = {
        "legal_name": practice.legal_name,
        "display_name": practice.display_name,
        "tax_id": practice.tax_id,
        "group_npi": practice.group_npi,
        "time_zone": practice.time_zone,
        "phone": practice.phone,
        "address_line1": practice.address_line1,
        "address_line2": practice.address_line2,
        "city": practice.city,
        "state": practice.state,
        "postal_code": practice.postal_code,
        "idle_timeout_minutes": practice.idle_timeout_minutes,
    }
    if practice.require_mfa_for_everyone:
        data["require_mfa_for_everyone"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


def saved_values(practice: Practice) -> dict:
    return Practice.objects.filter(pk=practice.pk).values().get()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_id", "00-1234567"),
        ("tax_id", "12345"),
        ("group_npi", "1234567890"),
        ("group_npi", "3234567893"),
        ("group_npi", "12345"),
        ("time_zone", "Mars/Olympus_Mons"),
        ("postal_code", "1234"),
        ("postal_code", "00000"),
        ("phone", "abc"),
        ("phone", "555-12"),
        ("state", "ZZ"),
        ("idle_timeout_minutes", "1"),
        ("idle_timeout_minutes", "61"),
    ],
)
def test_invalid_value_is_refused_naming_the_field_and_nothing_is_saved(
    field, value, practice, manager
):
    before = saved_values(practice)
    response = manager.post(
        "/practice/edit/", form_data(practice, legal_name="Renamed, P.C.", **{field: value})
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'data-field-error="{field}"' in response.content.decode()
    assert saved_values(practice) == before
    assert not AuditEvent.objects.filter(object_type="core.practice").exists()


def test_every_bad_field_is_named_at_once(practice, manager):
    bad = {"phone": "abc", "postal_code": "1234", "state": "ZZ", "tax_id": "12345"}
    response = manager.post("/practice/edit/", form_data(practice, **bad))
    assert sorted(response.context["form"].errors) == sorted(bad)
    page = response.content.decode()
    assert "4 things to fix before saving" in page
    for field in bad:
        assert f'href="#id_{field}_group"' in page


def test_the_phone_is_stored_e164_and_shown_back_in_national_form(practice, manager):
    manager.post("/practice/edit/", form_data(practice, phone="413.555.0100"))
    practice.refresh_from_db()
    assert practice.phone == "+14135550100"
    assert 'value="(413) 555-0100"' in manager.get("/practice/edit/").content.decode()


def test_valid_change_is_saved_and_audited(practice, manager):
    first_nine = "198765432"
    npi = first_nine + npi_check_digit(first_nine)
    response = manager.post(
        "/practice/edit/",
        form_data(practice, group_npi=npi, tax_id="041234567", time_zone="America/Chicago"),
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.group_npi == npi
    assert practice.tax_id == "04-1234567"
    assert practice.time_zone == "America/Chicago"
    event = AuditEvent.objects.get(object_type="core.practice")
    assert event.action == AuditAction.UPDATE
    assert "group_npi" in event.detail


def test_changing_a_security_setting_is_audited_as_security(practice, manager):
    manager.post("/practice/edit/", form_data(practice, idle_timeout_minutes="5"))
    event = AuditEvent.objects.get(object_type="core.practice")
    assert event.action == AuditAction.SECURITY
    assert "idle_timeout_minutes" in event.detail


def test_roles_other_than_the_office_manager_cannot_change_the_practice(practice, client_for):
    before = saved_values(practice)
    biller = client_for(Role.BILLER)
    response = biller.post("/practice/edit/", form_data(practice, legal_name="Taken over"))
    assert response.status_code == 403
    assert saved_values(practice) == before


def test_the_practice_zone_is_the_practices_own():
    from medoffice.core.models import practice_zone
    from tests.factories import PracticeFactory

    PracticeFactory(time_zone="America/Denver")
    assert practice_zone().key == "America/Denver"


def test_the_practice_zone_is_utc_before_a_practice_is_set_up():
    from medoffice.core.models import practice_zone

    Practice.objects.all().delete()
    assert practice_zone().key == "UTC"
