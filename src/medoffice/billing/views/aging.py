"""The A/R aging page: by payer (each payer and the patients' share), by patient, and a
payer's claims (the drill-down from its row), as of a day, for a location; sortable, a page
at a time for the long views, and as CSV. A view that names patients (by patient, a payer's
claims) is audited with the patients shown, as the lists of patients' rows are."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from medoffice.billing.aging import BUCKETS, share_text
from medoffice.billing.forms.aging import PATIENTS_PAYER, AgingForm
from medoffice.billing.selectors import aging as selectors
from medoffice.core.audit import record_event
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import csv_cell, filter_errors_text
from medoffice.core.models import AuditAction
from medoffice.core.money import CENT
from medoffice.core.roles import Permission
from medoffice.patients.models import Payer

COLUMNS = [(b.key, b.label) for b in BUCKETS] + [("total", "Total")]


def _aging(request: AuthenticatedRequest, form: AgingForm, everything: bool) -> Any:
    data = form.cleaned_data
    location = data.get("location")
    common: dict[str, Any] = {
        "as_of": data["as_of"],
        "location_id": location.pk if location else None,
    }
    payer = data.get("payer")
    if data["by"] == "payer" and payer is None:
        return selectors.aging_by_payer(request.user, **common, sort=data["sort"])
    page = {
        "sort": data["sort"],
        "offset": 0 if everything else (data["page"] - 1) * selectors.PAGE_SIZE,
        "limit": None if everything else selectors.PAGE_SIZE,
    }
    if data["by"] == "patient" or payer == PATIENTS_PAYER:
        return selectors.aging_by_patient(request.user, **common, **page)
    return selectors.aging_by_claim(request.user, payer, **common, **page)


def _audit(request: AuthenticatedRequest, aging: Any, action: str, detail: str) -> None:
    if aging.by == "payer":
        return
    record_event(
        action,
        user=request.user,
        object_type="billing.ledgerentry",
        data_category="ledger",
        patient_ids=aging.patient_ids,
        detail=detail[:500],
    )


def _link(request: AuthenticatedRequest, aging: Any, row: Any) -> str:
    if aging.by == "claim":
        return reverse("billing_office:claim", args=[row.key]) if row.key else ""
    if aging.by == "patient":
        return reverse("billing_office:patient-ledger", args=[row.key])
    query = request.GET.copy()
    for name in ("page", "sort", "format"):
        query.pop(name, None)
    query["by"] = "payer"
    query["payer"] = str(row.key) if row.key else PATIENTS_PAYER
    return "?" + query.urlencode()


def _kept(query: Any) -> dict[str, str]:
    """The day and the location, which every tab and the way back keep."""
    return {k: str(query.get(k)) for k in ("as_of", "location") if query.get(k)}


def _first_column(aging: Any) -> str:
    return {"payer": "Payer", "patient": "Patient", "claim": "Claim"}[aging.by]


def _csv(request: AuthenticatedRequest, aging: Any) -> HttpResponse:
    _audit(
        request,
        aging,
        AuditAction.EXPORT,
        f"CSV export of the A/R aging by {aging.by} as of {aging.as_of}: {len(aging.rows)} rows",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="ar-aging-{aging.by}-{stamp}.csv"'
    writer = csv.writer(response)
    head = [_first_column(aging)]
    if aging.by == "claim":
        head += ["Date of service", "Patient id"]
    writer.writerow([*head, *(label for _, label in COLUMNS), "Share of total"])
    for row in aging.rows:
        first = [row.name]
        if aging.by == "claim":
            first += [row.service_date.isoformat() if row.service_date else "", row.patient_id]
        amounts = [row.amount(key).quantize(CENT) for key, _ in COLUMNS]
        share = "" if row.share is None else f"{row.share * 100:.1f}%"
        writer.writerow([csv_cell(v) for v in (*first, *amounts, share)])
    writer.writerow(
        ["Total", *([""] * (len(head) - 1))]
        + [csv_cell(v.quantize(CENT)) for v in (*aging.totals.values(), aging.total)]
        + [""]
    )
    return response


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def aging(request: AuthenticatedRequest) -> HttpResponse:
    form = AgingForm(request.GET, user=request.user)
    if not form.is_valid():
        if request.GET.get("format") == "csv":
            return HttpResponse(filter_errors_text(form), status=400, content_type="text/plain")
        return render(
            request,
            "billing/aging/aging.html",
            {"title": "A/R aging", "form": form, "aging": None, "columns": COLUMNS},
            status=400,
        )
    if request.GET.get("format") == "csv":
        return _csv(request, _aging(request, form, everything=True))
    result = _aging(request, form, everything=False)
    _audit(
        request,
        result,
        AuditAction.READ,
        f"A/R aging by {result.by} as of {result.as_of}: {len(result.rows)} shown",
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    payer_name = ""
    if result.by == "claim":
        payer = Payer.objects.filter(pk=form.cleaned_data["payer"]).first()
        payer_name = payer.name if payer else ""
    headers = []
    for key, label in [("name", _first_column(result)), *COLUMNS]:
        state = "asc" if result.sort == key else "desc" if result.sort == "-" + key else ""
        headers.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "next_sort": ("-" + key) if state != "desc" else key,
                "sortable": True,
            }
        )
    rows = [
        {
            "row": row,
            "link": _link(request, result, row),
            "amounts": [row.amount(key) for key, _ in COLUMNS],
            "share": share_text(row.share),
        }
        for row in result.rows
    ]
    pages = None
    if result.limit:
        number = form.cleaned_data["page"]
        last = max(1, -(-result.count // result.limit))
        pages = {
            "number": number,
            "last": last,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < last else None,
        }
    tabs = []
    for value, label in (("payer", "By payer"), ("patient", "By patient")):
        tab_query = _kept(query)
        tab_query["by"] = value
        tabs.append(
            {
                "label": label,
                "href": "?" + urlencode(tab_query),
                "active": form.cleaned_data["by"] == value,
            }
        )
    return render(
        request,
        "billing/aging/aging.html",
        {
            "title": "A/R aging",
            "form": form,
            "aging": result,
            "columns": COLUMNS,
            "headers": headers,
            "rows": rows,
            "pages": pages,
            "tabs": tabs,
            "payer_name": payer_name,
            "shares": [share_text(s) for s in result.shares.values()],
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "back": "?" + urlencode(_kept(query)),
        },
    )
