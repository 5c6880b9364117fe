"""The base of every list's filter: one django-filter ``FilterSet`` per list.

A list's FilterSet (in its app's ``filters.py``) is the only place that says which rows a
filter keeps. The list page and its CSV export bind it to the page's address
(``core/listing.py``); the list's API operation binds it to its validated query
parameters (``filter_rows``). So the page, the CSV and the API keep the same rows for
the same values, and refuse the same bad values naming the parameter.

A filter whose widget is hidden is read from the address but not offered in the page's
form (the API's finer ones: the audit log's ``since``/``until``, the users' ``active``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from medoffice.core.bounds import MAX_ID
from medoffice.core.forms import BootstrapMixin


class FilterFormBase(BootstrapMixin, forms.Form):
    """The form django-filter builds from a FilterSet: Bootstrap's classes, dates bounded."""


class IdFilter(django_filters.Filter):
    """A row's id: a whole number from 1 to ``core.bounds.MAX_ID``."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    class Meta:
        form = FilterFormBase

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, **kwargs: Any) -> None:
        # A bound filter even without parameters: the defaults (the recalls' "open",
        # the waitlist's "waiting") are the filter's, not the first visit's.
        super().__init__(data if data is not None else {}, queryset=queryset, **kwargs)


def filter_rows(
    filterset_class: type[FilterSet],
    queryset: QuerySet,
    values: Mapping[str, Any],
    *,
    rename: Mapping[str, str] | None = None,
) -> QuerySet:
    """The rows of ``queryset`` the list's filter keeps for an API operation's parameters.

    ``values`` are the parameters by the API's names (None: not given); ``rename`` maps an
    API name to the filter's where they differ (``patient_id`` → ``patient``). A value the
    filter refuses raises ``ValidationError`` naming the API's parameter (a 400).
    """
    names = dict(rename or {})
    # As text, the way a page's address gives it: the filter parses both alike.
    data = {names.get(key, key): str(value) for key, value in values.items() if value is not None}
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        back = {filter_name: api_name for api_name, filter_name in names.items()}
        raise ValidationError(
            {
                back.get(field, field): errors
                for field, errors in filterset.form.errors.as_data().items()
            }
        )
    return filterset.qs


def list_url(url: str, values: Mapping[str, Any]) -> str:
    """The list's address filtered by ``values`` (None: not given), as a figure links it."""
    from urllib.parse import urlencode

    data = {key: str(value) for key, value in values.items() if value is not None}
    return f"{url}?{urlencode(data)}" if data else url


def list_figure(
    url: str, filterset_class: type[FilterSet], queryset: QuerySet, values: Mapping[str, Any]
) -> dict[str, Any]:
    """A home-page figure and the list behind it: the count of the rows ``filterset_class``
    keeps of ``queryset`` (the list page's own rows) for ``values``, and the list's address
    filtered by the same values, so the figure and the list it opens always agree."""
    data = {key: str(value) for key, value in values.items() if value is not None}
    return {
        "count": filter_rows(filterset_class, queryset, data).count(),
        "url": list_url(url, data),
    }
