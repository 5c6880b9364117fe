"""Logging pieces the settings use.

Django logs a refused request (403, 404, 400) with the exception that refused it, so a
permission check or a missing row printed a whole traceback for what is an ordinary
answer. ``OneLineForRefusals`` keeps such records to their one line; server errors
(5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class OneLineForRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
