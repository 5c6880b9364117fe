"""The client address the audit log records: the proxy's word behind a proxy, never a made-up one."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from medoffice.core.middleware import client_ip

PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_address_is_the_connections():
    assert client_ip(request(REMOTE_ADDR="192.0.2.10")) == "192.0.2.10"


def test_without_a_proxy_a_forwarded_header_is_ignored():
    made_up = request(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert client_ip(made_up) == "192.0.2.10"


@override_settings(**PROXY)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended():
    forwarded = request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")
    assert client_ip(forwarded) == "198.51.100.7"


@override_settings(**PROXY)
def test_behind_the_proxy_without_a_forwarded_header_the_address_is_the_connections():
    assert client_ip(request(REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


@override_settings(**PROXY)
def test_a_forwarded_value_that_is_not_an_address_is_recorded_as_none():
    forged = request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(forged) is None


def test_an_ipv6_address_is_spelled_one_way():
    assert client_ip(request(REMOTE_ADDR="2001:DB8:0:0::1")) == "2001:db8::1"
