"""The remittance pages' forms: a posting rule, and the dismissal of a corrected insured.
The forms parse; the services (``services/posting_rules.py``, ``services/coverage_proposals.py``)
validate and name every problem by its field."""

from __future__ import annotations

from django import forms

from medoffice.billing.adjustments import GROUPS, PostingAction
from medoffice.core.forms import BootstrapMixin
from medoffice.patients.models import Payer

ACTION_LABELS: dict[str, str] = {
    PostingAction.CONTRACTUAL_WRITE_OFF: "Contractual write-off",
    PostingAction.PATIENT_DEDUCTIBLE: "Patient: deductible",
    PostingAction.PATIENT_COINSURANCE: "Patient: coinsurance",
    PostingAction.PATIENT_COPAY: "Patient: copay",
    PostingAction.PATIENT_OTHER: "Patient: other responsibility",
    PostingAction.DENIAL: "Denial (to the denial queue, nothing written off)",
    PostingAction.OTHER_ADJUSTMENT: "Other adjustment (review; not billed to the patient)",
    PostingAction.INFORMATION_ONLY: "Information only (nothing posted)",
}


class PostingRuleForm(BootstrapMixin, forms.Form):
    payer = forms.ModelChoiceField(
        label="Payer",
        queryset=Payer.objects.order_by("name"),
        required=False,
        empty_label="All payers",
        help_text="A payer's own rule comes before the rule for all payers.",
    )
    group_code = forms.ChoiceField(
        label="Group code",
        choices=[(code, f"{code}: {text}") for code, text in GROUPS.items()],
    )
    reason_code = forms.CharField(
        label="CARC",
        max_length=5,
        help_text="The claim adjustment reason code (45, 253, B13…), or * for every other "
        "reason of the group.",
    )
    remark_code = forms.CharField(
        label="RARC",
        max_length=7,
        required=False,
        help_text="Only when the payer sends this remark code (N130…); empty: any.",
    )
    claim_status = forms.CharField(
        label="CLP02",
        max_length=2,
        required=False,
        help_text="Only for claims of this status (1 primary, 2 secondary, 4 denied…); empty: any.",
    )
    action = forms.ChoiceField(label="What the posting does", choices=list(ACTION_LABELS.items()))


class DismissProposalForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is dismissed",
        max_length=200,
        help_text="E.g. the patient's card shows the member ID we have; the payer is wrong.",
    )
