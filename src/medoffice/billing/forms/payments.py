"""Billing's forms: money received at the desk (the copay at check-in, a balance at
check-out), and a payment's void or refund. The front desk's forms build on ``PaymentForm``."""

from __future__ import annotations

from typing import Any

from django import forms

from medoffice.billing import services as billing_services
from medoffice.billing.choices import PaymentMethod
from medoffice.core.forms import BootstrapMixin, MoneyField


class PaymentForm(BootstrapMixin, forms.Form):
    """Money received at the desk. Leave the amount empty when the patient pays nothing now."""

    amount_required = False

    amount = MoneyField(
        label="Amount received ($)",
        maximum=billing_services.MAX_PAYMENT,
        required=False,
        widget=forms.TextInput(attrs={"data-testid": "payment-amount"}),
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
        help_text="Check number, or the last four digits of the card.",
        widget=forms.TextInput(attrs={"data-testid": "payment-reference"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.amount_required:
            self.fields["amount"].required = True
            self.fields["amount"].error_messages["required"] = "Enter the amount received."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if data.get("amount") and not method:
            self.add_error(
                "method", "Choose how the patient paid (cash, card, check or HSA/FSA card)."
            )
        if method and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount received, or leave “Paid by” empty.")
        if method and "reference" in data:
            problem = billing_services.reference_problem(method, data["reference"].strip())
            if problem is not None:
                self.add_error("reference", problem)
        return data


class BalancePaymentForm(PaymentForm):
    amount_required = True


class VoidForm(BootstrapMixin, forms.Form):
    """The confirmation step of a void: why the payment is taken back."""

    reason = forms.CharField(
        label="Why is this payment void?",
        max_length=billing_services.MAX_REASON,
        help_text="For example: entered twice, wrong patient, card declined after all.",
        error_messages={"required": "Say why the payment is voided."},
        widget=forms.TextInput(attrs={"data-testid": "void-reason"}),
    )


class RefundForm(BootstrapMixin, forms.Form):
    """A refund: how much goes back to the patient, and why."""

    amount = MoneyField(
        label="Amount to refund ($)",
        error_messages={"required": "Enter the amount to refund."},
        maximum=billing_services.MAX_PAYMENT,
        widget=forms.TextInput(attrs={"data-testid": "refund-amount"}),
    )
    reason = forms.CharField(
        label="Why is it refunded?",
        max_length=billing_services.MAX_REASON,
        help_text="For example: the insurance paid the copay, overpayment.",
        error_messages={"required": "Say why the payment is refunded."},
        widget=forms.TextInput(attrs={"data-testid": "refund-reason"}),
    )
