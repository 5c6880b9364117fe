"""Checkpoints of the audit chain sent off the machine: syslog (RFC 5424) and an HTTP collector.

Both are tested against servers on 127.0.0.1 started by the test: nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from medoffice.core import auditcheckpoints
from medoffice.core.audit import record_event, verify_chain
from medoffice.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

# <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG
RFC5424 = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (?P<host>\S+) "
    r"medoffice (?P<pid>\d+) audit-checkpoint - (?P<msg>\{.*\})$"
)
AUTHPRIV_INFO = 10 * 8 + 6


def _record(count: int) -> None:
    for n in range(count):
        record_event(AuditAction.READ, username=f"reader{n}", object_id=n)


@pytest.fixture
def udp_listener() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_an_intact_check_sends_an_rfc5424_message_with_the_chain_head_over_udp(
    udp_listener, settings
):
    settings.AUDIT_CHECKPOINT_SYSLOG = f"udp://127.0.0.1:{udp_listener.getsockname()[1]}"
    _record(3)
    assert verify_chain().ok
    datagram, _ = udp_listener.recvfrom(65536)
    match = RFC5424.match(datagram.decode())
    assert match, datagram
    assert int(match["pri"]) == AUTHPRIV_INFO
    record = json.loads(match["msg"])
    head = AuditEvent.objects.get(seq=3)
    assert (record["seq"], record["hash"], record["count"], record["ok"]) == (
        3,
        head.entry_hash,
        3,
        True,
    )
    assert auditcheckpoints.mac_is_valid(record, dict(django_settings.AUDIT_HMAC_KEYS))


def test_a_broken_chain_is_sent_to_syslog_as_a_warning_without_a_head(udp_listener, settings):
    settings.AUDIT_CHECKPOINT_SYSLOG = f"udp://127.0.0.1:{udp_listener.getsockname()[1]}"
    _record(3)
    AuditEvent.objects.create(
        **{
            **AuditEvent.objects.values().get(seq=3),
            "id": None,
            "seq": 4,
            "prev_hash": "1" * 64,
            "entry_hash": "2" * 64,
        }
    )
    assert not verify_chain().ok
    datagram, _ = udp_listener.recvfrom(65536)
    match = RFC5424.match(datagram.decode())
    assert int(match["pri"]) == 10 * 8 + 4  # authpriv.warning
    record = json.loads(match["msg"])
    assert record["ok"] is False
    assert record["seq"] is None
    assert "Entry #4" in record["message"]


def test_checkpoints_go_to_syslog_over_tcp_one_line_each(settings):
    received: list[bytes] = []

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            received.append(self.rfile.readline())

    with socketserver.TCPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        settings.AUDIT_CHECKPOINT_SYSLOG = f"tcp://127.0.0.1:{server.server_address[1]}"
        _record(2)
        assert verify_chain().ok
        thread.join(5)
    (line,) = received
    assert line.endswith(b"\n")
    assert RFC5424.match(line.decode().rstrip("\n"))


@pytest.fixture
def collector() -> Iterator[tuple[str, list[dict]]]:
    posts: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            posts.append(
                {
                    "type": self.headers["Content-Type"],
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/checkpoints", posts
    server.shutdown()
    server.server_close()


def test_an_intact_check_posts_the_checkpoint_as_json_to_the_collector(collector, settings):
    url, posts = collector
    settings.AUDIT_CHECKPOINT_URL = url
    _record(4)
    assert verify_chain().ok
    (post,) = posts
    assert post["type"] == "application/json"
    assert post["body"]["seq"] == 4
    assert post["body"]["hash"] == AuditEvent.objects.get(seq=4).entry_hash
    assert auditcheckpoints.mac_is_valid(post["body"], dict(django_settings.AUDIT_HMAC_KEYS))


def test_an_unreachable_collector_is_reported_and_the_check_still_kept(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.AUDIT_CHECKPOINT_URL = f"http://127.0.0.1:{port}/"
    _record(2)
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    assert "chain is intact" in out.getvalue()
    assert f"checkpoint not sent to http://127.0.0.1:{port}/" in err.getvalue()
    assert auditcheckpoints.last_in_file().record["seq"] == 2  # the file still has it
