"""A local HTTP server that answers like Stripe's Checkout Sessions API (for the tests).

``FakeStripe.requests`` records each request (path, headers, form); a created session is
kept in ``FakeStripe.sessions`` and answered back by GET; ``pay(session_id)`` marks one
paid the way Stripe does when the card is charged.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

SECRET_KEY = "sk_test_synthetic"
WEBHOOK_SECRET = "whsec_synthetic"


class FakeStripe(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    sessions: dict[str, dict[str, Any]] = {}
    by_key: dict[str, str] = {}
    refuse = False

    def _answer(self, status: int, answer: dict[str, Any]) -> None:
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        key = self.headers.get("Idempotency-Key", "")
        cls = type(self)
        cls.requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], "key": key, "form": form}
        )
        if cls.refuse:
            return self._answer(402, {"error": {"message": "Your account cannot take payments."}})
        if key in cls.by_key:  # Stripe answers a retried request with the same session
            return self._answer(200, cls.sessions[cls.by_key[key]])
        number = len(cls.sessions) + 1
        session_id = f"cs_test_{number:04d}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form["client_reference_id"],
            "payment_status": "unpaid",
            "payment_intent": None,
            "success_url": form["success_url"],
        }
        cls.sessions[session_id] = session
        cls.by_key[key] = session_id
        return self._answer(200, session)

    def do_GET(self) -> None:
        type(self).requests.append({"path": self.path, "auth": self.headers["Authorization"]})
        session_id = urllib.parse.unquote(self.path.rsplit("/", 1)[-1])
        session = type(self).sessions.get(session_id)
        if session is None:
            return self._answer(
                404, {"error": {"message": f"No such checkout.session: {session_id}"}}
            )
        return self._answer(200, session)

    def log_message(self, *args: object) -> None:
        pass

    @classmethod
    def pay(cls, session_id: str) -> dict[str, Any]:
        session = cls.sessions[session_id]
        session["payment_status"] = "paid"
        session["payment_intent"] = f"pi_{session_id[-4:]}"
        return session


def completed_event(session: dict[str, Any], event_id: str = "evt_1") -> bytes:
    return json.dumps(
        {"id": event_id, "type": "checkout.session.completed", "data": {"object": session}}
    ).encode()


@pytest.fixture(name="stripe")
def fake_stripe_server(settings) -> Iterator[type[FakeStripe]]:
    FakeStripe.requests, FakeStripe.sessions, FakeStripe.by_key = [], {}, {}
    FakeStripe.refuse = False
    server = HTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PAYMENT_PROCESSOR = "stripe"
    settings.STRIPE_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield FakeStripe
    server.shutdown()
    server.server_close()
