from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medoffice.core.params import BadParameter


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, BadParameter):
        message = f"The value given for “{exception.name}” cannot be used. {exception.message}"
    else:
        message = "The request could not be understood. Go back and try again."
    return render(
        request,
        "core/error.html",
        {"title": "Cannot show this", "code": 400, "message": message},
        status=400,
    )


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
