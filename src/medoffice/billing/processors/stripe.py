"""Stripe Checkout over its REST API (``urllib``, like the SMS adapter; no Stripe SDK).

- a session: ``POST /v1/checkout/sessions`` (form-encoded, ``mode=payment``, one line item
  in cents, ``client_reference_id`` our reference), with an ``Idempotency-Key`` header so a
  retried request opens one session;
- its status: ``GET /v1/checkout/sessions/{id}`` (``payment_status`` "paid");
- webhooks: the ``Stripe-Signature`` header ``t=<unix time>,v1=<hex>``, where v1 is the
  HMAC-SHA256 of ``"<t>.<payload>"`` with the endpoint's signing secret; refused when no
  v1 matches or ``t`` is more than ``tolerance`` seconds old (a replay).

``STRIPE_SECRET_KEY``, ``STRIPE_WEBHOOK_SECRET`` and ``STRIPE_API_BASE_URL`` (a test
server in the tests) come from the settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings

from medoffice.billing.processors import (
    Checkout,
    ProcessorError,
    SessionStatus,
    WebhookEvent,
    WebhookRefused,
)

CENTS = Decimal(100)
TOLERANCE_SECONDS = 300


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` value Stripe would send (the tests' fake Stripe uses it)."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _parse_signature(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookRefused("The Stripe-Signature header has no timestamp or no v1 signature.")
    return timestamp, signatures


def _session(data: Mapping[str, Any]) -> SessionStatus:
    total = data.get("amount_total")
    intent = data.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return SessionStatus(
        session_id=str(data.get("id") or ""),
        paid=data.get("payment_status") == "paid",
        amount=(Decimal(int(total)) / CENTS).quantize(Decimal("0.01"))
        if isinstance(total, int)
        else None,
        currency=str(data.get("currency") or ""),
        reference=str(data.get("client_reference_id") or ""),
        payment_intent=str(intent or ""),
    )


class StripeCheckout:
    name = "stripe"

    def __init__(
        self,
        secret_key: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        tolerance: int = TOLERANCE_SECONDS,
    ) -> None:
        self.secret_key = secret_key if secret_key is not None else settings.STRIPE_SECRET_KEY
        self.webhook_secret = (
            webhook_secret if webhook_secret is not None else settings.STRIPE_WEBHOOK_SECRET
        )
        self.base_url = (base_url or settings.STRIPE_API_BASE_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.STRIPE_TIMEOUT_SECONDS
        self.tolerance = tolerance

    @property
    def configured(self) -> bool:
        return bool(self.secret_key)

    def _call(
        self,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        idempotency_key: str = "",
    ) -> dict[str, Any]:
        if not self.secret_key:
            raise ProcessorError("Stripe is not set up: STRIPE_SECRET_KEY is empty.")
        credentials = base64.b64encode(f"{self.secret_key}:".encode()).decode()
        headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured API base
            f"{self.base_url}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return _json(response.read())
        except urllib.error.HTTPError as exc:
            error = _json(exc.read()).get("error")
            text = error.get("message") if isinstance(error, dict) else None
            raise ProcessorError(
                f"Stripe refused the request ({exc.code}): {text or exc.reason or 'no reason'}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ProcessorError(f"Stripe could not be reached: {reason}") from exc

    def create_checkout(
        self,
        *,
        amount: Decimal,
        currency: str,
        reference: str,
        description: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> Checkout:
        cents = int((amount * CENTS).to_integral_value())
        if cents <= 0:
            raise ProcessorError("The amount must be more than zero.")
        answer = self._call(
            "POST",
            "/v1/checkout/sessions",
            [
                ("mode", "payment"),
                ("client_reference_id", reference),
                ("success_url", success_url),
                ("cancel_url", cancel_url),
                ("line_items[0][quantity]", "1"),
                ("line_items[0][price_data][currency]", currency),
                ("line_items[0][price_data][unit_amount]", str(cents)),
                ("line_items[0][price_data][product_data][name]", description),
                ("payment_method_types[0]", "card"),
            ],
            idempotency_key=idempotency_key,
        )
        session_id, url = answer.get("id"), answer.get("url")
        if not session_id or not url:
            raise ProcessorError("Stripe answered without a session id or address.")
        return Checkout(str(session_id), str(url))

    def session_status(self, session_id: str) -> SessionStatus:
        quoted = urllib.parse.quote(session_id, safe="")
        answer = self._call("GET", f"/v1/checkout/sessions/{quoted}")
        if not answer.get("id"):
            raise ProcessorError("Stripe answered without the session.")
        return _session(answer)

    def verify_webhook(
        self, payload: bytes, headers: Mapping[str, str], *, now: float | None = None
    ) -> WebhookEvent:
        if not self.webhook_secret:
            raise WebhookRefused("STRIPE_WEBHOOK_SECRET is not set: no webhook can be trusted.")
        header = headers.get("Stripe-Signature") or headers.get("stripe-signature") or ""
        if not header:
            raise WebhookRefused("The Stripe-Signature header is missing.")
        timestamp, signatures = _parse_signature(header)
        expected = signature_header(payload, self.webhook_secret, timestamp).split("v1=", 1)[1]
        if not any(hmac.compare_digest(expected, given) for given in signatures):
            raise WebhookRefused("The Stripe-Signature does not match the body.")
        if abs((time.time() if now is None else now) - timestamp) > self.tolerance:
            raise WebhookRefused("The Stripe-Signature is too old (a replayed call?).")
        try:
            event = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookRefused("The webhook body is not JSON.") from exc
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise WebhookRefused("The webhook body is not a Stripe event.")
        obj = (
            (event.get("data") or {}).get("object") if isinstance(event.get("data"), dict) else None
        )
        session = (
            _session(obj)
            if isinstance(obj, dict) and obj.get("object") == "checkout.session"
            else None
        )
        return WebhookEvent(str(event.get("id") or ""), event["type"], session)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
