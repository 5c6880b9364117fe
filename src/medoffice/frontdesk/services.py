"""The front desk's writes: check-in takes the copay (billing's service) and records the
arrival (the appointment book's service) in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from medoffice.billing import services as billing_services
from medoffice.billing.models import PatientPayment
from medoffice.core.models import User
from medoffice.frontdesk.error_codes import FrontDeskErrorCode
from medoffice.scheduling.models import Appointment, AppointmentStatus
from medoffice.scheduling.services import change_status


def check_in(
    *,
    actor: User,
    appointment: Appointment,
    amount: Any = None,
    method: str = "",
    reference: str = "",
) -> tuple[PatientPayment | None, Appointment]:
    """Check a patient in: the copay (when ``amount`` is given), then the arrival.

    One transaction, so a refused arrival keeps no payment. A visit that is no longer
    scheduled or confirmed is refused with a ValidationError naming ``status``.
    """
    if appointment.status not in {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}:
        raise ValidationError(
            {
                "status": ValidationError(
                    f"This visit is already “{appointment.get_status_display()}”.",
                    code=FrontDeskErrorCode.NOT_EXPECTED,
                )
            }
        )
    with transaction.atomic():
        payment = None
        if amount:
            payment = billing_services.take_payment(
                actor=actor,
                patient=appointment.patient,
                location=appointment.location,
                appointment=appointment,
                amount=amount,
                method=method,
                reference=reference,
                kind="copay",
            )
        arrived = change_status(
            actor=actor, appointment=appointment, to_status=AppointmentStatus.ARRIVED
        )
    return payment, arrived
