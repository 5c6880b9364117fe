"""The office manager's set-up pages: providers, rooms and equipment, visit types,
templates, closures and time off, overbooking rules."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from medoffice.core.formaction import run_form_action
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.scheduling import forms as f
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    AppointmentType,
    OverbookRule,
    Provider,
    Resource,
    ScheduleException,
    TemplateBlock,
)
from medoffice.scheduling.views.common import (
    FORM_LABELS,
    SETUP,
    VIEW,
)

# --- set-up ------------------------------------------------------------------------------


class SetupList(ListPage):
    """Set-up lists: seen by everyone who sees the book; the office manager adds and edits."""

    kind: ClassVar[str]
    actions_template = "scheduling/_setup_actions.html"
    related: ClassVar[tuple[str, ...]] = ()  # the foreign keys the columns show
    many: ClassVar[tuple[str, ...]] = ()  # the many-to-many the columns show

    def get_permission_required(self) -> list[str]:
        return [VIEW]

    def base_queryset(self) -> QuerySet:
        qs = super().base_queryset()
        if self.related:
            qs = qs.select_related(*self.related)
        return qs.prefetch_related(*self.many)

    def extra_context(self) -> dict[str, Any]:
        return {
            "new_url": reverse(f"scheduling:{self.kind}-new"),
            "can_change": self.request.user.has_perm(SETUP),
        }


def _edit_link(kind: str) -> Any:
    return lambda obj: reverse(f"scheduling:{kind}-edit", args=[obj.pk])


class ProviderList(SetupList):
    model = Provider
    kind = "providers"
    many = ("locations",)
    title = "Providers"
    default_sort = "name"
    columns = [
        Column("name", "Name", order_by="last_name", value=str, link=_edit_link("providers")),
        Column("npi", "NPI"),
        Column("taxonomy_code", "Taxonomy"),
        Column("specialty", "Specialty"),
        Column(
            "locations",
            "Locations",
            sortable=False,
            value=lambda p: ", ".join(loc.name for loc in p.locations.all()),
        ),
        Column("is_active", "Active", value=lambda p: "Yes" if p.is_active else "No"),
    ]


class ResourceList(SetupList):
    model = Resource
    kind = "resources"
    related = ("location",)
    title = "Rooms and equipment"
    default_sort = "name"
    columns = [
        Column("name", "Name", link=_edit_link("resources")),
        Column("kind", "Kind", value=lambda r: r.get_kind_display()),
        Column("location", "Location", order_by="location__name", value=lambda r: r.location.name),
        Column("is_active", "Active", value=lambda r: "Yes" if r.is_active else "No"),
    ]


class AppointmentTypeList(SetupList):
    model = AppointmentType
    kind = "types"
    title = "Appointment types"
    default_sort = "name"
    columns = [
        Column("name", "Name", link=_edit_link("types")),
        Column("code", "Code"),
        Column("duration", "Minutes"),
        Column("patient_kind", "Patients", value=lambda t: t.get_patient_kind_display()),
        Column("is_telehealth", "Telehealth", value=lambda t: "Yes" if t.is_telehealth else ""),
        Column("max_per_day", "Per day", value=lambda t: t.max_per_day or ""),
        Column("is_active", "Active", value=lambda t: "Yes" if t.is_active else "No"),
    ]


class TemplateBlockList(SetupList):
    model = TemplateBlock
    kind = "templates"
    related = ("provider", "location")
    many = ("appointment_types",)
    title = "Provider schedule templates"
    intro = "Weekly working blocks. Blocks of one provider may not overlap on the same weekday."
    default_sort = "provider"
    columns = [
        Column(
            "provider",
            "Provider",
            order_by="provider__last_name",
            value=lambda b: str(b.provider),
            link=_edit_link("templates"),
        ),
        Column("location", "Location", order_by="location__name", value=lambda b: b.location.name),
        Column("weekday", "Day", value=lambda b: b.get_weekday_display()),
        Column("start", "From"),
        Column("end", "To"),
        Column(
            "types",
            "Types",
            sortable=False,
            value=lambda b: ", ".join(t.name for t in b.appointment_types.all()) or "All",
        ),
        Column("effective_from", "Effective from"),
        Column("effective_to", "Until", value=lambda b: b.effective_to or "open"),
    ]


class ClosureList(SetupList):
    model = ScheduleException
    kind = "closures"
    related = ("provider", "location")
    title = "Time off, meetings and closures"
    template_name = "scheduling/closures.html"
    default_sort = "start"
    columns = [
        Column("kind", "Kind", value=lambda e: e.get_kind_display(), link=_edit_link("closures")),
        Column("provider", "Who", value=lambda e: str(e.provider or "Everyone"), sortable=False),
        Column(
            "location", "Where", value=lambda e: str(e.location or "Every location"), sortable=False
        ),
        Column("start", "From", value=lambda e: timezone.localtime(e.start)),
        Column("end", "To", value=lambda e: timezone.localtime(e.end)),
        Column("reason", "Reason"),
    ]

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        self.template_name = "core/list.html" if request.htmx else "scheduling/closures.html"
        return super().get(request)

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), "holidays": coming_holidays(timezone.localdate())}


def coming_holidays(today: dt.date) -> list[tuple[dt.date, str]]:
    """The practice state's public holidays (observed) in the coming year, with their names."""
    calendar = selectors.practice_holidays([today.year, today.year + 1])
    end = today + dt.timedelta(days=365)
    return sorted((d, n) for d, n in calendar.items() if today <= d <= end)


