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
            ),
            NavEntry(
                "Billing", "Coder review", "billing_office:coding", Permission.REVIEW_ENCOUNTER, 20
            ),
            NavEntry("Billing", "Claims", "billing_office:claims", Permission.VIEW_CLAIM, 30),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("billing-copays", "medoffice.billing.demo.build_copays", order=35)
        register_builder("billing-claims", "medoffice.billing.demo_claims.build_claims", order=37)
