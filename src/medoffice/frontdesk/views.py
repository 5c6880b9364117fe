"""The front desk's pages: day and week views, check-in, the flow board, check-out.

Thin views: reads through ``frontdesk.selectors`` (the grids, the board) and the
scheduling selectors, writes through services (``frontdesk.services.check_in``,
``scheduling.services.change_status``, ``book_appointment``, ``create_recall``,
``billing.services.take_payment``, ``patients.services.give_consent``). Copays and
receipts are billing's (``billing.forms``, ``billing.views``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing import selectors as billing_selectors
from medoffice.billing import services as billing_services
from medoffice.billing.forms import BalancePaymentForm
from medoffice.billing.models import PatientPayment
from medoffice.billing.selectors import eligibility as eligibility_selectors
from medoffice.billing.selectors.encounters import charges_of_visits
from medoffice.core.audit import record_event
from medoffice.core.formaction import errors_onto_form, refusal_text, run_form_action
from medoffice.core.formats import as_date, as_time, as_weekday_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import AuditAction, Location, User
from medoffice.core.params import date_param
from medoffice.frontdesk import services as desk_services
from medoffice.frontdesk.choices import (
    CHANGE_BOOK,
    CHANGE_FLOW,
    DEFAULT_STEP,
    MOVE_LABELS,
    STEPS,
    VIEW_BOOK,
    S,
)
from medoffice.frontdesk.forms import CheckInForm, RecallForm
from medoffice.frontdesk.selectors import (
    REQUIRED_CONSENTS,
    consent_summary,
    coverage_summary,
    day_grid,
    find_slot_url,
    flow_board_context,
    follow_up_slots,
    user_locations,
    week_grid,
)
from medoffice.patients import selectors as patient_selectors
from medoffice.patients import services as patient_services
from medoffice.patients.models import ConsentKind
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    Appointment,
    Provider,
    Resource,
)

# --- helpers ------------------------------------------------------------------------


def _deny_unless(request: AuthenticatedRequest, *perms: str) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied("Your role does not allow this.")


def _pick_location(request: AuthenticatedRequest, locations: list[Location]) -> Location | None:
    wanted = request.GET.get("location", "")
    for location in locations:
        if str(location.pk) == wanted or location.code == wanted:
            return location
    if wanted:
        raise Http404("No such location.")
    return locations[0] if locations else None


def _audit_book_read(user: User, what: str, shown: Iterable[Any]) -> None:
    """One entry for a view of the book: the patients of the visits it shows."""
    ids = [a.patient_id for a in shown]
    record_event(
        AuditAction.READ,
        user=user,
        object_type="scheduling.appointment",
        data_category="schedule",
        patient_ids=ids,
        detail=f"{what}: {len(ids)} shown",
    )


def _grid_appointments(grid: dict[str, Any]) -> list[Any]:
    return [a for column in grid["columns"] for a in column.appointments]


def _step(request: AuthenticatedRequest) -> int:
    try:
        step = int(request.GET.get("step", DEFAULT_STEP))
    except ValueError:
        step = DEFAULT_STEP
    return step if step in STEPS else DEFAULT_STEP


@require_safe
@permission_required(VIEW_BOOK, raise_exception=True)
def day_view(request: AuthenticatedRequest) -> HttpResponse:
    tz = timezone.get_current_timezone()
    day = date_param(request.GET, "date", timezone.localdate())
    locations = user_locations(request.user)
    location = _pick_location(request, locations)
    by = "room" if request.GET.get("by") == "room" else "provider"
    step = _step(request)
    grid = (
        day_grid(request.user, day=day, location=location, by=by, step=step, tz=tz)
        if location
        else {"columns": [], "rows": [], "appointment_count": 0}
    )
    _audit_book_read(
        request.user,
        f"day view {day.isoformat()} {location.code if location else ''}",
        _grid_appointments(grid),
    )
    base = {"location": location.pk if location else "", "by": by, "step": step}
    return render(
        request,
        "frontdesk/day.html",
        {
            "title": f"Day view · {as_weekday_date(day)}",
            "day": day,
            "locations": locations,
            "location": location,
            "by": by,
            "by_room": by == "room",
            "step": step,
            "steps": STEPS,
            "grid": grid,
            "prev_url": "?" + urlencode({**base, "date": (day - dt.timedelta(days=1)).isoformat()}),
            "next_url": "?" + urlencode({**base, "date": (day + dt.timedelta(days=1)).isoformat()}),
            "today_url": "?" + urlencode(base),
            "week_url": reverse("frontdesk:week")
            + "?"
            + urlencode({"date": day.isoformat(), "location": base["location"]}),
            "is_today": day == timezone.localdate(),
            "charge_visits": charges_of_visits(
                request.user, [a.pk for a in _grid_appointments(grid)]
            ),
        },
    )


def _own_provider(user: User, providers: list[Provider]) -> Provider | None:
    """The provider record of the user, when they are one of ``providers``."""
    own = getattr(user, "provider", None) if hasattr(user, "provider") else None
    return next((p for p in providers if own and p.pk == own.pk), None)


@require_safe
@permission_required(VIEW_BOOK, raise_exception=True)
def week_view(request: AuthenticatedRequest) -> HttpResponse:
    """One provider's week at one location (``?location=`` as in the day view)."""
    tz = timezone.get_current_timezone()
    day = date_param(request.GET, "date", timezone.localdate())
    monday = day - dt.timedelta(days=day.weekday())
    visible = list(selectors.providers_for(request.user).prefetch_related("locations"))
    wanted = request.GET.get("provider", "")
    asked = next((p for p in visible if str(p.pk) == wanted), None)
    if wanted and asked is None:
        raise Http404("No such provider.")
    locations = user_locations(request.user)
    if request.GET.get("location"):
        location = _pick_location(request, locations)
    else:
        # No location in the address: the first location the provider works at.
        preferred = asked or _own_provider(request.user, visible)
        works_at = set(preferred.locations.all()) if preferred else set()
        location = next((loc for loc in locations if loc in works_at), None) or (
            locations[0] if locations else None
        )
    providers = [p for p in visible if location and location in set(p.locations.all())]
    provider = asked if asked in providers else None
    if provider is None:
        provider = _own_provider(request.user, providers) or (providers[0] if providers else None)
        if asked is not None and location is not None:
            showing = f" Showing {provider}." if provider else ""
            messages.info(request, f"{asked} does not work at {location.name}.{showing}")
    step = _step(request)
    grid = (
        week_grid(
            request.user, monday=monday, provider=provider, location=location, step=step, tz=tz
        )
        if provider and location
        else {"columns": [], "rows": [], "appointment_count": 0}
    )
    _audit_book_read(
        request.user,
        f"week view {monday.isoformat()} {location.code if location else ''} "
        f"provider {getattr(provider, 'pk', '')}",
        _grid_appointments(grid),
    )
    base = {
        "location": location.pk if location else "",
        "provider": provider.pk if provider else "",
        "step": step,
    }
    return render(
        request,
        "frontdesk/week.html",
        {
            "title": f"Week view · week of {as_date(monday)}",
            "monday": monday,
            "locations": locations,
            "location": location,
            "providers": providers,
            "provider": provider,
            "step": step,
            "steps": STEPS,
            "grid": grid,
            "prev_url": "?"
            + urlencode({**base, "date": (monday - dt.timedelta(days=7)).isoformat()}),
            "next_url": "?"
            + urlencode({**base, "date": (monday + dt.timedelta(days=7)).isoformat()}),
            "today_url": "?" + urlencode(base),
            "day_url": reverse("frontdesk:day")
            + "?"
            + urlencode({"date": monday.isoformat(), "location": base["location"]}),
        },
    )


