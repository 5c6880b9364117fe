from django.apps import AppConfig

from medoffice.core.roles import Permission


class ReportsConfig(AppConfig):
    name = "medoffice.reports"
    label = "reports"
    verbose_name = "Reports"
    api_router = "medoffice.reports.api.router"
    api_prefix = "/reports"

    def ready(self) -> None:
        from medoffice.core.homepanels import HomePanel
        from medoffice.core.homepanels import register as register_panel
        from medoffice.core.navigation import NavEntry, register
        from medoffice.reports.panels import revenue_panel

        # The revenue KPIs: for the roles that see the ledger's figures (office manager,
        # biller).
        register_panel(
            HomePanel(
                "revenue",
                "reports/panels/revenue.html",
                revenue_panel,
                Permission.VIEW_LEDGER,
                order=30,
            )
        )

        reports = Permission.VIEW_REPORTS
        register(
            NavEntry("Reports", "All reports", "reports:index", reports, 10),
            NavEntry("Reports", "Wait times", "reports:wait-times", reports, 11),
            NavEntry("Reports", "No-shows and late cancellations", "reports:no-shows", reports, 12),
            NavEntry("Reports", "Provider utilisation", "reports:utilisation", reports, 13),
            NavEntry("Reports", "Third-next-available", "reports:access", reports, 14),
        )
