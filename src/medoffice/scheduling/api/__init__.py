"""The appointment book's API router: the book (``book``), the waitlist and recalls
(``outreach``), the providers' calendar feeds (``feeds``)."""

from ninja import Router

from medoffice.scheduling.api import book, feeds, outreach

router = Router()
router.add_router("", book.router)
router.add_router("", outreach.router)
router.add_router("/calendar-feeds", feeds.router)

__all__ = ["router"]
