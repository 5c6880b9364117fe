"""The statement pages' forms: the run's date, a collections flag and its reversal, the
small-balance rule."""

from __future__ import annotations

from django import forms

from medoffice.core.forms import BootstrapMixin, typed_date_field


class RunForm(BootstrapMixin, forms.Form):
    as_of = typed_date_field("Statement date", help_text="The statements' month is this date's.")


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Reason", max_length=200)


class SmallBalanceForm(BootstrapMixin, forms.Form):
    as_of = typed_date_field("As of")
    threshold = forms.CharField(label="Under (dollars)", required=False, max_length=20)
    days = forms.CharField(label="Older than (days)", required=False, max_length=10)


class ScheduleForm(BootstrapMixin, forms.Form):
    statement_day = forms.TypedChoiceField(
        label="Statement day",
        choices=[(day, str(day)) for day in range(1, 29)],
        coerce=int,
        help_text="The day of the month the statements run (1 to 28: every month has it).",
    )
    automatic = forms.BooleanField(
        label="Run the statements automatically on that day",
        required=False,
        help_text="E-mails go out at once; the paper statements wait in the run's print file.",
    )
