"""Pages never answer 500, whatever the address or the form says (issue "Security", 6).

Next to the schemathesis run over the API (tests/api/test_schema_fuzz.py): every page of
the authorization matrix, as the office manager, GET with hypothesis-generated query
strings and POST with generated bodies. Parameter names are the ones the page's own forms
use (read from its HTML) plus the names pages read from the address; values are dates at
the calendar's edges and impossible ones, integers beyond 64 bits, exponents, unicode,
empty and repeated keys. A view that fails on purpose proves the harness catches a 500.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core.roles import Role
from medoffice.urls import urlpatterns as project_urlpatterns
from tests.core.test_authorization_matrix import (  # noqa: F401  (objects: a fixture)
    MATRIX,
    Row,
    concrete_path,
    objects,
    path_value,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 12
ADDRESS_NAMES = ["date", "date_from", "date_to", "from", "to", "location", "provider", "type"]
ADDRESS_NAMES += ["page", "sort", "q", "format", "step", "by", "status", "patient", "next"]
EDGE_VALUES = [
    "",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1899-12-31",
    "2101-01-01",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 40,
    "0",
    "-1",
    "1e309",
    "1e30",
    "NaN",
    "Infinity",
    "12:75",
    "2026-01-05T25:00",
    "ünïcødé ✓",
    "\x00",
    "%00",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
]
values = st.one_of(st.sampled_from(EDGE_VALUES), st.text(max_size=30), st.integers().map(str))


def pages(method: str) -> list[Row]:
    return [
        row
        for row in MATRIX
        if not row.operation and row.method == method and not row.pattern.startswith("/admin/")
    ]


def field_names(html: str) -> list[str]:
    return sorted(set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)))


def query(draw_pairs: list[tuple[str, str]]) -> str:
    return urlencode(draw_pairs, doseq=True)


def pairs_for(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Some of ``names``, each with one or more values (repeated keys)."""
    return st.lists(st.tuples(st.sampled_from(names), values), min_size=0, max_size=2 * len(names))


def no_server_error(response: HttpResponse, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


def known_names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    readable = response.status_code == 200 and not response.streaming
    html = response.content.decode(errors="replace") if readable else ""
    return sorted(set(field_names(html)) | set(ADDRESS_NAMES))


GET_PAGES = pages("GET")
POST_PAGES = pages("POST")


@pytest.mark.parametrize("row", GET_PAGES, ids=[r.pattern for r in GET_PAGES])
def test_no_query_string_makes_a_page_fail(row, manager, objects):  # noqa: F811
    url = concrete_path(row, path_value(row, objects, manager.user))
    names = known_names(manager, url)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(pairs_for(names))
    def check(pairs: list[tuple[str, str]]) -> None:
        address = f"{url}?{query(pairs)}"
        no_server_error(manager.get(address), f"GET {address}")

    check()


@pytest.mark.parametrize("row", POST_PAGES, ids=[r.pattern for r in POST_PAGES])
def test_no_form_body_makes_a_page_fail(row, manager, objects):  # noqa: F811
    url = concrete_path(row, path_value(row, objects, manager.user))
    names = known_names(manager, url)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(pairs_for(names))
    def check(pairs: list[tuple[str, str]]) -> None:
        body: dict[str, list[str]] = {}
        for name, value in pairs:
            body.setdefault(name, []).append(value)
        no_server_error(manager.post(url, body), f"POST {url} {body}")

    check()


# --- the harness itself catches a failure -------------------------------------------------------


def fails_on_an_odd_date(request: HttpRequest) -> HttpResponse:
    import datetime as dt

    day = dt.date.fromisoformat(request.GET.get("date", "2026-01-05"))
    return HttpResponse((day + dt.timedelta(days=1)).isoformat())  # 9999-12-31 overflows


urlpatterns: list[Any] = [
    path("fuzz-probe/", fails_on_an_odd_date),
    *project_urlpatterns,
]


@pytest.mark.urls(__name__)
def test_the_fuzzer_finds_a_view_that_fails_on_an_edge_date(manager):
    # Enough examples that the one failing date is drawn all but never (200 missed it
    # about one run in thirty).
    @settings(max_examples=1000, deadline=None, database=None)
    @given(pairs_for(["date"]))
    def check(pairs: list[tuple[str, str]]) -> None:
        address = f"/fuzz-probe/?{query(pairs)}"
        try:
            response = manager.get(address)
        except ValueError:  # an unparseable date: the probe is meant to crash only at the edge
            return
        no_server_error(response, f"GET {address}")

    with pytest.raises(OverflowError):
        check()
