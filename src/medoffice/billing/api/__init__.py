"""Billing's JSON API: one router made of each part's."""

from medoffice.billing.api.claims import router as claims_router
from medoffice.billing.api.payments import router

router.add_router("", claims_router)

__all__ = ["router"]
