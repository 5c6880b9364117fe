"""The API's rate limits: failed tokens per address, requests per user; 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from medoffice.core.roles import Role


@pytest.fixture(autouse=True)
def low_rates(settings):
    settings.API_THROTTLE_RATES = {"token_failures": "3/min", "api": "5/min"}
    cache.clear()
    yield
    cache.clear()


def _bad_token(address: str = "127.0.0.1") -> Client:
    return Client(headers={"Authorization": "Bearer mo_not-a-token"}, REMOTE_ADDR=address)


def test_too_many_failed_tokens_answer_429_with_a_json_body_and_retry_after(practice):
    answers = [_bad_token().get("/api/v1/me").status_code for _ in range(3)]
    refused = _bad_token().get("/api/v1/me")

    assert answers == [401, 401, 401]
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled"
    assert body["errors"] == []
    assert int(refused["Retry-After"]) > 0


def test_a_good_token_from_an_address_past_its_failures_is_refused_too(api_for):
    good = api_for(Role.HR)
    for _ in range(3):
        _bad_token().get("/api/v1/me")

    assert good.get("/api/v1/me").status_code == 429


def test_the_failed_tokens_of_one_address_do_not_hold_up_another(practice):
    for _ in range(3):
        _bad_token("10.0.0.1").get("/api/v1/me")

    assert _bad_token("10.0.0.2").get("/api/v1/me").status_code == 401


def test_a_user_past_the_request_rate_gets_429_with_retry_after(api_for):
    client = api_for(Role.HR)
    answers = [client.get("/api/v1/me").status_code for _ in range(5)]
    refused = client.get("/api/v1/me")

    assert answers == [200] * 5
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_one_users_requests_do_not_hold_up_another_user(api_for):
    first, second = api_for(Role.HR), api_for(Role.HR)
    for _ in range(5):
        first.get("/api/v1/me")

    assert second.get("/api/v1/me").status_code == 200


def test_every_operation_documents_the_429(client_for):
    schema = client_for(Role.BILLER).get("/api/v1/openapi.json").json()

    undocumented = [
        (method, path)
        for path, methods in schema["paths"].items()
        for method, details in methods.items()
        if "429" not in details["responses"]
    ]
    assert undocumented == []


def test_the_tests_elsewhere_run_far_below_the_limits():
    from django.conf import settings as django_settings

    from medoffice import settings as project_settings

    assert django_settings.TESTING
    for rate in project_settings.API_THROTTLE_RATES.values():
        assert int(rate.split("/")[0]) >= 10_000
