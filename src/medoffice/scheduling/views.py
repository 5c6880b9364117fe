"""Pages of the appointment book: set-up, find a slot, book, the appointment, series,
the waitlist and recalls. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from medoffice.core.audit import record_event
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction, Location
from medoffice.patients.models import Patient
from medoffice.patients.phones import national
from medoffice.scheduling import forms as f
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    OverbookRule,
    Provider,
    Recall,
    Resource,
    ScheduleException,
    TemplateBlock,
    WaitlistEntry,
)
from medoffice.scheduling.models.outreach import WaitlistStatus

VIEW = "scheduling.view_appointment"
BOOK = "scheduling.change_appointment"
SETUP = "scheduling.change_schedule"
SEARCH_DAYS = 90


# --- patients for pickers (one isolated helper) ------------------------------------------


def patients_for_picker(user: Any, query: str, selected: Any = None) -> list[Patient]:
    """Patients matching ``query`` (the patient search) plus the one already chosen."""
    from medoffice.patients import selectors as patient_selectors

    found = patient_selectors.search_patients(user, query, 20) if query else []
    chosen: list[Patient] = []
    try:
        pk = int(selected) if selected not in (None, "") else None
    except (TypeError, ValueError):
        pk = None
    if pk is not None and all(p.pk != pk for p in found):
        chosen = list(Patient.objects.restrict(user, "view").filter(pk=pk))
    return chosen + list(found)


def _picked_patient(user: Any, pk: int) -> Patient:
    patient = Patient.objects.restrict(user, "view").filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def _form_with_patient_picker(request: HttpRequest, form_class: Any) -> Any:
    """The form of a page that starts by picking a patient (book, series, waitlist, recall).

    Bound to a POST, except the "Search patients" button's: that one only refreshes
    the patient list, keeping what was typed as the form's initial values.
    """
    source = request.POST if request.method == "POST" else request.GET
    patients = patients_for_picker(
        request.user, source.get("patient_search", ""), source.get("patient")
    )
    searching = source.get("action") == "search"
    return form_class(
        request.POST if request.method == "POST" and not searching else None,
        initial=source.dict(),
        user=request.user,
        patients=patients,
    )


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form; hidden fields' errors are shown at the top, named."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, msgs in exc.message_dict.items():
        target = form.fields.get(field)
        if target is None or target.widget.is_hidden:
            label = target.label if target is not None and target.label else field
            label = {"start": "Time", "status": "Status"}.get(field, str(label).capitalize())
            for msg in msgs:
                form.add_error(None, f"{label}: {msg}")
        else:
            for msg in msgs:
                form.add_error(field, msg)


# --- set-up ------------------------------------------------------------------------------


class SetupList(ListPage):
    """Set-up lists: seen by everyone who sees the book; the office manager adds and edits."""

    kind: ClassVar[str]
    actions_template = "scheduling/_setup_actions.html"
    related: ClassVar[tuple[str, ...]] = ()  # the foreign keys the columns show
    many: ClassVar[tuple[str, ...]] = ()  # the many-to-many the columns show

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def base_queryset(self) -> QuerySet:
        qs = super().base_queryset()
        if self.related:
            qs = qs.select_related(*self.related)
        return qs.prefetch_related(*self.many)

    def extra_context(self) -> dict[str, Any]:
        return {
            "new_url": reverse(f"scheduling:{self.kind}-new"),
            "can_change": self.request.user.has_perm(SETUP),
        }


def _edit_link(kind: str) -> Any:
    return lambda obj: reverse(f"scheduling:{kind}-edit", args=[obj.pk])


class ProviderList(SetupList):
    model = Provider
    kind = "providers"
    many = ("locations",)
    title = "Providers"
    default_sort = "name"
    columns = [
        Column("name", "Name", order_by="last_name", value=str, link=_edit_link("providers")),
        Column("npi", "NPI"),
        Column("taxonomy_code", "Taxonomy"),
        Column("specialty", "Specialty"),
        Column(
            "locations",
            "Locations",
            sortable=False,
            value=lambda p: ", ".join(loc.name for loc in p.locations.all()),
        ),
        Column("is_active", "Active", value=lambda p: "Yes" if p.is_active else "No"),
    ]


class ResourceList(SetupList):
    model = Resource
    kind = "resources"
    related = ("location",)
    title = "Rooms and equipment"
    default_sort = "name"
    columns = [
        Column("name", "Name", link=_edit_link("resources")),
        Column("kind", "Kind", value=lambda r: r.get_kind_display()),
        Column("location", "Location", order_by="location__name", value=lambda r: r.location.name),
        Column("is_active", "Active", value=lambda r: "Yes" if r.is_active else "No"),
    ]


class AppointmentTypeList(SetupList):
    model = AppointmentType
    kind = "types"
    title = "Appointment types"
    default_sort = "name"
    columns = [
        Column("name", "Name", link=_edit_link("types")),
        Column("code", "Code"),
        Column("duration", "Minutes"),
        Column("patient_kind", "Patients", value=lambda t: t.get_patient_kind_display()),
        Column("is_telehealth", "Telehealth", value=lambda t: "Yes" if t.is_telehealth else ""),
        Column("max_per_day", "Per day", value=lambda t: t.max_per_day or ""),
        Column("is_active", "Active", value=lambda t: "Yes" if t.is_active else "No"),
    ]


class TemplateBlockList(SetupList):
    model = TemplateBlock
    kind = "templates"
    related = ("provider", "location")
    many = ("appointment_types",)
    title = "Provider schedule templates"
    intro = "Weekly working blocks. Blocks of one provider may not overlap on the same weekday."
    default_sort = "provider"
    columns = [
        Column(
            "provider",
            "Provider",
            order_by="provider__last_name",
            value=lambda b: str(b.provider),
            link=_edit_link("templates"),
        ),
        Column("location", "Location", order_by="location__name", value=lambda b: b.location.name),
        Column("weekday", "Day", value=lambda b: b.get_weekday_display()),
        Column("start", "From", value=lambda b: f"{b.start:%H:%M}"),
        Column("end", "To", value=lambda b: f"{b.end:%H:%M}"),
        Column(
            "types",
            "Types",
            sortable=False,
            value=lambda b: ", ".join(t.name for t in b.appointment_types.all()) or "All",
        ),
        Column("effective_from", "Effective from"),
        Column("effective_to", "Until", value=lambda b: b.effective_to or "open"),
    ]


class ClosureList(SetupList):
    model = ScheduleException
    kind = "closures"
    related = ("provider", "location")
    title = "Time off, meetings and closures"
    template_name = "scheduling/closures.html"
    default_sort = "start"
    columns = [
        Column("kind", "Kind", value=lambda e: e.get_kind_display(), link=_edit_link("closures")),
        Column("provider", "Who", value=lambda e: str(e.provider or "Everyone"), sortable=False),
        Column(
            "location", "Where", value=lambda e: str(e.location or "Every location"), sortable=False
        ),
        Column("start", "From", value=lambda e: timezone.localtime(e.start)),
        Column("end", "To", value=lambda e: timezone.localtime(e.end)),
        Column("reason", "Reason"),
    ]

    def get(self, request: HttpRequest) -> HttpResponse:
        self.template_name = "core/list.html" if request.htmx else "scheduling/closures.html"  # type: ignore[attr-defined,misc]
        return super().get(request)

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), "holidays": coming_holidays(timezone.localdate())}


def coming_holidays(today: dt.date) -> list[tuple[dt.date, str]]:
    """The practice state's public holidays (observed) in the coming year, with their names."""
    calendar = selectors.practice_holidays([today.year, today.year + 1])
    end = today + dt.timedelta(days=365)
    return sorted((d, n) for d, n in calendar.items() if today <= d <= end)


