from django.urls import include, path

from medoffice.api import api
from medoffice.core.admin import site as admin_site
from medoffice.scheduling.urls import public_urlpatterns

urlpatterns = [
    path("", include("medoffice.core.urls")),
    path("patients/", include("medoffice.patients.urls")),
    path("schedule/messages/", include("medoffice.messaging.urls")),
    path("schedule/", include("medoffice.scheduling.urls")),
    path("front-desk/payments/", include("medoffice.billing.urls")),
    path("front-desk/", include("medoffice.frontdesk.urls")),
    path("p/", include((public_urlpatterns, "public"))),
    path("reports/", include("medoffice.reports.urls")),
    path("admin/", admin_site.urls),
    path("api/v1/", api.urls),
]

handler403 = "medoffice.core.views.errors.forbidden"
handler404 = "medoffice.core.views.errors.not_found"
