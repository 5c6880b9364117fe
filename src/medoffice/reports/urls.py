from django.urls import path

from medoffice.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("wait-times/", views.wait_times, name="wait-times"),
    path("no-shows/", views.no_shows, name="no-shows"),
    path("utilisation/", views.utilisation, name="utilisation"),
    path("access/", views.access, name="access"),
]
