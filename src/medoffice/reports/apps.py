from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "medoffice.reports"
    label = "reports"
    verbose_name = "Reports"
