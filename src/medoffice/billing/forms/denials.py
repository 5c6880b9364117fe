"""The denial pages' forms: a denial typed by hand, a status change, the assignee, an
appeal's letter, an appeal's outcome and a letter template."""

from __future__ import annotations

from typing import Any

from django import forms

from medoffice.billing.choices import AppealMethod, DenialStatus
from medoffice.billing.forms.followup import claim_workers
from medoffice.billing.models import AppealTemplate, ChargeLine, Claim, Denial
from medoffice.billing.services.denials import MAX_AMOUNT, MAX_LETTER, MAX_NOTES, MAX_REASON
from medoffice.core.forms import BootstrapMixin, MoneyField, typed_date_field
from medoffice.core.models import User

GROUP_CHOICES = [
    ("CO", "CO contractual"),
    ("PR", "PR patient"),
    ("OA", "OA other"),
    ("PI", "PI payer"),
]


class ManualDenialForm(BootstrapMixin, forms.Form):
    line = forms.ChoiceField(label="Service line", required=False)
    group = forms.ChoiceField(label="Group code", choices=GROUP_CHOICES)
    reason = forms.CharField(label="Reason code (CARC)", max_length=5)
    remarks = forms.CharField(
        label="Remark codes (RARC)", required=False, max_length=60, help_text="e.g. N290 MA130"
    )
    amount = MoneyField(label="Amount denied", maximum=MAX_AMOUNT, allow_zero=True)
    denied_on = typed_date_field("Denied on", required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTES}),
    )

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {
            str(line.pk): line
            for line in ChargeLine.with_removed.filter(encounter_id=claim.encounter_id).order_by(
                "line_number"
            )
        }
        field = self.fields["line"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The whole claim")] + [
            (pk, f"{line.line_number}: {line.procedure_code} ({line.charge})")
            for pk, line in self.lines.items()
        ]

    def clean_line(self) -> int | None:
        value = self.cleaned_data.get("line") or ""
        line = self.lines.get(value)
        return line.pk if line else None

    def clean_remarks(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("remarks") or ""
        return tuple(part for part in text.replace(",", " ").split() if part)


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=[(v, label) for v, label in DenialStatus.choices if v != DenialStatus.WRITTEN_OFF],
    )
    reason = forms.CharField(label="Why", max_length=MAX_REASON)
    recovered = MoneyField(
        label="Recovered (overturned)", maximum=MAX_AMOUNT, allow_zero=True, required=False
    )


class AssignForm(BootstrapMixin, forms.Form):
    assigned_to = forms.ChoiceField(label="Assigned to", required=False)

    def __init__(self, *args: Any, denial: Denial, **kwargs: Any) -> None:
        self.workers = {str(u.pk): u for u in claim_workers(denial.claim)}
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody")] + [
            (pk, u.get_full_name() or u.username) for pk, u in self.workers.items()
        ]

    def clean_assigned_to(self) -> User | None:
        return self.workers.get(self.cleaned_data.get("assigned_to") or "")


class AppealForm(BootstrapMixin, forms.Form):
    denials = forms.MultipleChoiceField(
        label="Denials appealed", widget=forms.CheckboxSelectMultiple
    )
    template = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    letter_text = forms.CharField(
        label="Letter", widget=forms.Textarea(attrs={"rows": 24, "maxlength": MAX_LETTER})
    )
    method = forms.ChoiceField(label="Sent by", choices=AppealMethod.choices)
    sent_on = typed_date_field("Sent on", required=False, help_text="Empty: not sent yet.")

    def __init__(self, *args: Any, choices: list[Denial], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choosable = {str(d.pk): d for d in choices}
        field = self.fields["denials"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (pk, f"{d.code} {d.remark_codes.replace(',', ' ')} · {d.amount}")
            for pk, d in self.choosable.items()
        ]

    def clean_denials(self) -> list[Denial]:
        return [self.choosable[pk] for pk in self.cleaned_data.get("denials") or []]

    def clean_template(self) -> AppealTemplate | None:
        key = self.cleaned_data.get("template") or ""
        return AppealTemplate.objects.filter(key=key).first() if key else None


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("overturned", "Overturned (paid)"), ("upheld", "Upheld")]
    )
    outcome_on = typed_date_field("Decided on", required=False)
    recovered = MoneyField(label="Recovered", maximum=MAX_AMOUNT, allow_zero=True, required=False)
    reason = forms.CharField(label="Note", required=False, max_length=MAX_REASON)


class TemplateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    body = forms.CharField(
        label="Letter", widget=forms.Textarea(attrs={"rows": 24, "maxlength": MAX_LETTER})
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)
