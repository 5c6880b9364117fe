from django.urls import path

from medoffice.scheduling import views
from medoffice.scheduling.views import public

app_name = "scheduling"

SETUP_LISTS = {
    "providers": views.ProviderList,
    "resources": views.ResourceList,
    "types": views.AppointmentTypeList,
    "templates": views.TemplateBlockList,
    "closures": views.ClosureList,
    "overbooking": views.OverbookRuleList,
}

urlpatterns = [
    path("find/", views.find_slot, name="find"),
    path("book/", views.book, name="book"),
    path("appointments/", views.AppointmentList.as_view(), name="appointments"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("appointments/<int:pk>/no-show/", views.no_show, name="no-show"),
    path("appointments/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("series/", views.series, name="series"),
    path("waitlist/", views.WaitlistList.as_view(), name="waitlist"),
    path("waitlist/new/", views.waitlist_new, name="waitlist-new"),
    path("waitlist/<int:pk>/remove/", views.waitlist_remove, name="waitlist-remove"),
    path("waitlist/<int:pk>/offer/", views.offer, name="waitlist-offer"),
    path("recalls/", views.RecallList.as_view(), name="recalls"),
    path("recalls/new/", views.recall_new, name="recall-new"),
    path("recalls/<int:pk>/", views.recall_detail, name="recall"),
    # Under /schedule/messages/ with messaging's set-up pages, where they always were.
    path("messages/calendar-feeds/", views.feeds, name="feeds"),
    path(
        "messages/calendar-feeds/<int:pk>/regenerate/",
        views.feed_regenerate,
        name="feed-regenerate",
    ),
]
for _kind, _view in SETUP_LISTS.items():
    urlpatterns += [
        path(f"setup/{_kind}/", _view.as_view(), name=_kind),
        path(f"setup/{_kind}/new/", views.setup_edit, {"kind": _kind}, name=f"{_kind}-new"),
        path(f"setup/{_kind}/<int:pk>/", views.setup_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]

# The public pages under /p/ (namespace "public"): no log-in; each one is authorised by
# its signed token or secret. The root URLconf mounts them with include().
public_urlpatterns = [
    path("a/<str:token>/confirm/", public.confirm, name="confirm"),
    path("a/<str:token>/cancel/", public.cancel, name="cancel"),
    path("ical/<str:feed_token>.ics", public.calendar_feed, name="calendar-feed"),
]
