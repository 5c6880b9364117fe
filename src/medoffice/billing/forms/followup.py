"""The claim page's note form: a note, and for a task its follow-up date and assignee."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from medoffice.billing.models import Claim
from medoffice.core.forms import BootstrapMixin, typed_date_field
from medoffice.core.models import User
from medoffice.core.roles import ROLE_PERMISSIONS, Permission


def claim_workers(claim: Claim) -> QuerySet[User]:
    """The active users who work claims and may see this one (who a task may go to): a
    role that changes claims, and every location or the claim's among theirs."""
    roles = [
        r.value for r, granted in ROLE_PERMISSIONS.items() if Permission.CHANGE_CLAIM in granted
    ]
    location = claim.encounter.location_id
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .filter(Q(locations__isnull=True) | Q(locations=location))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class NoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )
    follow_up_on = typed_date_field(
        "Follow up on", required=False, help_text="With a date, the note is a task."
    )
    # A choice of the users listed (not a lookup by whatever id is sent).
    assigned_to = forms.ChoiceField(label="Assigned to", required=False)

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        self.workers = {str(u.pk): u for u in claim_workers(claim)}
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody")] + [
            (pk, u.get_full_name() or u.username) for pk, u in self.workers.items()
        ]

    def clean_assigned_to(self) -> User | None:
        value = self.cleaned_data.get("assigned_to") or ""
        return self.workers.get(value)
