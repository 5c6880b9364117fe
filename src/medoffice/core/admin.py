"""The configuration admin: practice and locations only, for the office manager, behind MFA."""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from medoffice.core.models import Location, LocationHours, Practice
from medoffice.core.roles import Permission


class ConfigurationAdminSite(admin.AdminSite):
    site_header = "MedOffice configuration"
    site_title = "MedOffice configuration"
    index_title = "Configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and user.has_perm(Permission.USE_ADMIN)
            and user.is_verified()
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A logged-in user without the permission gets "Not allowed", not a second log-in."""
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The configuration admin is for office managers.")
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Log-in happens on MedOffice's own audited page, never on the admin's."""
        if request.user.is_authenticated:
            raise PermissionDenied("The configuration admin is for office managers.")
        return redirect_to_login(request.GET.get("next", "/admin/"), reverse("core:login"))


site = ConfigurationAdminSite(name="admin")


class ConfigAdmin(admin.ModelAdmin):
    """Changes here go through the same permission as the practice pages."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(Permission.CHANGE_PRACTICE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(Permission.CHANGE_PRACTICE)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(Permission.CHANGE_PRACTICE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(Permission.CHANGE_PRACTICE)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from medoffice.core.audit import record_event
        from medoffice.core.models import AuditAction

        super().save_model(request, obj, form, change)
        record_event(
            AuditAction.UPDATE if change else AuditAction.CREATE,
            user=request.user,
            obj=obj,
            detail="changed in the configuration admin: " + ", ".join(form.changed_data),
        )


class LocationHoursInline(admin.TabularInline):
    model = LocationHours
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(Permission.CHANGE_PRACTICE)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class PracticeAdmin(ConfigAdmin):
    list_display = ["legal_name", "tax_id", "group_npi", "time_zone"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LocationAdmin(ConfigAdmin):
    list_display = ["name", "code", "city", "place_of_service", "is_active"]
    inlines = [LocationHoursInline]


site.register(Practice, PracticeAdmin)
site.register(Location, LocationAdmin)
