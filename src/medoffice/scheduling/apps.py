from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "medoffice.scheduling"
    label = "scheduling"
    verbose_name = "Appointment book"
