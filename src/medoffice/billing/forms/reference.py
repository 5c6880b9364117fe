"""The reference pages' forms: the imports, a payer with its billing profile, plans,
clearinghouses and fee schedules. The services validate; the forms parse."""

from __future__ import annotations

from typing import Any

from django import forms

from medoffice.billing.choices import (
    CodeSet,
    FeeScheduleKind,
    FilingIndicator,
    NcciTable,
    SubmissionMethod,
    TimelyFilingRule,
)
from medoffice.billing.models import Clearinghouse, FeeSchedule
from medoffice.core.forms import BootstrapMixin, state_field, typed_date_field
from medoffice.patients.models import Payer

GOOD_ROWS_HELP = (
    "When some rows are bad, import the others anyway (the report names the ones left out). "
    "Otherwise nothing is imported until every row is right."
)
FILE_HELP = "CSV, tab-delimited TXT or XLSX."


class _ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="File", help_text=FILE_HELP)
    import_good_rows = forms.BooleanField(
        label="Import the good rows even if some are bad", required=False, help_text=GOOD_ROWS_HELP
    )


class CodeImportForm(_ImportForm):
    code_set = forms.ChoiceField(label="Code set", choices=CodeSet.choices)
    field_order = ["code_set", "file", "import_good_rows"]


class NcciImportForm(_ImportForm):
    kind = forms.ChoiceField(
        label="Edits",
        choices=[
            ("ptp", "Procedure-to-procedure (PTP)"),
            ("mue", "Medically unlikely edits (MUE)"),
            ("addon", "Add-on code edits"),
        ],
    )
    table = forms.ChoiceField(
        label="Table",
        choices=NcciTable.choices,
        help_text="Practitioner, hospital outpatient and DME files are kept apart (not used for add-on edits).",
    )
    field_order = ["kind", "table", "effective_from", "file", "import_good_rows"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_from"] = typed_date_field(
            "MUEs effective from",
            required=False,
            help_text="For an MUE file without an effective date column: the quarter's "
            "first day (default today).",
        )
        self.order_fields(self.field_order)


class FeeImportForm(_ImportForm):
    pass


class PayerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    payer_id = forms.CharField(label="Electronic payer ID", max_length=20, required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    filing_indicator = forms.ChoiceField(
        label="Claim filing indicator (SBR09)", choices=FilingIndicator.choices
    )
    timely_filing_rule = forms.ChoiceField(label="Timely filing", choices=TimelyFilingRule.choices)
    timely_filing_days = forms.IntegerField(
        label="Days from the date of service",
        min_value=1,
        max_value=3650,
        initial=180,
        help_text="Under the Medicare rule this is one calendar year (42 CFR 424.44).",
    )
    appeal_days = forms.IntegerField(
        label="Days to appeal a denial",
        min_value=1,
        max_value=3650,
        required=False,
        help_text="Empty: 90 days.",
    )
    submission = forms.ChoiceField(label="Claims go", choices=SubmissionMethod.choices)
    clearinghouse = forms.ModelChoiceField(
        label="Clearinghouse",
        queryset=Clearinghouse.objects.none(),
        required=False,
        empty_label="None",
    )
    claims_address_line1 = forms.CharField(label="Claims address", max_length=120, required=False)
    claims_address_line2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    claims_city = forms.CharField(label="City", max_length=80, required=False)
    claims_postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claims_state"] = state_field(required=False)
        self.fields["claims_state"].label = "State"
        self.fields["clearinghouse"].queryset = Clearinghouse.objects.filter(is_active=True)  # type: ignore[attr-defined]  # a ModelChoiceField's
        self.order_fields(
            [
                "name",
                "payer_id",
                "phone",
                "filing_indicator",
                "timely_filing_rule",
                "timely_filing_days",
                "appeal_days",
                "submission",
                "clearinghouse",
                "claims_address_line1",
                "claims_address_line2",
                "claims_city",
                "claims_state",
                "claims_postal_code",
            ]
        )


class PlanForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Plan name", max_length=120)
    filing_indicator = forms.ChoiceField(
        label="Claim filing indicator",
        choices=[("", "The payer's"), *FilingIndicator.choices],
        required=False,
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)


class ClearinghouseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Clearinghouse
        fields = [
            "name",
            "submitter_id",
            "submitter_qualifier",
            "receiver_id",
            "receiver_qualifier",
            "receiver_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "production",
            "outbox",
            "is_active",
        ]


class FeeScheduleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    kind = forms.ChoiceField(label="Kind", choices=FeeScheduleKind.choices)
    payer = forms.ModelChoiceField(
        label="Payer (allowed amounts only)",
        queryset=Payer.objects.filter(is_active=True),
        required=False,
        empty_label="None (standard charges)",
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    @classmethod
    def initial_of(cls, schedule: FeeSchedule) -> dict[str, Any]:
        return {
            "name": schedule.name,
            "kind": schedule.kind,
            "payer": schedule.payer_id,
            "is_active": schedule.is_active,
        }
