"""Charge capture pages: a visit's charges (diagnoses, service lines, review), the look-ups
its pickers use (ICD-10-CM, procedure codes, the standard charge) and the coder queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing import icd10
from medoffice.billing.choices import EncounterStatus, OtherDateKind, ReferringRole
from medoffice.billing.filters.encounters import CodingQueueFilter
from medoffice.billing.forms.encounters import LINE_FIELDS, charges_from_post, line_count
from medoffice.billing.models import Encounter, Modifier, PlaceOfService, ProcedureCode
from medoffice.billing.selectors import encounters as selectors
from medoffice.billing.selectors.fees import standard_charge
from medoffice.billing.services import encounters as services
from medoffice.billing.services.encounters import (
    EDITABLE,
    MAX_DIAGNOSES,
    NDC_UNITS,
    ChargesInput,
    LineInput,
    pointer_letter,
)
from medoffice.core.audit import record_event
from medoffice.core.formaction import refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.scheduling.models import Appointment, Provider

BLANK_LINES = 2  # empty rows offered under the entered lines
MORE_LINES = 3  # rows the "More lines" button adds


def _error_map(exc: ValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {NON_FIELD_ERRORS: list(exc.messages)}
    return {
        field: [str(m) for e in errors for m in e.messages]
        for field, errors in exc.error_dict.items()
    }


def _procedure_descriptions(codes: set[str]) -> dict[str, str]:
    return dict(
        ProcedureCode.objects.filter(code__in=codes).values_list("code", "short_description")
    )


def _checked(value: Any) -> bool:
    """A line's check box as entered (a bool, or what the form posted)."""
    return value is True or str(value).strip().lower() in {"on", "1", "true", "yes", "y"}


def _form_context(
    data: ChargesInput, errors: dict[str, list[str]], rows: int, visit: Appointment
) -> dict[str, Any]:
    diagnoses = []
    for n in range(1, MAX_DIAGNOSES + 1):
        code = icd10.normalize(data.diagnoses[n - 1]) if n <= len(data.diagnoses) else ""
        diagnoses.append(
            {
                "n": n,
                "name": f"diagnosis_{n}",
                "testid": f"dx-{pointer_letter(n)}",
                "aria": f"diagnosis {pointer_letter(n)}",
                "letter": pointer_letter(n),
                "code": code,
                "display": icd10.display(code) if code else "",
                "description": icd10.describe(code) if code else "",
                "label": f"{icd10.display(code)} {icd10.describe(code)}".strip() if code else "",
                "errors": errors.get(f"diagnosis_{n}", []),
            }
        )
    descriptions = _procedure_descriptions(
        {(line.procedure_code or "").upper() for line in data.lines}
    )
    lines = []
    for n in range(1, max(rows, len(data.lines)) + 1):
        line = data.lines[n - 1] if n <= len(data.lines) else LineInput(units="")
        code = (line.procedure_code or "").strip().upper()
        values = {
            "procedure_code": code,
            "modifiers": " ".join(line.modifiers),
            "units": line.units,
            "charge": line.charge,
            "pointers": "".join(line.pointers)
            if all(len(p) == 1 for p in line.pointers)
            else " ".join(line.pointers),
            "description": line.description,
            "ndc": line.ndc,
            "ndc_quantity": line.ndc_quantity,
            "ndc_unit": line.ndc_unit,
            "emergency": _checked(line.emergency),
            "epsdt": _checked(line.epsdt),
            "family_planning": _checked(line.family_planning),
            "purchased_charge": line.purchased_charge,
        }
        lines.append(
            {
                "n": n,
                "code_name": f"line_{n}_procedure_code",
                "code_testid": f"code-{n}",
                "code_aria": f"procedure code of line {n}",
                "values": values,
                "code_label": f"{code} {descriptions.get(code, '')}".strip() if code else "",
                "errors": {f: errors.get(f"line_{n}_{f}", []) for f in LINE_FIELDS},
                "has_errors": any(errors.get(f"line_{n}_{f}") for f in LINE_FIELDS),
            }
        )
    providers = (
        Provider.objects.filter(is_active=True)
        .filter(
            Q(locations=visit.location_id) | Q(pk=data.rendering_provider_id or visit.provider_id)
        )
        .distinct()
    )
    return {
        "data": data,
        "diagnoses": diagnoses,
        "lines": lines,
        "line_count": len(lines),
        "errors": errors,
        "top_errors": errors.get(NON_FIELD_ERRORS, [])
        + errors.get("diagnoses", [])
        + errors.get("lines", []),
        "error_count": sum(len(v) for v in errors.values()),
        "providers": providers,
        "places": list(PlaceOfService.objects.filter(is_active=True).values_list("code", "name")),
        "referring_roles": ReferringRole.choices,
        "other_date_kinds": OtherDateKind.choices,
        "modifiers": list(
            Modifier.objects.filter(is_active=True).values_list("code", "description")
        ),
        "ndc_units": NDC_UNITS,
        "icd10_url": reverse("billing_office:icd10-options"),
        "procedures_url": reverse("billing_office:procedure-options"),
    }


