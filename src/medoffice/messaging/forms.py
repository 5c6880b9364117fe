"""Messaging's forms: a message template (its placeholders checked) and a reminder rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from medoffice.core.forms import BootstrapMixin
from medoffice.messaging import services
from medoffice.messaging.models import MessageTemplate, ReminderRule
from medoffice.patients.models import Language


class MessageTemplateForm(BootstrapMixin, forms.ModelForm):
    language = forms.ChoiceField(
        choices=[c for c in Language.choices if c[0] != "other"], initial="en"
    )

    class Meta:
        model = MessageTemplate
        fields = ["kind", "channel", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"subject": "E-mail only; text messages have no subject."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("kind", "channel", "language"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        try:
            services.validate_template_text(data.get("subject", ""), data.get("body", ""))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name not in self.errors:
                    for error in errors:
                        self.add_error(name, error)
        return data


class ReminderRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["hours_before", "channel", "is_active"]
        labels = {"hours_before": "Hours before the visit", "is_active": "In use"}
