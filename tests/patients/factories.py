"""Factories for the patients area (tests/factories.py has PatientFactory)."""

from __future__ import annotations

import datetime as dt

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from medoffice.patients.models import Consent, Coverage, PatientAlert, PatientDocument, Payer
from tests.factories import PatientFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class PayerFactory(DjangoModelFactory):
    class Meta:
        model = Payer

    name = factory.Sequence(lambda n: f"Synthetic Health Plan {n}")
    payer_id = factory.Sequence(lambda n: f"SHP{n:05d}")


class CoverageFactory(DjangoModelFactory):
    class Meta:
        model = Coverage

    patient = factory.SubFactory(PatientFactory)
    payer = factory.SubFactory(PayerFactory)
    member_id = factory.Sequence(lambda n: f"XZ{700000 + n}")
    group_number = "G100"
    effective_from = dt.date(2024, 1, 1)


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    kind = "npp"
    given_on = dt.date(2024, 1, 2)


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = PatientAlert

    patient = factory.SubFactory(PatientFactory)
    kind = "interpreter"


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = PatientDocument

    patient = factory.SubFactory(PatientFactory)
    kind = "referral"
    title = "Referral letter"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="referral.pdf"))
    content_type = "application/pdf"
    size = len(PDF_BYTES)
