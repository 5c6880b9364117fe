from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "medoffice.messaging"
    label = "messaging"
    verbose_name = "Messages to patients"
    api_router = "medoffice.messaging.api.router"

    def ready(self) -> None:
        from medoffice.core.navigation import NavEntry, register
        from medoffice.core.roles import Permission
        from medoffice.messaging.services import SETUP

        register(
            NavEntry("Schedule", "Reminders and messages", "messages:index", SETUP, 60),
            NavEntry("Schedule", "Delivery log", "messages:log", Permission.VIEW_APPOINTMENT, 62),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("messaging-defaults", "medoffice.messaging.demo.build_defaults", order=39)
