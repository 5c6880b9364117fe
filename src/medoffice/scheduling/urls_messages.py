"""The reminder set-up and calendar-feed pages, under /schedule/messages/."""

from django.urls import path

from medoffice.scheduling import views_messages as views

app_name = "messages"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/new/", views.template_new, name="template-new"),
    path("templates/<int:pk>/", views.template_edit, name="template"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("calendar-feeds/", views.feeds, name="feeds"),
    path("calendar-feeds/<int:pk>/regenerate/", views.feed_regenerate, name="feed-regenerate"),
]
