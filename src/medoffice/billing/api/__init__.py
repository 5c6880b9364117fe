"""Billing's JSON API: one router made of each part's."""

from medoffice.billing.api.aging import router as aging_router
from medoffice.billing.api.claims import router as claims_router
from medoffice.billing.api.contracts import router as contracts_router
from medoffice.billing.api.coverage_proposals import router as proposals_router
from medoffice.billing.api.denials import router as denials_router
from medoffice.billing.api.deposits import router as deposits_router
from medoffice.billing.api.eligibility import router as eligibility_router
from medoffice.billing.api.era import router as era_router
from medoffice.billing.api.followup import router as followup_router
from medoffice.billing.api.payments import router
from medoffice.billing.api.plans import router as plans_router
from medoffice.billing.api.reference import router as reference_router
from medoffice.billing.api.statements import router as statements_router
from medoffice.billing.api.submission import router as submission_router

router.add_router("", reference_router)
router.add_router("", contracts_router)
router.add_router("", eligibility_router)
# Before the claims' router: its /claims/{id} would otherwise take /claims/rejected and
# /claims/awaiting-answer.
router.add_router("", submission_router)
router.add_router("", followup_router)
router.add_router("", denials_router)
router.add_router("", era_router)
router.add_router("", proposals_router)
router.add_router("", deposits_router)
router.add_router("", statements_router)
router.add_router("", claims_router)
router.add_router("", plans_router)
router.add_router("", aging_router)

__all__ = ["router"]
