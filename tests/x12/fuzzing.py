"""Hypothesis helpers: feed a reader mutated text and arbitrary bytes; only X12Error may escape."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hypothesis import strategies as st

from medoffice.x12.errors import X12Error


def only_typed_errors(read: Callable[[str | bytes], object], data: str | bytes) -> None:
    with contextlib.suppress(X12Error):
        read(data)


def mutations(valid: str) -> st.SearchStrategy[str]:
    """``valid`` with a piece cut out and a few separator-heavy characters put in."""
    return st.builds(
        lambda at, cut, insert: valid[:at] + insert + valid[at + cut :],
        st.integers(min_value=0, max_value=len(valid) - 1),
        st.integers(min_value=0, max_value=30),
        st.text(alphabet="*:^~|\nAZ09 ", max_size=6),
    )
