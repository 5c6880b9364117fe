"""Calendar-feed API: the providers' secret iCalendar feed addresses (``ical``).

Reading needs the book's view permission; the office manager sees every provider's, a
provider their own, and may renew it (``ical.regenerate_feed_token``).
"""

from django.urls import reverse
from ninja import Path, Router, Schema

from medoffice.api.common import MAX_ID, audit, get_or_404, restricted
from medoffice.api.errors import error_responses
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.scheduling import ical
from medoffice.scheduling.models import Provider

router = Router(tags=["reminders"])


class FeedOut(Schema):
    provider_id: int
    provider: str
    url: str


def _feed(request: ApiRequest, p: Provider) -> dict:
    path = reverse("public:calendar-feed", args=[p.feed_token])
    return {"provider_id": p.pk, "provider": str(p), "url": request.build_absolute_uri(path)}


@router.get(
    "",
    response={200: list[FeedOut], **error_responses(403)},
    summary="Secret iCalendar feed addresses: every provider's for the office manager, a provider's own",
)
def list_feeds(request: ApiRequest):
    user = request.auth
    providers = restricted(request, Provider, "view").filter(is_active=True)
    if not user.has_perm(Permission.CHANGE_SCHEDULE):
        providers = providers.filter(user=user)
    audit(
        request,
        AuditAction.EXPORT,
        object_type="scheduling.provider",
        data_category="calendar feed",
    )
    return [_feed(request, p) for p in providers.order_by("last_name", "first_name")]


@router.post(
    "/{id}/renew",
    response={200: FeedOut, **error_responses(403, 404, 422)},
    summary="Give a provider's feed a new secret address (the old one stops working)",
)
def renew_feed(request: ApiRequest, id: int = Path(..., ge=1, le=MAX_ID)):
    provider = get_or_404(request, restricted(request, Provider, "view"), id, what="provider")
    return _feed(request, ical.regenerate_feed_token(actor=request.auth, provider=provider))
