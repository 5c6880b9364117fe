"""Bench: writing 837P claim files, our writer against x12sdk's, on the same claims.

Ours turns 10,000 synthetic ``Claim``s into an 837P 005010X222A1 interchange
(``medoffice.x12.p837.write_837p``). x12sdk (a dev dependency) writes from its own Pydantic
models, so its models are built, outside the timing, by parsing our file (relabelled
X222A2, the guide x12sdk models); what is timed is ``x12sdk.io.write_transactions``
serialising those models. Our output is validated by pyx12 outside the timing, on a slice
of ``PYX12_CLAIMS`` claims (pyx12's full validation of the whole file would take minutes).
Run: .venv/bin/python bench/x12_837_writer.py [--claims N]
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from _common import arguments, print_section
from _x12_claims import envelope, synthetic_claims
from medoffice.x12.p837 import write_837p

if TYPE_CHECKING:
    from x12sdk.models import X12SegmentGroup

CLAIMS = 10_000
PYX12_CLAIMS = 500
RUNS = 3


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The shortest wall-clock seconds of ``runs`` runs (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def pyx12_error_count(text: str) -> int:
    import pyx12.params
    import pyx12.x12n_document

    class Count(logging.Handler):
        errors = 0

        def emit(self, record: logging.LogRecord) -> None:
            Count.errors += 1

    handler = Count(logging.ERROR)
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)
    try:
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), io.StringIO(text), None, None
        )
    finally:
        logger.removeHandler(handler)
    return Count.errors or (0 if valid else 1)


def x12sdk_models(text: str) -> list[X12SegmentGroup]:
    from x12sdk.io import X12ModelReader

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.837"
        path.write_text(text.replace("005010X222A1", "005010X222A2"))
        with X12ModelReader(str(path)) as reader:
            return list(reader.models())


def main() -> None:
    count = arguments(__doc__ or "", "--claims", CLAIMS).claims
    claims = synthetic_claims(count)
    env = envelope()
    text = write_837p(claims, env)
    ours = best_of(RUNS, lambda: write_837p(claims, env))
    errors = pyx12_error_count(write_837p(claims[:PYX12_CLAIMS], env))

    from x12sdk.io import write_transactions

    sdk_note = ""
    try:
        models = x12sdk_models(text)
        theirs: float | None = best_of(
            RUNS,
            lambda: write_transactions(models, sender_id="VALLEYFM", receiver_id="CLEARHOUSE"),
        )
    except Exception as exc:  # a peer that cannot write the claims is reported, not fatal
        theirs, sdk_note = None, f"x12sdk could not take the claims: {type(exc).__name__}: {exc}"
    mb = len(text.encode()) / 1e6
    ours_rate = count / ours
    lines = [
        "## X12: writing an 837P",
        "",
        f"{count:,} synthetic claims (1-4 lines, 30 % dependents, fixed seed) written as one "
        f"837P 005010X222A1 interchange of {mb:.1f} MB. Best of {RUNS} runs, wall clock. "
        "x12sdk writes from its own Pydantic models, built beforehand (untimed) by parsing our "
        "file, so its figure is serialisation only.",
        "",
        "| writer | seconds | claims/s | MB/s |",
        "| --- | ---: | ---: | ---: |",
        f"| medoffice `write_837p` | {ours:.2f} | {ours_rate:,.0f} | {mb / ours:.1f} |",
    ]
    if theirs is not None:
        lines.append(
            f"| x12sdk `write_transactions` | {theirs:.2f} | {count / theirs:,.0f} | {mb / theirs:.1f} |"
        )
        lines += ["", f"Ratio (ours ÷ x12sdk, claims/s): **{theirs / ours:.1f}×**."]
    else:
        lines += ["", sdk_note]
    lines += [
        "",
        f"pyx12 4.0.0 full validation of the first {PYX12_CLAIMS} claims of the same output "
        f"(untimed): **{errors} errors**.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
