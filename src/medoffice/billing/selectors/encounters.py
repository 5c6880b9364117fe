"""Reads of visits' charges, scoped to the user's locations and audited per patient."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from medoffice.billing.choices import EncounterStatus
from medoffice.billing.models import Claim, Encounter
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor
from medoffice.core.roles import Permission
from medoffice.scheduling.models import Appointment


def encounters(user: Actor, action: str = "view") -> QuerySet[Encounter]:
    """The encounters the user may reach (their locations only), with what lists show."""
    return Encounter.objects.restrict(user, action).select_related(
        "patient", "location", "rendering_provider", "coded_by"
    )


def review_queue(user: Actor) -> QuerySet[Encounter]:
    """Charges waiting for coder review, for those who review."""
    return encounters(user, "review").filter(status=EncounterStatus.REVIEW)


def _audit_read(user: Actor, encounter: Encounter, detail: str = "") -> None:
    record_event(
        AuditAction.READ,
        user=user,
        obj=encounter,
        patient_id=encounter.patient_id,
        data_category="charges",
        detail=detail or f"charges of {encounter.date_of_service}",
    )


def visit_for_charges(user: Actor, appointment_id: int) -> Appointment:
    """The visit whose charges the user opens: 404 outside their locations or without the
    permission (the same answer as a visit that does not exist)."""
    if not user.has_perm(Permission.VIEW_ENCOUNTER):
        raise Http404("No such visit.")
    visits = Appointment.objects.select_related(
        "patient", "location", "provider", "appointment_type"
    )
    location_ids = user.location_ids()
    if location_ids is not None:
        visits = visits.filter(location_id__in=location_ids)
    visit = visits.filter(pk=appointment_id).first()
    if visit is None:
        raise Http404("No such visit.")
    return visit


def get_encounter(user: Actor, pk: int, action: str = "view", *, audit: bool = True) -> Encounter:
    """One encounter with its diagnoses, lines and claims; every opening is audited."""
    encounter = (
        encounters(user, action)
        .select_related("appointment", "reviewed_by")
        .prefetch_related(
            "diagnoses",
            "lines",
            Prefetch("claims", queryset=Claim.objects.select_related("payer").order_by("pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if encounter is None:
        raise Http404("No such charges.")
    if audit:
        _audit_read(user, encounter)
    return encounter


def encounter_of_visit(user: Actor, visit: Appointment) -> Encounter | None:
    """The visit's encounter (audited when there is one), or None before it is opened."""
    found = Encounter.objects.filter(appointment=visit).values_list("pk", flat=True).first()
    return None if found is None else get_encounter(user, found)


def charges_of_visits(user: Actor, visit_ids: list[int]) -> list[dict[str, object]]:
    """For the day view: the visits (of those given) that reached the provider, each with
    its charges' status and the address of its charge page. Empty without VIEW_ENCOUNTER."""
    from django.urls import reverse

    from medoffice.billing.services.encounters import SEEN_STATUSES

    if not user.has_perm(Permission.VIEW_ENCOUNTER) or not visit_ids:
        return []
    visits = Appointment.objects.filter(pk__in=visit_ids, status__in=SEEN_STATUSES)
    location_ids = user.location_ids()
    if location_ids is not None:
        visits = visits.filter(location_id__in=location_ids)
    statuses = dict(
        Encounter.objects.filter(appointment_id__in=visit_ids).values_list(
            "appointment_id", "status"
        )
    )
    return [
        {
            "visit": visit,
            "status": EncounterStatus(statuses[visit.pk]).label
            if visit.pk in statuses
            else "Not coded yet",
            "url": reverse("billing_office:visit-charges", args=[visit.pk]),
        }
        for visit in visits.select_related("patient", "provider").order_by("start")
    ]
