"""Home pages, users, the practice and the audit report (API tokens: views/tokens.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.core import homepanels, mfa, services
from medoffice.core import selectors as core_selectors
from medoffice.core.filters import AuditFilter, UserFilter, object_type_name, role_names
from medoffice.core.formaction import errors_onto_form, run_form_action
from medoffice.core.formats import as_datetime
from medoffice.core.forms import (
    PracticeForm,
    UserForm,
)
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditEvent, Location, Practice, User
from medoffice.core.params import local_next
from medoffice.core.roles import Permission


@require_safe
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The home page: the panels the apps register (``core/homepanels.py``) that this
    user's roles may see, each under its own name in the context as well."""
    user = request.user
    roles = user.role_set
    panels = homepanels.panels_for(user)
    context: dict[str, Any] = {
        "title": "Home",
        "roles": sorted(r.label for r in roles),
        "panels": panels,
        **{panel["name"]: panel["data"] for panel in panels},
    }
    return render(request, "core/home.html", context)


# --- users ----------------------------------------------------------------


class UserListPage(ListPage):
    model = User
    title = "Users"
    intro = (
        "Everyone who can log in, with their roles, the locations they are limited to, "
        "whether their account is locked after failed log-ins and whether they have set up "
        "the two-step log-in."
    )
    filterset_class = UserFilter
    default_sort = "username"
    actions_template = "core/_user_actions.html"
    base_columns = [
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
    columns = base_columns

    def base_queryset(self) -> QuerySet[User]:
        return super().base_queryset().prefetch_related("role_assignments", "locations")

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        # Lock-outs and two-step status are read once for the page, not per row.
        locks = core_selectors.lock_outs()
        with_app = core_selectors.users_with_authenticator(
            list(self.base_queryset().values_list("pk", flat=True))
        )
        can_unlock = request.user.has_perm(Permission.CHANGE_USER)

        def lock_text(user: User) -> str:
            lock = locks.get(user.username)
            if lock is None:
                return "No"
            until = f"until {as_datetime(lock.until)}" if lock.until else "until unlocked"
            last = as_datetime(lock.last_failure)
            return f"Locked {until}: {lock.failures} failed log-ins, the last {last}"

        def lock_cell(user: User) -> str:
            text = lock_text(user)
            if user.username not in locks or not can_unlock:
                return text
            return format_html(
                '<span class="text-danger" data-testid="locked">{}</span> '
                '<form method="post" action="{}" class="d-inline">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="next" value="{}">'
                '<button class="btn btn-sm btn-outline-danger" type="submit" '
                'data-testid="unlock-{}">Unlock</button></form>',
                text,
                reverse("core:user-unlock", args=[user.pk]),
                get_token(request),
                request.get_full_path(),
                user.username,
            )

        self.columns = [
            *self.base_columns,
            Column(
                "locked",
                "Locked out",
                sortable=False,
                value=lock_cell,
                export=lock_text,
                css="cell-wrap",
            ),
            Column(
                "two_step",
                "Two-step log-in",
                sortable=False,
                value=lambda u: "Set up" if u.pk in with_app else "Not set up",
            ),
        ]
        return super().get(request)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                roles=data["roles"],
                locations=data["locations"],
                title=data["title"],
                must_change_password=data["must_change_password"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                form.add_error("password", exc.messages)
            else:
                errors_onto_form(form, exc)
        else:
            messages.success(request, f"User {user.username} created.")
            return redirect("core:users")
    return render(request, "core/user_form.html", {"form": form, "title": "New user"})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    form = UserForm(request.POST or None, instance=target)

    def save(data: dict[str, Any]) -> None:
        services.update_user(
            actor=request.user,
            user=target,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            title=data["title"],
            is_active=data["is_active"],
        )
        services.set_roles(
            actor=request.user, user=target, roles=data["roles"], locations=data["locations"]
        )

    done = run_form_action(
        request, form, save, success=f"User {target.username} saved.", redirect_to="core:users"
    )
    if done is not None:
        return done
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
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def user_unlock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    services.unlock_user(actor=request.user, username=target.username)
    messages.success(request, f"{target.username} is unlocked and can log in again.")
    return HttpResponseRedirect(local_next(request, reverse("core:user-edit", args=[pk])))


@require_POST
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def user_reset_mfa(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    mfa.reset_mfa(target, by=request.user)
    messages.success(
        request, f"Two-step log-in reset: {target.username} sets it up again at next log-in."
    )
    return redirect("core:user-edit", pk=pk)


@require_POST
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def user_require_password_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    services.require_password_change(actor=request.user, user=target)
    messages.success(
        request, f"{target.username} chooses a new password before anything else at next log-in."
    )
    return redirect("core:user-edit", pk=pk)


# --- practice ---------------------------------------------------------------


@require_safe
@permission_required(Permission.VIEW_PRACTICE, raise_exception=True)
def practice_detail(request: AuthenticatedRequest) -> HttpResponse:
    practice = Practice.objects.restrict(request.user, "view").first()
    locations = Location.objects.restrict(request.user, "view").prefetch_related("hours")
    return render(
        request,
        "core/practice.html",
        {"practice": practice, "locations": locations, "title": "Practice"},
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PRACTICE, raise_exception=True)
def practice_edit(request: AuthenticatedRequest) -> HttpResponse:
    """Edit the practice; on a new installation the same form creates it."""
    practice = Practice.objects.restrict(request.user, "change").order_by("pk").first()
    form = PracticeForm(request.POST or None, instance=practice)

    def save(data: dict[str, Any]) -> Practice:
        fields = {name: data[name] for name in form.Meta.fields}
        if practice is None:
            return services.create_practice(actor=request.user, **fields)
        return services.update_practice(
            actor=request.user, practice=Practice.objects.get(pk=practice.pk), **fields
        )

    done = run_form_action(
        request, form, save, success="Practice settings saved.", redirect_to="core:practice"
    )
    if done is not None:
        return done
    return render(request, "core/practice_form.html", {"form": form, "title": "Practice settings"})


# --- audit report -----------------------------------------------------------


@require_POST
@permission_required(Permission.VIEW_AUDITEVENT, raise_exception=True)
def audit_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The home page's "Verify now": walk the whole chain and keep the result."""
    report = services.verify_audit_chain(actor=request.user)
    if report.ok:
        messages.success(request, f"Audit chain intact: {report.message}")
    else:
        messages.error(request, f"Audit chain broken: {report.message}")
    return HttpResponseRedirect(local_next(request, reverse("core:home")))


class AuditReportPage(ListPage):
    """ONC 170.315(d)(3): a report for a chosen period, sortable by every audit field."""

    model = AuditEvent
    title = "Audit log"
    intro = (
        "Every log-in, view, change, print and export, newest first. Times are in the practice's "
        "time zone; the CSV export gives UTC. Each export is itself recorded here."
    )
    filterset_class = AuditFilter
    default_sort = "-seq"
    export_action = "export"
    data_category = "audit"
    paginate_by = 50
    columns = [
        Column("seq", "#", css="text-end"),
        Column("occurred_at", "Time"),
        Column("username", "User"),
        Column("roles", "Roles", value=lambda e: role_names(e.roles), export=lambda e: e.roles),
        Column("action", "Action", value=lambda e: e.get_action_display()),
        Column(
            "object_type",
            "Object type",
            value=lambda e: object_type_name(e.object_type),
            export=lambda e: e.object_type,
        ),
        Column("object_id", "Object ID"),
        Column("detail", "Detail", css="cell-wrap"),
        Column("patient_id", "Patient ID"),
        Column(
            "patient_ids",
            "Patients shown",
            value=lambda e: ", ".join(str(i) for i in e.shown_patient_ids),
            css="cell-wrap",
        ),
        Column("data_category", "Data category"),
        Column("outcome", "Outcome", value=lambda e: e.get_outcome_display()),
        Column("client_ip", "Client IP"),
        Column("request_id", "Request ID"),
    ]
