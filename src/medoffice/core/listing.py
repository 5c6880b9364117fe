"""One list-page pattern for every list: sort, filter, paginate, CSV export.

A list is a subclass of ``ListPage`` naming its model, columns and filter (a
``core.filtersets.FilterSet``, the one its API operation uses too). Rows come from
``Model.objects.restrict(user, "view")``; the CSV export asks for the "export" action
where the model defines one, else "view", and is audited.
htmx requests get the table partial, full requests the page, from one template.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from medoffice.core.audit import record_event
from medoffice.core.filtersets import FilterSet
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import AuditAction
from medoffice.core.querysets import permission_name


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order_by: str | None = None
    value: Callable[[Any], Any] | None = None
    link: Callable[[Any], str] | None = None
    css: str = ""
    sortable: bool = field(default=True)
    # The CSV's value where it differs from the page's (the audit log's codes, which
    # spreadsheets filter on, where the page shows words).
    export: Callable[[Any], Any] | None = None

    def export_cell(self, obj: Any) -> Any:
        return self.export(obj) if self.export is not None else self.cell(obj)

    def cell(self, obj: Any) -> Any:
        if self.value is not None:
            return self.value(obj)
        result: Any = obj
        for part in self.key.split("__"):
            result = getattr(result, part, "")
            if callable(result):
                result = result()
        return "" if result is None else result


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CWE-1236)."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def filter_errors_text(form: forms.Form) -> str:
    """A refused filter's errors, one line per field: ``date_to: Enter a date …``."""
    return "\n".join(
        f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
    )


class ListPage(PermissionRequiredMixin, View):
    model: ClassVar[type[Model]]
    title: ClassVar[str]
    request: AuthenticatedRequest  # set by View.setup; every list is behind the log-in
    columns: list[Column]  # a page may set its own per request
    filterset_class: ClassVar[type[FilterSet] | None] = None
    default_sort: ClassVar[str] = ""
    paginate_by: ClassVar[int] = 25
    export_action: ClassVar[str] = "view"
    template_name: str = "core/list.html"  # a page may set its own per request
    data_category: ClassVar[str] = ""
    intro: ClassVar[str] = ""
    actions_template: ClassVar[str | None] = None
    # A list of patients or of their rows: the attribute holding a row's patient id
    # ("pk" on patients, "patient_id" on their rows). Each page shown is then one audit
    # entry naming the patients on it (``record_shown``).
    patient_field: ClassVar[str | None] = None
    raise_exception = True

    def get_permission_required(self) -> list[str]:
        return [permission_name(self.model, "view")]

    def export_permission(self) -> str:
        """The permission the CSV export asks for (a list of a model whose permissions are
        another's, as billing's reference tables, names that one)."""
        return permission_name(self.model, self.export_action)

    def base_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user, "view")  # type: ignore[attr-defined]  # a listed model's manager is a RestrictedQuerySet's

    def sort_keys(self) -> dict[str, str]:
        return {c.key: (c.order_by or c.key) for c in self.columns if c.sortable}

    def filtered(self, request: AuthenticatedRequest) -> tuple[QuerySet, forms.Form | None, str]:
        qs = self.base_queryset()
        form = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET, queryset=qs, request=request)
            form = filterset.form
            qs = filterset.qs if filterset.is_valid() else qs.none()
        sort = request.GET.get("sort", self.default_sort)
        keys = self.sort_keys()
        bare = sort.lstrip("-")
        if bare not in keys:
            sort = self.default_sort
            bare = sort.lstrip("-")
        if bare in keys:
            direction = "-" if sort.startswith("-") else ""
            qs = qs.order_by(f"{direction}{keys[bare]}", "-pk" if direction else "pk")
        return qs, form, sort

    def get(self, request: AuthenticatedRequest) -> HttpResponseBase:
        qs, form, sort = self.filtered(request)
        refused = form is not None and form.is_bound and not form.is_valid()
        if request.GET.get("format") == "csv":
            if form is not None and refused:
                return HttpResponse(filter_errors_text(form), status=400, content_type="text/plain")
            return self.export_csv(request, qs)
        paginator = Paginator(qs, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        headers = []
        for c in self.columns:
            state = "asc" if sort == c.key else "desc" if sort == "-" + c.key else ""
            next_sort = "-" + c.key if state == "asc" else c.key
            headers.append(
                {
                    "label": c.label,
                    "key": c.key,
                    "sortable": c.sortable,
                    "state": state,
                    "next_sort": next_sort,
                    "css": c.css,
                }
            )
        objects = list(page.object_list)
        if self.patient_field is not None:
            self.record_shown(objects, form)
        rows = [
            [
                {"value": c.cell(obj), "link": c.link(obj) if c.link else "", "css": c.css}
                for c in self.columns
            ]
            for obj in objects
        ]
        can_export = request.user.has_perm(self.export_permission())
        refused_fields = []
        if form is not None and refused:
            refused_fields = [
                {
                    "name": name,
                    "label": form.fields[name].label if name in form.fields else name,
                    "messages": [str(e) for e in errors],
                }
                for name, errors in form.errors.items()
            ]
        context = {
            "refused_fields": refused_fields,
            "title": self.title,
            "intro": self.intro,
            "form": form,
            "headers": headers,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": sort,
            "can_export": can_export,
            "actions_template": self.actions_template,
            **self.extra_context(),
        }
        template = self.template_name
        if request.htmx:
            # htmx swaps only 2xx answers: the live filter gets its errors with a 200.
            return render(request, template + "#table", context)
        return render(request, template, context, status=400 if refused else 200)

    def extra_context(self) -> dict[str, Any]:
        return {}

    def record_shown(self, objects: list[Any], form: forms.Form | None) -> None:
        """The audit entry of a page of a patients' list: the patients on it, in order."""
        assert self.patient_field is not None
        ids = [getattr(obj, self.patient_field) for obj in objects]
        record_event(
            AuditAction.READ,
            user=self.request.user,
            object_type=self.model._meta.label_lower,
            data_category=self.data_category,
            patient_ids=ids,
            detail=f"{self.title} list: {len(ids)} shown",
        )

    def export_csv(self, request: AuthenticatedRequest, qs: QuerySet) -> HttpResponseBase:
        if not request.user.has_perm(self.export_permission()):
            return HttpResponse("You may not export this list.", status=403)
        if self.export_action != "view":
            qs_allowed = self.model.objects.restrict(request.user, self.export_action)  # type: ignore[attr-defined]  # as in base_queryset
            qs = qs.filter(pk__in=qs_allowed.values("pk"))
        count = qs.count()
        # The filters by name only: a search's text may be a name or a phone number, which
        # the audit log never holds. An export of patients' rows names every patient in it.
        used = sorted(
            {key for key, value in request.GET.items() if value} - {"export", "format", "page"}
        )
        patient_ids = (
            list(qs.values_list(self.patient_field, flat=True)) if self.patient_field else []
        )
        record_event(
            AuditAction.EXPORT,
            user=request.user,
            object_type=self.model._meta.label_lower,
            data_category=self.data_category,
            patient_ids=patient_ids,
            detail=(f"CSV export of {count} rows; filtered by: {', '.join(used) or 'nothing'}")[
                :500
            ],
        )
        writer = csv.writer(_Echo())

        def stream() -> Iterator[str]:
            yield writer.writerow([c.label for c in self.columns])
            for obj in qs.iterator(chunk_size=2000):
                yield writer.writerow([csv_cell(c.export_cell(obj)) for c in self.columns])

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        name = self.model._meta.model_name
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
