"""The pay links' public pages, mounted under /p/pay/ (namespace "pay"): no log-in; each
page is authorised by its signed token, the webhook by the processor's signature."""

from django.urls import path

from medoffice.billing.views import paylinks

app_name = "pay"

urlpatterns = [
    path("webhook/<slug:processor_name>/", paylinks.webhook, name="webhook"),
    path("<str:token>/", paylinks.pay_page, name="page"),
    path("<str:token>/done/", paylinks.pay_done, name="done"),
]
