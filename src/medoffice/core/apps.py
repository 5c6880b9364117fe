from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medoffice.core"
    label = "core"
    verbose_name = "Practice and security"

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
                "core.view_practice",
                order=50,
            ),
            NavEntry("Practice", "Users", "core:users", "core.view_user", order=51),
            NavEntry(
                "Practice",
                "Everyone's API tokens",
                "core:staff-tokens",
                "core.change_user",
                order=52,
            ),
            NavEntry("Security", "Audit log", "core:audit", "core.view_auditevent", order=60),
            NavEntry("Security", "Configuration admin", "admin:index", "core.use_admin", order=61),
            NavEntry("Account", "Two-step log-in", "core:mfa-recovery-codes", order=90),
            NavEntry("Account", "API tokens", "core:tokens", order=91),
        )


def _end_sessions_on_lock_out(
    sender: object, *, username: str | None = None, **kwargs: object
) -> None:
    from medoffice.core import services

    if username:
        services.lock_out_user(username)
