"""Eligibility's pages, under /billing/eligibility/ (included by ``urls_office``)."""

from django.urls import path

from medoffice.billing.views import eligibility

urlpatterns = [
    path("", eligibility.EligibilityList.as_view(), name="eligibility"),
    path("import/", eligibility.import_271, name="eligibility-import"),
    path("<int:pk>/", eligibility.check_detail, name="eligibility-check"),
    path("<int:pk>/check-again/", eligibility.check_again, name="eligibility-check-again"),
]
