from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medoffice.billing"
    label = "billing"
    verbose_name = "Billing"
    api_router = "medoffice.billing.api.router"

    def ready(self) -> None:
        from medoffice.core.navigation import NavEntry, register
        from medoffice.core.roles import Permission

        register(
            NavEntry(
                "Front desk", "Payments", "billing:payments", Permission.VIEW_PATIENTPAYMENT, 13
            )
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("billing-copays", "medoffice.billing.demo.build_copays", order=35)
