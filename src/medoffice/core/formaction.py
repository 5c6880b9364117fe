"""The pattern of every page that writes: a valid form goes to a service, the service's
refusal comes back onto the form, success shows a message and redirects.

``run_form_action(request, form, action, success=..., redirect_to=...)`` does all of it and
answers the redirect, or ``None`` when the page is to be shown again with the form's errors.
A service refuses with ``django.core.exceptions.ValidationError``, keyed by field (or
``NON_FIELD_ERRORS``) with a code from its app's ``error_codes.py``; every message of it is
put on the form at once (:func:`errors_onto_form`), and the service's writes are rolled
back, so a refused request leaves nothing half-written.

Actions without a form of their own (the buttons that post and redirect) show the refusal
as a message instead: :func:`refusal_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")


def errors_onto_form(
    form: forms.BaseForm, exc: ValidationError, *, labels: Mapping[str, str] | None = None
) -> None:
    """Put every message of a service's ValidationError on the form.

    A message about a field the form shows goes on that field. One about a field the
    form hides or does not have goes at the top of the form, named by ``labels[field]``
    or the field's label (``"Time: That time is in the past."``), so the user knows what
    to change; a message about the request as a whole goes at the top as it is.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    labels = labels or {}
    for field, errors in exc.error_dict.items():  # ValidationErrors: their codes stay on
        target = form.fields.get(field)
        if target is not None and not target.widget.is_hidden:
            form.add_error(field, errors)
        elif field == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = labels.get(field) or (target.label if target is not None else None)
            name = str(label or field.replace("_", " ")).capitalize()
            named = [
                ValidationError(f"{name}: {message}", code=error.code)
                for error in errors
                for message in error
            ]
            form.add_error(None, named)


def refusal_text(exc: ValidationError) -> str:
    """A service's refusal as one line, for an action that answers with a message."""
    return " ".join(exc.messages)


def run_form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], HttpResponse],
    labels: Mapping[str, str] | None = None,
    level: int = messages.SUCCESS,
) -> HttpResponse | None:
    """Run a bound, valid form through ``action(cleaned_data)`` (the service call).

    On success: the message ``success`` (or ``success(result)``) and a redirect to
    ``redirect_to`` (a URL name or path, or ``redirect_to(result)`` giving the response).
    On a ValidationError from the service: its messages on the form, nothing written, and
    ``None``; also ``None`` for an unbound or invalid form. The caller then renders the
    page with the form as it would have before.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            result = action(form.cleaned_data)
    except ValidationError as exc:
        errors_onto_form(form, exc, labels=labels)
        return None
    messages.add_message(request, level, success(result) if callable(success) else success)
    return redirect_to(result) if callable(redirect_to) else redirect(redirect_to)
