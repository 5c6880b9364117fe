"""API tokens: one's own (make, list, revoke) and, for the office manager, everyone's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.core import services
from medoffice.core.formaction import errors_onto_form
from medoffice.core.forms import TokenForm
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import ApiToken
from medoffice.core.params import local_next
from medoffice.core.roles import Permission


@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    # Shown once: kept in the session only until the page after the redirect reads it,
    # so reloading neither shows it again nor creates a second token.
    new_token = request.session.pop("new_api_token", None) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, raw = services.create_api_token(
                user=request.user,
                name=data["name"],
                expires_in_days=data["expires_in_days"],
                access=data["access"],
                areas=data["areas"],
                # Recorded so that only a token made after the second step reads the audit log.
                mfa_verified=bool(getattr(request.user, "is_verified", lambda: False)()),
            )
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            request.session["new_api_token"] = raw
            return redirect("core:tokens")
    mine = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "core/tokens.html",
        {"form": form, "tokens": mine, "new_token": new_token, "title": "API tokens"},
    )


@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    tokens = ApiToken.objects.select_related("user")
    if not request.user.has_perm(Permission.CHANGE_USER):
        # Another user's token answers like one that does not exist.
        tokens = tokens.filter(user=request.user)
    token = get_object_or_404(tokens, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return HttpResponseRedirect(local_next(request, reverse("core:tokens")))


@require_safe
@permission_required(Permission.CHANGE_USER, raise_exception=True)
def staff_tokens(request: AuthenticatedRequest) -> HttpResponse:
    rows = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    return render(
        request,
        "core/staff_tokens.html",
        {"tokens": rows, "title": "Everyone's API tokens"},
    )
