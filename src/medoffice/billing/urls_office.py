"""The billing office's pages, under /billing/: code sets, payers and fee schedules,
charges and the coder queue, claims, batches, acknowledgements and eligibility.

(The desk's payments stay under /front-desk/payments/, ``billing/urls.py``.)
"""

from django.urls import URLPattern, URLResolver, path

from medoffice.billing.views.cms1500 import claim_cms1500_pdf

app_name = "billing_office"

urlpatterns: list[URLPattern | URLResolver] = [
    path("claims/<int:pk>/cms1500.pdf", claim_cms1500_pdf, name="claim-cms1500-pdf"),
]
