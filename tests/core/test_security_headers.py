"""Security headers on pages, HSTS under HTTPS, and templates that a strict CSP allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src"
TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
# Templates only WeasyPrint renders, into a PDF: no browser (and no CSP) ever sees them. The
# CMS-1500 places every box by absolute position, one style per box.
PDF_ONLY = {"medoffice/billing/templates/billing/cms1500/claims.html"}
BROWSER_TEMPLATES = [t for t in TEMPLATES if str(t.relative_to(SRC)) not in PDF_ONLY]


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def page(client_for):
    return client_for(Role.FRONT_DESK).get("/practice/")


def test_content_security_policy_allows_only_own_scripts(page):
    csp = directives(page["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_content_security_policy_allows_no_inline_style(page):
    assert "'unsafe-inline'" not in directives(page["Content-Security-Policy"])["style-src"]


def test_page_may_not_be_framed(page):
    assert page["X-Frame-Options"] == "DENY"


def test_referrer_policy_keeps_addresses_inside_the_site(page):
    assert page["Referrer-Policy"] == "same-origin"


def test_permissions_policy_turns_off_camera_microphone_and_location(page):
    policy = page["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_content_type_sniffing_is_off(page):
    assert page["X-Content-Type-Options"] == "nosniff"


def test_pages_holding_patient_data_are_not_cached(page):
    assert "no-store" in page["Cache-Control"]


def test_log_in_page_has_the_same_headers(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_hsts_over_plain_http_in_development(page):
    assert "Strict-Transport-Security" not in page


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_hsts_is_sent_on_secure_requests_when_https_is_on(client_for):
    response = client_for(Role.FRONT_DESK).get("/practice/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_plain_http_is_redirected_to_https_when_https_is_on(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_templates_are_found():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_inline_script(template):
    text = template.read_text(encoding="utf-8")
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", text, re.I) if "src=" not in tag]
    assert not inline, f"{template.name} has an inline <script>; move it to a static file"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{template.name} has an on* handler"


def test_the_pdf_only_templates_exist():
    assert {str(t.relative_to(SRC)) for t in TEMPLATES} >= PDF_ONLY


@pytest.mark.parametrize("template", BROWSER_TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_style_attribute(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle\s*=", text, re.I), f"{template.name} has a style attribute"
    assert not re.search(r"<style\b", text, re.I), f"{template.name} has a <style> element"
