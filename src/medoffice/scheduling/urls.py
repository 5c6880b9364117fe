from django.urls import path

from medoffice.scheduling import views

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
]
for _kind, _view in SETUP_LISTS.items():
    urlpatterns += [
        path(f"setup/{_kind}/", _view.as_view(), name=_kind),
        path(f"setup/{_kind}/new/", views.setup_edit, {"kind": _kind}, name=f"{_kind}-new"),
        path(f"setup/{_kind}/<int:pk>/", views.setup_edit, {"kind": _kind}, name=f"{_kind}-edit"),
    ]
