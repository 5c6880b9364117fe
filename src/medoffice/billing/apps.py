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
                "Billing",
                "Eligibility",
                "billing_office:eligibility",
                Permission.VIEW_ELIGIBILITY,
                20,
            ),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder("billing-copays", "medoffice.billing.demo.build_copays", order=35)
        register_builder(
            "billing-eligibility", "medoffice.billing.demo_eligibility.build_eligibility", order=38
        )
        from medoffice.billing.tasks import schedule_eligibility_run
        from medoffice.core.tasks import PeriodicTask, register_periodic

        register_periodic(
            PeriodicTask(
                "eligibility",
                schedule_eligibility_run,
                "Eligibility checks will be queued and sent every hour.",
            )
        )
