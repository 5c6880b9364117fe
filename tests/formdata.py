"""Form bodies a page accepts, read from its own form: what a user who changes nothing posts.

``form_body(form)`` is what the browser would send for an unbound form: every field's
current value as the form prepares it for display (ids for choices, lists of ids for
multiple choices), checked boxes as "on" and unchecked ones left out, as a browser does.
``new_object_body(form_class, make)`` is the body for a "new" page: the values of an object
made by ``make`` (a factory), which is then deleted so saving them again is no duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms


def _as_posted(field: forms.Field, value: Any) -> Any:
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def form_body(form: forms.BaseForm) -> dict[str, Any]:
    body = {}
    for name, field in form.fields.items():
        value = _as_posted(field, form[name].value())
        if value is not None:
            body[form.add_prefix(name)] = value
    return body


def new_object_body(form_class: type[forms.ModelForm], make: Callable[[], Any]) -> dict[str, Any]:
    instance = make()
    body = form_body(form_class(instance=instance))
    instance.delete()
    return body