class OverbookRuleList(SetupList):
    model = OverbookRule
    kind = "overbooking"
    related = ("provider",)
    many = ("appointment_types",)
    title = "Overbooking rules"
    intro = (
        "Overbooking is possible only under these rules. Overbooked visits are marked "
        "“Overbooked” everywhere."
    )
    default_sort = "provider"
    columns = [
        Column(
            "provider",
            "Provider",
            order_by="provider__last_name",
            value=lambda r: str(r.provider),
            link=_edit_link("overbooking"),
        ),
        Column("max_per_day", "Overbooked visits a day"),
        Column(
            "types",
            "Types",
            sortable=False,
            value=lambda r: ", ".join(t.name for t in r.appointment_types.all()) or "All",
        ),
        Column("is_active", "Active", value=lambda r: "Yes" if r.is_active else "No"),
    ]


SETUP_KINDS: dict[str, tuple[type, type, str, list[str]]] = {
    "providers": (Provider, f.ProviderForm, "provider", ["locations"]),
    "resources": (Resource, f.ResourceForm, "room or equipment", []),
    "types": (AppointmentType, f.AppointmentTypeForm, "appointment type", ["providers"]),
    "templates": (TemplateBlock, f.TemplateBlockForm, "template block", ["appointment_types"]),
    "closures": (ScheduleException, f.ScheduleExceptionForm, "closure or time off", []),
    "overbooking": (OverbookRule, f.OverbookRuleForm, "overbooking rule", ["appointment_types"]),
}


