"""The waitlist and recalls."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from medoffice.core.audit import record_event
from medoffice.core.formaction import refusal_text, run_form_action
from medoffice.core.formats import as_date, as_datetime
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction, User
from medoffice.patients.phones import national
from medoffice.scheduling import forms as f
from medoffice.scheduling import services
from medoffice.scheduling.choices import WaitlistStatus
from medoffice.scheduling.filters import RecallFilter, WaitlistFilter
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    Recall,
    WaitlistEntry,
)
from medoffice.scheduling.views.common import (
    BOOK,
    FORM_LABELS,
    VIEW,
    _form_with_patient_picker,
    _picked_patient,
)

# --- waitlist ---------------------------------------------------------------------------------


def freed_appointments(user: User) -> list[Appointment]:
    """Cancelled and no-show visits still to come whose time nobody has taken again, at the
    locations the user works at (a match elsewhere is no visit they could offer)."""
    rows = (
        Appointment.objects.restrict(user, "view")
        .filter(
            status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW],
            start__gt=timezone.now(),
        )
        .exclude(cancel_reason="rescheduled")
        .select_related("provider")
        .order_by("start")[:200]
    )
    return services.freed_times_open(list(rows))


def _dates(earliest: Any, latest: Any) -> str:
    """The dates a waiting patient can come: "12/01/2026 – 12/31/2026", "from 12/01/2026"…"""
    if earliest and latest:
        return f"{as_date(earliest)} – {as_date(latest)}"
    if earliest:
        return f"from {as_date(earliest)}"
    if latest:
        return f"until {as_date(latest)}"
    return "any date"


class WaitlistList(ListPage):
    model = WaitlistEntry
    title = "Waitlist"
    intro = "Patients who want an earlier visit. “Matches” are freed times that fit them."
    actions_template = "scheduling/_waitlist_actions.html"
    filterset_class = WaitlistFilter
    default_sort = "created_at"
    data_category = "waitlist"
    patient_field = "patient_id"
    columns = [
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda e: f"{e.patient.last_name}, {e.patient.first_name}",
        ),
        Column("appointment_type", "Type", order_by="appointment_type__name"),
        Column("provider", "Provider", value=lambda e: str(e.provider or "Any"), sortable=False),
        Column(
            "window",
            "Dates",
            sortable=False,
            value=lambda e: _dates(e.earliest, e.latest),
        ),
        Column(
            "when",
            "When",
            sortable=False,
            value=lambda e: (
                "Mornings" if e.mornings_only else "Afternoons" if e.afternoons_only else "Any time"
            ),
        ),
        Column("created_at", "Added", value=lambda e: timezone.localtime(e.created_at).date()),
        Column("matches", "Matches", sortable=False, css="waitlist-matches"),
        Column("remove", "", sortable=False),
    ]

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def base_queryset(self) -> QuerySet:
        return WaitlistEntry.objects.restrict(self.request.user, "view").select_related(
            "patient", "appointment_type", "provider", "current_appointment"
        )

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        freed = freed_appointments(request.user)
        can_change = request.user.has_perm(BOOK)
        tz = services.practice_zone()

        def matches(entry: WaitlistEntry) -> Any:
            if entry.status != WaitlistStatus.WAITING:
                return ""
            found = [a for a in freed if services.entry_matches(entry, a, tz)]
            if not found:
                return ""
            from django.utils.html import format_html, format_html_join

            links = format_html_join(
                " ",
                '<a href="{}" data-testid="waitlist-match">{}</a>',
                (
                    (
                        reverse("scheduling:appointment", args=[a.pk]),
                        f"{as_datetime(a.start)} {a.provider.short_name}",
                    )
                    for a in found[:3]
                ),
            )
            if len(found) > 3:
                return format_html("{} (+{})", links, len(found) - 3)
            return links

        def remove(entry: WaitlistEntry) -> Any:
            if not can_change or entry.status != WaitlistStatus.WAITING:
                return ""
            from django.middleware.csrf import get_token
            from django.utils.html import format_html

            return format_html(
                '<form method="post" action="{}"><input type="hidden" '
                'name="csrfmiddlewaretoken" value="{}"><button class="btn btn-link btn-sm p-0" '
                'type="submit" data-testid="waitlist-remove">Remove</button></form>',
                reverse("scheduling:waitlist-remove", args=[entry.pk]),
                get_token(request),
            )

        self.columns = [
            *[c for c in type(self).columns if c.key not in {"matches", "remove"}],
            Column("matches", "Matches", sortable=False, value=matches, css="waitlist-matches"),
            Column("remove", "", sortable=False, value=remove),
        ]
        return super().get(request)


@require_http_methods(["GET", "POST"])
@permission_required(BOOK, raise_exception=True)
def waitlist_new(request: AuthenticatedRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.WaitlistForm)

    def add(data: dict[str, Any]) -> WaitlistEntry:
        entry = form.save(commit=False)
        entry.patient = _picked_patient(request.user, data["patient"])
        entry.mornings_only = data["part_of_day"] == "mornings"
        entry.afternoons_only = data["part_of_day"] == "afternoons"
        return services.add_to_waitlist(actor=request.user, entry=entry)

    done = run_form_action(
        request,
        form,
        add,
        success=lambda entry: f"{entry.patient} is on the waitlist.",
        redirect_to="scheduling:waitlist",
        labels=FORM_LABELS,
    )
    if done is not None:
        return done
    return render(
        request,
        "scheduling/picker_form.html",
        {"form": form, "title": "Add to the waitlist", "back": reverse("scheduling:waitlist")},
    )


@require_POST
@permission_required(BOOK, raise_exception=True)
def waitlist_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.restrict(request.user, "change"), pk=pk)
    services.remove_from_waitlist(actor=request.user, entry=entry)
    messages.success(request, f"{entry.patient} was taken off the waitlist.")
    return redirect("scheduling:waitlist")


# --- recalls ------------------------------------------------------------------------------------


class RecallList(ListPage):
    model = Recall
    title = "Recalls"
    intro = "Who is due for what. Open a recall to record calls and letters."
    actions_template = "scheduling/_recall_actions.html"
    filterset_class = RecallFilter
    default_sort = "due_date"
    data_category = "recall"
    patient_field = "patient_id"
    columns = [
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda r: f"{r.patient.last_name}, {r.patient.first_name}",
            link=lambda r: reverse("scheduling:recall", args=[r.pk]),
        ),
        Column("reason", "Due for"),
        Column("due_date", "Due"),
        Column("provider", "Provider", value=lambda r: str(r.provider or ""), sortable=False),
        Column("status", "Status", value=lambda r: r.get_status_display()),
        Column("phone", "Phone", value=lambda r: national(r.patient.phone), sortable=False),
    ]

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def base_queryset(self) -> QuerySet:
        return Recall.objects.restrict(self.request.user, "view").select_related(
            "patient", "provider"
        )


@require_http_methods(["GET", "POST"])
@permission_required(BOOK, raise_exception=True)
def recall_new(request: AuthenticatedRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.RecallForm)
    done = run_form_action(
        request,
        form,
        lambda data: services.create_recall(
            actor=request.user,
            patient=_picked_patient(request.user, data["patient"]),
            reason=data["reason"],
            due_date=data["due_date"],
            appointment_type=data["appointment_type"],
            provider=data["provider"],
        ),
        success=lambda recall: f"{recall.patient} is due for {recall.reason}.",
        redirect_to=lambda recall: redirect("scheduling:recall", pk=recall.pk),
        labels=FORM_LABELS,
    )
    if done is not None:
        return done
    return render(
        request,
        "scheduling/picker_form.html",
        {"form": form, "title": "Create a recall", "back": reverse("scheduling:recalls")},
    )


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def recall_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recall = get_object_or_404(
        Recall.objects.restrict(request.user, "view").select_related("patient", "provider"), pk=pk
    )
    can_change = request.user.has_perm(BOOK)
    outreach_form = f.OutreachForm(prefix="outreach")
    status_form = f.RecallStatusForm(prefix="status", initial={"status": recall.status})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("Your role does not allow you to work recalls.")
        try:
            if request.POST.get("action") == "outreach":
                outreach_form = f.OutreachForm(request.POST, prefix="outreach")
                if outreach_form.is_valid():
                    services.record_recall_outreach(
                        actor=request.user, recall=recall, **outreach_form.cleaned_data
                    )
                    messages.success(request, "Outreach recorded.")
                    return redirect("scheduling:recall", pk=pk)
            else:
                status_form = f.RecallStatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    services.set_recall_status(
                        actor=request.user, recall=recall, status=status_form.cleaned_data["status"]
                    )
                    messages.success(request, "Status saved.")
                    return redirect("scheduling:recall", pk=pk)
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
    else:
        record_event(
            AuditAction.READ,
            user=request.user,
            obj=recall,
            patient_id=recall.patient_id,
            data_category="recall",
        )
    return render(
        request,
        "scheduling/recall.html",
        {
            "recall": recall,
            "outreach": recall.outreach.select_related("by"),
            "outreach_form": outreach_form,
            "status_form": status_form,
            "can_change": can_change,
            "title": f"Recall: {recall.patient}",
        },
    )
