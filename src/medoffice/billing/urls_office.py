"""The billing office's pages, under /billing/: code sets, payers and fee schedules,
charges and the coder queue, claims, batches, acknowledgements and eligibility.

(The desk's payments stay under /front-desk/payments/, ``billing/urls.py``.)
"""

from django.urls import URLPattern, URLResolver, include, path

app_name = "billing_office"

urlpatterns: list[URLPattern | URLResolver] = [
    path("eligibility/", include("medoffice.billing.urls_eligibility")),
]
