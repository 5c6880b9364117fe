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
        from medoffice.frontdesk.choices import VIEW_BOOK
        from medoffice.frontdesk.selectors import today_summary

        register(
            NavEntry("Front desk", "Day view", "frontdesk:day", VIEW_BOOK, 10),
            NavEntry("Front desk", "Week view", "frontdesk:week", VIEW_BOOK, 11),
            NavEntry("Front desk", "Flow board", "frontdesk:flow", VIEW_BOOK, 12),
        )
        register_panel(
            HomePanel("today", "frontdesk/panels/today.html", today_summary, VIEW_BOOK, order=10)
        )
