"""The form/action pattern: a valid form goes to the service, its refusal comes back onto the
form all at once with nothing written, success shows the message and redirects."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import RequestFactory

from medoffice.core.formaction import errors_onto_form, refusal_text, run_form_action
from medoffice.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class VisitForm(forms.Form):
    reason = forms.CharField()
    start = forms.CharField(widget=forms.HiddenInput)


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _form(**data):
    return VisitForm({"reason": "checkup", "start": "10:00", **data})


def _refuse(errors):
    def action(data):
        raise ValidationError(errors)

    return action


def _sent(request):
    return [(m.level, m.message) for m in request._messages]


def test_a_service_error_lands_on_the_field_it_names():
    form = _form()

    done = run_form_action(
        _request(),
        form,
        _refuse({"reason": ValidationError("Say why.", code="reason_required")}),
        success="Saved.",
        redirect_to="/done/",
    )

    assert done is None
    assert form.errors == {"reason": ["Say why."]}
    assert form.has_error("reason", code="reason_required")


def test_a_non_field_error_shows_at_the_top_of_the_form():
    form = _form()

    run_form_action(
        _request(),
        form,
        _refuse({NON_FIELD_ERRORS: ValidationError("Not today.", code="closed")}),
        success="Saved.",
        redirect_to="/done/",
    )

    assert form.non_field_errors() == ["Not today."]
    assert form.has_error(NON_FIELD_ERRORS, code="closed")


def test_an_error_without_a_field_shows_at_the_top_of_the_form():
    form = _form()

    run_form_action(_request(), form, _refuse("Not today."), success="Saved.", redirect_to="/done/")

    assert form.non_field_errors() == ["Not today."]


def test_every_error_of_a_refusal_shows_at_once():
    form = _form()

    run_form_action(
        _request(),
        form,
        _refuse(
            {
                "reason": ValidationError("Say why.", code="reason_required"),
                NON_FIELD_ERRORS: ValidationError("Not today.", code="closed"),
            }
        ),
        success="Saved.",
        redirect_to="/done/",
    )

    assert form.errors == {"reason": ["Say why."], NON_FIELD_ERRORS: ["Not today."]}


def test_an_error_on_a_hidden_field_shows_at_the_top_named_by_its_label():
    form = _form()

    errors_onto_form(form, ValidationError({"start": "Taken."}), labels={"start": "Time"})

    assert form.non_field_errors() == ["Time: Taken."]
    assert "start" not in form.errors


def test_an_error_on_a_field_the_form_lacks_shows_at_the_top_named_after_it():
    form = _form()

    errors_onto_form(form, ValidationError({"appointment_type": "No longer offered."}))

    assert form.non_field_errors() == ["Appointment type: No longer offered."]


def test_success_redirects_with_the_message():
    request = _request()

    done = run_form_action(
        request,
        _form(),
        lambda data: data["reason"],
        success=lambda reason: f"Booked for {reason}.",
        redirect_to="/done/",
    )

    assert done is not None
    assert (done.status_code, done["Location"]) == (302, "/done/")
    assert _sent(request) == [(messages.SUCCESS, "Booked for checkup.")]


def test_success_can_show_a_warning_instead():
    request = _request()

    run_form_action(
        request,
        _form(),
        lambda data: None,
        success="Granted.",
        redirect_to="/",
        level=messages.WARNING,
    )

    assert _sent(request) == [(messages.WARNING, "Granted.")]


def test_an_invalid_form_does_not_reach_the_service():
    called = []

    done = run_form_action(
        _request(),
        _form(reason=""),
        called.append,
        success="Saved.",
        redirect_to="/done/",
    )

    assert done is None
    assert called == []


def test_an_unbound_form_does_not_reach_the_service():
    called = []

    done = run_form_action(
        _request(), VisitForm(), called.append, success="Saved.", redirect_to="/done/"
    )

    assert done is None
    assert called == []


def test_a_refusal_leaves_nothing_written():
    def write_then_refuse(data):
        UserFactory(username="half-written")
        raise ValidationError({"reason": ValidationError("Say why.", code="reason_required")})

    run_form_action(_request(), _form(), write_then_refuse, success="Saved.", redirect_to="/done/")

    assert not User.objects.filter(username="half-written").exists()


def test_a_refusal_as_one_line_joins_its_messages():
    exc = ValidationError({"reason": "Say why.", "start": "Taken."})

    assert refusal_text(exc) == "Say why. Taken."
