"""The denials API: the list (filters, locations), one denial, a status change, an appeal."""

from __future__ import annotations

from pathlib import Path

import pytest

from medoffice.billing.models import Appeal
from medoffice.billing.services import denials as services
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_denials import a_denial, denied_claim
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def location(practice):
    office_visit_codes()
    services.ensure_templates()  # a demo test's flush may have taken the seeded ones
    return LocationFactory()


@pytest.fixture
def denial(location, tmp_path: Path):
    return a_denial(denied_claim(location, tmp_path / "outbox"))


@pytest.fixture
def api(api_for, location):
    return api_for(Role.BILLER, locations=[location])


def test_the_list_gives_the_denial_with_its_codes_in_words(api, denial):
    answer = api.get("/api/v1/denials")

    assert answer.status_code == 200
    row = answer.json()["items"][0]
    assert (row["group_code"], row["reason_code"], row["remark_codes"]) == ("CO", "16", ["N290"])
    assert row["description"].startswith("CO-16")


def test_the_list_filters_like_the_queue(api, denial):
    assert api.get("/api/v1/denials", {"category": "timely_filing"}).json()["items"] == []


@pytest.mark.parametrize(
    ("name", "value"), [("age", "1e309"), ("code", "'; drop"), ("payer_id", "0")]
)
def test_odd_filters_answer_a_clear_error(api, denial, name, value):
    answer = api.get("/api/v1/denials", {name: value})

    assert answer.status_code in (400, 422)
    assert name in answer.content.decode()


def test_another_locations_biller_gets_no_denial(api_for, denial):
    other = api_for(Role.BILLER, locations=[LocationFactory()])

    assert other.get("/api/v1/denials").json()["items"] == []
    assert other.get(f"/api/v1/denials/{denial.pk}").status_code == 404


def test_one_denial_has_its_hint_and_history(api, denial):
    body = api.get(f"/api/v1/denials/{denial.pk}").json()

    assert body["hint"]
    assert body["history"][0]["to_status"] == "open"


def test_a_status_change_needs_a_reason(api, denial):
    answer = api.post(
        f"/api/v1/denials/{denial.pk}/status", {"status": "closed", "reason": ""}, content_type=JSON
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "reason"


@pytest.mark.parametrize("recovered", [1e309, "1e309", 12.5, "ten"])
def test_an_odd_recovered_amount_is_refused(api, denial, recovered):
    answer = api.post(
        f"/api/v1/denials/{denial.pk}/status",
        {"status": "overturned", "reason": "won", "recovered": recovered},
        content_type=JSON,
    )

    assert answer.status_code in (400, 422)


def test_a_status_change_is_made(api, denial):
    answer = api.post(
        f"/api/v1/denials/{denial.pk}/status",
        {"status": "overturned", "reason": "won", "recovered": "100.00"},
        content_type=JSON,
    )

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["recovered"]) == ("overturned", "100.00")


def test_an_appeal_from_a_template_gets_its_filled_letter(api, denial):
    answer = api.post(
        f"/api/v1/denials/{denial.pk}/appeals", {"template": "coding-correction"}, content_type=JSON
    )

    assert answer.status_code == 200
    assert denial.claim.control_number in answer.json()["letter_text"]
    assert Appeal.objects.count() == 1


def test_an_appeal_with_an_unknown_template_is_refused(api, denial):
    answer = api.post(
        f"/api/v1/denials/{denial.pk}/appeals", {"template": "nope"}, content_type=JSON
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "template"