def _default_input(visit: Appointment) -> ChargesInput:
    return ChargesInput(
        rendering_provider_id=visit.provider_id,
        place_of_service=visit.location.place_of_service or "11",
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_ENCOUNTER, raise_exception=True)
def visit_charges(request: AuthenticatedRequest, appointment_id: int) -> HttpResponse:
    """A visit's charges: the form while they are being coded, the review, or what was billed."""
    user = request.user
    visit = selectors.visit_for_charges(user, appointment_id)
    encounter = selectors.encounter_of_visit(user, visit)
    if encounter is None:
        record_event(
            AuditAction.READ,
            user=user,
            obj=visit,
            patient_id=visit.patient_id,
            data_category="charges",
            detail="charges of a visit not yet coded",
        )
    errors: dict[str, list[str]] = {}
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "POST" and action in {"save", "review", "more"}:
        data = charges_from_post(request.POST)
        rows = line_count(request.POST)
        if action == "more":
            rows += MORE_LINES
        else:
            try:
                with transaction.atomic():
                    if encounter is None:
                        encounter = services.open_encounter(actor=user, appointment=visit)
                    services.save_charges(actor=user, encounter=encounter, data=data)
                    if action == "review":
                        services.send_to_review(actor=user, encounter=encounter)
            except ValidationError as exc:
                encounter = selectors.encounter_of_visit(user, visit) if encounter else None
                errors = _error_map(exc)
            else:
                messages.success(
                    request,
                    "Charges sent to review." if action == "review" else "Charges saved.",
                )
                return redirect("billing_office:visit-charges", appointment_id=visit.pk)
    elif request.method == "POST" and action == "no_charge":
        try:
            with transaction.atomic():
                if encounter is None:
                    encounter = services.open_encounter(actor=user, appointment=visit)
                services.mark_no_charge(
                    actor=user, encounter=encounter, note=request.POST.get("no_charge_note", "")
                )
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, "The visit is marked no charge.")
        return redirect("billing_office:visit-charges", appointment_id=visit.pk)
    elif request.method == "POST":
        messages.error(request, "Unknown action.")
        return redirect("billing_office:visit-charges", appointment_id=visit.pk)
    else:
        data = (
            services.charges_input_from_encounter(encounter)
            if encounter is not None
            else _default_input(visit)
        )
        rows = len(data.lines) + BLANK_LINES
    editable = (encounter is None or encounter.status in EDITABLE) and services.may_code(
        user, visit
    )
    if encounter is not None and encounter.status == EncounterStatus.REVIEW:
        editable = editable and user.has_perm(Permission.REVIEW_ENCOUNTER)
    context = {
        "title": f"Charges · {visit.patient.last_name}, {visit.patient.first_name}",
        "visit": visit,
        "encounter": encounter,
        "editable": editable,
        "can_review": encounter is not None
        and encounter.status == EncounterStatus.REVIEW
        and user.has_perm(Permission.REVIEW_ENCOUNTER),
        "claims": list(encounter.claims.all()) if encounter is not None else [],
        "can_see_claims": user.has_perm(Permission.VIEW_CLAIM),
        **_form_context(data, errors, rows, visit),
    }
    return render(
        request, "billing/encounters/charges.html", context, status=400 if errors else 200
    )


