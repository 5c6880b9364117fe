"""A refused request writes one log line; a server error keeps its traceback (issue "Security", 7)."""

from __future__ import annotations

import logging

import pytest

from medoffice.core.logs import OneLineForRefusals
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db


def formatted(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler()
    handler.addFilter(OneLineForRefusals())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    assert handler.filter(record)
    return handler.format(record)


def record_with_exception(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        import sys

        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), info)
    record.status_code = status
    return record


def test_a_refused_request_is_one_line_without_its_traceback():
    assert formatted(record_with_exception(403)).splitlines() == ["WARNING x"]


def test_a_server_error_keeps_its_traceback():
    assert "Traceback" in formatted(record_with_exception(500))


def test_a_refused_page_logs_one_line_through_the_console_handler(client_for, caplog):
    console = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    client_for(Role.FRONT_DESK).get("/users/")  # 403: the front desk may not list users
    (refused,) = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert console.filter(refused)
    assert "Traceback" not in console.format(refused)
