"""Log-in is required by Django's LoginRequiredMiddleware; the public views say so themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.urls import URLResolver, get_resolver
from django.utils.module_loading import import_string


def _public_views() -> Iterator[tuple[str, str]]:
    """(namespaced name or route, route) of every URL whose view is ``@login_not_required``."""

    def walk(resolver: Any, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                extra = (entry.namespace,) if entry.namespace else ()
                yield from walk(entry, route, namespaces + extra)
            elif not getattr(entry.callback, "login_required", True):
                yield ":".join((*namespaces, entry.name or "")), "/" + route

    yield from walk(get_resolver(), "", ())


def _all_views() -> Iterator[tuple[str, Any]]:
    def walk(resolver: Any, prefix: str) -> Iterator[Any]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            else:
                yield "/" + route, entry.callback

    yield from walk(get_resolver(), "")


def test_the_log_in_requirement_is_djangos_middleware():
    classes = [import_string(name) for name in settings.MIDDLEWARE]

    assert any(issubclass(cls, LoginRequiredMiddleware) for cls in classes)


def test_only_log_in_health_the_signed_links_and_the_api_are_public():
    public = dict(_public_views())

    outside_api = {name for name, route in public.items() if not route.startswith("/api/")}
    assert outside_api == {
        "core:login",
        "core:health",
        "public:confirm",
        "public:cancel",
        "public:calendar-feed",
        # a statement's signed pay link, its return page, and the card processor's
        # webhook (refused without the processor's signature)
        "pay:page",
        "pay:done",
        "pay:webhook",
    }


def test_every_api_view_is_left_to_the_apis_own_authentication():
    api_routes = {route for route, _ in _all_views() if route.startswith("/api/v1/")}
    public_routes = {route for _, route in _public_views()}

    assert api_routes
    assert api_routes - public_routes == set()


def test_an_anonymous_page_request_is_sent_to_log_in_with_next(client, db):
    response = client.get("/patients/?q=ada")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fpatients%2F%3Fq%3Dada"


def test_an_anonymous_htmx_request_is_sent_to_log_in_by_hx_redirect(client, db):
    response = client.get("/patients/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_an_anonymous_api_request_answers_401_json_not_a_redirect(client, db):
    response = client.get("/api/v1/patients")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_log_in_page_and_health_check_answer_anonymously(client, db):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/health").status_code == 200