@require_POST
@permission_required(Permission.REVIEW_ENCOUNTER, raise_exception=True)
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The reviewer's decision: approve (the claim is made) or return with a note."""
    encounter = selectors.get_encounter(request.user, pk, "review", audit=False)
    decision = request.POST.get("decision", "")
    if decision not in {"approve", "return"}:
        messages.error(request, "Choose to approve or to return the charges.")
    else:
        try:
            services.review_encounter(
                actor=request.user,
                encounter=encounter,
                approve=decision == "approve",
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(
                request,
                "Approved: the claim is made."
                if decision == "approve"
                else "Returned to the coder.",
            )
            if request.POST.get("next") == "queue":
                return redirect("billing_office:coding")
    return redirect("billing_office:visit-charges", appointment_id=encounter.appointment_id)


# --- look-ups for the pickers ----------------------------------------------------------------


def _query(request: AuthenticatedRequest) -> str:
    return request.GET.get("q", "").strip()[:60]


@require_safe
@permission_required(Permission.VIEW_ENCOUNTER, raise_exception=True)
def icd10_options(request: AuthenticatedRequest) -> HttpResponse:
    """Billable ICD-10-CM codes for the diagnosis picker (the combobox's options)."""
    query = _query(request)
    found = icd10.search(query, 15) if len(query) >= 2 else []
    if not query:
        return HttpResponse("")
    if not found:
        return HttpResponse(
            format_html(
                '<div class="list-group shadow-sm"><div class="list-group-item small '
                'text-body-secondary">No billable code matches “{}”.</div></div>',
                query,
            )
        )
    options = format_html_join(
        "",
        '<button type="button" class="list-group-item list-group-item-action py-1" role="option" '
        'aria-selected="false" data-value="{}" data-label="{} {}" data-testid="dx-option">'
        '<strong>{}</strong> <span class="small">{}</span></button>',
        ((d.code, d.display, d.description, d.display, d.description) for d in found),
    )
    return HttpResponse(
        format_html(
            '<div class="list-group shadow-sm" role="listbox" aria-label="Diagnoses">{}</div>',
            options,
        )
    )


@require_safe
@permission_required(Permission.VIEW_ENCOUNTER, raise_exception=True)
def procedure_options(request: AuthenticatedRequest) -> HttpResponse:
    """Active procedure codes for the line's code picker, by code or words of its description."""
    query = _query(request)
    if not query:
        return HttpResponse("")
    found = list(
        ProcedureCode.objects.filter(is_active=True)
        .filter(Q(code__istartswith=query) | Q(short_description__icontains=query))
        .order_by("code")[:15]
    )
    if not found:
        return HttpResponse(
            format_html(
                '<div class="list-group shadow-sm"><div class="list-group-item small '
                'text-body-secondary">No procedure code matches “{}”.</div></div>',
                query,
            )
        )
    options = format_html_join(
        "",
        '<button type="button" class="list-group-item list-group-item-action py-1" role="option" '
        'aria-selected="false" data-value="{}" data-label="{} {}" data-testid="code-option">'
        '<strong>{}</strong> <span class="small">{}</span></button>',
        ((p.code, p.code, p.short_description, p.code, p.short_description) for p in found),
    )
    return HttpResponse(
        format_html(
            '<div class="list-group shadow-sm" role="listbox" aria-label="Procedure codes">{}</div>',
            options,
        )
    )


@require_safe
@permission_required(Permission.VIEW_ENCOUNTER, raise_exception=True)
def charge_price(request: AuthenticatedRequest) -> JsonResponse:
    """The standard charge of a code × units on a date: ``{"charge": "300.00"}`` or null."""
    code = request.GET.get("code", "").strip().upper()[:5]
    modifiers = [
        m for m in request.GET.get("modifiers", "").replace(",", " ").upper().split() if m
    ][:4]
    try:
        on_text = request.GET.get("on", "")
        on = dt.date.fromisoformat(on_text) if on_text else timezone.localdate()
        units = Decimal(request.GET.get("units", "1") or "1")
        if not units.is_finite() or units <= 0 or units > Decimal("9999.999"):
            raise InvalidOperation
    except (ValueError, InvalidOperation):
        return JsonResponse({"detail": "Give on=YYYY-MM-DD and units more than 0."}, status=400)
    one = standard_charge(code, modifiers, on) if code else None
    return JsonResponse(
        {"charge": None if one is None else str((one * units).quantize(Decimal("0.01")))}
    )


# --- the coder queue ---------------------------------------------------------------------------


class CodingQueue(ListPage):
    """Charges waiting for coder review, oldest visit first."""

    model = Encounter
    title = "Coder review"
    intro = "Visits whose charges wait for review. Open one to approve it (the claim is made) or return it to the coder."
    filterset_class = CodingQueueFilter
    default_sort = "date_of_service"
    data_category = "charges"
    patient_field = "patient_id"
    columns = [
        Column(
            "date_of_service",
            "Date of service",
            link=lambda e: reverse("billing_office:visit-charges", args=[e.appointment_id]),
        ),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda e: f"{e.patient.last_name}, {e.patient.first_name}",
        ),
        Column(
            "rendering_provider",
            "Provider",
            order_by="rendering_provider__last_name",
            value=lambda e: str(e.rendering_provider),
        ),
        Column("location", "Location", order_by="location__code", value=lambda e: e.location.code),
        Column("status", "Status", value=lambda e: e.get_status_display()),
        Column(
            "coded_by",
            "Coded by",
            order_by="coded_by__last_name",
            value=lambda e: e.coded_by.get_full_name() if e.coded_by else "",
        ),
        Column("revision", "Revision", css="text-end"),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.REVIEW_ENCOUNTER]

    def base_queryset(self) -> QuerySet:
        return selectors.encounters(self.request.user, "review")
