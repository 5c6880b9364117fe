"""The list pattern (core/listing.py) through the users list and the audit report.

The audit report is ONC 170.315(d)(3): a report for a chosen period, sortable by every
audit field, exportable; each export is itself recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from medoffice.core import context as request_context
from medoffice.core.audit import record_event
from medoffice.core.listing import csv_cell
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role
from medoffice.core.views.pages import AuditReportPage, UserListPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUDIT_FIELDS = [
    "seq",
    "occurred_at",
    "username",
    "roles",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "data_category",
    "outcome",
    "client_ip",
    "request_id",
    "detail",
]


def record_as(user, ip: str, request_id: str, **fields) -> AuditEvent:
    token = request_context.activate(
        request_context.RequestContext(request_id=request_id, client_ip=ip)
    )
    try:
        return record_event(user=user, **fields)
    finally:
        request_context.reset(token)


@pytest.fixture
def events(practice):
    """Three events whose order differs from field to field."""
    carol = UserFactory(username="carol", roles=[Role.HR])
    alice = UserFactory(username="alice", roles=[Role.BILLER])
    bob = UserFactory(username="bob", roles=[Role.AUDITOR])
    specs = [
        (
            carol,
            "192.0.2.2",
            "req-c",
            "read",
            "scheduling.resource",
            "3",
            20,
            "billing",
            "success",
            "bravo",
        ),
        (
            alice,
            "192.0.2.3",
            "req-a",
            "export",
            "patients.payer",
            "1",
            30,
            "ssn",
            "denied",
            "charlie",
        ),
        (
            bob,
            "192.0.2.1",
            "req-b",
            "update",
            "core.location",
            "2",
            10,
            "demographics",
            "failure",
            "alpha",
        ),
    ]
    return [
        record_as(
            user,
            ip,
            rid,
            action=action,
            object_type=otype,
            object_id=oid,
            patient_id=pid,
            data_category=cat,
            outcome=outcome,
            detail=detail,
        )
        for user, ip, rid, action, otype, oid, pid, cat, outcome, detail in specs
    ]


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


def shown_seqs(response) -> list[int]:
    return [row[0]["value"] for row in response.context["rows"]]


def shown_seqs_of(response, events) -> list[int]:
    """The shown entries among ``events`` (the requests add entries of their own)."""
    wanted = {e.seq for e in events}
    return [seq for seq in shown_seqs(response) if seq in wanted]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- audit report -----------------------------------------------------------------------


def test_audit_report_has_a_sortable_column_for_every_audit_field():
    sortable = {c.order_by or c.key for c in AuditReportPage.columns if c.sortable}
    assert set(AUDIT_FIELDS) <= sortable


@pytest.mark.parametrize("field", AUDIT_FIELDS)
def test_audit_report_sorts_by_each_field_both_ways(field, events, manager):
    def value(event):
        raw = getattr(event, field)
        return tuple(int(p) for p in raw.split(".")) if field == "client_ip" else raw

    expected = [e.seq for e in sorted(events, key=value)]
    ascending = manager.get("/audit/", {"sort": field})
    descending = manager.get("/audit/", {"sort": "-" + field})
    assert shown_seqs_of(ascending, events) == expected
    assert shown_seqs_of(descending, events) == expected[::-1]


def test_audit_report_marks_the_sorted_column(events, manager):
    response = manager.get("/audit/", {"sort": "-username"})
    header = next(h for h in response.context["headers"] if h["key"] == "username")
    assert header["state"] == "desc"
    assert header["next_sort"] == "username"
    assert 'aria-sort="descending"' in response.content.decode()


def test_audit_report_ignores_an_unknown_sort_key(events, manager):
    response = manager.get("/audit/", {"sort": "entry_hash"})
    assert shown_seqs_of(response, events) == sorted((e.seq for e in events), reverse=True)


def test_audit_report_filters_by_user(events, manager):
    response = manager.get("/audit/", {"user": "alice"})
    assert shown_seqs(response) == [events[1].seq]


def test_audit_report_filters_by_patient(events, manager):
    assert shown_seqs(manager.get("/audit/", {"patient": 10})) == [events[2].seq]


def test_audit_report_filters_by_action(events, manager):
    assert shown_seqs(manager.get("/audit/", {"action": "export"})) == [events[1].seq]


def test_audit_report_filters_by_object_type(events, manager):
    response = manager.get("/audit/", {"object_type": "scheduling.resource"})
    assert shown_seqs(response) == [events[0].seq]


def test_audit_report_matches_the_object_type_exactly(events, manager):
    assert shown_seqs(manager.get("/audit/", {"object_type": "core.location"})) == [events[2].seq]


def test_audit_report_matches_the_user_name_exactly_in_any_case(events, manager):
    assert shown_seqs(manager.get("/audit/", {"user": "ALICE"})) == [events[1].seq]
    assert shown_seqs(manager.get("/audit/", {"user": "ali"})) == []


def test_audit_report_refuses_an_unknown_object_type_naming_the_field(events, manager):
    response = manager.get("/audit/", {"object_type": "zz."})
    assert response.status_code == 400
    assert "object_type" in response.context["form"].errors


def test_audit_report_filters_by_period(events, manager):
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("America/New_York")).date()
    day = dt.timedelta(days=1)
    within = manager.get("/audit/", {"date_from": today - day, "date_to": today + day})
    assert len(shown_seqs_of(within, events)) == 3
    before = manager.get("/audit/", {"date_to": today - day})
    assert shown_seqs_of(before, events) == []
    after = manager.get("/audit/", {"date_from": today + day})
    assert shown_seqs_of(after, events) == []


def test_audit_report_refuses_a_period_that_ends_before_it_starts(events, manager):
    response = manager.get("/audit/", {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert "date_to" in response.context["form"].errors
    assert shown_seqs(response) == []


def test_audit_report_paginates(practice, manager):
    for n in range(60):
        record_event(AuditAction.READ, object_type="scheduling.resourcerequirement", object_id=n)
    first = manager.get("/audit/", {"object_type": "scheduling.resourcerequirement"})
    second = manager.get("/audit/", {"object_type": "scheduling.resourcerequirement", "page": 2})
    assert len(shown_seqs(first)) == 50
    assert len(shown_seqs(second)) == 10
    assert not set(shown_seqs(first)) & set(shown_seqs(second))
    assert first.context["paginator"].count == 60


def test_htmx_request_gets_only_the_table(events, manager):
    response = manager.get("/audit/", {"user": "bob"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<table" in html
    assert "<html" not in html
    assert "list-filter" not in html
    assert "bob" in html


def test_full_request_gets_the_whole_page(events, manager):
    html = manager.get("/audit/").content.decode()
    assert "<html" in html
    assert "list-filter" in html


def test_csv_export_contains_the_filtered_rows(events, manager):
    response = manager.get("/audit/", {"user": "alice", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:3] == ["#", "Time", "User"]
    assert [row[0] for row in rows] == [str(events[1].seq)]
    assert rows[0][2] == "alice"


def test_csv_export_is_audited(events, manager):
    manager.get("/audit/", {"user": "alice", "format": "csv"})
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="core.auditevent")
    assert export.user_id == manager.user.pk
    assert "1 rows" in export.detail
    assert export.detail.endswith("filtered by: user")


def test_csv_export_is_refused_to_a_role_without_the_permission(events, client_for):
    response = client_for(Role.FRONT_DESK).get("/audit/", {"format": "csv"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(object_type="core.auditevent").exists()


def test_csv_export_needs_the_export_permission_not_only_view(practice):
    class ExportRestrictedUsers(UserListPage):
        export_action = "export"  # core.export_user: no role has it

    hr = UserFactory(roles=[Role.HR])
    request = RequestFactory().get("/users/", {"format": "csv"})
    request.user = hr
    request.htmx = False
    response = ExportRestrictedUsers.as_view()(request)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(practice, manager):
    record_event(
        AuditAction.READ, object_type="patients.payer", detail='=HYPERLINK("http://x","y")'
    )
    response = manager.get("/audit/", {"object_type": "patients.payer", "format": "csv"})
    header, row = read_csv(response)
    assert row[header.index("Detail")] == '\'=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_prefixes_formula_starts(dangerous):
    assert csv_cell(dangerous) == "'" + dangerous


def test_csv_cell_leaves_ordinary_text_alone():
    assert csv_cell("Alvarez, Maria") == "Alvarez, Maria"
    assert csv_cell(42) == "42"


# --- users list ----------------------------------------------------------------------------


@pytest.fixture
def staff(practice):
    # "qzx": in no generated name (the manager's random last name may be "Vazquez", which "zq" finds)
    base = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    specs = [
        ("qzxdan", "Dana", "Young", "Receptionist", True, base + dt.timedelta(days=2)),
        ("qzxamy", "Amy", "Baker", "Physician", False, base),
        ("qzxcal", "Cal", "Adams", "Billing lead", True, base + dt.timedelta(days=1)),
    ]
    users = []
    for username, first, last, title, active, last_login in specs:
        users.append(
            UserFactory(
                username=username,
                first_name=first,
                last_name=last,
                title=title,
                is_active=active,
                last_login=last_login,
                roles=[Role.FRONT_DESK],
            )
        )
    return users


def shown_usernames(response) -> list[str]:
    return [row[0]["value"] for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("username", "username"),
        ("name", "last_name"),
        ("title", "title"),
        ("is_active", "is_active"),
        ("last_login", "last_login"),
    ],
)
def test_users_list_sorts_by_each_sortable_column_both_ways(key, field, staff, manager):
    expected = [u.username for u in sorted(staff, key=lambda u: (getattr(u, field), u.pk))]
    ascending = manager.get("/users/", {"q": "qzx", "sort": key})
    descending = manager.get("/users/", {"q": "qzx", "sort": "-" + key})
    assert shown_usernames(ascending) == expected
    assert shown_usernames(descending) == expected[::-1]


def test_users_list_filters_by_status(staff, manager):
    response = manager.get("/users/", {"q": "qzx", "status": "inactive"})
    assert shown_usernames(response) == ["qzxamy"]


def test_users_list_filters_by_role(staff, manager):
    UserFactory(username="qzxhr", roles=[Role.HR])
    assert shown_usernames(manager.get("/users/", {"q": "qzx", "role": "hr"})) == ["qzxhr"]


def test_users_list_paginates(practice, manager):
    for n in range(30):
        UserFactory(username=f"qzxpage{n:02d}")
    first = manager.get("/users/", {"q": "qzxpage"})
    second = manager.get("/users/", {"q": "qzxpage", "page": 2})
    assert len(shown_usernames(first)) == 25
    assert len(shown_usernames(second)) == 5


def test_users_list_csv_neutralises_a_formula_in_a_name(practice, manager):
    UserFactory(username="qzxcsv", first_name="=SUM(A1:A9)", last_name="Smith")
    _, row = read_csv(manager.get("/users/", {"q": "qzxcsv", "format": "csv"}))
    assert row[0] == "qzxcsv"
    assert row[1] == "'=SUM(A1:A9) Smith"