# --- check-in ------------------------------------------------------------------------


def _appointment_for(request: AuthenticatedRequest, pk: int, action: str = "view") -> Appointment:
    return get_object_or_404(
        Appointment.objects.restrict(request.user, action).select_related(
            "patient", "provider", "location", "appointment_type", "room"
        ),
        pk=pk,
    )


def _check_in_context(request: AuthenticatedRequest, appointment: Appointment) -> dict[str, Any]:
    day = appointment.start.astimezone(timezone.get_current_timezone()).date()
    patient = patient_selectors.get_patient(request.user, appointment.patient_id)
    payments = billing_selectors.visit_payments(request.user, appointment)
    coverage = coverage_summary(patient, day)
    return {
        "appointment": appointment,
        "patient": patient,
        "coverage": coverage,
        # The latest eligibility answer: shown, and warned about, never in the way of check-in.
        "eligibility": eligibility_selectors.for_visit(
            request.user, appointment, coverage["primary"], day
        ),
        "consent": consent_summary(patient),
        "alerts": patient_selectors.patient_alert_labels(request.user, patient.pk),
        "payments": payments,
        "payments_total": billing_selectors.visit_net_total(payments),
        "can_check_in": appointment.status in {S.SCHEDULED, S.CONFIRMED},
        "patient_url": reverse("patients:detail", args=[patient.pk]),
        "title": f"Check in · {patient.last_name}, {patient.first_name}",
    }


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE_BOOK, raise_exception=True)
def check_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for(request, pk, "change")
    context = _check_in_context(request, appointment)
    copay = context["coverage"]["copay"]
    form = CheckInForm(request.POST or None, initial={"amount": copay or ""})

    def checked_in(result: tuple[PatientPayment | None, Appointment]) -> str:
        payment, arrived = result
        late = " (arrived late)" if arrived.is_late_arrival else ""
        return (
            f"{context['patient'].first_name} {context['patient'].last_name} is checked in{late}."
            + (f" Receipt {payment.receipt_number}." if payment else "")
        )

    done = run_form_action(
        request,
        form,
        lambda data: desk_services.check_in(
            actor=request.user,
            appointment=appointment,
            amount=data.get("amount"),
            method=data.get("method", ""),
            reference=data.get("reference", ""),
        ),
        success=checked_in,
        redirect_to=lambda result: redirect("frontdesk:check-in", pk=appointment.pk),
    )
    if done is not None:
        return done
    context["form"] = form
    return render(request, "frontdesk/check_in.html", context)


