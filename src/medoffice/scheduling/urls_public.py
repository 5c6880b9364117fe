"""Public URLs under /p/: no log-in; each one is authorised by its signed token or secret."""

from django.urls import path

from medoffice.scheduling import views_public

app_name = "public"

urlpatterns = [
    path("a/<str:token>/confirm/", views_public.confirm, name="confirm"),
    path("a/<str:token>/cancel/", views_public.cancel, name="cancel"),
    path("ical/<str:feed_token>.ics", views_public.calendar_feed, name="calendar-feed"),
]
