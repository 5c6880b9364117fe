"""The pay link's public pages (no account) and the card processor's webhook.

``/p/pay/<token>/`` shows the practice, the patient's first name and last initial, what
they are due now and what they may pay (``online.pay_options``: the whole due, the
statement's amount, the plan's next instalment, another amount from $1.00 up to the due)
with a Pay button (a POST: link previews never open a checkout; posted without a choice it
is the whole due). A refused amount shows the page again with every error, and opens no
checkout. With no processor set up (``PAYMENT_PROCESSOR=none``) it says how to pay by phone
or mail.

A token that is not ours, was changed or has expired gets a plain page (404/410) that
names nothing; refused tokens count against the client address like the other /p/ links
(``core.ratelimit``), and past the rate every pay link answers 429. Each opening of a good
link is audited as a read of the patient's balance by the link holder.

``/p/pay/webhook/stripe/``: the processor's call, CSRF-exempt, its signature required
(400 otherwise, nothing written).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing import paylinks
from medoffice.billing.forms.plans import PayAmountForm
from medoffice.billing.processors import (
    ProcessorError,
    WebhookRefused,
    get_processor,
)
from medoffice.billing.services import online
from medoffice.core.audit import record_event
from medoffice.core.failures import record_anonymous_failure
from medoffice.core.formaction import errors_onto_form
from medoffice.core.middleware import CONTENT_SECURITY_POLICY, client_ip
from medoffice.core.models import AuditAction, Location, Practice
from medoffice.core.permissions import SystemActor
from medoffice.core.ratelimit import FailureLimit
from medoffice.patients.models import Patient

log = logging.getLogger(__name__)
# Whoever holds a patient's pay link (the patient, a family member): no staff user.
LINK_HOLDER = SystemActor("pay link holder")
KIND = "pay link"


def failure_limit() -> FailureLimit:
    # The same count as the appointment links: one guesser, one limit, whatever /p/ it tries.
    return FailureLimit("public-links", settings.PUBLIC_LINK_FAILURE_RATE)


def _contact() -> dict[str, str]:
    practice = Practice.current()
    name = str(practice) if practice else "The practice"
    phone = practice.phone if practice and practice.phone else ""
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if not phone and location is not None:
        phone = location.phone
    return {"practice": name, "phone": phone, "office": location.name if location else name}


def _refused(request: HttpRequest, status: int, message: str, *, count: bool = True):
    if count:
        failure_limit().record_failure(client_ip(request))
        record_anonymous_failure(
            KIND,
            action=AuditAction.READ,
            object_type="patients.patient",
            detail=f"pay link refused ({status})",
        )
    return render(
        request,
        "billing/pay/refused.html",
        {"title": "Pay link not usable", "message": message, **_contact()},
        status=status,
    )


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        wait = failure_limit().wait(client_ip(request))
        if not wait:
            return view(request, *args, **kwargs)
        record_anonymous_failure(
            KIND,
            action=AuditAction.READ,
            object_type="patients.patient",
            detail="pay link: refused by the rate limit unchecked",
            throttled=True,
        )
        minutes = math.ceil(wait / 60)
        response = _refused(
            request,
            429,
            "This connection has opened too many links that do not work. "
            + (f"Wait {wait} seconds" if wait < 120 else f"Wait {minutes} minutes")
            + " and open your link again.",
            count=False,
        )
        response["Retry-After"] = str(wait)
        return response

    return limited


def _patient(token: str) -> tuple[paylinks.PayLink, Patient]:
    link = paylinks.read_token(token)
    patient = Patient.objects.filter(pk=link.patient_id).first()
    if patient is None:
        raise paylinks.PayLinkRefused(404, "This pay link is not one of ours or was changed.")
    return link, patient


def _shown_name(patient: Patient) -> str:
    first = patient.preferred_name or patient.first_name
    return f"{first} {patient.last_name[:1]}." if patient.last_name else first


def _form(options: online.PayOptions, data: object = None) -> PayAmountForm:
    return PayAmountForm(
        data,
        choices=[(o.key, o.label) for o in options.options],
        initial={"choice": online.DUE},
    )


def _page(
    request: HttpRequest,
    token: str,
    patient: Patient,
    *,
    link: paylinks.PayLink,
    form: PayAmountForm | None = None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    processor = get_processor()
    options = online.pay_options(patient=patient, statement_id=link.statement_id)
    due = options.due
    record_event(
        AuditAction.READ,
        user=LINK_HOLDER,
        obj=patient,
        patient_id=patient.pk,
        data_category="ledger",
        detail="balance shown through a pay link",
    )
    return render(
        request,
        "billing/pay/page.html",
        {
            "title": "Pay your bill",
            "name": _shown_name(patient),
            "due": due,
            "online": processor.configured,
            "token": token,
            "form": form or _form(options),
            "options": options.options,
            "minimum": online.MIN_ONLINE_PAYMENT,
            **_contact(),
            **extra,
        },
        status=status,
    )


def _absolute(request: HttpRequest, path: str) -> str:
    return str(request.build_absolute_uri(path))


@rate_limited
@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link, patient = _patient(token)
    except paylinks.PayLinkRefused as exc:
        return _refused(request, exc.status, exc.message)
    if request.method != "POST":
        return _page(request, token, patient, link=link, cancelled="cancelled" in request.GET)
    processor = get_processor()
    if not processor.configured:
        return _page(request, token, patient, link=link, problem="Paying online is not set up.")
    options = online.pay_options(patient=patient, statement_id=link.statement_id)
    if not options.options:
        return _page(
            request, token, patient, link=link, problem="There is nothing to pay right now."
        )
    form = _form(options, request.POST)
    amount = None
    if form.is_valid():
        try:
            amount = online.choose_amount(
                options=options,
                choice=form.cleaned_data.get("choice"),
                other=form.cleaned_data.get("amount"),
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
    if amount is None:
        return _page(request, token, patient, link=link, form=form, status=400)
    page_url = _absolute(request, paylinks.pay_path(token))
    what = "balance" if amount == options.due else "part of the balance"
    try:
        _checkout, redirect_url = online.start_checkout(
            processor=processor,
            patient=patient,
            amount=amount,
            currency=settings.PAYMENT_CURRENCY,
            description=f"{_contact()['practice']}: {what}",
            success_url=f"{page_url}done/?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{page_url}?cancelled=1",
            statement_id=link.statement_id,
        )
    except ValidationError:
        return _page(
            request, token, patient, link=link, problem="There is nothing to pay right now."
        )
    except ProcessorError as exc:
        log.warning("pay link checkout refused: %s", exc)
        return _page(
            request,
            token,
            patient,
            link=link,
            problem="The card payment service cannot be reached just now. "
            "Try again later or pay by phone.",
        )
    response = HttpResponseRedirect(redirect_url, status=303)
    # The form posts here and is sent on to the processor's page: allow that one address.
    origin = "/".join(redirect_url.split("/", 3)[:3])
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return response


@rate_limited
@require_safe
def pay_done(request: HttpRequest, token: str) -> HttpResponse:
    try:
        _link, patient = _patient(token)
    except paylinks.PayLinkRefused as exc:
        return _refused(request, exc.status, exc.message)
    session_id = request.GET.get("session_id", "")[:255]
    checkout, payment = online.confirm_return(processor=get_processor(), session_id=session_id)
    if checkout is None or checkout.patient_id != patient.pk:
        return _refused(request, 404, "We know of no payment at this address.")
    record_event(
        AuditAction.READ,
        user=LINK_HOLDER,
        obj=checkout,
        patient_id=patient.pk,
        data_category="payment",
        detail="online payment result shown through a pay link",
    )
    return render(
        request,
        "billing/pay/done.html",
        {
            "title": "Thank you" if payment else "Payment being processed",
            "name": _shown_name(patient),
            "payment": payment,
            "amount": checkout.amount,
            **_contact(),
        },
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, processor_name: str) -> HttpResponse:
    processor = get_processor()
    if processor.name != processor_name:
        return JsonResponse({"error": "No such payment processor is set up."}, status=404)
    try:
        event = processor.verify_webhook(request.body, request.headers)
    except WebhookRefused as exc:
        # Logged, not audited: a refused call reads and writes no patient's data.
        log.warning("payment webhook refused from %s: %s", client_ip(request), exc)
        return JsonResponse({"error": str(exc)}, status=400)
    posted = None
    if event.session is not None and event.type in {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    }:
        posted = online.record_paid_session(processor=processor, status=event.session)
    return JsonResponse({"received": True, "posted": posted.receipt_number if posted else None})
