"""The appointments list: the book as rows, filtered by day, status, arrival and location
(``AppointmentFilter``). The home page's figures open it (today's no-shows, arrivals)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from medoffice.core.listing import Column, ListPage
from medoffice.scheduling.filters import AppointmentFilter
from medoffice.scheduling.models import Appointment
from medoffice.scheduling.views.common import VIEW


def _local_start(a: Appointment) -> dt.datetime:
    """The start in the practice's zone: the page writes it the practice's way, CSV as ISO."""
    return timezone.localtime(a.start)


class AppointmentList(ListPage):
    model = Appointment
    title = "Appointments"
    intro = "Visits in the book, in the locations you work at. Open one to see or change it."
    filterset_class = AppointmentFilter
    default_sort = "start"
    data_category = "appointment"
    patient_field = "patient_id"
    columns = [
        Column("start", "When", value=_local_start),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda a: f"{a.patient.last_name}, {a.patient.first_name}",
            link=lambda a: reverse("scheduling:appointment", args=[a.pk]),
        ),
        Column(
            "provider", "Provider", order_by="provider__last_name", value=lambda a: str(a.provider)
        ),
        Column(
            "type",
            "Type",
            order_by="appointment_type__name",
            value=lambda a: str(a.appointment_type),
        ),
        Column("location", "Location", order_by="location__code", value=lambda a: a.location.code),
        Column("status", "Status", value=lambda a: a.get_status_display()),
        Column(
            "arrived_at",
            "Arrived",
            value=lambda a: timezone.localtime(a.arrived_at).time() if a.arrived_at else "",
        ),
    ]

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def base_queryset(self) -> QuerySet:
        return Appointment.objects.restrict(self.request.user, "view").select_related(
            "patient", "provider", "appointment_type", "location"
        )
