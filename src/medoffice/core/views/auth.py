"""Log-in, log-out and two-step verification pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from medoffice.core import mfa, services
from medoffice.core.formaction import errors_onto_form
from medoffice.core.forms import CodeForm, LoginForm, PasswordChangeForm
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.params import local_next
from medoffice.core.ratelimit import FailureLimit


def _next_url(request: HttpRequest, default: str = "core:home") -> str:
    return local_next(request, reverse(default))


@require_http_methods(["GET", "POST"])
@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.log_in(request, form.get_user())
            return HttpResponseRedirect(_next_url(request))
        username = request.POST.get("username", "")[:150]
        services.record_failed_login(username, locked=getattr(request, "axes_locked_out", False))
        if getattr(request, "axes_locked_out", False):
            return render(request, "core/locked_out.html", status=429)
    return render(
        request,
        "core/login.html",
        {"form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, ""), "title": "Log in"},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.log_out(request)
    messages.success(request, "You are logged out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


# Wrong current passwords on the password page, per user: past these the session ends, so a
# session left open cannot be used to guess the password and take the account over.
PASSWORD_GUESSES = FailureLimit("password-change", "5/15min")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    """Every user changes their own password; the office manager may require it."""
    from django.core.exceptions import ValidationError

    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_password(
                user=request.user,
                old_password=data["old_password"],
                new_password=data["new_password1"],
                new_password_again=data["new_password2"],
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
            if "old_password" in getattr(exc, "error_dict", {}):
                PASSWORD_GUESSES.record_failure(str(request.user.pk))
                if PASSWORD_GUESSES.wait(str(request.user.pk)):
                    # Someone at an unattended session guessing the password: end it.
                    services.log_out(request, reason="password guesses")
                    messages.error(
                        request,
                        "Too many wrong current passwords: you were logged off. "
                        "Log in again to change your password.",
                    )
                    return redirect(settings.LOGIN_URL)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(
                request,
                "Your password is changed. You stay logged in here; "
                "your sessions in other browsers have ended.",
            )
            return HttpResponseRedirect(local_next(request, reverse("core:home")))
    return render(
        request,
        "core/password_change.html",
        {
            "form": form,
            "title": "Change your password",
            "required": request.user.must_change_password,
            "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
        },
    )


def _too_many_tries(seconds: int) -> str:
    """The two-step prompt's answer while django-otp pauses after wrong codes."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many tries: wait {seconds} {unit} and enter the current code again."


@require_http_methods(["GET", "POST"])
@never_cache
def mfa_verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not mfa.has_confirmed_device(user):
        return redirect("core:mfa-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = mfa.check_code(user, form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            services.record_mfa_verified(user, check.device)
            return HttpResponseRedirect(_next_url(request))
        services.record_failed_login(
            user.get_username(), step="code", throttled=bool(check.wait_seconds)
        )
        form.add_error(
            "code",
            _too_many_tries(check.wait_seconds)
            if check.wait_seconds
            else "That code is not right or has been used. Try the next code from your app.",
        )
    return render(request, "core/mfa_verify.html", {"form": form, "title": "Two-step log-in"})


@require_http_methods(["GET", "POST"])
@never_cache
def mfa_enrol(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if mfa.has_confirmed_device(user) and not user.is_verified():
        return redirect("core:mfa-verify")
    device = mfa.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.throttle_wait(device)
        codes = mfa.confirm_totp_device(user, device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session["mfa_new_codes"] = codes
            return redirect("core:mfa-recovery-codes")
        form.add_error(
            "code",
            _too_many_tries(wait)
            if wait
            else "That code does not match. Check the time on your phone and try the newest code.",
        )
    return render(
        request,
        "core/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_text(device),
            "title": "Set up two-step log-in",
            "required": user.mfa_required(getattr(request, "practice_mfa_for_everyone", False)),
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
def mfa_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    codes = request.session.pop("mfa_new_codes", None)
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect("core:mfa-verify")
        codes = mfa.regenerate_recovery_codes(request.user)
    return render(
        request,
        "core/mfa_recovery_codes.html",
        {
            "codes": codes,
            "title": "Recovery codes",
            "has_device": mfa.has_confirmed_device(request.user),
            "codes_left": mfa.recovery_codes_left(request.user),
        },
    )


@require_safe
@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # pragma: no cover - reported, not raised
        return JsonResponse({"status": "database unavailable"}, status=503)
