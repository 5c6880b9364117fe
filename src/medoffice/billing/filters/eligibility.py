"""The eligibility worklist's filter: the page, its CSV and the API's list keep the same
rows for the same values (``core/filtersets.py``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from medoffice.billing.choices import EligibilityStatus as Status
from medoffice.billing.filters.payments import DATE
from medoffice.billing.models import EligibilityCheck
from medoffice.billing.services.eligibility import NO_ANSWER_AFTER, OPEN
from medoffice.core.filtersets import FilterSet
from medoffice.core.models import Location
from medoffice.patients.models import Payer

NO_ANSWER = "no_answer"
ALL = "all"
FAILED = (Status.REJECTED, Status.INACTIVE, Status.FAILED)
STATUS_CHOICES = [
    (Status.REJECTED.value, "Rejected by the payer"),
    (Status.INACTIVE.value, "Coverage not active"),
    (Status.FAILED.value, "Could not be checked"),
    (NO_ANSWER, "No answer after a day"),
    (Status.ACTIVE.value, "Coverage active"),
    (Status.SENT.value, "Sent, waiting for the answer"),
    (Status.QUEUED.value, "Waiting to be sent"),
    (ALL, "All checks"),
]


def _locations(request: HttpRequest | None) -> QuerySet[Location]:
    """The active locations the user works at (all of them for the API's validation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Location.objects.filter(is_active=True)
    return Location.objects.restrict(user, "view").filter(is_active=True)


class EligibilityFilter(FilterSet):
    """One location, dates of service from/to, one status, one payer."""

    location = django_filters.ModelChoiceFilter(
        label="Location",
        queryset=_locations,  # type: ignore[arg-type]  # django-filter calls it with the request
        empty_label="Any",
    )
    date_from = django_filters.DateFilter(
        label="Visit from", field_name="service_date", lookup_expr="gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label="Visit to", field_name="service_date", lookup_expr="lte", widget=DATE
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=STATUS_CHOICES,
        empty_label="Needs attention",
        method="filter_status",
    )
    payer = django_filters.ModelChoiceFilter(
        label="Payer",
        field_name="coverage__payer",
        queryset=Payer.objects.order_by("name"),
        empty_label="Any",
    )

    class Meta(FilterSet.Meta):
        model = EligibilityCheck
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Without a status: the checks that need someone (failed, or no answer after a day)."""
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            late = timezone.now() - NO_ANSWER_AFTER
            qs = qs.filter(Q(status__in=FAILED) | Q(status__in=OPEN, requested_at__lt=late))
        return qs

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        late = timezone.now() - NO_ANSWER_AFTER
        if value == ALL:
            return qs
        if value == NO_ANSWER:
            return qs.filter(status__in=OPEN, requested_at__lt=late)
        if value in OPEN:
            return qs.filter(status=value, requested_at__gte=late)
        return qs.filter(status=value)
