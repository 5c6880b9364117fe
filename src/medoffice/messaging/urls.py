"""Messaging's set-up pages, under /schedule/messages/ (where the office manager has
always found them)."""

from django.urls import path

from medoffice.messaging import views

app_name = "messages"

urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.DeliveryLog.as_view(), name="log"),
    path("templates/new/", views.template_new, name="template-new"),
    path("templates/<int:pk>/", views.template_edit, name="template"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
]
