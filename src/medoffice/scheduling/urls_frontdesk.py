from django.urls import path

from medoffice.scheduling import views_frontdesk as views

app_name = "frontdesk"

urlpatterns = [
    path("day/", views.day_view, name="day"),
    path("week/", views.week_view, name="week"),
    path("flow/", views.flow_board, name="flow"),
    path("appointments/<int:pk>/check-in/", views.check_in, name="check-in"),
    path("appointments/<int:pk>/consent/", views.record_consent, name="consent"),
    path("appointments/<int:pk>/move/", views.flow_move, name="move"),
    path("appointments/<int:pk>/check-out/", views.check_out, name="check-out"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
]
