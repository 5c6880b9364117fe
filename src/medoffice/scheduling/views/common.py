"""What the appointment book's pages share: the permissions they check, the patient picker
and turning a service's refusal into form errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import User
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient

VIEW = Permission.VIEW_APPOINTMENT
BOOK = Permission.CHANGE_APPOINTMENT
SETUP = Permission.CHANGE_SCHEDULE
SEARCH_DAYS = 90


# --- patients for pickers (one isolated helper) ------------------------------------------


def patients_for_picker(user: User, query: str, selected: Any = None) -> list[Patient]:
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


def _picked_patient(user: User, pk: int) -> Patient:
    patient = Patient.objects.restrict(user, "view").filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def _form_with_patient_picker(request: AuthenticatedRequest, form_class: Any) -> Any:
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
