"""The billing office's pages, under /billing/: code sets, payers and fee schedules,
charges and the coder queue, claims, batches, acknowledgements and eligibility.

(The desk's payments stay under /front-desk/payments/, ``billing/urls.py``.)
"""

from django.urls import URLPattern, URLResolver, path

from medoffice.billing.views import claims, encounters

app_name = "billing_office"

urlpatterns: list[URLPattern | URLResolver] = [
    path("visits/<int:appointment_id>/charges/", encounters.visit_charges, name="visit-charges"),
    path("charges/<int:pk>/review/", encounters.review, name="review"),
    path("coding/", encounters.CodingQueue.as_view(), name="coding"),
    path("lookup/icd10/", encounters.icd10_options, name="icd10-options"),
    path("lookup/procedures/", encounters.procedure_options, name="procedure-options"),
    path("lookup/charge/", encounters.charge_price, name="charge-price"),
    path("claims/", claims.ClaimList.as_view(), name="claims"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/void/", claims.void, name="claim-void"),
    path("claims/<int:pk>/correct/", claims.correct, name="claim-correct"),
]
