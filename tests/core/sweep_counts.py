"""The cross-location sweep's counts, for the issue notes: ``python -m tests.core.sweep_counts``.

Runs ``test_cross_location.py`` in pytest (which sets Django up) with ``COUNTS_VARIABLE``
naming a file each request's outcome is appended to, then prints how many requests were
tried, refused, answered 403 instead of 404, leaked, and ended in a server error. This
module imports nothing of Django, so it can run before Django is set up.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

COUNTS_VARIABLE = "MEDOFFICE_SWEEP_COUNTS"  # a file each request's outcome is appended to
SWEEP = Path(__file__).with_name("test_cross_location.py")


def main(argv: list[str]) -> int:
    """``--counts``: run the sweep and print how many requests were tried, refused, leaked."""
    import tempfile
    from collections import Counter

    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        path = handle.name
    os.environ[COUNTS_VARIABLE] = path
    os.environ.setdefault("MEDOFFICE_TESTING", "1")
    exit_code = pytest.main([str(SWEEP), "-q", "-p", "no:cacheprovider", "-o", "addopts="])
    with open(path, encoding="utf-8") as lines:
        outcomes = [json.loads(line) for line in lines]
    os.unlink(path)
    counts = Counter(entry["outcome"] for entry in outcomes)
    sys.stdout.write(
        f"cross-location sweep: {len(outcomes)} requests tried, "
        f"{counts['refused']} refused as expected, {counts['403']} answered 403 instead of 404, "
        f"{counts['leak']} leaked, {counts['500']} server errors\n"
    )
    for entry in outcomes:
        if entry["outcome"] != "refused":
            sys.stdout.write(f"  {entry['outcome']}: {entry['detail']}\n")
    return int(exit_code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
