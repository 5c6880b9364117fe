"""The billing office's pages, under /billing/: code sets, payers and fee schedules,
charges and the coder queue, the ledger and credit balances, claims, batches, acknowledgements and eligibility.

(The desk's payments stay under /front-desk/payments/, ``billing/urls.py``.)
"""

from django.urls import URLPattern, URLResolver, include, path

from medoffice.billing.views import (
    aging,
    claims,
    cob,
    encounters,
    followup,
    ledger,
    reference,
    submission,
)
from medoffice.billing.views.cms1500 import claim_cms1500_pdf

app_name = "billing_office"

urlpatterns: list[URLPattern | URLResolver] = [
    path("eligibility/", include("medoffice.billing.urls_eligibility")),
    path("claims/<int:pk>/cms1500.pdf", claim_cms1500_pdf, name="claim-cms1500-pdf"),
    # code sets, NCCI edits, payers, clearinghouses, fee schedules (billing/views/reference.py)
    path("codes/", reference.ProcedureCodeList.as_view(), name="codes"),
    path("codes/import/", reference.code_import, name="code-import"),
    path("codes/<str:code>/", reference.code_detail, name="code"),
    path("ncci/ptp/", reference.PtpEditList.as_view(), name="ptp"),
    path("ncci/mue/", reference.MueLimitList.as_view(), name="mue"),
    path("ncci/addon/", reference.AddOnCodeList.as_view(), name="addon"),
    path("ncci/import/", reference.ncci_import, name="ncci-import"),
    path("payers/", reference.PayerList.as_view(), name="payers"),
    path("payers/new/", reference.payer_detail, name="payer-new"),
    path("payers/<int:pk>/", reference.payer_detail, name="payer"),
    path("payers/<int:payer_pk>/plans/new/", reference.plan_edit, name="plan-new"),
    path("plans/<int:pk>/", reference.plan_edit, name="plan-edit"),
    path("clearinghouses/", reference.ClearinghouseList.as_view(), name="clearinghouses"),
    path("clearinghouses/new/", reference.clearinghouse_edit, name="clearinghouse-new"),
    path("clearinghouses/<int:pk>/", reference.clearinghouse_edit, name="clearinghouse"),
    path("fee-schedules/", reference.FeeScheduleList.as_view(), name="fee-schedules"),
    path("fee-schedules/new/", reference.fee_schedule_edit, name="fee-schedule-new"),
    path("fee-schedules/<int:pk>/", reference.FeeScheduleDetail.as_view(), name="fee-schedule"),
    path("fee-schedules/<int:pk>/edit/", reference.fee_schedule_edit, name="fee-schedule-edit"),
    path(
        "fee-schedules/<int:pk>/import/", reference.fee_schedule_import, name="fee-schedule-import"
    ),
    path(
        "fee-schedules/<int:pk>/export.csv",
        reference.fee_schedule_export,
        name="fee-schedule-export",
    ),
    path("visits/<int:appointment_id>/charges/", encounters.visit_charges, name="visit-charges"),
    path("charges/<int:pk>/review/", encounters.review, name="review"),
    path("coding/", encounters.CodingQueue.as_view(), name="coding"),
    path("lookup/icd10/", encounters.icd10_options, name="icd10-options"),
    path("lookup/procedures/", encounters.procedure_options, name="procedure-options"),
    path("lookup/charge/", encounters.charge_price, name="charge-price"),
    path("patients/<int:pk>/ledger/", ledger.patient_ledger, name="patient-ledger"),
    path("credit-balances/", ledger.CreditBalanceList.as_view(), name="credit-balances"),
    path("aging/", aging.aging, name="aging"),
    path("claims/", claims.ClaimList.as_view(), name="claims"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/void/", claims.void, name="claim-void"),
    path("claims/<int:pk>/correct/", claims.correct, name="claim-correct"),
    path("claims/<int:pk>/next-payer/", cob.bill_next_payer, name="claim-next-payer"),
    # scrubbing, batches (837P) and acknowledgements (billing/views/submission.py)
    path("claims/<int:pk>/scrub/", submission.scrub_claim, name="claim-scrub"),
    path("claims/<int:pk>/send-again/", submission.send_again, name="claim-send-again"),
    path("claims/scrub/", submission.scrub_all, name="scrub-all"),
    path("claims/rejected/", submission.RejectionQueue.as_view(), name="rejections"),
    path("findings/<int:pk>/override/", submission.override, name="finding-override"),
    path("batches/", submission.BatchList.as_view(), name="batches"),
    path("batches/submit/", submission.submit, name="submit"),
    path("batches/<int:pk>/", submission.batch_detail, name="batch"),
    path("batches/<int:pk>/file.x12", submission.batch_file, name="batch-file"),
    path("acknowledgements/", submission.AcknowledgementList.as_view(), name="acknowledgements"),
    path(
        "acknowledgements/import/",
        submission.acknowledgement_upload,
        name="acknowledgement-upload",
    ),
    # following up silent claims: 276, 277, notes and tasks (billing/views/followup.py)
    path("follow-up/", followup.FollowUpList.as_view(), name="follow-up"),
    path("follow-up/ask/", followup.ask, name="follow-up-ask"),
    path("follow-up/files/<int:pk>/", followup.request_file, name="follow-up-file"),
    path("follow-up/answers/", followup.answers_upload, name="follow-up-answers"),
    path("claims/<int:pk>/notes/", followup.add_note, name="claim-notes"),
    path("notes/<int:pk>/done/", followup.complete_task, name="claim-note-done"),
]
