"""Eligibility's forms: the 271 upload and the "check again" confirmation."""

from __future__ import annotations

from django import forms

from medoffice.core.forms import BootstrapMixin

MAX_271_BYTES = 10 * 1024 * 1024


class Import271Form(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="271 file",
        help_text="The eligibility answer file (271) the clearinghouse sent back.",
        widget=forms.ClearableFileInput(attrs={"data-testid": "file-271"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_271_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_271_BYTES // 1024 // 1024} MB; a 271 is much smaller.",
                code="file_too_large",
            )
        return upload


class CheckAgainForm(forms.Form):
    """Nothing to fill in: the button posts it."""
