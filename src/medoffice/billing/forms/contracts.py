"""The contract pages' forms: a contract, its end, the underpayment report's filters and the
what-if's proposal. Every field reads strictly and names what is wrong; the services check
the rest (overlaps, the method's terms) and their errors land on the same fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from medoffice.billing import contracts as pure
from medoffice.billing.choices import ContractMethod, FeeScheduleKind
from medoffice.billing.models import Contract, FeeSchedule
from medoffice.core.forms import BootstrapMixin, MoneyField, typed_date_field
from medoffice.patients.models import Payer

MAX_UPLOAD = 1024 * 1024  # a CSV of rates: a few thousand lines


def _payer_choices(*, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [
        (str(pk), name) for pk, name in Payer.objects.order_by("name").values_list("pk", "name")
    ]


class _PayerChoice(forms.Form):
    """A payer from the list (never a lookup by whatever id is sent)."""

    def payer_of(self, value: str) -> Payer | None:
        if not value:
            return None
        return Payer.objects.filter(pk=int(value)).first()


def carve_out_text(contract: Contract) -> str:
    lines = []
    for carve in contract.carve_outs.all():
        if carve.amount is not None:
            price = f"{carve.amount}"
        else:
            price = f"{Decimal(carve.percent or 0).normalize():f}%"
        lines.append(f"{carve.code},{carve.modifier},{price}")
    return "\n".join(lines)


class ContractForm(BootstrapMixin, _PayerChoice):
    payer = forms.ChoiceField(label="Payer")
    name = forms.CharField(label="Name", max_length=120)
    effective_from = typed_date_field("In force from")
    effective_to = typed_date_field(
        "Last day in force", required=False, help_text="Empty: until you end it."
    )
    method = forms.ChoiceField(label="Priced by", choices=ContractMethod.choices)
    fee_schedule = forms.ChoiceField(
        label="Fee schedule",
        required=False,
        help_text="The payer's allowed amounts, or the Medicare fee schedule the percent is of.",
    )
    percent = forms.CharField(
        label="Percent",
        required=False,
        max_length=20,
        help_text="Of the Medicare fee schedule or of billed charges: 110 means 110 %.",
    )
    carve_outs = forms.CharField(
        label="Carve-outs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One code a line: code, modifier (or nothing), amount per unit or a percent "
        "of billed charges, e.g. 99213,25,95.00 or J3490,,80%.",
    )
    timely_filing_days = forms.IntegerField(
        label="Timely filing (days)", required=False, min_value=1, max_value=3650
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment_name = forms.CharField(
        label="Signed contract filed as",
        required=False,
        max_length=200,
        help_text="The file's name or where the paper copy is kept.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ChoiceField)
        payer.choices = _payer_choices(blank="Choose the payer")
        schedule = self.fields["fee_schedule"]
        assert isinstance(schedule, forms.ChoiceField)
        schedule.choices = [("", "None")] + [
            (str(pk), name)
            for pk, name in FeeSchedule.objects.filter(kind=FeeScheduleKind.ALLOWED)
            .order_by("name")
            .values_list("pk", "name")
        ]

    @staticmethod
    def initial_of(contract: Contract) -> dict[str, Any]:
        return {
            "payer": str(contract.payer_id),
            "name": contract.name,
            "effective_from": contract.effective_from,
            "effective_to": contract.effective_to,
            "method": contract.method,
            "fee_schedule": str(contract.fee_schedule_id or ""),
            "percent": f"{contract.percent.normalize():f}" if contract.percent is not None else "",
            "carve_outs": carve_out_text(contract),
            "timely_filing_days": contract.timely_filing_days,
            "notes": contract.notes,
            "attachment_name": contract.attachment_name,
        }

    def clean_payer(self) -> Payer | None:
        return self.payer_of(self.cleaned_data.get("payer") or "")

    def clean_fee_schedule(self) -> FeeSchedule | None:
        value = self.cleaned_data.get("fee_schedule") or ""
        return FeeSchedule.objects.filter(pk=int(value)).first() if value else None

    def clean_percent(self) -> Decimal | None:
        text = (self.cleaned_data.get("percent") or "").strip()
        if not text:
            return None
        try:
            return pure.parse_percent(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_percent") from None

    def clean_carve_outs(self) -> list[pure.CarveOut]:
        try:
            return pure.read_carve_outs(self.cleaned_data.get("carve_outs") or "")
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_carve_out") from None


class EndContractForm(BootstrapMixin, forms.Form):
    last_day = typed_date_field("Last day in force")


class UnderpaymentForm(BootstrapMixin, _PayerChoice):
    date_from = typed_date_field("Served from", required=False)
    date_to = typed_date_field("Served to", required=False)
    payer = forms.ChoiceField(label="Payer", required=False)
    tolerance_amount = MoneyField(
        label="Short by more than ($)",
        maximum=Decimal("99999.99"),
        allow_zero=True,
        required=False,
    )
    tolerance_percent = forms.CharField(label="and by more than (%)", required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ChoiceField)
        payer.choices = _payer_choices(blank="Every payer")

    def clean_payer(self) -> Payer | None:
        return self.payer_of(self.cleaned_data.get("payer") or "")

    def clean_tolerance_percent(self) -> Decimal:
        text = (self.cleaned_data.get("tolerance_percent") or "").strip()
        if not text:
            return Decimal("0")
        try:
            return pure.parse_percent(text, maximum=Decimal("100"))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_percent") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("date_to", "“Served to” must be on or after “Served from”.")
        return data


class WhatIfForm(BootstrapMixin, _PayerChoice):
    payer = forms.ChoiceField(label="Payer")
    rates = forms.CharField(
        label="Proposed rates",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One code a line: code,rate per unit (e.g. 99213,104.00).",
    )
    rates_file = forms.FileField(
        label="…or a CSV of code,rate", required=False, help_text="At most 1 MB."
    )
    percent_change = forms.CharField(
        label="Change every other code by (%)",
        required=False,
        max_length=20,
        help_text="+5 for five percent more, -3 for three percent less.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ChoiceField)
        payer.choices = _payer_choices(blank="Choose the payer")

    def clean_payer(self) -> Payer | None:
        return self.payer_of(self.cleaned_data.get("payer") or "")

    def clean_percent_change(self) -> Decimal | None:
        text = (self.cleaned_data.get("percent_change") or "").strip()
        if not text:
            return None
        try:
            return pure.parse_signed_percent(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_percent") from None

    def clean_rates(self) -> dict[str, Decimal]:
        try:
            return pure.read_rates_csv(self.cleaned_data.get("rates") or "")
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_rates") from None

    def clean_rates_file(self) -> dict[str, Decimal]:
        upload = self.cleaned_data.get("rates_file")
        if not upload:
            return {}
        if upload.size is not None and upload.size > MAX_UPLOAD:
            raise ValidationError("The file is larger than 1 MB.", code="file_too_large")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not text (UTF-8); save it as CSV.", code="invalid_rates"
            ) from None
        try:
            return pure.read_rates_csv(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_rates") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rates = {**(data.get("rates_file") or {}), **(data.get("rates") or {})}
        data["proposed_rates"] = rates
        if not self.errors and not rates and data.get("percent_change") is None:
            raise ValidationError(
                "Enter proposed rates, upload them, or a percent change.", code="nothing_proposed"
            )
        return data


class DraftForm(BootstrapMixin, forms.Form):
    """Saving a what-if as a draft contract: its name and first day."""

    draft_name = forms.CharField(label="Draft's name", max_length=120)
    draft_from = typed_date_field("Would be in force from")
