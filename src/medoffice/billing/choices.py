"""Billing's choices: how a patient paid."""

from django.db import models


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"
    HSA = "hsa", "HSA/FSA card"


class CodeSet(models.TextChoices):
    CPT = "cpt", "CPT"
    HCPCS = "hcpcs", "HCPCS Level II"


class NcciTable(models.TextChoices):
    """CMS publishes the NCCI edits apart for practitioners and for hospital outpatient."""

    PRACTITIONER = "practitioner", "Practitioner"
    OUTPATIENT = "outpatient", "Hospital outpatient"
    DME = "dme", "DME supplier"


class ModifierIndicator(models.TextChoices):
    """Column 'modifier indicator' of a PTP edit."""

    NEVER = "0", "0 – never allowed, whatever the modifier"
    ALLOWED = "1", "1 – allowed with an NCCI-associated modifier"
    NOT_APPLICABLE = "9", "9 – not applicable (edit deleted)"


class MueAdjudication(models.TextChoices):
    """MUE adjudication indicator: how the limit is counted."""

    PER_LINE = "1", "1 – per claim line"
    PER_DAY_POLICY = "2", "2 – per day, absolute (policy)"
    PER_DAY_CLINICAL = "3", "3 – per day, clinical"


class FilingIndicator(models.TextChoices):
    """SBR09, the claim filing indicator (the kind of insurance) of a payer."""

    MEDICARE_B = "MB", "Medicare Part B"
    MEDICAID = "MC", "Medicaid"
    COMMERCIAL = "CI", "Commercial insurance"
    BLUE_CROSS = "BL", "Blue Cross/Blue Shield"
    HMO = "HM", "Health maintenance organisation"
    PPO = "12", "Preferred provider organisation"
    POS_PLAN = "13", "Point of service"
    EPO = "14", "Exclusive provider organisation"
    TRICARE = "CH", "TRICARE (CHAMPUS)"
    VA = "VA", "Veterans Affairs plan"
    WORKERS_COMP = "WC", "Workers' compensation"
    MEDICARE_ADVANTAGE = "16", "Medicare Advantage (HMO)"
    OTHER_FEDERAL = "OF", "Other federal program"
    SELF_PAY = "09", "Self-pay"
    OTHER = "ZZ", "Mutually defined / other"


class SubmissionMethod(models.TextChoices):
    ELECTRONIC = "electronic", "Electronic (837P)"
    PAPER = "paper", "Paper (CMS-1500)"


class TimelyFilingRule(models.TextChoices):
    DAYS = "days", "Days from the date of service"
    MEDICARE = "medicare", "Medicare: 12 months from the line's from-date"


class FeeScheduleKind(models.TextChoices):
    STANDARD = "standard", "The practice's standard charges"
    ALLOWED = "allowed", "A payer's allowed amounts"


class EncounterStatus(models.TextChoices):
    """Where a visit's charges are: being coded, waiting for review, ready to claim, claimed."""

    DRAFT = "draft", "Being coded"
    REVIEW = "review", "Waiting for coder review"
    READY = "ready", "Reviewed, ready to claim"
    CLAIMED = "claimed", "Claimed (locked)"
    NO_CHARGE = "no_charge", "No charge"


class Responsibility(models.TextChoices):
    """SBR01: whose turn it is to pay the claim."""

    PRIMARY = "P", "Primary"
    SECONDARY = "S", "Secondary"
    TERTIARY = "T", "Tertiary"
    PATIENT = "self", "Patient (self-pay)"


class ClaimFrequency(models.TextChoices):
    ORIGINAL = "1", "Original"
    REPLACEMENT = "7", "Replacement of a prior claim"
    VOID = "8", "Void of a prior claim"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCRUBBED = "scrubbed", "Scrubbed, needs fixing"
    READY = "ready", "Ready to submit"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted by the payer"
    REJECTED = "rejected", "Rejected"
    ADJUDICATED = "adjudicated", "Adjudicated"
    CLOSED = "closed", "Closed"
    VOIDED = "voided", "Voided"


class FindingSeverity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class AckKind(models.TextChoices):
    TA1 = "TA1", "TA1 interchange acknowledgement"
    ACK_999 = "999", "999 implementation acknowledgement"
    ACK_277CA = "277CA", "277CA claim acknowledgement"


class EligibilityStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent, waiting for the answer"
    ACTIVE = "active", "Coverage active"
    INACTIVE = "inactive", "Coverage not active"
    REJECTED = "rejected", "Rejected by the payer"
    FAILED = "failed", "Could not be checked"


class AdjustmentGroup(models.TextChoices):
    """CAS01, the claim adjustment group code of an adjudication (835 and 837P COB)."""

    CONTRACTUAL = "CO", "CO – contractual obligation"
    PATIENT = "PR", "PR – patient responsibility"
    OTHER = "OA", "OA – other adjustment"
    PAYER_INITIATED = "PI", "PI – payer-initiated reduction"
    CORRECTION = "CR", "CR – correction and reversal"


class ReferringRole(models.TextChoices):
    """CMS-1500 box 17 qualifier and the 837P's NM101 of loop 2310A (DN) / 2420E (DK) /
    2310D (DQ)."""

    REFERRING = "DN", "Referring provider"
    ORDERING = "DK", "Ordering provider"
    SUPERVISING = "DQ", "Supervising provider"


class OtherDateKind(models.TextChoices):
    """CMS-1500 box 15 qualifier: which other date it is (837P 2300 DTP01)."""

    INITIAL_TREATMENT = "454", "Initial treatment"
    LAST_SEEN = "304", "Latest visit or consultation"
    ACUTE_MANIFESTATION = "453", "Acute manifestation of a chronic condition"
    ACCIDENT = "439", "Accident"
    LAST_XRAY = "455", "Last X-ray"
    PRESCRIPTION = "471", "Prescription"
    ASSUMED_CARE = "090", "Report start (assumed care date)"
    RELINQUISHED_CARE = "091", "Report end (relinquished care date)"
    FIRST_VISIT = "444", "First visit or consultation"


class LedgerKind(models.TextChoices):
    """What moved money on a service line (``LedgerEntry.kind``)."""

    CHARGE = "charge", "Charge"
    INSURANCE_PAYMENT = "ins_payment", "Insurance payment"
    CONTRACTUAL = "contractual", "Contractual adjustment"
    OTHER_ADJUSTMENT = "adjustment", "Other adjustment"
    DENIAL_WRITE_OFF = "denial_wo", "Denial write-off"
    TRANSFER = "transfer", "Transfer of responsibility"
    PATIENT_PAYMENT = "pt_payment", "Patient payment"
    PATIENT_REFUND = "pt_refund", "Patient refund"
    SMALL_BALANCE = "small_wo", "Small-balance write-off"
    REVERSAL = "reversal", "Reversal"


class LedgerParty(models.TextChoices):
    """Who owes the amount an entry moves: a payer (insurance) or the patient."""

    INSURANCE = "insurance", "Insurance"
    PATIENT = "patient", "Patient"


class DenialStatus(models.TextChoices):
    """Where a denial stands: being worked (open, appealed, corrected) or settled."""

    OPEN = "open", "Open"
    APPEALED = "appealed", "Appealed"
    CORRECTED = "corrected", "Corrected claim sent"
    WRITTEN_OFF = "written_off", "Written off"
    UPHELD = "upheld", "Upheld by the payer"
    OVERTURNED = "overturned", "Overturned (won)"
    CLOSED = "closed", "Closed"


class AppealMethod(models.TextChoices):
    MAIL = "mail", "Mail"
    FAX = "fax", "Fax"
    PORTAL = "portal", "Payer's portal"
    ELECTRONIC = "electronic", "Electronic (clearinghouse)"


class AppealOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for the payer"
    OVERTURNED = "overturned", "Overturned (paid)"
    UPHELD = "upheld", "Upheld (still denied)"


class PlanStatus(models.TextChoices):
    """Where a patient's payment plan is."""

    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    DEFAULTED = "defaulted", "Defaulted"


class PlanFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"


class CheckoutStatus(models.TextChoices):
    """An online payment started from a pay link: opened at the processor, then paid or not."""

    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    EXPIRED = "expired", "Expired"


class ContractMethod(models.TextChoices):
    """How a managed-care contract prices a service line (``billing/contracts.py``)."""

    FEE_SCHEDULE = "schedule", "The payer's fee schedule"
    PERCENT_OF_MEDICARE = "medicare", "A percent of the Medicare fee schedule"
    PERCENT_OF_CHARGES = "charges", "A percent of billed charges"
