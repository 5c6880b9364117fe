from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medoffice.billing"
    label = "billing"
    verbose_name = "Billing"
    api_router = "medoffice.billing.api.router"

    def ready(self) -> None:
        from medoffice.billing.selectors.ledger import record_banner
        from medoffice.core.navigation import NavEntry, register
        from medoffice.core.roles import Permission
        from medoffice.patients.record import RecordPart
        from medoffice.patients.record import register as register_part

        register_part(
            RecordPart(
                "banner_ledger",
                "billing/record/banner_ledger.html",
                record_banner,
                "banner",
                Permission.VIEW_LEDGER,
                order=20,
            )
        )

        register(
            NavEntry(
                "Front desk", "Payments", "billing:payments", Permission.VIEW_PATIENTPAYMENT, 13
            ),
            NavEntry(
                "Billing",
                "Eligibility",
                "billing_office:eligibility",
                Permission.VIEW_ELIGIBILITY,
                35,
            ),
            NavEntry(
                "Billing", "Coder review", "billing_office:coding", Permission.REVIEW_ENCOUNTER, 20
            ),
            NavEntry("Billing", "Claims", "billing_office:claims", Permission.VIEW_CLAIM, 30),
            NavEntry(
                "Billing", "Rejected claims", "billing_office:rejections", Permission.VIEW_CLAIM, 31
            ),
            NavEntry("Billing", "Batches", "billing_office:batches", Permission.VIEW_CLAIM, 32),
            NavEntry(
                "Billing",
                "Credit balances",
                "billing_office:credit-balances",
                Permission.VIEW_LEDGER,
                34,
            ),
            NavEntry(
                "Billing",
                "Acknowledgements",
                "billing_office:acknowledgements",
                Permission.VIEW_CLAIM,
                33,
            ),
            NavEntry("Billing", "Follow-up", "billing_office:follow-up", Permission.VIEW_CLAIM, 34),
            NavEntry("Billing", "Denials", "billing_office:denials", Permission.VIEW_CLAIM, 35),
            NavEntry(
                "Billing", "Contracts", "billing_office:contracts", Permission.VIEW_CONTRACT, 45
            ),
            NavEntry(
                "Billing",
                "Underpayments",
                "billing_office:underpayments",
                Permission.VIEW_CONTRACT,
                46,
            ),
            NavEntry(
                "Billing",
                "Remittances (ERA)",
                "billing_office:era-files",
                Permission.VIEW_LEDGER,
                33,
            ),
            NavEntry("Billing", "Deposits", "billing_office:deposits", Permission.VIEW_LEDGER, 33),
            NavEntry(
                "Billing", "Statements", "billing_office:statements", Permission.VIEW_LEDGER, 36
            ),
            NavEntry(
                "Billing", "Collections", "billing_office:collections", Permission.VIEW_LEDGER, 37
            ),
            NavEntry("Billing", "A/R aging", "billing_office:aging", Permission.VIEW_LEDGER, 34),
        )
        for label, url_name, order in (
            ("Codes", "billing_office:codes", 40),
            ("NCCI edits", "billing_office:ptp", 41),
            ("Payers", "billing_office:payers", 42),
            ("Fee schedules", "billing_office:fee-schedules", 43),
            ("Clearinghouses", "billing_office:clearinghouses", 44),
        ):
            register(NavEntry("Billing", label, url_name, Permission.VIEW_BILLING_REFERENCE, order))
        from medoffice.core.demo.registry import register_builder

        register_builder("billing-copays", "medoffice.billing.demo.build_copays", order=35)
        register_builder(
            "billing-reference", "medoffice.billing.demo_reference.build_reference", order=36
        )
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
        register_builder("billing-claims", "medoffice.billing.demo_claims.build_claims", order=37)
        register_builder(
            "billing-submission", "medoffice.billing.demo_submission.build_submission", order=37
        )
        register_builder("billing-ledger", "medoffice.billing.demo_ledger.build_ledger", order=39)
        register_builder(
            "billing-ledger-denials", "medoffice.billing.demo_denials.build_denials", order=40
        )
        register_builder("billing-plans", "medoffice.billing.demo_plans.build_plans", order=40)
        from medoffice.billing.reminders import register_message_kinds
        from medoffice.billing.tasks import schedule_patient_billing_run

        register_message_kinds()
        from medoffice.billing.reminders import exclude_from_balance_reminders
        from medoffice.billing.services.statements import patients_in_collections

        exclude_from_balance_reminders(patients_in_collections)
        register_periodic(
            PeriodicTask(
                "patient-billing",
                schedule_patient_billing_run,
                "Payment plans and balance reminders will be looked at every hour.",
            )
        )
        from medoffice.billing.tasks import schedule_statement_check

        register_periodic(
            PeriodicTask(
                "statements",
                schedule_statement_check,
                "The statement schedule will be checked every morning (next {when}).",
            )
        )
        register_builder(
            "billing-contracts", "medoffice.billing.demo_contracts.build_contracts", order=40
        )
        register_builder(
            "billing-posting-rules", "medoffice.billing.demo_era.build_posting_rules", order=39
        )
        register_builder(
            "billing-remittances", "medoffice.billing.demo_era.build_remittances", order=39
        )
        register_builder(
            "billing-deposits", "medoffice.billing.demo_deposits.build_deposits", order=40
        )
        register_builder(
            "billing-statements", "medoffice.billing.demo_statements.build_statements", order=40
        )
        register_builder(
            "billing-statement-schedule",
            "medoffice.billing.demo_statements.build_statement_schedule",
            order=40,
        )
        register_builder(
            "billing-ledger-totals", "medoffice.billing.demo_ledger.build_ledger_totals", order=41
        )
