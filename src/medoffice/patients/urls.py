from django.urls import path

from medoffice.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.PatientListPage.as_view(), name="list"),
    path("new/", views.patient_new, name="new"),
    path("quick-search/", views.quick_search, name="quick-search"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/edit/", views.patient_edit, name="edit"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/alerts/add/", views.alert_add, name="alert-add"),
    path("alerts/<int:pk>/deactivate/", views.alert_deactivate, name="alert-deactivate"),
    path("<int:pk>/consents/add/", views.consent_give, name="consent-give"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("<int:pk>/coverages/add/", views.coverage_add, name="coverage-add"),
    path("coverages/<int:pk>/edit/", views.coverage_edit, name="coverage-edit"),
    path("coverages/<int:pk>/end/", views.coverage_end, name="coverage-end"),
    path("coverages/<int:pk>/card-front/", views.card_front, name="card-front"),
    path("coverages/<int:pk>/card-back/", views.card_back, name="card-back"),
    path("<int:pk>/documents/add/", views.document_upload, name="document-upload"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("<int:pk>/emergency-access/", views.emergency_access, name="emergency-access"),
    path("emergency-accesses/", views.emergency_access_list, name="emergency-accesses"),
    path(
        "emergency-accesses/<int:pk>/review/",
        views.emergency_access_review,
        name="emergency-access-review",
    ),
]
