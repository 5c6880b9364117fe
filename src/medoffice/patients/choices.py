"""The patients app's choices: sex and gender identity, contact methods, languages, relationships, alerts, coverage order, consents, documents."""

from decimal import Decimal

from django.db import models


class Sex(models.TextChoices):
    """Sex for administrative use (US Core birth sex codes)."""

    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "UNK", "Unknown"


class GenderIdentity(models.TextChoices):
    """US Core gender identity (SNOMED CT codes and HL7 null flavours)."""

    MALE = "446151000124109", "Identifies as male"
    FEMALE = "446141000124107", "Identifies as female"
    NON_BINARY = "33791000087105", "Identifies as non-binary"
    OTHER = "OTH", "Other"
    ASKED_DECLINED = "ASKU", "Asked but declined"
    UNKNOWN = "UNK", "Unknown"


class ContactMethod(models.TextChoices):
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "E-mail"
    MAIL = "mail", "Letter"


class Language(models.TextChoices):
    """Preferred language (BCP 47 codes), the languages a US practice meets most."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    PORTUGUESE = "pt", "Portuguese"
    CHINESE = "zh", "Chinese"
    VIETNAMESE = "vi", "Vietnamese"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    FRENCH = "fr", "French"
    RUSSIAN = "ru", "Russian"
    ARABIC = "ar", "Arabic"
    OTHER = "other", "Other"


class Relationship(models.TextChoices):
    """Relationship to the patient (X12 individual relationship codes)."""

    SELF = "18", "Self"
    SPOUSE = "01", "Spouse"
    CHILD = "19", "Child"
    PARENT = "32", "Parent"
    OTHER = "G8", "Other"


class AlertKind(models.TextChoices):
    INTERPRETER = "interpreter", "Needs interpreter"
    BALANCE_DUE = "balance_due", "Balance due"
    MOBILITY = "mobility", "Mobility assistance"
    HEARING = "hearing", "Hard of hearing"
    OTHER = "other", "Other"


class CoverageOrder(models.IntegerChoices):
    PRIMARY = 1, "Primary"
    SECONDARY = 2, "Secondary"
    TERTIARY = 3, "Tertiary"


class ConsentKind(models.TextChoices):
    PRIVACY_NOTICE = "npp", "Notice of privacy practices"
    FINANCIAL_POLICY = "financial", "Financial policy"
    SMS = "sms", "Text messages"
    EMAIL = "email", "E-mail"


class DocumentKind(models.TextChoices):
    ID = "id", "Photo ID"
    INSURANCE_CARD = "insurance_card", "Insurance card"
    REFERRAL = "referral", "Referral"
    CONSENT_FORM = "consent_form", "Signed consent form"
    RECORDS = "records", "Outside records"
    OTHER = "other", "Other"


# The largest office-visit copay a coverage may name: more is a typing mistake.
MAX_COPAY = Decimal("2500.00")