@require_POST
@permission_required(CHANGE_BOOK, raise_exception=True)
def record_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One click at check-in: "the patient signed the privacy notice / financial policy today"."""
    appointment = _appointment_for(request, pk, "change")
    kind = request.POST.get("kind", "")
    if kind not in {k.value for k in REQUIRED_CONSENTS}:
        messages.error(
            request, "Choose which consent the patient gave (privacy notice or financial policy)."
        )
        return redirect("frontdesk:check-in", pk=pk)
    try:
        patient_services.give_consent(
            actor=request.user,
            patient=appointment.patient,
            kind=kind,
            given_on=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, f"{ConsentKind(kind).label}: consent recorded as given today.")
    return redirect("frontdesk:check-in", pk=pk)


def _render_board(
    request: AuthenticatedRequest,
    location: Location | None,
    locations: list[Location],
    error: str = "",
) -> HttpResponse:
    context = flow_board_context(request.user, location, timezone.now())
    context.update({"locations": locations, "error": error, "title": "Patient flow board"})
    cards = [card["a"] for column in context["columns"] for card in column["cards"]]
    _audit_book_read(request.user, f"flow board {location.code if location else ''}", cards)
    template = "frontdesk/flow.html"
    if getattr(request, "htmx", False):
        template += "#board"
    return render(request, template, context)


@require_safe
@permission_required(VIEW_BOOK, raise_exception=True)
def flow_board(request: AuthenticatedRequest) -> HttpResponse:
    locations = user_locations(request.user)
    return _render_board(request, _pick_location(request, locations), locations)


@require_POST
@permission_required(VIEW_BOOK, raise_exception=True)
def flow_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Move a visit to its next status (room picker when rooming); htmx gets the board back."""
    _deny_unless(request, CHANGE_FLOW)
    appointment = _appointment_for(request, pk, "view")
    to_status = request.POST.get("to_status", "")
    error = ""
    room = None
    room_id = request.POST.get("room", "")
    if room_id:
        room = (
            Resource.objects.restrict(request.user, "view")
            .filter(pk=room_id if room_id.isdigit() else 0, location=appointment.location)
            .first()
        )
        if room is None:
            error = "Room: choose one of this location's rooms."
    if not error and to_status not in MOVE_LABELS:
        error = "Choose the status to move the patient to."
    if not error and to_status == S.ROOMED and room is None:
        has_rooms = Resource.objects.filter(
            location=appointment.location, kind="room", is_active=True
        ).exists()
        if has_rooms:
            error = "Room: choose the room the patient is taken to."
    if not error:
        try:
            services.change_status(
                actor=request.user,
                appointment=appointment,
                to_status=to_status,
                room=room,
                note=request.POST.get("note", "")[:200],
            )
        except ValidationError as exc:
            error = refusal_text(exc)
    locations = user_locations(request.user)
    location = appointment.location if appointment.location in locations else None
    if getattr(request, "htmx", False):
        return _render_board(request, location, locations, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            f"{appointment.patient.last_name}: {S(to_status).label}.",
        )
    return redirect(reverse("frontdesk:flow") + f"?location={appointment.location_id}")


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE_BOOK, raise_exception=True)
def check_out(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for(request, pk, "change")
    patient = patient_selectors.get_patient(request.user, appointment.patient_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    payment_form = BalancePaymentForm(request.POST if action == "payment" else None)
    recall_form = RecallForm(request.POST if action == "recall" else None, user=request.user)
    errors: list[str] = []
    if request.method == "POST":
        done = _check_out_action(request, appointment, action, payment_form, recall_form, errors)
        if done:
            return redirect("frontdesk:check-out", pk=pk)
    now = timezone.now()
    payments = billing_selectors.visit_payments(request.user, appointment)
    context = {
        "appointment": appointment,
        "patient": patient,
        "payment_form": payment_form,
        "recall_form": recall_form,
        "errors": errors,
        "slots": follow_up_slots(appointment, now),
        "find_slot_url": find_slot_url(
            appointment_type=appointment.appointment_type_id,
            providers=appointment.provider_id,
            locations=appointment.location_id,
            patient=patient.pk,
        ),
        "payments": payments,
        "payments_total": billing_selectors.visit_net_total(payments),
        "recalls": list(patient.recalls.filter(status="due").order_by("due_date")[:5]),
        "follow_ups": list(
            Appointment.objects.restrict(request.user, "view")
            .filter(patient=patient, start__gt=appointment.end)
            .exclude(status=S.CANCELLED)
            .select_related("provider", "appointment_type")[:5]
        ),
        "can_finish": appointment.status in {S.WITH_PROVIDER, S.CHECKOUT},
        "charges": charges_of_visits(request.user, [appointment.pk]),
        "title": f"Check out · {patient.last_name}, {patient.first_name}",
    }
    return render(request, "frontdesk/check_out.html", context)


def _check_out_action(
    request: AuthenticatedRequest,
    appointment: Appointment,
    action: str,
    payment_form: forms.Form,
    recall_form: forms.Form,
    errors: list[str],
) -> bool:
    user = request.user
    try:
        if action == "payment":
            if not payment_form.is_valid():
                return False
            payment = billing_services.take_payment(
                actor=user,
                patient=appointment.patient,
                location=appointment.location,
                appointment=appointment,
                amount=payment_form.cleaned_data["amount"],
                method=payment_form.cleaned_data["method"],
                reference=payment_form.cleaned_data["reference"],
                kind="balance",
            )
            messages.success(request, f"Payment received. Receipt {payment.receipt_number}.")
            return True
        if action == "recall":
            if not recall_form.is_valid():
                return False
            data = recall_form.cleaned_data
            services.create_recall(
                actor=user,
                patient=appointment.patient,
                reason=data["reason"],
                due_date=data["due_date"],
                appointment_type=data.get("appointment_type"),
                provider=appointment.provider,
            )
            messages.success(
                request, f"Recall set: {data['reason']} due {as_date(data['due_date'])}."
            )
            return True
        if action == "book":
            try:
                start = dt.datetime.fromisoformat(request.POST.get("start", ""))
            except ValueError:
                errors.append("Start: pick one of the open times.")
                return False
            if start.tzinfo is None:
                errors.append("Start: pick one of the open times.")
                return False
            new = services.book_appointment(
                actor=user,
                patient=appointment.patient,
                provider=appointment.provider,
                location=appointment.location,
                appointment_type=appointment.appointment_type,
                start=start,
                reason="follow-up",
            )
            when = f"{as_weekday_date(new.start)} {as_time(new.start)}"
            messages.success(request, f"Follow-up booked for {when}.")
            return True
        if action == "done":
            services.change_status(actor=user, appointment=appointment, to_status=S.COMPLETED)
            messages.success(request, "Visit done.")
            return True
    except ValidationError as exc:
        form = payment_form if action == "payment" else recall_form if action == "recall" else None
        if form is not None:
            errors_onto_form(form, exc)
        else:
            errors.extend(exc.messages)
        return False
    errors.append("Choose what to do: book the follow-up, set a recall, take a payment or finish.")
    return False
