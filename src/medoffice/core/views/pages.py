"""Home pages, users, the practice and the audit report (API tokens: views/tokens.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medoffice.core import mfa, services
from medoffice.core.forms import (
    AuditFilterForm,
    PracticeForm,
    UserFilterForm,
    UserForm,
    apply_errors,
)
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditEvent, AuditVerification, Location, Practice, User
from medoffice.core.params import local_next
from medoffice.core.roles import Role


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = user.role_set  # type: ignore[union-attr]
    context: dict[str, Any] = {"title": "Home", "roles": sorted(r.label for r in roles)}
    if user.has_perm("core.change_user"):
        context["locked_accounts"] = services.locked_usernames()
    if user.has_perm("core.review_emergencyaccess"):
        from medoffice.patients.selectors import unreviewed_emergency_accesses

        context["emergency_accesses"] = unreviewed_emergency_accesses(user)
    if user.has_perm("core.view_auditevent"):
        context["audit_status"] = AuditVerification.objects.restrict(user, "view").first()
        context["audit_count"] = AuditEvent.objects.restrict(user, "view").count()
    if user.has_perm("patients.view_patient"):
        from medoffice.patients.selectors import recent_patients

        context["recent_patients"] = recent_patients(user)
    if user.has_perm("scheduling.view_appointment"):
        context["today"] = _today_summary(user)
    context["is_manager"] = Role.OFFICE_MANAGER in roles
    return render(request, "core/home.html", context)


def _today_summary(user: Any) -> dict[str, int]:
    """Today's visits in the user's locations, by where they are in the day."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from medoffice.scheduling.selectors import appointments_between

    local_now = timezone.localtime()
    start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = dict(
        appointments_between(user, start, start + dt.timedelta(days=1))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    waiting = counts.get("arrived", 0) + counts.get("roomed", 0)
    return {
        "booked": sum(n for status, n in counts.items() if status != "cancelled"),
        "to_come": counts.get("scheduled", 0) + counts.get("confirmed", 0),
        "waiting": waiting,
        "with_provider": counts.get("with_provider", 0),
        "done": counts.get("completed", 0) + counts.get("checkout", 0),
        "no_show": counts.get("no_show", 0),
    }


# --- users ----------------------------------------------------------------


class UserListPage(ListPage):
    model = User
    title = "Users"
    intro = "Everyone who can log in, with their roles and the locations they are limited to."
    filter_form_class = UserFilterForm
    default_sort = "username"
    actions_template = "core/_user_actions.html"
    columns = [
        Column("username", "User name", link=lambda u: reverse("core:user-edit", args=[u.pk])),
        Column("name", "Name", order_by="last_name", value=lambda u: u.get_full_name()),
        Column("title", "Job title"),
        Column("roles", "Roles", sortable=False, value=lambda u: ", ".join(u.role_labels)),
        Column(
            "locations",
            "Locations",
            sortable=False,
            value=lambda u: ", ".join(loc.code for loc in u.locations.all()) or "All",
        ),
        Column("is_active", "Active", value=lambda u: "Yes" if u.is_active else "No"),
        Column(
            "last_login",
            "Last log-in",
            value=lambda u: u.last_login or "never",
        ),
    ]

    def base_queryset(self):  # type: ignore[no-untyped-def]
        return super().base_queryset().prefetch_related("role_assignments", "locations")


@permission_required("core.change_user", raise_exception=True)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                roles=data["roles"],
                locations=data["locations"],
                title=data["title"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                form.add_error("password", exc.messages)
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, f"User {user.username} created.")
            return redirect("core:users")
    return render(request, "core/user_form.html", {"form": form, "title": "New user"})


@permission_required("core.change_user", raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                actor=request.user,  # type: ignore[arg-type]
                user=target,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                title=data["title"],
                is_active=data["is_active"],
            )
            services.set_roles(
                actor=request.user,
                user=target,
                roles=data["roles"],
                locations=data["locations"],  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"User {target.username} saved.")
            return redirect("core:users")
    locked = target.username in services.locked_usernames()
    return render(
        request,
        "core/user_form.html",
        {
            "form": form,
            "title": f"User {target.username}",
            "target": target,
            "locked": locked,
            "has_mfa": mfa.has_confirmed_device(target),
        },
    )


@require_POST
@permission_required("core.change_user", raise_exception=True)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    services.unlock_user(actor=request.user, username=target.username)  # type: ignore[arg-type]
    messages.success(request, f"{target.username} is unlocked and can log in again.")
    return HttpResponseRedirect(local_next(request, reverse("core:user-edit", args=[pk])))


@require_POST
@permission_required("core.change_user", raise_exception=True)
def user_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    mfa.reset_mfa(target, by=request.user)
    messages.success(
        request, f"Two-step log-in reset: {target.username} sets it up again at next log-in."
    )
    return redirect("core:user-edit", pk=pk)


# --- practice ---------------------------------------------------------------


@permission_required("core.view_practice", raise_exception=True)
def practice_detail(request: HttpRequest) -> HttpResponse:
    practice = Practice.objects.restrict(request.user, "view").first()
    locations = Location.objects.restrict(request.user, "view").prefetch_related("hours")
    return render(
        request,
        "core/practice.html",
        {"practice": practice, "locations": locations, "title": "Practice"},
    )


@permission_required("core.change_practice", raise_exception=True)
def practice_edit(request: HttpRequest) -> HttpResponse:
    """Edit the practice; on a new installation the same form creates it."""
    practice = Practice.objects.restrict(request.user, "change").order_by("pk").first()
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if practice is None:
                services.create_practice(actor=request.user, **fields)  # type: ignore[arg-type]
            else:
                services.update_practice(
                    actor=request.user,  # type: ignore[arg-type]
                    practice=Practice.objects.get(pk=practice.pk),
                    **fields,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Practice settings saved.")
            return redirect("core:practice")
    return render(request, "core/practice_form.html", {"form": form, "title": "Practice settings"})


# --- audit report -----------------------------------------------------------


class AuditReportPage(ListPage):
    """ONC 170.315(d)(3): a report for a chosen period, sortable by every audit field."""

    model = AuditEvent
    title = "Audit log"
    intro = (
        "Every log-in, view, change, print and export, newest first. Times are in the practice's "
        "time zone; the CSV export gives UTC. Each export is itself recorded here."
    )
    filter_form_class = AuditFilterForm
    default_sort = "-seq"
    export_action = "export"
    data_category = "audit"
    paginate_by = 50
    columns = [
        Column("seq", "#", css="text-end"),
        Column("occurred_at", "Time"),
        Column("username", "User"),
        Column("roles", "Roles"),
        Column("action", "Action", value=lambda e: e.get_action_display()),
        Column("object_type", "Object type"),
        Column("object_id", "Object ID"),
        Column("patient_id", "Patient ID"),
        Column("data_category", "Data category"),
        Column("outcome", "Outcome", value=lambda e: e.get_outcome_display()),
        Column("client_ip", "Client IP"),
        Column("request_id", "Request ID"),
        Column("detail", "Detail"),
    ]
