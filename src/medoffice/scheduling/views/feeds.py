"""The providers' calendar-feed addresses (the feeds themselves are public: ``views.public``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import User
from medoffice.core.navigation import NavEntry
from medoffice.core.roles import Permission
from medoffice.scheduling import ical
from medoffice.scheduling.models import Provider
from medoffice.scheduling.views.common import SETUP


@dataclass(frozen=True)
class CalendarFeedNavEntry(NavEntry):
    """Shown to the office manager and to providers (who see their own feed)."""

    def visible_to(self, user: User) -> bool:
        return user.has_perm(SETUP) or user.has_perm(Permission.VIEW_OWN_FEED)


# --- calendar feeds -----------------------------------------------------------------------------


def _feed_providers(user: User) -> list[Provider]:
    if user.has_perm(SETUP):
        return list(Provider.objects.filter(is_active=True))
    if user.has_perm(Permission.VIEW_OWN_FEED):
        return list(Provider.objects.filter(user=user))
    raise PermissionDenied("Only the office manager and providers see calendar feeds.")


@require_safe
def feeds(request: AuthenticatedRequest) -> HttpResponse:
    providers = _feed_providers(request.user)
    rows = [
        (
            provider,
            request.build_absolute_uri(reverse("public:calendar-feed", args=[provider.feed_token])),
        )
        for provider in providers
    ]
    return render(
        request,
        "scheduling/feeds.html",
        {"title": "Calendar feeds", "rows": rows, "is_manager": request.user.has_perm(SETUP)},
    )


@require_POST
def feed_regenerate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not (request.user.has_perm(SETUP) or request.user.has_perm(Permission.VIEW_OWN_FEED)):
        raise PermissionDenied("Only the office manager and providers change calendar feeds.")
    provider = get_object_or_404(Provider.objects.restrict(request.user, "view"), pk=pk)
    ical.regenerate_feed_token(actor=request.user, provider=provider)
    messages.success(
        request,
        f"{provider}'s calendar feed has a new address; the old one no longer works.",
    )
    return redirect("scheduling:feeds")
