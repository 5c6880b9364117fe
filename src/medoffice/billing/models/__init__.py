"""Billing's models: desk payments, code sets, payers' billing profiles, fee schedules,
charges (encounters), claims, their follow-up, the ledger and managed-care contracts."""

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
from medoffice.billing.models.contracts import Contract, ContractCarveOut, LineAdjudication
from medoffice.billing.models.denials import Appeal, AppealTemplate, Denial, DenialEvent
from medoffice.billing.models.encounters import ChargeLine, Encounter, EncounterDiagnosis
from medoffice.billing.models.era import (
    CoverageUpdateProposal,
    EraClaimPayment,
    EraException,
    EraExceptionKind,
    EraFile,
    EraPayment,
    EraProviderAdjustment,
    EraStatus,
    PostingRule,
    ProposalStatus,
)
from medoffice.billing.models.fees import FeeSchedule, FeeScheduleEntry, PayerProfile, Plan
from medoffice.billing.models.followup import ClaimNote, StatusInquiry, StatusRequestFile
from medoffice.billing.models.ledger import LedgerEntry, LedgerIsAppendOnly
from medoffice.billing.models.payments import PatientPayment, PaymentRefund
from medoffice.billing.models.plans import OnlineCheckout, PaymentPlan, PaymentPlanInstalment
from medoffice.billing.models.statements import (
    CollectionsFlag,
    DunningStage,
    Statement,
    StatementDelivery,
    StatementRun,
    StatementSchedule,
)

__all__ = [
    "Acknowledgement",
    "AddOnCode",
    "AdjudicationAdjustment",
    "AdjudicationLine",
    "Appeal",
    "AppealTemplate",
    "ChargeLine",
    "Claim",
    "ClaimBatch",
    "ClaimFinding",
    "ClaimLine",
    "ClaimNote",
    "ClaimTransition",
    "Clearinghouse",
    "CollectionsFlag",
    "Contract",
    "ContractCarveOut",
    "ControlNumber",
    "CoverageUpdateProposal",
    "Denial",
    "DenialEvent",
    "DunningStage",
    "EligibilityCheck",
    "Encounter",
    "EncounterDiagnosis",
    "EraClaimPayment",
    "EraException",
    "EraExceptionKind",
    "EraFile",
    "EraPayment",
    "EraProviderAdjustment",
    "EraStatus",
    "FeeSchedule",
    "FeeScheduleEntry",
    "LedgerEntry",
    "LedgerIsAppendOnly",
    "LineAdjudication",
    "Modifier",
    "MueLimit",
    "OnlineCheckout",
    "PatientPayment",
    "PayerAdjudication",
    "PayerProfile",
    "PaymentPlan",
    "PaymentPlanInstalment",
    "PaymentRefund",
    "PlaceOfService",
    "Plan",
    "PostingRule",
    "ProcedureCode",
    "ProposalStatus",
    "PtpEdit",
    "Statement",
    "StatementDelivery",
    "StatementRun",
    "StatementSchedule",
    "StatusInquiry",
    "StatusRequestFile",
]
