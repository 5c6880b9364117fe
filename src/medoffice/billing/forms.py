"""Billing's forms: money received at the desk (the copay at check-in, a balance at
check-out). The front desk's forms build on ``PaymentForm``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from medoffice.billing import services as billing_services
from medoffice.billing.models import PaymentMethod
from medoffice.core.forms import BootstrapMixin


class PaymentForm(BootstrapMixin, forms.Form):
    """Money received at the desk. Leave the amount empty when the patient pays nothing now."""

    amount_required = False

    amount = forms.CharField(
        label="Amount received ($)",
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-testid": "payment-amount"}),
    )
    method = forms.ChoiceField(
        label="Paid by",
        required=False,
        choices=[("", "—"), *PaymentMethod.choices],
        widget=forms.Select(attrs={"data-testid": "payment-method"}),
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=60,
        help_text="Check number or the last four digits of the card.",
        widget=forms.TextInput(attrs={"data-testid": "payment-reference"}),
    )

    def clean_amount(self) -> Any:
        value = (self.cleaned_data.get("amount") or "").strip().lstrip("$")
        if not value:
            if self.amount_required:
                raise forms.ValidationError("Enter the amount received.")
            return None
        try:
            return billing_services.clean_amount(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["amount"]) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") and not data.get("method"):
            self.add_error(
                "method", "Choose how the patient paid (cash, card, check or HSA/FSA card)."
            )
        if data.get("method") and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount received, or leave “Paid by” empty.")
        return data


class BalancePaymentForm(PaymentForm):
    amount_required = True
