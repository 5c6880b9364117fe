"""The site's URLs. Every view needs a log-in (LoginRequiredMiddleware) except those marked
``@login_not_required``: the log-in page and health check in core, and here, as whole
URLconfs, the API (its views authenticate each request themselves and answer 401) and the
public links under /p/ (each authorised by its signed token or secret).
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from medoffice.api import api
from medoffice.billing.urls_pay import urlpatterns as pay_urlpatterns
from medoffice.core.admin import site as admin_site
from medoffice.scheduling.urls import public_urlpatterns


def _mark_public(patterns: list[Any]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)


api_urls = api.urls
_mark_public(api_urls[0])
_mark_public(public_urlpatterns)
_mark_public(pay_urlpatterns)

urlpatterns = [
    path("", include("medoffice.core.urls")),
    path("patients/", include("medoffice.patients.urls")),
    path("schedule/messages/", include("medoffice.messaging.urls")),
    path("schedule/", include("medoffice.scheduling.urls")),
    path("front-desk/payments/", include("medoffice.billing.urls")),
    path("billing/", include("medoffice.billing.urls_office")),
    path("front-desk/", include("medoffice.frontdesk.urls")),
    path("p/pay/", include((pay_urlpatterns, "pay"))),
    path("p/", include((public_urlpatterns, "public"))),
    path("reports/", include("medoffice.reports.urls")),
    path("admin/", admin_site.urls),
    path("api/v1/", api_urls),
]

handler400 = "medoffice.core.views.errors.bad_request"
handler403 = "medoffice.core.views.errors.forbidden"
handler404 = "medoffice.core.views.errors.not_found"
