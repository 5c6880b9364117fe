"""ICD-10-CM look-ups over the ``simple-icd-10-cm`` package (a minimal stand-in).

Codes are stored without their dot (``E119``) and shown with it (``E11.9``); only a leaf
code (no children) is billable.
"""

from __future__ import annotations

import functools

import simple_icd_10_cm as cm  # type: ignore[import-untyped]


def normalize(code: str) -> str:
    """``" e11.9 "`` → ``"E119"``: upper case, no dot, no spaces."""
    return (code or "").strip().upper().replace(".", "").replace(" ", "")


def display(code: str) -> str:
    """``"E119"`` → ``"E11.9"``."""
    code = normalize(code)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _known(code: str) -> bool:
    try:
        return bool(code) and cm.is_valid_item(code)
    except Exception:  # the package raises on some malformed input
        return False


def is_billable(code: str) -> bool:
    """Whether the code exists and is a leaf (codable to the highest specificity)."""
    code = normalize(code)
    return _known(code) and cm.is_leaf(code)


def describe(code: str) -> str:
    """The code's description, or an empty string for an unknown code."""
    code = normalize(code)
    return str(cm.get_description(code)) if _known(code) else ""


@functools.cache
def _billable() -> list[tuple[str, str, str]]:
    rows = []
    for code in cm.get_all_codes(with_dots=False):
        if cm.is_leaf(code):
            description = str(cm.get_description(code))
            rows.append((code, description, description.lower()))
    return rows


def search(text: str, limit: int = 20) -> list[tuple[str, str]]:
    """Billable codes whose code starts with ``text`` or whose description holds every word."""
    query = (text or "").strip()
    if not query:
        return []
    code_prefix = normalize(query)
    words = query.lower().split()
    by_code: list[tuple[str, str]] = []
    by_words: list[tuple[str, str]] = []
    for code, description, lowered in _billable():
        if code.startswith(code_prefix):
            by_code.append((code, description))
        elif all(w in lowered for w in words):
            by_words.append((code, description))
        if len(by_code) >= limit:
            break
    return (by_code + by_words)[:limit]
