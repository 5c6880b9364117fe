"""Payment plans' forms: a new plan for a patient's balance, and a plan's cancellation."""

from __future__ import annotations

from typing import Any

from django import forms

from medoffice.billing import services as billing_services
from medoffice.core.forms import BootstrapMixin, MoneyField


class PlanForm(BootstrapMixin, forms.Form):
    total = MoneyField(
        label="Plan total ($)",
        maximum=billing_services.MAX_PAYMENT,
        error_messages={"required": "Enter the total the plan spreads out."},
        widget=forms.TextInput(attrs={"data-testid": "plan-total"}),
    )
    instalment_amount = MoneyField(
        label="Monthly instalment ($)",
        maximum=billing_services.MAX_PAYMENT,
        error_messages={"required": "Enter the amount of each monthly instalment."},
        widget=forms.TextInput(attrs={"data-testid": "plan-instalment"}),
    )
    start_date = forms.DateField(
        label="Start date",
        error_messages={
            "required": "Enter the day the plan starts.",
            "invalid": "Enter the start date as YYYY-MM-DD, e.g. 2026-01-15.",
        },
        widget=forms.DateInput(attrs={"type": "date", "data-testid": "plan-start"}),
    )
    day_of_month = forms.IntegerField(
        label="Instalments due on day of the month",
        min_value=1,
        max_value=28,
        error_messages={
            "required": "Choose the day of the month the instalments are due (1 to 28).",
            "min_value": "Choose a day of the month from 1 to 28 (every month has it).",
            "max_value": "Choose a day of the month from 1 to 28 (every month has it).",
            "invalid": "Choose a day of the month from 1 to 28 (every month has it).",
        },
        widget=forms.NumberInput(attrs={"data-testid": "plan-day"}),
    )
    note = forms.CharField(label="Note", required=False, max_length=200)


class CancelPlanForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the plan cancelled?",
        max_length=200,
        error_messages={"required": "Say why the plan is cancelled."},
        widget=forms.TextInput(attrs={"data-testid": "plan-cancel-reason"}),
    )


class PayAmountForm(forms.Form):
    """The pay page's choice of amount: the options the page offers, or another amount
    (the money field reads it; the service holds it to $1.00 up to the due). Posted
    without a choice, it is the whole due (the plain Pay button)."""

    choice = forms.ChoiceField(label="Amount to pay", required=False)
    amount = MoneyField(
        label="Another amount", required=False, maximum=billing_services.MAX_PAYMENT
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["choice"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = choices
        self.fields["amount"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "off", "placeholder": "0.00"}
        )

    def full_clean(self) -> None:
        super().full_clean()
        # Another amount is read only when it is the choice: what is typed beside another
        # choice is not what is paid, so it cannot be wrong.
        errors = self.errors
        if self.is_bound and self.data.get("choice") != "other" and "amount" in errors:
            del errors["amount"]
