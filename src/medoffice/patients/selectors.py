"""Reads of patient data. Each scopes the query to the user and records the access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditOutcome, User
from medoffice.core.roles import Permission
from medoffice.patients.models import Coverage, EmergencyAccess, Patient, PatientAlert
from medoffice.patients.search import SearchTerms, kinds, parse, prefix_upper_bound

Part = TypeVar("Part", bound=Model)


class OutsideScope(Exception):
    """The record exists but lies outside the user's locations; emergency access may open it."""

    def __init__(self, patient_id: int) -> None:
        super().__init__(patient_id)
        self.patient_id = patient_id


def active_emergency_access(user: User, patient_id: int) -> EmergencyAccess | None:
    return (
        EmergencyAccess.objects.filter(
            user=user, patient_id=patient_id, expires_at__gt=timezone.now()
        )
        .order_by("-granted_at")
        .first()
    )


def alerts_prefetch(user: User, through: str = "patient") -> Prefetch[Any]:
    """Prefetch the active alerts of the patients of a list (``through`` names the patient
    field; "" for a list of patients) into ``shown_alerts``: one query for the whole list,
    the alerts the user may see (their patients' locations)."""
    path = f"{through}__alerts" if through else "alerts"
    visible = (
        PatientAlert.objects.restrict(user, "view").filter(is_active=True).order_by("kind", "pk")
    )
    return Prefetch(path, queryset=visible, to_attr="shown_alerts")


def alert_labels(patient: Patient) -> list[str]:
    """ "Needs interpreter: Portuguese" for each alert `alerts_prefetch` put on ``patient``."""
    return [
        f"{a.get_kind_display()}: {a.text}" if a.text else a.get_kind_display()
        for a in getattr(patient, "shown_alerts", [])
    ]


def patient_alert_labels(user: User, patient_id: int) -> list[str]:
    """The labels of one patient's active alerts the user may see (one query)."""
    visible = PatientAlert.objects.restrict(user, "view").filter(
        patient_id=patient_id, is_active=True
    )
    return [
        f"{a.get_kind_display()}: {a.text}" if a.text else a.get_kind_display()
        for a in visible.order_by("kind", "pk")
    ]


def get_record_part(user: User, model: type[Part], pk: int, action: str = "view") -> Part:
    """One part of a patient's record (a coverage, consent, alert, document) by its id.

    Fetched through ``restrict()``: a part of a record outside the user's locations
    raises the same Http404 as an id that does not exist, so the answer does not tell
    whether it exists. The one exception is break-glass: a user holding an active
    emergency access to the patient reaches that patient's parts (the caller then
    opens the patient through ``get_patient``, which records the emergency access).
    """
    restricted = model.objects.restrict(user, action)  # type: ignore[attr-defined]  # every part's manager is a PatientRecordQuerySet's
    part: Part | None = restricted.filter(pk=pk).first()
    if part is None and user.has_perm(restricted.permission_for(action)):
        part = model.objects.filter(  # type: ignore[attr-defined]  # as above
            pk=pk,
            patient__emergency_accesses__user=user,
            patient__emergency_accesses__expires_at__gt=timezone.now(),
        ).first()
    if part is None:
        raise Http404("No such record.")
    return part


