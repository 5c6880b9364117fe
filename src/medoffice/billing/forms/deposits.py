"""Forms of the deposit pages: a deposit, the bank's CSV, matching, unmatching, the billing
options. The service checks the values (``services.deposits``); its refusals come back onto
these forms, every one at once."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from medoffice.billing.models import DepositMethod
from medoffice.core.forms import BootstrapMixin, MoneyField, typed_date_field
from medoffice.core.models import Location


class DepositForm(BootstrapMixin, forms.Form):
    deposit_date = typed_date_field("Deposit date")
    amount = MoneyField(label="Amount", maximum=Decimal("99999999.99"))
    method = forms.ChoiceField(label="Method", choices=DepositMethod.choices)
    reference = forms.CharField(
        label="Bank reference or EFT trace",
        required=False,
        max_length=50,
        help_text="The trace number the payer's 835 carries (TRN02).",
    )
    check_number = forms.CharField(label="Check number", required=False, max_length=30)
    location = forms.ModelChoiceField(
        label="Location", required=False, queryset=Location.objects.none(), empty_label="Any"
    )
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Location.objects.filter(is_active=True).order_by("name")


class BankFileForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="The bank's file (CSV: date, amount, reference)")
    method = forms.ChoiceField(
        label="Method of rows that do not say", choices=DepositMethod.choices
    )


class UnmatchForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Why this payment is not this deposit's", max_length=200)


class BillingOptionsForm(BootstrapMixin, forms.Form):
    hold_posting_until_deposit = forms.BooleanField(
        label="Hold posting until the deposit is matched",
        required=False,
        help_text="Remittances wait for their bank deposit before they post to the ledger.",
    )
