"""Remittance advice remark codes (RARC): the curated table of the ones practices meet most.

Pure module (no Django). Every description is MedOffice's own paraphrase (the official
wording is X12's). ``alert`` marks the informational remarks (their official text starts
"Alert:"), which never explain an adjustment. ``category`` is the denial category a remark
points to, used to sort a denial whose reason code says little by itself (A1 "denied, see
the remarks"); None when the remark says nothing about why money was not paid.

Remarks in the "missing, incomplete or invalid …" family count as missing information,
whether the item is an identifier, a code or a document.
"""

from __future__ import annotations

from medoffice.billing.adjustments.model import DenialCategory, RemarkCode

__all__ = ["RARC", "RARC_ROWS"]

_E = DenialCategory.ELIGIBILITY
_A = DenialCategory.AUTHORISATION
_C = DenialCategory.CODING
_M = DenialCategory.MEDICAL_NECESSITY
_D = DenialCategory.DUPLICATE
_B = DenialCategory.COORDINATION_OF_BENEFITS
_N = DenialCategory.BUNDLING
_X = DenialCategory.NON_COVERED
_I = DenialCategory.MISSING_INFORMATION


def _r(code: str, category: DenialCategory | None, description: str) -> RemarkCode:
    return RemarkCode(code, category, description, alert=False)


def _alert(code: str, description: str) -> RemarkCode:
    return RemarkCode(code, None, description, alert=True)


RARC_ROWS: tuple[RemarkCode, ...] = (
    # M series
    _r("M15", _N, "services billed separately were bundled as parts of one procedure"),
    _r("M20", _I, "the HCPCS code is missing, incomplete or invalid"),
    _r("M51", _I, "the procedure code is missing, incomplete or invalid"),
    _r("M76", _I, "the diagnosis or condition is missing, incomplete or invalid"),
    _r("M77", _I, "the place of service is missing, incomplete, invalid or inappropriate"),
    _r("M79", _I, "the charge is missing, incomplete or invalid"),
    _r("M80", _N, "not covered on the same day or session as a service already processed"),
    _r("M119", _I, "the NDC is missing, incomplete, invalid, deactivated or withdrawn"),
    _r("M127", _I, "the patient's medical record for this service is missing"),
    _r("M144", _N, "pre- and post-operative care is included in the surgery's allowance"),
    # MA series
    _alert("MA01", "you may appeal: how and by when is explained on the notice"),
    _r("MA04", _B, "a secondary payment needs the primary payer's identity or payment details"),
    _alert("MA07", "the claim was also forwarded to Medicaid"),
    _alert("MA13", "billing the patient for amounts not under group PR may bring penalties"),
    _alert("MA18", "the claim was also forwarded to the patient's supplemental insurer"),
    _r("MA61", _I, "the social security number is missing, incomplete or invalid"),
    _r("MA63", _I, "the principal diagnosis is missing, incomplete or invalid"),
    _r("MA120", _I, "the CLIA certificate number is missing, incomplete or invalid"),
    _r(
        "MA130",
        _I,
        "the claim is incomplete or invalid and cannot be processed (no appeal): send a new claim",
    ),
    # N series
    _alert("N1", "you may appeal in writing within the time limits of the contract or plan"),
    _r("N4", _B, "the prior insurer's EOB is missing, incomplete or invalid"),
    _r("N19", _N, "the procedure is incidental to the primary procedure"),
    _r("N20", _N, "not payable with another service given on the same date"),
    _r("N30", _E, "the patient is not eligible for this service"),
    _r("N31", _I, "the prescribing provider's identifier is missing, incomplete or invalid"),
    _r("N36", _B, "the claim must first meet the primary payer's requirements"),
    _r("N48", _B, "the claim does not agree with what the other insurer reported"),
    _r("N52", _E, "the patient was not in the billing provider's managed care plan that day"),
    _r("N54", _A, "the claim does not match the services that were authorised"),
    _r("N56", _C, "the procedure code is not right or not valid for the service or the date"),
    _r("N95", _C, "this provider type or specialty may not bill this service"),
    _r("N104", _E, "not payable in this contractor's jurisdiction: find the right contractor"),
    _r("N115", _M, "decided under a Local Coverage Determination (LCD)"),
    _r("N122", _C, "an add-on code cannot be billed on its own"),
    _r("N130", None, "see the plan's benefit documents for the limits on this service"),
    _alert("N155", "no other insurance is on file: send it if the patient has any"),
    _r("N179", _I, "information was asked of the member; the claim is reconsidered when it comes"),
    _alert("N210", "you may appeal this decision"),
    _alert("N211", "you may not appeal this decision"),
    _r(
        "N216",
        _X,
        "the plan does not cover this type of service, or the patient is not enrolled in it",
    ),
    _r("N257", _I, "the billing provider's primary identifier is missing, incomplete or invalid"),
    _r("N264", _I, "the ordering provider's name is missing, incomplete or invalid"),
    _r("N265", _I, "the ordering provider's primary identifier is missing, incomplete or invalid"),
    _r("N286", _I, "the referring provider's primary identifier is missing, incomplete or invalid"),
    _r("N290", _I, "the rendering provider's primary identifier is missing, incomplete or invalid"),
    _r("N362", _M, "the days or units of service are more than the payer accepts"),
    _alert("N381", "see the contract for the limits, billing and payment rules of these charges"),
    _r("N382", _I, "the patient's identifier is missing, incomplete or invalid"),
    _r("N383", _X, "not covered when considered cosmetic"),
    _r("N386", _M, "decided under a National Coverage Determination (NCD)"),
    _r("N390", _N, "this service or report cannot be billed separately"),
    _r("N418", _E, "a misrouted claim: see the payer's instructions for where to send it"),
    _r("N425", _X, "a service excluded by statute"),
    _r("N426", _X, "not covered when self-administered"),
    _r("N428", _X, "not covered in this place of service"),
    _r("N429", _X, "not covered when considered routine"),
    _r("N431", _N, "not covered with this procedure"),
    _alert("N432", "adjusted after a Recovery Audit"),
    _r("N435", _M, "more often than approved for the period without supporting documents"),
    _r("N479", _B, "the other payer's explanation of benefits (COB or MSP) is missing"),
    _r("N517", _I, "send a new claim with the information asked for"),
    _r("N522", _D, "a duplicate of a claim processed, or to be processed, as a crossover"),
    _r("N525", _N, "not covered within another service's global period"),
    _r("N567", _X, "not covered when considered preventive"),
    _r("N569", _M, "not covered for the diagnosis reported"),
    _r("N574", _C, "the ordering or referring provider's type or specialty may not order or refer"),
    _r("N575", _C, "the ordering or referring provider's name does not match the payer's records"),
    _r("N598", _B, "the patient's health policy is the primary coverage"),
    _r("N640", _M, "more often than approved or allowed for the period"),
    _r("N657", _C, "bill these services with the code that fits them"),
    _r("N661", _M, "the documents do not show the services were medically necessary"),
    _alert("N704", "you may not appeal, but may send the claim again corrected if warranted"),
    _r("N706", _I, "documentation is missing"),
    _r("N767", _C, "the provider must be enrolled in the member's state Medicaid program"),
    _r("N776", _X, "not a covered telehealth service"),
    _r("N808", _C, "not covered for this provider type or specialty"),
)

RARC: dict[str, RemarkCode] = {row.code: row for row in RARC_ROWS}
