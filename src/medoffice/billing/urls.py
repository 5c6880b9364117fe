"""Billing's pages, under /front-desk/payments/ where the front desk has always found them."""

from django.urls import path

from medoffice.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.PaymentList.as_view(), name="payments"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/refund/", views.refund, name="refund"),
]
