from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.core.formaction import errors_onto_form, refusal_text, run_form_action
from medoffice.core.formats import as_date
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.identifiers import mask_ssn
from medoffice.core.listing import Column, ListPage
from medoffice.core.roles import Permission
from medoffice.patients import files, record, selectors, services
from medoffice.patients.filters import PatientFilter
from medoffice.patients.forms import (
    AlertForm,
    ConsentForm,
    CoverageForm,
    DocumentForm,
    EmergencyAccessForm,
    EndCoverageForm,
    MergeForm,
    PatientEditForm,
    RegistrationForm,
    ReviewForm,
    RevokeConsentForm,
)
from medoffice.patients.models import (
    Consent,
    Coverage,
    EmergencyAccess,
    Patient,
    PatientAlert,
    PatientDocument,
)
from medoffice.patients.phones import national
from medoffice.patients.selectors import primary_coverage


class PatientListPage(ListPage):
    model = Patient
    title = "Patients"
    filterset_class = PatientFilter
    default_sort = "name"
    data_category = "demographics"
    patient_field = "pk"
    # A list of every patient is a bulk disclosure: only the office manager exports it.
    export_action = "export"
    actions_template = "patients/_list_actions.html"
    columns = [
        Column("mrn", "MRN", link=lambda p: reverse("patients:detail", args=[p.pk])),
        Column(
            "name",
            "Name",
            order_by="search_last",
            value=lambda p: p.display_name + ("" if p.is_active else " (inactive)"),
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
        Column("phone", "Phone", value=lambda p: national(p.phone)),
    ]

    def base_queryset(self) -> QuerySet[Patient]:
        return selectors.listed_patients(self.request.user)

    def record_shown(self, objects: list[Any], form: Any) -> None:
        searched = form is not None and form.is_bound and form.is_valid()
        query = form.cleaned_data.get("q") if searched else None
        selectors.record_patients_shown(
            self.request.user, objects, where="patient list", query=query or None
        )


@require_safe
@login_required
def quick_search(request: AuthenticatedRequest) -> HttpResponse:
    """The live results under the search box (htmx): a few names, nothing opened."""
    if not request.user.has_perm(Permission.VIEW_PATIENT):
        return HttpResponse("Your role does not open patient records.", status=403)
    query = request.GET.get("q", "")[:150]
    results = []
    if len(query.strip()) >= 2:
        results = selectors.search_patients(request.user, query, limit=8)
        selectors.record_patients_shown(request.user, results, where="quick search", query=query)
    return render(
        request, "patients/_quick_results.html", {"results": results, "query": query.strip()}
    )


def _open(request: AuthenticatedRequest, pk: int, data_category: str = "demographics") -> Patient:
    """The patient through the audited selector; outside scope the caller redirects."""
    return selectors.get_patient(request.user, pk, data_category=data_category)


@require_safe
def patient_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        patient = selectors.get_patient(request.user, pk)
    except selectors.OutsideScope:
        return redirect("patients:emergency-access", pk=pk)
    if patient.merged_into_id:
        messages.info(
            request,
            f"Record {patient.mrn} was merged into this one; it is kept for reference only.",
        )
        return redirect("patients:detail", pk=patient.merged_into_id)
    ssn = ""
    if patient.ssn:
        ssn = mask_ssn(patient.ssn)
        if request.GET.get("show") == "ssn" and request.user.has_perm(Permission.VIEW_SSN):
            ssn = selectors.reveal_ssn(request.user, patient)
    can_change = request.user.has_perm(Permission.CHANGE_PATIENT)
    today = timezone.localdate()
    coverages = list(patient.coverages.select_related("payer"))
    alerts = list(patient.alerts.filter(is_active=True))
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "age": patient.age_on(today),
            "primary": primary_coverage(coverages, today),
            "parts": record.parts_for(request.user, patient, request.GET),
            "ssn": ssn,
            "title": patient.full_name,
            "can_reveal": bool(patient.ssn) and request.user.has_perm(Permission.VIEW_SSN),
            "can_change": can_change,
            "can_merge": request.user.has_perm(Permission.MERGE_PATIENT),
            # Book, Add to waitlist, Create recall (patients/_scheduling_actions.html).
            "can_book": request.user.has_perm(Permission.CHANGE_APPOINTMENT),
            "alerts": alerts,
            "coverages": coverages,
            "consents": patient.consents.all(),
            "documents": patient.documents.all(),
            "alert_form": AlertForm(),
            "consent_form": ConsentForm(initial={"given_on": timezone.localdate()}),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def patient_new(request: AuthenticatedRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, user=request.user)
    duplicates: list[services.Suggestion] = []
    duplicates_elsewhere = False
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                actor=request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                member_id=form.cleaned_data["member_id"],
                **form.service_fields(),
            )
        except services.DuplicateSuspected as exc:
            duplicates = exc.candidates
            duplicates_elsewhere = exc.elsewhere
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, f"Registered {patient.full_name}, MRN {patient.mrn}.")
            return redirect("patients:detail", pk=patient.pk)
    return render(
        request,
        "patients/patient_form.html",
        {
            "form": form,
            "title": "Register a patient",
            "duplicates": duplicates,
            "duplicates_elsewhere": duplicates_elsewhere,
            "creating": True,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def patient_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        patient = _open(request, pk)
    except selectors.OutsideScope:
        return redirect("patients:emergency-access", pk=pk)
    if patient.merged_into_id:
        return redirect("patients:detail", pk=patient.merged_into_id)
    form = PatientEditForm(request.POST or None, instance=patient, user=request.user)
    done = run_form_action(
        request,
        form,
        lambda data: services.update_patient(
            actor=request.user, patient=patient, **form.service_fields()
        ),
        success="Saved.",
        redirect_to=lambda saved: redirect("patients:detail", pk=patient.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "title": f"Edit {patient.full_name}", "patient": patient},
    )


# --- alerts, consents --------------------------------------------------------------------------


def _changeable(request: AuthenticatedRequest, pk: int, data_category: str) -> Patient:
    try:
        return _open(request, pk, data_category)
    except selectors.OutsideScope:
        raise Http404("No such patient.") from None


@require_POST
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def alert_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = _changeable(request, pk, "alerts")
    form = AlertForm(request.POST)
    if form.is_valid():
        services.add_alert(actor=request.user, patient=patient, **form.cleaned_data)
        messages.success(request, "Alert added.")
    else:
        messages.error(request, "Choose the kind of alert.")
    return redirect("patients:detail", pk=patient.pk)


@require_POST
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def alert_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = selectors.get_record_part(request.user, PatientAlert, pk, "change")
    patient = _changeable(request, alert.patient_id, "alerts")
    services.deactivate_alert(actor=request.user, alert=alert)
    messages.success(request, "Alert removed.")
    return redirect("patients:detail", pk=patient.pk)


@require_POST
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def consent_give(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = _changeable(request, pk, "consents")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.give_consent(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, "Consent recorded.")
    else:
        messages.error(
            request, "Consent: " + " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
    return redirect("patients:detail", pk=patient.pk)


def _confirm_page(
    request: AuthenticatedRequest,
    patient: Patient,
    form: forms.Form,
    *,
    title: str,
    what: str,
    button: str,
    testid: str,
) -> HttpResponse:
    """The confirmation step of ending a coverage or revoking a consent: what ends, the
    date (today unless changed), the button that does it and Cancel back to the record."""
    return render(
        request,
        "patients/confirm_end.html",
        {
            "title": title,
            "patient": patient,
            "form": form,
            "what": what,
            "button": button,
            "testid": testid,
            "back": reverse("patients:detail", args=[patient.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def consent_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Revoke a consent after a confirmation step (the date editable, today by default)."""
    consent = selectors.get_record_part(request.user, Consent, pk, "change")
    patient = _changeable(request, consent.patient_id, "consents")
    if consent.revoked_on:
        messages.info(request, f"This consent was revoked on {as_date(consent.revoked_on)}.")
        return redirect("patients:detail", pk=patient.pk)
    form = RevokeConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"revoked_on": timezone.localdate()},
    )
    done = run_form_action(
        request,
        form,
        lambda data: services.revoke_consent(actor=request.user, consent=consent, **data),
        success="Consent revoked.",
        redirect_to=lambda _: redirect("patients:detail", pk=patient.pk),
    )
    return done or _confirm_page(
        request,
        patient,
        form,
        title="Revoke a consent",
        what=f"{consent.get_kind_display()}, given {as_date(consent.given_on)}",
        button="Revoke consent",
        testid="confirm-revoke",
    )


# --- coverages ---------------------------------------------------------------------------------


def _coverage_page(
    request: AuthenticatedRequest, patient: Patient, coverage: Coverage | None
) -> HttpResponse:
    form = CoverageForm(request.POST or None, request.FILES or None, instance=coverage)
    done = run_form_action(
        request,
        form,
        lambda data: services.save_coverage(
            actor=request.user,
            patient=patient,
            coverage=coverage,
            card_front=data.get("card_front"),
            card_back=data.get("card_back"),
            **form.service_fields(),
        ),
        success="Coverage saved.",
        redirect_to=lambda saved: redirect("patients:detail", pk=patient.pk),
    )
    if done is not None:
        return done
    title = "Edit coverage" if coverage else "Add a coverage"
    return render(
        request,
        "patients/coverage_form.html",
        {"form": form, "patient": patient, "coverage": coverage, "title": title},
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def coverage_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _coverage_page(request, _changeable(request, pk, "insurance"), None)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def coverage_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    coverage = selectors.get_record_part(request.user, Coverage, pk, "change")
    return _coverage_page(request, _changeable(request, coverage.patient_id, "insurance"), coverage)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def coverage_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """End a coverage after a confirmation step (the last day covered editable, today by
    default); Cancel goes back to the record with the coverage as it was."""
    coverage = selectors.get_record_part(request.user, Coverage, pk, "change")
    patient = _changeable(request, coverage.patient_id, "insurance")
    if not coverage.is_active:
        messages.info(request, "This coverage has already ended.")
        return redirect("patients:detail", pk=patient.pk)
    form = EndCoverageForm(
        request.POST if request.method == "POST" else None,
        initial={"end_date": timezone.localdate()},
    )
    done = run_form_action(
        request,
        form,
        lambda data: services.end_coverage(actor=request.user, coverage=coverage, **data),
        success="Coverage ended.",
        redirect_to=lambda _: redirect("patients:detail", pk=patient.pk),
    )
    return done or _confirm_page(
        request,
        patient,
        form,
        title="End a coverage",
        what=f"{coverage.get_order_display()}: {coverage.payer}, member {coverage.member_id}",
        button="End coverage",
        testid="confirm-end",
    )


# --- files: served only through these views, checked and audited --------------------------------


def _serve(
    request: AuthenticatedRequest,
    patient_id: int,
    stored: Any,
    obj: Any,
    category: str,
    name: str,
    content_type: str = "",
) -> FileResponse:
    try:
        selectors.get_patient(request.user, patient_id, data_category=category)
    except selectors.OutsideScope:
        raise Http404("No such file.") from None
    return files.file_response(
        stored,
        user=request.user,
        obj=obj,
        patient_id=patient_id,
        category=category,
        name=name,
        content_type=content_type,
    )


@require_safe
@permission_required(Permission.VIEW_PATIENT, raise_exception=True)
def document_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    document = selectors.get_record_part(request.user, PatientDocument, pk)
    return _serve(
        request,
        document.patient_id,
        document.file,
        document,
        "documents",
        files.download_name(f"{document.kind}-{document.pk}", document.file),
        document.content_type,
    )


def _card(request: AuthenticatedRequest, pk: int, side: str) -> FileResponse:
    coverage = selectors.get_record_part(request.user, Coverage, pk)
    stored = getattr(coverage, f"card_{side}")
    return _serve(
        request,
        coverage.patient_id,
        stored,
        coverage,
        "insurance",
        files.download_name(f"card-{side}-{coverage.pk}", stored),
    )


@require_safe
@permission_required(Permission.VIEW_PATIENT, raise_exception=True)
def card_front(request: AuthenticatedRequest, pk: int) -> FileResponse:
    return _card(request, pk, "front")


@require_safe
@permission_required(Permission.VIEW_PATIENT, raise_exception=True)
def card_back(request: AuthenticatedRequest, pk: int) -> FileResponse:
    return _card(request, pk, "back")


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_PATIENT, raise_exception=True)
def document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = _changeable(request, pk, "documents")
    form = DocumentForm(request.POST or None, request.FILES or None)
    done = run_form_action(
        request,
        form,
        lambda data: services.upload_document(
            actor=request.user,
            patient=patient,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
        ),
        success="Document added.",
        redirect_to=lambda document: redirect("patients:detail", pk=patient.pk),
    )
    if done is not None:
        return done
    return render(
        request,
        "patients/document_form.html",
        {"form": form, "patient": patient, "title": "Add a document"},
    )


# --- merge -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MERGE_PATIENT, raise_exception=True)
def merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        survivor = _open(request, pk, "merge")
    except selectors.OutsideScope:
        return redirect("patients:emergency-access", pk=pk)
    if survivor.merged_into_id:
        return redirect("patients:merge", pk=survivor.merged_into_id)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "duplicate" in request.GET else None)
    )
    form = MergeForm(data)
    duplicate = None
    if form.is_bound and form.is_valid():
        mrn = form.cleaned_data["duplicate"].strip().upper()
        duplicate = (
            selectors.patient_list(request.user)
            .filter(mrn=mrn, merged_into__isnull=True)
            .exclude(pk=survivor.pk)
            .first()
        )
        if duplicate is None:
            form.add_error("duplicate", f"No other active record with MRN {mrn} that you may open.")
        elif request.method == "POST":
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", "Tick the box to confirm the merge.")
            else:
                try:
                    record = services.merge_patients(
                        actor=request.user, survivor=survivor, merged=duplicate
                    )
                except ValidationError as exc:
                    errors_onto_form(form, exc)
                else:
                    messages.success(
                        request, f"Record {record.merged_mrn} merged into {survivor.mrn}."
                    )
                    return redirect("patients:detail", pk=survivor.pk)
    # What the merge would move and end: only for the page, not after a merge went through.
    preview: dict[str, int] = {}
    ended: list[Coverage] = []
    if duplicate is not None:
        preview = services.merge_preview(survivor=survivor, merged=duplicate)
        ended = services.conflicting_coverages(survivor=survivor, merged=duplicate)
    candidates, _ = services.duplicates_for(
        request.user,
        first_name=survivor.first_name,
        last_name=survivor.last_name,
        date_of_birth=survivor.date_of_birth,
        phones=[survivor.phone, survivor.phone_home, survivor.phone_work],
        exclude_pk=survivor.pk,
    )
    return render(
        request,
        "patients/merge.html",
        {
            "form": form,
            "patient": survivor,
            "duplicate": duplicate,
            "preview": preview,
            "ended": ended,
            "candidates": candidates,
            "title": f"Merge into {survivor.full_name}",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.EMERGENCY_ACCESS, raise_exception=True)
def emergency_access(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if selectors.patient_list(request.user).filter(pk=pk).exists():
        return redirect("patients:detail", pk=pk)
    form = EmergencyAccessForm(request.POST or None)
    done = run_form_action(
        request,
        form,
        lambda data: services.grant_emergency_access(
            user=request.user, patient=patient, reason=data["reason"]
        ),
        success="Emergency access granted for 4 hours. The office manager will review it.",
        redirect_to=lambda access: redirect("patients:detail", pk=pk),
        level=messages.WARNING,
    )
    if done is not None:
        return done
    return render(
        request,
        "patients/emergency_access.html",
        {"form": form, "patient_id": pk, "title": "Emergency access"},
    )


@require_safe
@permission_required(Permission.REVIEW_EMERGENCYACCESS, raise_exception=True)
def emergency_access_list(request: AuthenticatedRequest) -> HttpResponse:
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
@permission_required(Permission.REVIEW_EMERGENCYACCESS, raise_exception=True)
def emergency_access_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    access = get_object_or_404(EmergencyAccess, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_emergency_access(
                actor=request.user, access=access, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, "Marked as reviewed.")
    return redirect("patients:emergency-accesses")
