from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": "Not allowed",
            "code": 403,
            "message": "Your role does not allow this page. Ask the office manager if you need it.",
        },
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": "Not found",
            "code": 404,
            "message": "There is nothing at this address, or it is outside what you may see.",
        },
        status=404,
    )
