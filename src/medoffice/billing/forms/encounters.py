"""The charge form's fields: reading a posted charge form into ``ChargesInput`` and the
small forms of the review, no-charge, void and correct actions.

The charge form has no Django form class: its rows vary (up to 12 diagnoses, any number of
lines), and its one validator is ``billing.services.encounters.save_charges``, whose error
keys are the form's field names (``diagnosis_3``, ``line_2_units``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms

from medoffice.billing.services.encounters import (
    MAX_DIAGNOSES,
    MAX_LINES,
    ChargesInput,
    LineInput,
)
from medoffice.core.forms import BootstrapMixin

LINE_FIELDS = (
    "procedure_code",
    "modifiers",
    "units",
    "charge",
    "pointers",
    "description",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "emergency",
    "epsdt",
    "family_planning",
    "purchased_charge",
)
_SPLIT = re.compile(r"[\s,;]+")


def split_modifiers(text: str) -> list[str]:
    return [m for m in _SPLIT.split(text or "") if m]


def split_pointers(text: str) -> list[str]:
    """``"A,B"``, ``"A B"`` or ``"AB"`` → ``["A", "B"]``; numbers stay whole (``"1 2"``)."""
    parts = [p for p in _SPLIT.split((text or "").strip()) if p]
    if len(parts) == 1 and parts[0].isalpha():
        return list(parts[0])
    return parts


def line_count(post: Mapping[str, Any]) -> int:
    try:
        count = int(post.get("line_count", "0"))
    except (TypeError, ValueError):
        count = 0
    return max(0, min(count, MAX_LINES + 1))


def _value(post: Mapping[str, Any], name: str) -> str:
    """A picker's chosen value, else what was typed in its search box (no script)."""
    value = post.get(name)
    if value is None or value == "":
        value = post.get(name + "_search", "")
    return str(value or "").strip()


def charges_from_post(post: Mapping[str, Any]) -> ChargesInput:
    """The posted charge form as the service's input; blank line rows are left out."""
    diagnoses = [_value(post, f"diagnosis_{n}") for n in range(1, MAX_DIAGNOSES + 1)]
    while diagnoses and not diagnoses[-1]:
        diagnoses.pop()
    lines = []
    for n in range(1, line_count(post) + 1):
        raw = {f: _value(post, f"line_{n}_{f}") for f in LINE_FIELDS}
        if not any(raw[f] for f in ("procedure_code", "charge", "pointers", "ndc", "description")):
            continue
        lines.append(
            LineInput(
                procedure_code=raw["procedure_code"],
                modifiers=split_modifiers(raw["modifiers"]),
                units=raw["units"] or "1",
                charge=raw["charge"],
                pointers=split_pointers(raw["pointers"]),
                description=raw["description"],
                ndc=raw["ndc"],
                ndc_quantity=raw["ndc_quantity"],
                ndc_unit=raw["ndc_unit"],
                emergency=raw["emergency"],
                epsdt=raw["epsdt"],
                family_planning=raw["family_planning"],
                purchased_charge=raw["purchased_charge"],
            )
        )
    provider = str(post.get("rendering_provider", "")).strip()
    return ChargesInput(
        diagnoses=diagnoses,
        lines=lines,
        rendering_provider_id=int(provider) if provider.isdigit() and len(provider) < 10 else None,
        referring_name=str(post.get("referring_name", "")),
        referring_npi=str(post.get("referring_npi", "")),
        place_of_service=str(post.get("place_of_service", "")),
        prior_authorization=str(post.get("prior_authorization", "")),
        note=str(post.get("note", "")),
        referring_qualifier=str(post.get("referring_qualifier", "DN")),
        other_date=str(post.get("other_date", "")),
        other_date_qualifier=str(post.get("other_date_qualifier", "")),
        unable_to_work_from=str(post.get("unable_to_work_from", "")),
        unable_to_work_to=str(post.get("unable_to_work_to", "")),
        hospitalized_from=str(post.get("hospitalized_from", "")),
        hospitalized_to=str(post.get("hospitalized_to", "")),
        claim_note=str(post.get("claim_note", "")),
        other_claim_id=str(post.get("other_claim_id", "")),
        outside_lab_npi=str(post.get("outside_lab_npi", "")),
    )


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and create the claim"), ("return", "Return to the coder")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when returning: what the coder should fix.",
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(max_length=200)
