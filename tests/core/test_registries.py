"""Core's registries: the apps plug in their home panels, periodic tasks, demo builders
and API routers, and core names none of them."""

from __future__ import annotations

import pytest
from django.apps import apps

from medoffice.core import homepanels
from medoffice.core.demo.registry import builders
from medoffice.core.roles import Role
from medoffice.core.tasks import periodic_tasks


def test_the_home_page_shows_the_registered_panels_in_order(client_for):
    response = client_for(Role.OFFICE_MANAGER).get("/")
    html = response.content.decode()
    names = [panel["name"] for panel in response.context["panels"]]
    assert names == [
        "office_day",
        "desk_day",
        "today",
        "accounts",
        "emergency_accesses",
        "revenue",
        "audit",
        "recent_patients",
    ]
    order = [
        html.index(f'data-testid="{testid}"')
        for testid in ("office-day", "desk-day", "today", "accounts", "emergency-accesses")
    ]
    assert order == sorted(order)


def test_a_panel_is_computed_only_for_users_with_its_permission(client_for, monkeypatch):
    calls = []
    panel = homepanels.HomePanel(
        "test_panel", "core/panels/accounts.html", calls.append, "core.change_user"
    )
    monkeypatch.setattr(homepanels, "_registry", {**homepanels._registry, "test_panel": panel})
    client_for(Role.FRONT_DESK).get("/")
    assert calls == []
    client_for(Role.OFFICE_MANAGER).get("/")
    assert len(calls) == 1


def test_the_worker_schedules_the_periodic_tasks_the_apps_registered():
    assert [t.name for t in periodic_tasks()] == [
        "audit-chain",
        "failure-summaries",
        "reminders",
        "eligibility",
        "patient-billing",
        "statements",
    ]


def test_the_demo_builders_run_in_the_order_their_apps_registered():
    names = [f"{b.__module__}.{b.__name__}" for b in builders()]
    assert names == [
        "medoffice.scheduling.demo.setup.build_schedule_setup",
        "medoffice.patients.demo.build_patient_registry",
        "medoffice.scheduling.demo.visits.build_appointments",
        "medoffice.billing.demo.build_copays",
        "medoffice.billing.demo_reference.build_reference",
        "medoffice.billing.demo_claims.build_claims",
        "medoffice.billing.demo_submission.build_submission",
        "medoffice.billing.demo_eligibility.build_eligibility",
        "medoffice.billing.demo_ledger.build_ledger",
        "medoffice.billing.demo_era.build_posting_rules",
        "medoffice.billing.demo_era.build_remittances",
        "medoffice.messaging.demo.build_defaults",
        "medoffice.billing.demo_contracts.build_contracts",
        "medoffice.billing.demo_deposits.build_deposits",
        "medoffice.billing.demo_denials.build_denials",
        "medoffice.billing.demo_plans.build_plans",
        "medoffice.billing.demo_statements.build_statement_schedule",
        "medoffice.billing.demo_statements.build_statements",
        "medoffice.scheduling.demo.outreach.build_outreach",
        "medoffice.billing.demo_ledger.build_ledger_totals",
        "medoffice.patients.demo.build_emergency_access",
        "medoffice.core.demo.practice.build_attention_items",
    ]


@pytest.mark.parametrize(
    ("app", "path"),
    [
        ("core", "/api/v1/me"),
        ("patients", "/api/v1/patients"),
        ("scheduling", "/api/v1/appointments"),
        ("frontdesk", "/api/v1/flow-board"),
        ("messaging", "/api/v1/message-templates"),
        ("reports", "/api/v1/reports/wait-times"),
    ],
)
def test_each_apps_router_is_mounted_from_its_app_config(app, path):
    from medoffice.api import api

    assert apps.get_app_config(app).api_router == f"medoffice.{app}.api.router"
    paths = api.get_openapi_schema()["paths"]
    assert path in paths