@permission_required(SETUP, raise_exception=True)
def setup_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    model, form_class, noun, m2m_fields = SETUP_KINDS[kind]
    instance = None
    if pk is not None:
        instance = get_object_or_404(model.objects.restrict(request.user, "change"), pk=pk)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if kind == "overbooking" and obj.pk is None:
            obj.created_by = request.user
        m2m = {name: form.cleaned_data.get(name) or [] for name in m2m_fields}
        try:
            if kind == "templates":
                services.save_template_block(
                    actor=request.user, block=obj, appointment_types=m2m["appointment_types"]
                )
            else:
                services.save_setup(actor=request.user, instance=obj, m2m=m2m)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Saved the {noun}.")
            return redirect(f"scheduling:{kind}")
    title = f"Edit {noun}" if instance else f"New {noun}"
    return render(
        request,
        "scheduling/setup_form.html",
        {"form": form, "title": title, "back": reverse(f"scheduling:{kind}")},
    )


# --- finding a slot and booking ------------------------------------------------------------


def _slot_days(slots: list[Any]) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    tz = services.practice_zone()
    providers = {p.pk: p for p in Provider.objects.filter(pk__in={s.provider_id for s in slots})}
    locations = {
        loc.pk: loc for loc in Location.objects.filter(pk__in={s.location_id for s in slots})
    }
    days: OrderedDict[dt.date, list[dict[str, Any]]] = OrderedDict()
    for slot in slots:
        local = slot.start.astimezone(tz)
        days.setdefault(local.date(), []).append(
            {
                "start": local,
                "iso": local.isoformat(timespec="minutes"),
                "provider": providers[slot.provider_id],
                "location": locations[slot.location_id],
            }
        )
    return list(days.items())


