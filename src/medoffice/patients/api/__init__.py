"""The patients app's API router: the record and its coverages (``records``, paths under
``/patients``); consents, alerts, documents and merge (``consents``)."""

from ninja import Router

from medoffice.patients.api import consents, records

router = Router()
router.add_router("/patients", records.router)
router.add_router("", consents.router)

__all__ = ["router"]
