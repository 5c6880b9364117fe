"""pyx12 as the independent judge of what we write: ``pyx12_errors(text)`` lists its errors.

pyx12's ``x12valid`` script always exits 1, so this calls ``x12n_document`` in-process
and collects what it logs at ERROR level (one message per problem: line, element, what).
"""

from __future__ import annotations

import io
import logging

import pyx12.params
import pyx12.x12n_document


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_errors(x12_text: str) -> list[str]:
    """Every error pyx12 finds in ``x12_text`` (an empty list: valid)."""
    logger = logging.getLogger("pyx12")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), io.StringIO(x12_text), None, None
        )
    finally:
        logger.removeHandler(handler)
    if not valid and not handler.messages:
        handler.messages.append("pyx12 judged the document invalid without saying why")
    return handler.messages