@permission_required(VIEW, raise_exception=True)
def find_slot(request: HttpRequest) -> HttpResponse:
    form = f.FindSlotForm(request.GET or None, user=request.user)
    days: list[Any] = []
    searched = False
    reschedule = request.GET.get("reschedule", "")
    if form.is_bound and form.is_valid():
        searched = True
        data = form.cleaned_data
        start_date = data["from_date"] or timezone.localdate()
        providers = [p.pk for p in data["providers"]] or None
        locations = [loc.pk for loc in data["locations"]] or None
        scope = request.user.location_ids()
        if scope is not None:
            locations = [pk for pk in (locations or scope) if pk in scope]
        slots = selectors.open_slots(
            data["appointment_type"],
            start_date=start_date,
            end_date=start_date + dt.timedelta(days=SEARCH_DAYS),
            provider_ids=providers,
            location_ids=locations,
            limit=20,
        )
        days = _slot_days(slots)
    return render(
        request,
        "scheduling/find_slot.html",
        {
            "form": form,
            "days": days,
            "searched": searched,
            "title": "Find a slot",
            "reschedule": reschedule if reschedule.isdigit() else "",
            "can_book": request.user.has_perm(BOOK),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required(BOOK, raise_exception=True)
def book(request: HttpRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.BookingForm)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.book_appointment(
                actor=request.user,
                patient=_picked_patient(request.user, data["patient"]),
                provider=data["provider"],
                location=data["location"],
                appointment_type=data["appointment_type"],
                start=data["start"],
                reason=data["reason"],
                note=data["note"],
                overbook=data["overbook"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Booked {appointment.patient} {_when(appointment)}.")
            return redirect("scheduling:appointment", pk=appointment.pk)
    slot = _slot_summary(request.POST if request.method == "POST" else request.GET)
    return render(
        request, "scheduling/book.html", {"form": form, "slot": slot, "title": "Book a visit"}
    )


def _slot_summary(source: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, model in (
        ("appointment_type", AppointmentType),
        ("provider", Provider),
        ("location", Location),
    ):
        value = source.get(key, "")
        out[key] = model.objects.filter(pk=value).first() if str(value).isdigit() else None
    try:
        start = dt.datetime.fromisoformat(source.get("start", ""))
        if timezone.is_naive(start):
            start = start.replace(tzinfo=services.practice_zone())
        out["start"] = start.astimezone(services.practice_zone())
    except ValueError:
        out["start"] = None
    return out


def _when(appointment: Appointment) -> str:
    local = appointment.start.astimezone(services.practice_zone())
    return f"on {local:%a %m/%d/%Y at %H:%M} with {appointment.provider}"


def _appointment_or_404(request: HttpRequest, pk: int, action: str = "view") -> Appointment:
    appointment = (
        Appointment.objects.restrict(request.user, action)
        .select_related("patient", "provider", "location", "appointment_type", "room")
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        if action != "view" and not request.user.has_perm(BOOK):
            raise PermissionDenied("Your role does not allow you to change appointments.")
        raise Http404("No such appointment.")
    return appointment


@permission_required(VIEW, raise_exception=True)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
    )
    now = timezone.now()
    matches: list[WaitlistEntry] = []
    freed = appointment.status in {AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
    if (
        freed
        and services.freed_time_left(appointment, now) is not None
        and services.freed_time_is_open(appointment)
    ):
        matches = list(services.waitlist_matches(appointment))
    can_book = request.user.has_perm(BOOK)
    changeable = appointment.status in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "title": f"Appointment of {appointment.patient}",
            "start_local": appointment.start.astimezone(services.practice_zone()),
            "cancel_form": f.CancelForm(),
            "can_change": can_book and changeable,
            "can_no_show": can_book and changeable and appointment.start <= now,
            "matches": matches if can_book else [],
            "history": appointment.status_changes.select_related("changed_by"),
        },
    )


@require_POST
@permission_required(BOOK, raise_exception=True)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk, "change")
    form = f.CancelForm(request.POST)
    if form.is_valid():
        try:
            matches = services.cancel_appointment(
                actor=request.user,
                appointment=appointment,
                reason=form.cleaned_data["cancel_reason"],
                by_patient=form.cleaned_data["by_patient"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            appointment.refresh_from_db()
            late = " It is a late cancellation." if appointment.is_late_cancel else ""
            found = f" {len(matches)} waitlist patient(s) could take the time." if matches else ""
            messages.success(request, f"Cancelled.{late}{found}")
    else:
        messages.error(request, "Reason for cancelling: say why the visit is cancelled.")
    return redirect("scheduling:appointment", pk=pk)


@require_POST
@permission_required(BOOK, raise_exception=True)
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk, "change")
    try:
        services.mark_no_show(actor=request.user, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Marked as a no-show; the time is free again.")
    return redirect("scheduling:appointment", pk=pk)


@permission_required(BOOK, raise_exception=True)
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk, "change")
    if request.method != "POST":
        query = (
            f"?appointment_type={appointment.appointment_type_id}"
            f"&providers={appointment.provider_id}&reschedule={appointment.pk}"
        )
        return redirect(reverse("scheduling:find") + query)
    form = f.RescheduleForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            new = services.reschedule_appointment(
                actor=request.user,
                appointment=appointment,
                start=form.cleaned_data["start"],
                provider=form.cleaned_data["provider"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Moved to {_when(new)[3:]}.")
            return redirect("scheduling:appointment", pk=new.pk)
    else:
        messages.error(request, "Time: pick a slot from the list.")
    return redirect("scheduling:appointment", pk=pk)


@require_POST
@permission_required(BOOK, raise_exception=True)
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.restrict(request.user, "change"), pk=pk)
    appointment = _appointment_or_404(request, int(request.POST.get("appointment") or 0))
    try:
        services.offer_slot_to_waitlist(actor=request.user, entry=entry, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Offer to {entry.patient} recorded and queued.")
    return redirect("scheduling:appointment", pk=appointment.pk)


# --- recurring series ------------------------------------------------------------------------


@permission_required(BOOK, raise_exception=True)
def series(request: HttpRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.SeriesForm)
    plan: list[Any] = []
    action = request.POST.get("action", "")
    if form.is_bound and action in {"plan", "book"} and form.is_valid():
        data = form.cleaned_data
        patient = _picked_patient(request.user, data["patient"])
        first = data["first_start"].astimezone(services.practice_zone())
        try:
            plan = services.plan_series(
                provider=data["provider"],
                location=data["location"],
                appointment_type=data["appointment_type"],
                first_start=first,
                count=data["count"],
                interval_weeks=data["interval_weeks"],
                patient=patient,
            )
            if action == "book":
                made = services.book_series(
                    actor=request.user,
                    patient=patient,
                    provider=data["provider"],
                    location=data["location"],
                    appointment_type=data["appointment_type"],
                    starts=[o.start for o in plan if not o.problem],
                    interval_weeks=data["interval_weeks"],
                    reason=data["reason"],
                )
                messages.success(request, f"Booked {made.count} visits for {patient}.")
                return redirect(reverse("scheduling:find"))
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(
        request,
        "scheduling/series.html",
        {
            "form": form,
            "plan": plan,
            "free_count": sum(1 for o in plan if not o.problem),
            "title": "Book a recurring series",
        },
    )


# --- waitlist ---------------------------------------------------------------------------------


def freed_appointments() -> list[Appointment]:
    """Cancelled and no-show visits still to come whose time nobody has taken again."""
    rows = (
        Appointment.objects.filter(
            status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW],
            start__gt=timezone.now(),
        )
        .exclude(cancel_reason="rescheduled")
        .select_related("provider")
        .order_by("start")[:200]
    )
    return services.freed_times_open(list(rows))


class WaitlistList(ListPage):
    model = WaitlistEntry
    title = "Waitlist"
    intro = "Patients who want an earlier visit. “Matches” are freed times that fit them."
    actions_template = "scheduling/_waitlist_actions.html"
    filter_form_class = f.WaitlistFilterForm
    default_sort = "created_at"
    data_category = "waitlist"
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
            value=lambda e: f"{e.earliest or '…'} – {e.latest or '…'}",
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
        return (
            WaitlistEntry.objects.restrict(self.request.user, "view")
            .filter(status=WaitlistStatus.WAITING)
            .select_related("patient", "appointment_type", "provider", "current_appointment")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        freed = freed_appointments()
        can_change = request.user.has_perm(BOOK)
        tz = services.practice_zone()

        def matches(entry: WaitlistEntry) -> Any:
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
                        f"{timezone.localtime(a.start):%m/%d %H:%M} {a.provider.short_name}",
                    )
                    for a in found[:3]
                ),
            )
            if len(found) > 3:
                return format_html("{} (+{})", links, len(found) - 3)
            return links

        def remove(entry: WaitlistEntry) -> Any:
            if not can_change:
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
            Column("matches", "Matches", sortable=False, value=matches),
            Column("remove", "", sortable=False, value=remove),
        ]
        return super().get(request)


@permission_required(BOOK, raise_exception=True)
def waitlist_new(request: HttpRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.WaitlistForm)
    if form.is_bound and form.is_valid():
        entry = form.save(commit=False)
        entry.patient = _picked_patient(request.user, form.cleaned_data["patient"])
        part = form.cleaned_data["part_of_day"]
        entry.mornings_only = part == "mornings"
        entry.afternoons_only = part == "afternoons"
        try:
            services.add_to_waitlist(actor=request.user, entry=entry)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{entry.patient} is on the waitlist.")
            return redirect("scheduling:waitlist")
    return render(
        request,
        "scheduling/picker_form.html",
        {"form": form, "title": "Add to the waitlist", "back": reverse("scheduling:waitlist")},
    )


@require_POST
@permission_required(BOOK, raise_exception=True)
def waitlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
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
    filter_form_class = f.RecallFilterForm
    default_sort = "due_date"
    data_category = "recall"
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
        qs = Recall.objects.restrict(self.request.user, "view").select_related(
            "patient", "provider"
        )
        scope = self.request.user.location_ids()
        if scope is not None:
            qs = qs.filter(patient__home_location_id__in=scope)
        return qs

    def filtered(self, request: HttpRequest) -> tuple[QuerySet, Any, str]:
        qs, form, sort = super().filtered(request)
        if form is not None and not form.is_bound:  # the first visit: open recalls only
            qs = qs.filter(status__in=["due", "contacted"])
        return qs, form, sort


@permission_required(BOOK, raise_exception=True)
def recall_new(request: HttpRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.RecallForm)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            recall = services.create_recall(
                actor=request.user,
                patient=_picked_patient(request.user, data["patient"]),
                reason=data["reason"],
                due_date=data["due_date"],
                appointment_type=data["appointment_type"],
                provider=data["provider"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{recall.patient} is due for {recall.reason}.")
            return redirect("scheduling:recall", pk=recall.pk)
    return render(
        request,
        "scheduling/picker_form.html",
        {"form": form, "title": "Create a recall", "back": reverse("scheduling:recalls")},
    )


@permission_required(VIEW, raise_exception=True)
def recall_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
            messages.error(request, " ".join(exc.messages))
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
