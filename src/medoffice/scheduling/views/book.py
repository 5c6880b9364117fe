"""Finding a slot, booking, the appointment page (cancel, no-show, reschedule, offer the
freed time), and recurring series."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.core.audit import record_event
from medoffice.core.formaction import errors_onto_form, refusal_text, run_form_action
from medoffice.core.formats import as_time, as_weekday_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import AuditAction, Location
from medoffice.scheduling import forms as f
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Provider,
    WaitlistEntry,
)
from medoffice.scheduling.views.common import (
    BOOK,
    FORM_LABELS,
    SEARCH_DAYS,
    VIEW,
    _form_with_patient_picker,
    _picked_patient,
    chosen_id,
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


@require_safe
@permission_required(VIEW, raise_exception=True)
def find_slot(request: AuthenticatedRequest) -> HttpResponse:
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
            # The patient record's "Book" button: the patient goes on to the booking form.
            "patient": chosen_id(request.GET.get("patient")) or "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(BOOK, raise_exception=True)
def book(request: AuthenticatedRequest) -> HttpResponse:
    form = _form_with_patient_picker(request, f.BookingForm)
    done = run_form_action(
        request,
        form,
        lambda data: services.book_appointment(
            actor=request.user,
            patient=_picked_patient(request.user, data["patient"]),
            provider=data["provider"],
            location=data["location"],
            appointment_type=data["appointment_type"],
            start=data["start"],
            reason=data["reason"],
            note=data["note"],
            overbook=data["overbook"],
        ),
        success=lambda appointment: f"Booked {appointment.patient} {_when(appointment)}.",
        redirect_to=lambda appointment: redirect("scheduling:appointment", pk=appointment.pk),
        labels=FORM_LABELS,
    )
    if done is not None:
        return done
    source = request.POST if request.method == "POST" else request.GET
    slot = _slot_summary(source)
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "slot": slot,
            "alerts": _picked_alerts(request, source),
            "title": "Book a visit",
        },
    )


def _picked_alerts(request: AuthenticatedRequest, source: Any) -> list[str]:
    """The alerts of the patient picked on the form ("Needs interpreter: Portuguese")."""
    picked = chosen_id(source.get("patient"))
    if picked is None:
        return []
    from medoffice.patients.selectors import patient_alert_labels

    return patient_alert_labels(request.user, picked)


def _slot_summary(source: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, model in (
        ("appointment_type", AppointmentType),
        ("provider", Provider),
        ("location", Location),
    ):
        pk = chosen_id(source.get(key))
        out[key] = model.objects.filter(pk=pk).first() if pk is not None else None
    try:
        start = dt.datetime.fromisoformat(source.get("start", ""))
        if timezone.is_naive(start):
            start = start.replace(tzinfo=services.practice_zone())
        out["start"] = start.astimezone(services.practice_zone())
    except (ValueError, OverflowError):  # no time, or one at the calendar's very ends
        out["start"] = None
    return out


def _when(appointment: Appointment) -> str:
    local = appointment.start.astimezone(services.practice_zone())
    return f"on {as_weekday_date(local)} at {as_time(local)} with {appointment.provider}"


def _appointment_or_404(
    request: AuthenticatedRequest, pk: int, action: str = "view"
) -> Appointment:
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


@require_safe
@permission_required(VIEW, raise_exception=True)
def appointment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
            messages.error(request, refusal_text(exc))
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
def no_show(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk, "change")
    try:
        services.mark_no_show(actor=request.user, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "Marked as a no-show; the time is free again.")
    return redirect("scheduling:appointment", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required(BOOK, raise_exception=True)
def reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, f"Moved to {_when(new)[3:]}.")
            return redirect("scheduling:appointment", pk=new.pk)
    else:
        messages.error(request, "Time: pick a slot from the list.")
    return redirect("scheduling:appointment", pk=pk)


@require_POST
@permission_required(BOOK, raise_exception=True)
def offer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.restrict(request.user, "change"), pk=pk)
    appointment = _appointment_or_404(request, int(request.POST.get("appointment") or 0))
    try:
        services.offer_slot_to_waitlist(actor=request.user, entry=entry, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, f"Offer to {entry.patient} recorded and queued.")
    return redirect("scheduling:appointment", pk=appointment.pk)


# --- recurring series ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(BOOK, raise_exception=True)
def series(request: AuthenticatedRequest) -> HttpResponse:
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
            errors_onto_form(form, exc, labels=FORM_LABELS)
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
