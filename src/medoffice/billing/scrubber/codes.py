"""The codes of the scrubber's findings: the ``code`` of each ``Finding``.

Pages, the API and reports act on these; the messages may change, the codes do not. Every
code has exactly one rule in ``rules.RULES`` (a test holds this).
"""

from __future__ import annotations

from enum import StrEnum


class ScrubCode(StrEnum):
    # billing provider (loop 2010AA)
    BILLING_NPI_MISSING = "billing_npi_missing"
    BILLING_NPI_INVALID = "billing_npi_invalid"
    BILLING_TAX_ID_MISSING = "billing_tax_id_missing"
    BILLING_TAX_ID_INVALID = "billing_tax_id_invalid"
    BILLING_ADDRESS_MISSING = "billing_address_missing"
    BILLING_ADDRESS_PO_BOX = "billing_address_po_box"
    BILLING_ZIP_INVALID = "billing_zip_invalid"
    # other providers (loops 2310A-C, 2420A, 2420E)
    RENDERING_NPI_MISSING = "rendering_npi_missing"
    RENDERING_NPI_INVALID = "rendering_npi_invalid"
    REFERRING_NPI_MISSING = "referring_npi_missing"
    REFERRING_NPI_INVALID = "referring_npi_invalid"
    ORDERING_NPI_MISSING = "ordering_npi_missing"
    ORDERING_NPI_INVALID = "ordering_npi_invalid"
    FACILITY_NPI_INVALID = "facility_npi_invalid"
    FACILITY_ADDRESS_MISSING = "facility_address_missing"
    # subscriber, patient and coverage (loops 2000B-2010CA)
    SUBSCRIBER_ID_MISSING = "subscriber_id_missing"
    SUBSCRIBER_NAME_MISSING = "subscriber_name_missing"
    PATIENT_NAME_MISSING = "patient_name_missing"
    PATIENT_RELATIONSHIP_INVALID = "patient_relationship_invalid"
    PATIENT_DATE_OF_BIRTH_MISSING = "patient_date_of_birth_missing"
    PATIENT_SEX_INVALID = "patient_sex_invalid"
    PATIENT_ADDRESS_MISSING = "patient_address_missing"
    PATIENT_ZIP_INVALID = "patient_zip_invalid"
    COVERAGE_NOT_ACTIVE = "coverage_not_active"
    # coordination of benefits (loops 2320/2330/2430)
    COB_OTHER_PAYER_MISSING = "cob_other_payer_missing"
    COB_ADJUDICATION_MISSING = "cob_adjudication_missing"
    COB_LINE_UNBALANCED = "cob_line_unbalanced"
    COB_CLAIM_UNBALANCED = "cob_claim_unbalanced"
    # claim header (loop 2300)
    FREQUENCY_CODE_INVALID = "frequency_code_invalid"
    ORIGINAL_REFERENCE_MISSING = "original_reference_missing"
    PLACE_OF_SERVICE_INVALID = "place_of_service_invalid"
    TOTAL_CHARGE_ZERO = "total_charge_zero"
    PATIENT_PAID_EXCEEDS_TOTAL = "patient_paid_exceeds_total"
    ONSET_DATE_AFTER_SERVICE = "onset_date_after_service"
    PRIOR_AUTHORIZATION_MISSING = "prior_authorization_missing"
    # diagnoses (HI)
    DIAGNOSIS_MISSING = "diagnosis_missing"
    DIAGNOSIS_TOO_MANY = "diagnosis_too_many"
    DIAGNOSIS_NOT_X12_FORM = "diagnosis_not_x12_form"
    DIAGNOSIS_UNKNOWN = "diagnosis_unknown"
    DIAGNOSIS_NOT_BILLABLE = "diagnosis_not_billable"
    DIAGNOSIS_REPEATED = "diagnosis_repeated"
    DIAGNOSIS_EXTERNAL_CAUSE_PRINCIPAL = "diagnosis_external_cause_principal"
    DIAGNOSIS_SEX_MISMATCH = "diagnosis_sex_mismatch"
    DIAGNOSIS_NOT_POINTED = "diagnosis_not_pointed"
    # service lines (loop 2400)
    LINES_MISSING = "lines_missing"
    LINES_TOO_MANY = "lines_too_many"
    PROCEDURE_UNKNOWN = "procedure_unknown"
    PROCEDURE_SEX_MISMATCH = "procedure_sex_mismatch"
    POINTER_MISSING = "pointer_missing"
    POINTER_OUT_OF_RANGE = "pointer_out_of_range"
    POINTER_TOO_MANY = "pointer_too_many"
    POINTER_REPEATED = "pointer_repeated"
    UNITS_NOT_POSITIVE = "units_not_positive"
    CHARGE_NOT_POSITIVE = "charge_not_positive"
    SERVICE_DATE_FUTURE = "service_date_future"
    SERVICE_TO_BEFORE_FROM = "service_to_before_from"
    SERVICE_BEFORE_BIRTH = "service_before_birth"
    DUPLICATE_LINE = "duplicate_line"
    DESCRIPTION_TOO_LONG = "description_too_long"
    NOC_DESCRIPTION_MISSING = "noc_description_missing"
    ADDON_WITHOUT_PRIMARY = "addon_without_primary"
    # modifiers
    MODIFIER_UNKNOWN = "modifier_unknown"
    MODIFIER_TOO_MANY = "modifier_too_many"
    MODIFIER_REPEATED = "modifier_repeated"
    MODIFIER_26_WITH_TC = "modifier_26_with_tc"
    MODIFIER_50_WITH_SIDE = "modifier_50_with_side"
    MODIFIER_25_NOT_EM = "modifier_25_not_em"
    MODIFIER_59_WITH_X = "modifier_59_with_x"
    TELEHEALTH_PLACE_OF_SERVICE = "telehealth_place_of_service"
    TELEHEALTH_MODIFIER_MISSING = "telehealth_modifier_missing"
    # drugs (loop 2410)
    DRUG_NDC_MISSING = "drug_ndc_missing"
    NDC_INVALID = "ndc_invalid"
    NDC_QUANTITY_MISSING = "ndc_quantity_missing"
    NDC_UNIT_INVALID = "ndc_unit_invalid"
    # payer edits
    NCCI_PTP_NEVER_TOGETHER = "ncci_ptp_never_together"
    NCCI_PTP_MODIFIER_MISSING = "ncci_ptp_modifier_missing"
    MUE_LINE_EXCEEDED = "mue_line_exceeded"
    MUE_DAY_EXCEEDED = "mue_day_exceeded"
    TIMELY_FILING_EXCEEDED = "timely_filing_exceeded"
    TIMELY_FILING_NEAR = "timely_filing_near"
    DUPLICATE_CLAIM = "duplicate_claim"
    DUPLICATE_OF_DENIED_CLAIM = "duplicate_of_denied_claim"
