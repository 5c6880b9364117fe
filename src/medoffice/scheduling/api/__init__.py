"""The appointment book's API router: the book (``book``), the waitlist and recalls
(``outreach``), reminders and calendar feeds (``messages``)."""

from ninja import Router

from medoffice.scheduling.api import book, messages, outreach

router = Router()
router.add_router("", book.router)
router.add_router("", outreach.router)
router.add_router("", messages.router)

__all__ = ["router"]
