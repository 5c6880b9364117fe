"""What the appointment book's pages share: the permissions they check, the patient picker
and how a service's refusal is named on a form."""

from __future__ import annotations

from typing import Any

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


def chosen_id(value: Any) -> int | None:
    """A patient id from the address or a form (``?patient=12``), or None when it is none."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None


def patients_for_picker(user: User, query: str, selected: Any = None) -> list[Patient]:
    """Patients matching ``query`` (the patient search) plus the one already chosen.

    What the picker shows is one audit entry (a search, or the chosen patient alone).
    """
    from medoffice.patients import selectors as patient_selectors

    found = patient_selectors.search_patients(user, query, 20) if query else []
    chosen: list[Patient] = []
    pk = chosen_id(selected)
    if pk is not None and all(p.pk != pk for p in found):
        chosen = list(
            Patient.objects.restrict(user, "view").filter(pk=pk, merged_into__isnull=True)
        )
    shown = chosen + list(found)
    if query or shown:
        patient_selectors.record_patients_shown(
            user, shown, where="patient picker", query=query or None
        )
    return shown


def _picked_patient(user: User, pk: int) -> Patient:
    patient = Patient.objects.restrict(user, "view").filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def _form_with_patient_picker(request: AuthenticatedRequest, form_class: Any) -> Any:
    """The form of a page that starts by picking a patient (book, series, waitlist, recall).

    The picker (``patients.forms.PatientField``) searches as the user types; without the
    page's script its "Search patients" button posts ``action=search``, which only
    refreshes the patients found, keeping what was typed as the form's initial values.
    ``?patient=<id>`` (the patient record's Book, Add to waitlist and Create recall
    buttons) chooses the patient; one the user may not see is simply not chosen.
    """
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("patient_search", "")[:100]
    patients = patients_for_picker(request.user, query, source.get("patient"))
    searching = source.get("action") == "search"
    form = form_class(
        request.POST if request.method == "POST" and not searching else None,
        initial=source.dict(),
        user=request.user,
        patients=patients,
        query=query,
    )
    picked = chosen_id(source.get("patient"))
    if not form.is_bound and all(p.pk != picked for p in patients):
        # Nobody chosen yet: the cursor starts in the patient search.
        form.fields["patient"].widget.attrs["autofocus"] = True
    return form


# How a service's refusal about a field the page does not show is named at the top of
# the form (``core.formaction.errors_onto_form``): the picked slot's time and the visit's status.
FORM_LABELS = {"start": "Time", "status": "Status"}
