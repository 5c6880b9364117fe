from django.urls import path

from medoffice.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.PatientListPage.as_view(), name="list"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/emergency-access/", views.emergency_access, name="emergency-access"),
    path("emergency-accesses/", views.emergency_access_list, name="emergency-accesses"),
    path(
        "emergency-accesses/<int:pk>/review/",
        views.emergency_access_review,
        name="emergency-access-review",
    ),
]
