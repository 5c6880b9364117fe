from django.apps import AppConfig

from medoffice.core.roles import Permission


class SchedulingConfig(AppConfig):
    name = "medoffice.scheduling"
    label = "scheduling"
    verbose_name = "Appointment book"
    api_router = "medoffice.scheduling.api.router"

    def ready(self) -> None:
        from medoffice.core.navigation import NavEntry, register

        view, book = Permission.VIEW_APPOINTMENT, Permission.CHANGE_APPOINTMENT
        register(
            NavEntry("Schedule", "Find a slot", "scheduling:find", view, 10),
            NavEntry("Schedule", "Appointments", "scheduling:appointments", view, 15),
            NavEntry("Schedule", "Recurring series", "scheduling:series", book, 20),
            NavEntry("Schedule", "Waitlist", "scheduling:waitlist", view, 30),
            NavEntry("Schedule", "Recalls", "scheduling:recalls", view, 40),
            NavEntry("Practice", "Providers", "scheduling:providers", view, 50),
            NavEntry("Practice", "Rooms and equipment", "scheduling:resources", view, 51),
            NavEntry("Practice", "Appointment types", "scheduling:types", view, 52),
            NavEntry("Practice", "Provider templates", "scheduling:templates", view, 53),
            NavEntry("Practice", "Closures and time off", "scheduling:closures", view, 54),
            NavEntry("Practice", "Overbooking rules", "scheduling:overbooking", view, 55),
        )
        from medoffice.scheduling.views.feeds import CalendarFeedNavEntry

        register(CalendarFeedNavEntry("Schedule", "Calendar feeds", "scheduling:feeds", None, 61))
        from medoffice.scheduling.reminders import register_message_kinds

        register_message_kinds()
        from medoffice.core.tasks import PeriodicTask, register_periodic
        from medoffice.scheduling.tasks import schedule_reminder_run

        register_periodic(
            PeriodicTask(
                "reminders", schedule_reminder_run, "Reminders will be sent every five minutes."
            )
        )
        from medoffice.core.demo.registry import register_builder

        demo = "medoffice.scheduling.demo"
        register_builder("scheduling-setup", f"{demo}.setup.build_schedule_setup", order=10)
        register_builder("scheduling-visits", f"{demo}.visits.build_appointments", order=30)
        register_builder("scheduling-outreach", f"{demo}.outreach.build_outreach", order=40)
