"""The contracts' JSON API (read only): the list with terms and carve-outs, one contract,
the filters, and 403 for a role without VIEW_CONTRACT."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core.roles import Role
from tests.billing.factories_contracts import ContractFactory

pytestmark = pytest.mark.django_db


def test_the_list_gives_each_contract_with_its_carve_outs(api_for):
    contract = ContractFactory(percent=Decimal("62.5"))
    contract.carve_outs.create(code="J3490", percent=Decimal("80"))

    answer = api_for(Role.BILLER).get("/api/v1/billing/contracts")

    assert answer.status_code == 200
    [item] = answer.json()["items"]
    assert item["percent"] == "62.500"
    assert item["carve_outs"] == [
        {"code": "J3490", "modifier": "", "amount": None, "percent": "80.000"}
    ]


def test_the_list_leaves_out_drafts_when_asked(api_for):
    ContractFactory(is_draft=True)
    kept = ContractFactory()

    answer = api_for(Role.OFFICE_MANAGER).get("/api/v1/billing/contracts", {"drafts": "false"})

    assert [i["id"] for i in answer.json()["items"]] == [kept.pk]


def test_one_contract_by_its_id(api_for):
    contract = ContractFactory(name="Harbor 2026")

    answer = api_for(Role.BILLER).get(f"/api/v1/billing/contracts/{contract.pk}")

    assert answer.json()["name"] == "Harbor 2026"


def test_an_unknown_or_huge_id_is_not_a_500(api_for):
    client = api_for(Role.BILLER)

    assert client.get("/api/v1/billing/contracts/424242").status_code == 404
    assert client.get("/api/v1/billing/contracts/99999999999999999999999").status_code == 422


def test_the_front_desk_may_not_read_contracts(api_for):
    assert api_for(Role.FRONT_DESK).get("/api/v1/billing/contracts").status_code == 403
