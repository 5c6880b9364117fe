from django.apps import AppConfig


class FrontDeskConfig(AppConfig):
    name = "medoffice.frontdesk"
    label = "frontdesk"
    verbose_name = "Front desk"
    api_router = "medoffice.frontdesk.api.router"

    def ready(self) -> None:
        from medoffice.core.homepanels import HomePanel
        from medoffice.core.homepanels import register as register_panel
        from medoffice.core.navigation import NavEntry, register
        from medoffice.core.roles import Permission
        from medoffice.frontdesk.choices import VIEW_BOOK
        from medoffice.frontdesk.selectors import today_summary
        from medoffice.frontdesk.selectors.home import desk_day, office_day, provider_day
        from medoffice.frontdesk.selectors.record import visit_history, visit_summary
        from medoffice.patients.record import RecordPart
        from medoffice.patients.record import register as register_part

        register_part(
            RecordPart(
                "banner_visits",
                "frontdesk/record/banner_visits.html",
                visit_summary,
                "banner",
                VIEW_BOOK,
                order=10,
            ),
            RecordPart(
                "visit_history",
                "frontdesk/record/visit_history.html",
                visit_history,
                "section",
                VIEW_BOOK,
                order=10,
            ),
        )
        register(
            NavEntry("Front desk", "Day view", "frontdesk:day", VIEW_BOOK, 10),
            NavEntry("Front desk", "Week view", "frontdesk:week", VIEW_BOOK, 11),
            NavEntry("Front desk", "Flow board", "frontdesk:flow", VIEW_BOOK, 12),
        )
        register_panel(
            HomePanel(
                "office_day",
                "frontdesk/panels/office_day.html",
                office_day,
                Permission.CHANGE_SCHEDULE,
                order=5,
            ),
            HomePanel(
                "desk_day",
                "frontdesk/panels/desk_day.html",
                desk_day,
                Permission.CHANGE_APPOINTMENT,
                order=8,
            ),
            HomePanel(
                "my_day",
                "frontdesk/panels/my_day.html",
                provider_day,
                Permission.VIEW_OWN_FEED,
                order=6,
            ),
            HomePanel("today", "frontdesk/panels/today.html", today_summary, VIEW_BOOK, order=10),
        )