def get_patient(user: User, patient_id: int, *, data_category: str = "demographics") -> Patient:
    """Open one patient record for ``user``; every opening is audited.

    Raises Http404 when there is no such patient or the user may not open
    patient records, and OutsideScope when emergency access could open it.
    """
    if not user.has_perm(Permission.VIEW_PATIENT):
        record_event(
            AuditAction.READ,
            user=user,
            object_type="patients.patient",
            object_id=patient_id,
            patient_id=patient_id,
            data_category=data_category,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied("Your role does not open patient records.")
    patient = (
        Patient.objects.restrict(user, "view")
        .filter(pk=patient_id)
        .select_related("home_location")
        .first()
    )
    emergency = None
    if patient is None:
        patient = Patient.objects.filter(pk=patient_id).select_related("home_location").first()
        if patient is None:
            raise Http404("No such patient.")
        emergency = active_emergency_access(user, patient_id)
        if emergency is None:
            record_event(
                AuditAction.READ,
                user=user,
                obj=patient,
                patient_id=patient.pk,
                data_category=data_category,
                outcome=AuditOutcome.DENIED,
                detail="outside the user's locations",
            )
            if user.has_perm(Permission.EMERGENCY_ACCESS):
                raise OutsideScope(patient.pk)
            raise Http404("No such patient.")
    record_event(
        AuditAction.EMERGENCY_ACCESS if emergency else AuditAction.READ,
        user=user,
        obj=patient,
        patient_id=patient.pk,
        data_category=data_category,
        detail=f"under emergency access #{emergency.pk}" if emergency else "",
    )
    patient.emergency_access = emergency
    return patient


def patient_list(user: User) -> QuerySet[Patient]:
    """Patients the user may see (list pages show names only; opening a record is audited)."""
    return Patient.objects.restrict(user, "view").select_related("home_location")


def recent_patients(user: User, limit: int = 8) -> QuerySet[Patient]:
    return patient_list(user).order_by("-updated_at")[:limit]


def unreviewed_emergency_accesses(user: User) -> QuerySet[EmergencyAccess]:
    if not user.has_perm(Permission.REVIEW_EMERGENCYACCESS):
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(reviewed_at__isnull=True).select_related(
        "user", "patient"
    )


def reveal_ssn(user: User, patient: Patient) -> str:
    """The full SSN for users whose role may see it; the reveal is audited."""
    if not user.has_perm(Permission.VIEW_SSN):
        raise PermissionDenied("Your role does not show full social security numbers.")
    record_event(
        AuditAction.READ, user=user, obj=patient, patient_id=patient.pk, data_category="ssn"
    )
    return patient.ssn


# --- search ----------------------------------------------------------------------------------


def _prefix(column: str, term: str) -> Q:
    """``column`` starts with ``term``, as a range an index answers: >= 'smi' AND < 'smj'."""
    return Q(**{f"{column}__gte": term, f"{column}__lt": prefix_upper_bound(term)})


def _name_condition(names: list[str]) -> Q:
    if len(names) == 1:
        (term,) = names
        return _prefix("search_last", term) | _prefix("search_first", term)
    first, second = names[0], names[1]
    condition = (_prefix("search_last", first) & _prefix("search_first", second)) | (
        _prefix("search_last", second) & _prefix("search_first", first)
    )
    for extra in names[2:]:
        # A third word (a middle name, a two-word surname) narrows the rows already found.
        condition &= (
            Q(search_last__contains=extra)
            | Q(search_first__contains=extra)
            | Q(middle_name__istartswith=extra)
        )
    return condition


# A key that names few patients (a date of birth, a phone, an MRN, a member ID, two
# name words) is resolved first to the matching ids, each by one single-index query;
# the scoped query is then a primary-key lookup. Planners otherwise may pick the
# location index (scope) over the selective one and read a third of the table.
_CANDIDATES = 2000


def _ids(queryset: QuerySet[Any], column: str = "pk") -> set[int]:
    return set(queryset.order_by().values_list(column, flat=True)[:_CANDIDATES])


def candidate_ids(terms: SearchTerms) -> set[int] | None:
    """Ids of the patients the selective terms allow, or None when there are none."""
    found: set[int] | None = None

    def narrow(ids: set[int]) -> None:
        nonlocal found
        found = ids if found is None else found & ids

    if len(terms.names) >= 2:
        narrow(_ids(Patient.objects.filter(_name_condition(terms.names))))
    for born in terms.dates:
        narrow(_ids(Patient.objects.filter(date_of_birth=born)))
    if terms.mrn:
        narrow(_ids(Patient.objects.filter(_prefix("mrn", terms.mrn))))
    if terms.phone_digits:
        digits = terms.phone_digits
        number = "+1" + digits if len(digits) == 10 else "+" + digits
        ids: set[int] = set()
        for column in ("phone", "phone_home", "phone_work"):
            ids |= _ids(Patient.objects.filter(**{column: number}).exclude(**{column: ""}))
        narrow(ids)
    if terms.identifier:
        ident = terms.identifier
        ids = _ids(Coverage.objects.filter(member_id=ident), "patient_id")
        ids |= _ids(Patient.objects.filter(mrn=ident.upper()))
        narrow(ids)
    return found


def record_patients_shown(
    user: User, patients: Iterable[Patient], *, where: str, query: str | None = None
) -> None:
    """One audit entry for a search or list that showed ``patients`` (ONC (d)(2), (d)(10)).

    ``where`` names the page ("quick search"); a search is described by the kinds of its
    terms (``search.kinds``), never by its text, which may itself be patient data.
    """
    ids = [p.pk for p in patients]
    searched = f"; search by {kinds(parse(query))}" if query is not None else ""
    record_event(
        AuditAction.READ,
        user=user,
        object_type="patients.patient",
        data_category="demographics",
        patient_ids=ids,
        detail=f"{where}{searched}: {len(ids)} shown",
    )


def search_condition(terms: SearchTerms) -> Q:
    """The WHERE clause for parsed search terms; every part can use an index."""
    ids = candidate_ids(terms)
    if ids is not None:
        condition = Q(pk__in=sorted(ids))
        if len(terms.names) == 1:
            condition &= _name_condition(terms.names)
        return condition
    if terms.names:
        return _name_condition(terms.names)
    return Q()


def listed_patients(user: User) -> QuerySet[Patient]:
    """The patients the list page, its CSV and the API's search start from: the user's
    locations', merged records left out."""
    return patient_list(user).filter(merged_into__isnull=True)


def in_search_order(found: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Search results by name: plain when nothing was asked (the name index's order), else
    by an expression no index provides: otherwise planners walk the whole name index in
    order (to skip a sort) instead of seeking the few matching rows."""
    if parse(query or "").is_empty:
        return found.order_by("search_last", "search_first", "pk")
    return found.order_by(Lower("search_last"), Lower("search_first"), "pk")


def search_queryset(user: User, query: str) -> QuerySet[Patient]:
    """Patients of the user's locations matching ``query`` (names in any order, as prefixes;
    date of birth; phone digits; MRN prefix; member ID). Merged records are left out."""
    terms = parse(query or "")
    found = listed_patients(user)
    if not terms.is_empty:
        found = found.filter(search_condition(terms))
    return in_search_order(found, query)


def search_patients(user: User, query: str, limit: int = 25) -> list[Patient]:
    """At most ``limit`` patients for ``query``; only names are shown, so no record is opened.

    The caller records what it shows (``record_patients_shown``), with whatever else it
    shows beside them.

    One name word alone ("john") can match tens of thousands of charts. It is answered
    as two short index walks stopped at ``limit``: surnames starting with the word, in
    name order, then patients whose first name starts with it, in first-name order.
    No query sorts the whole match.
    """
    if not query or not query.strip():
        return []
    terms = parse(query)
    if len(terms.names) == 1 and not (
        terms.dates or terms.mrn or terms.phone_digits or terms.identifier
    ):
        (term,) = terms.names
        found = patient_list(user).filter(merged_into__isnull=True)
        by_last = list(
            found.filter(_prefix("search_last", term)).order_by(
                "search_last", "search_first", "pk"
            )[:limit]
        )
        if len(by_last) < limit:
            seen = {p.pk for p in by_last}
            by_first = found.filter(_prefix("search_first", term)).order_by(
                "search_first", "search_last", "pk"
            )[: limit + len(by_last)]
            by_last += [p for p in by_first if p.pk not in seen][: limit - len(by_last)]
        return by_last
    return list(search_queryset(user, query)[:limit])


def primary_coverage(coverages: Iterable[Coverage], day: dt.date) -> Coverage | None:
    """The coverage billed first on ``day``: the lowest order among those covering it."""
    covering = sorted((c for c in coverages if c.covers(day)), key=lambda c: c.order)
    return covering[0] if covering else None
