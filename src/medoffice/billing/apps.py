from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medoffice.billing"
    label = "billing"
    verbose_name = "Billing"
