from django.apps import AppConfig

from medoffice.core.roles import Permission


class CoreConfig(AppConfig):
    name = "medoffice.core"
    label = "core"
    verbose_name = "Practice and security"
    api_router = "medoffice.core.api.router"

    def ready(self) -> None:
        from medoffice.core import lookups
        from medoffice.core.navigation import NavEntry, register

        lookups.register()

        # django-axes announces a lock-out only by its signal: end the account's sessions.
        from axes.signals import user_locked_out

        user_locked_out.connect(_end_sessions_on_lock_out, dispatch_uid="medoffice-lock-out")

        register(
            NavEntry("Home", "Home", "core:home", order=0),
            NavEntry(
                "Practice",
                "Practice and locations",
                "core:practice",
                Permission.VIEW_PRACTICE,
                order=50,
            ),
            NavEntry("Practice", "Users", "core:users", Permission.VIEW_USER, order=51),
            NavEntry(
                "Practice",
                "Everyone's API tokens",
                "core:staff-tokens",
                Permission.CHANGE_USER,
                order=52,
            ),
            NavEntry("Security", "Audit log", "core:audit", Permission.VIEW_AUDITEVENT, order=60),
            NavEntry(
                "Security", "Configuration admin", "admin:index", Permission.USE_ADMIN, order=61
            ),
            NavEntry("Account", "Change password", "core:password-change", order=89),
            NavEntry("Account", "Two-step log-in", "core:mfa-recovery-codes", order=90),
            NavEntry("Account", "API tokens", "core:tokens", order=91),
        )
        from medoffice.core import selectors
        from medoffice.core.homepanels import HomePanel
        from medoffice.core.homepanels import register as register_panel

        register_panel(
            HomePanel(
                "accounts",
                "core/panels/accounts.html",
                selectors.account_summary,
                Permission.VIEW_USER,
                order=20,
            ),
            HomePanel(
                "audit",
                "core/panels/audit_log.html",
                selectors.audit_summary,
                Permission.VIEW_AUDITEVENT,
                order=40,
            ),
        )
        from medoffice.core.tasks import (
            PeriodicTask,
            register_periodic,
            schedule_failure_summaries,
            schedule_nightly_verification,
        )

        register_periodic(
            PeriodicTask(
                "audit-chain",
                schedule_nightly_verification,
                "Nightly audit-chain verification scheduled for {when:%c} UTC.",
            ),
            PeriodicTask(
                "failure-summaries",
                schedule_failure_summaries,
                "Failed tokens and links will be summed up in the audit log every minute.",
            ),
        )
        from medoffice.core.demo.registry import register_builder

        register_builder(
            "core-attention-items", "medoffice.core.demo.practice.build_attention_items", order=90
        )


def _end_sessions_on_lock_out(
    sender: object, *, username: str | None = None, **kwargs: object
) -> None:
    from medoffice.core import services

    if username:
        services.lock_out_user(username)
