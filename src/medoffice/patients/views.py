from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medoffice.core.identifiers import mask_ssn
from medoffice.core.listing import Column, ListPage
from medoffice.patients import selectors, services
from medoffice.patients.forms import EmergencyAccessForm, PatientFilterForm, ReviewForm
from medoffice.patients.models import EmergencyAccess, Patient


class PatientListPage(ListPage):
    model = Patient
    title = "Patients"
    filter_form_class = PatientFilterForm
    default_sort = "name"
    data_category = "demographics"
    columns = [
        Column("mrn", "MRN", link=lambda p: reverse("patients:detail", args=[p.pk])),
        Column(
            "name",
            "Name",
            order_by="last_name",
            value=lambda p: f"{p.last_name}, {p.first_name}",
            link=lambda p: reverse("patients:detail", args=[p.pk]),
        ),
        Column("date_of_birth", "Date of birth"),
        Column("sex", "Sex", value=lambda p: p.get_sex_display()),
        Column(
            "home_location",
            "Location",
            order_by="home_location__name",
            value=lambda p: p.home_location.name if p.home_location else "",
        ),
        Column("phone", "Phone"),
    ]

    def base_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.patient_list(self.request.user)


def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        patient = selectors.get_patient(request.user, pk)
    except selectors.OutsideScope:
        return redirect("patients:emergency-access", pk=pk)
    ssn = ""
    if patient.ssn:
        ssn = mask_ssn(patient.ssn)
        if request.GET.get("show") == "ssn" and request.user.has_perm("patients.view_ssn"):
            ssn = selectors.reveal_ssn(request.user, patient)
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "ssn": ssn,
            "title": patient.full_name,
            "can_reveal": bool(patient.ssn) and request.user.has_perm("patients.view_ssn"),
        },
    )


@permission_required("patients.emergency_access", raise_exception=True)
def emergency_access(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if selectors.patient_list(request.user).filter(pk=pk).exists():
        return redirect("patients:detail", pk=pk)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_emergency_access(
                user=request.user, patient=patient, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        else:
            messages.warning(
                request, "Emergency access granted for 4 hours. The office manager will review it."
            )
            return redirect("patients:detail", pk=pk)
    return render(
        request,
        "patients/emergency_access.html",
        {"form": form, "patient_id": pk, "title": "Emergency access"},
    )


@permission_required("core.review_emergencyaccess", raise_exception=True)
def emergency_access_list(request: HttpRequest) -> HttpResponse:
    pending = selectors.unreviewed_emergency_accesses(request.user)
    reviewed = EmergencyAccess.objects.filter(reviewed_at__isnull=False).select_related(
        "user", "patient", "reviewed_by"
    )[:50]
    return render(
        request,
        "patients/emergency_accesses.html",
        {
            "pending": pending,
            "reviewed": reviewed,
            "form": ReviewForm(),
            "title": "Emergency accesses",
        },
    )


@require_POST
@permission_required("core.review_emergencyaccess", raise_exception=True)
def emergency_access_review(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_object_or_404(EmergencyAccess, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_emergency_access(
                actor=request.user, access=access, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Marked as reviewed.")
    return redirect("patients:emergency-accesses")
