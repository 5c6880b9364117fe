"""Billing's JSON API: one router made of each part's."""

from medoffice.billing.api.payments import router

__all__ = ["router"]
