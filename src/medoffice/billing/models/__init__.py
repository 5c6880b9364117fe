"""Billing's models: desk payments, code sets, payers' billing profiles, fee schedules,
charges (encounters), claims, their follow-up and the ledger."""

from medoffice.billing.models.claims import (
    Acknowledgement,
    Claim,
    ClaimBatch,
    ClaimFinding,
    ClaimLine,
    ClaimTransition,
    Clearinghouse,
    ControlNumber,
    EligibilityCheck,
)
from medoffice.billing.models.cob import (
    AdjudicationAdjustment,
    AdjudicationLine,
    PayerAdjudication,
)
from medoffice.billing.models.codes import (
    AddOnCode,
    Modifier,
    MueLimit,
    PlaceOfService,
    ProcedureCode,
    PtpEdit,
)
from medoffice.billing.models.encounters import ChargeLine, Encounter, EncounterDiagnosis
from medoffice.billing.models.fees import FeeSchedule, FeeScheduleEntry, PayerProfile, Plan
from medoffice.billing.models.followup import ClaimNote, StatusInquiry, StatusRequestFile
from medoffice.billing.models.ledger import LedgerEntry, LedgerIsAppendOnly
from medoffice.billing.models.payments import PatientPayment, PaymentRefund
from medoffice.billing.models.statements import (
    CollectionsFlag,
    DunningStage,
    Statement,
    StatementDelivery,
    StatementRun,
)

__all__ = [
    "Acknowledgement",
    "AddOnCode",
    "AdjudicationAdjustment",
    "AdjudicationLine",
    "ChargeLine",
    "Claim",
    "ClaimBatch",
    "ClaimFinding",
    "ClaimLine",
    "ClaimNote",
    "ClaimTransition",
    "Clearinghouse",
    "CollectionsFlag",
    "ControlNumber",
    "DunningStage",
    "EligibilityCheck",
    "Encounter",
    "EncounterDiagnosis",
    "FeeSchedule",
    "FeeScheduleEntry",
    "LedgerEntry",
    "LedgerIsAppendOnly",
    "Modifier",
    "MueLimit",
    "PatientPayment",
    "PayerAdjudication",
    "PayerProfile",
    "PaymentRefund",
    "PlaceOfService",
    "Plan",
    "ProcedureCode",
    "PtpEdit",
    "Statement",
    "StatementDelivery",
    "StatementRun",
    "StatusInquiry",
    "StatusRequestFile",
]
