from django.urls import path

from medoffice.frontdesk import views

app_name = "frontdesk"

urlpatterns = [
    path("day/", views.day_view, name="day"),
    path("week/", views.week_view, name="week"),
    path("flow/", views.flow_board, name="flow"),
    path("appointments/<int:pk>/check-in/", views.check_in, name="check-in"),
    path("appointments/<int:pk>/consent/", views.record_consent, name="consent"),
    path("appointments/<int:pk>/move/", views.flow_move, name="move"),
    path("appointments/<int:pk>/check-out/", views.check_out, name="check-out"),
]
