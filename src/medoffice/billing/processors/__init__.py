"""Card payment processors behind the pay links: one interface, chosen by a setting.

A processor (``PaymentProcessor``) does three things:

- ``create_checkout(amount, currency, reference, success_url, cancel_url,
  idempotency_key)`` → ``Checkout`` (the id of the session it opened and the address to
  send the patient to);
- ``verify_webhook(payload, headers)`` → ``WebhookEvent``: the processor's call to us,
  its signature checked (``WebhookRefused`` when it does not hold);
- ``session_status(session_id)`` → ``SessionStatus``: asked when the patient comes back
  from the processor, so a payment never rests on the return address alone.

``PAYMENT_PROCESSOR`` names it: ``none`` (``NoProcessor``: not configured, the pay page
says how to pay by phone or mail) or ``stripe`` (``processors.stripe.StripeCheckout``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings


class ProcessorError(Exception):
    """The processor refused or could not be reached; the text says why."""


class WebhookRefused(Exception):
    """A webhook call whose signature or body does not hold."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    redirect_url: str


@dataclass(frozen=True)
class SessionStatus:
    session_id: str
    paid: bool
    amount: Decimal | None = None
    currency: str = ""
    reference: str = ""
    payment_intent: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    type: str
    session: SessionStatus | None  # the checkout session the event is about, when it is one


class PaymentProcessor(Protocol):
    name: str

    @property
    def configured(self) -> bool: ...

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
    ) -> Checkout: ...

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent: ...

    def session_status(self, session_id: str) -> SessionStatus: ...


class NoProcessor:
    """No card processor is set up: nothing can be paid online."""

    name = "none"
    configured = False

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
        raise ProcessorError("Paying online is not set up for this practice.")

    def verify_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        raise WebhookRefused("No payment processor is set up.")

    def session_status(self, session_id: str) -> SessionStatus:
        raise ProcessorError("Paying online is not set up for this practice.")


def get_processor(name: str | None = None) -> PaymentProcessor:
    """The processor named by ``name`` or the ``PAYMENT_PROCESSOR`` setting."""
    chosen = name or settings.PAYMENT_PROCESSOR
    if chosen == "stripe":
        from medoffice.billing.processors.stripe import StripeCheckout

        return StripeCheckout()
    return NoProcessor()


__all__ = [
    "Checkout",
    "NoProcessor",
    "PaymentProcessor",
    "ProcessorError",
    "SessionStatus",
    "WebhookEvent",
    "WebhookRefused",
    "get_processor",
]