class OverbookRuleList(SetupList):
    model = OverbookRule
    kind = "overbooking"
    related = ("provider",)
    many = ("appointment_types",)
    title = "Overbooking rules"
    intro = (
        "Overbooking is possible only under these rules. Overbooked visits are marked "
        "“Overbooked” everywhere."
    )
    default_sort = "provider"
    columns = [
        Column(
            "provider",
            "Provider",
            order_by="provider__last_name",
            value=lambda r: str(r.provider),
            link=_edit_link("overbooking"),
        ),
        Column("max_per_day", "Overbooked visits a day"),
        Column(
            "types",
            "Types",
            sortable=False,
            value=lambda r: ", ".join(t.name for t in r.appointment_types.all()) or "All",
        ),
        Column("is_active", "Active", value=lambda r: "Yes" if r.is_active else "No"),
    ]


SETUP_KINDS: dict[str, tuple[type, type, str, list[str]]] = {
    "providers": (Provider, f.ProviderForm, "provider", ["locations"]),
    "resources": (Resource, f.ResourceForm, "room or equipment", []),
    "types": (AppointmentType, f.AppointmentTypeForm, "appointment type", ["providers"]),
    "templates": (TemplateBlock, f.TemplateBlockForm, "template block", ["appointment_types"]),
    "closures": (ScheduleException, f.ScheduleExceptionForm, "closure or time off", []),
    "overbooking": (OverbookRule, f.OverbookRuleForm, "overbooking rule", ["appointment_types"]),
}


@require_http_methods(["GET", "POST"])
@permission_required(SETUP, raise_exception=True)
def setup_edit(request: AuthenticatedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    model, form_class, noun, m2m_fields = SETUP_KINDS[kind]
    instance = None
    if pk is not None:
        instance = get_object_or_404(model.objects.restrict(request.user, "change"), pk=pk)  # type: ignore[attr-defined]  # every set-up model's manager is a RestrictedQuerySet's
    form = form_class(request.POST or None, instance=instance)

    def save(data: dict[str, Any]) -> Any:
        obj = form.save(commit=False)
        if kind == "overbooking" and obj.pk is None:
            obj.created_by = request.user
        m2m = {name: data.get(name) or [] for name in m2m_fields}
        if kind == "templates":
            return services.save_template_block(
                actor=request.user, block=obj, appointment_types=m2m["appointment_types"]
            )
        return services.save_setup(actor=request.user, instance=obj, m2m=m2m)

    done = run_form_action(
        request,
        form,
        save,
        success=f"Saved the {noun}.",
        redirect_to=f"scheduling:{kind}",
        labels=FORM_LABELS,
    )
    if done is not None:
        return done
    title = f"Edit {noun}" if instance else f"New {noun}"
    return render(
        request,
        "scheduling/setup_form.html",
        {"form": form, "title": title, "back": reverse(f"scheduling:{kind}")},
    )
