"""Billing's JSON API: one router made of each part's."""

from ninja import Router

from medoffice.billing.api.eligibility import router as eligibility_router
from medoffice.billing.api.payments import router as payments_router

router = Router()
router.add_router("", payments_router)
router.add_router("", eligibility_router)

__all__ = ["router"]
