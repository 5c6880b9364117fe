"""Bench: reading an 835 into typed, balanced claims, against pyx12 and x12sdk.

Builds a ~20 MB 835 005010X221A1 with our writer (synthetic payments, fixed seed) in a
temporary folder, then times, on that same file: our ``Reader835`` (tokens, envelope
checks, every claim and line typed and balanced), pyx12's tokenizer
``pyx12.x12file.X12Reader``; on a ~2 MB slice (the same generator, fewer claims), where
the peers take minutes or gigabytes on 20 MB: pyx12's full validation (``x12n_document``),
x12sdk's typed models (``x12sdk.io.X12ModelReader``) and ours again. Peak memory is
measured in child processes that only read (their own ``VmHWM``): ours on 20 MB and on a
200 MB file (the 20 MB payments repeated ten times, streamed from disk), x12sdk on the slice.
Run: .venv/bin/python bench/x12_835_reader.py
"""

from __future__ import annotations

import io
import json
import logging
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from _common import print_section, temporary_folder
from _x12_remittances import claims, header, interest, remittance_start
from medoffice.x12.r835 import ClaimPayment, Reader835
from medoffice.x12.w835 import Writer835

TARGET_MB = 20
SLICE_MB = 2
REPEATS = 10  # the large file is the 20 MB of payments this many times
PAYMENTS = 10  # transaction sets (payments) in the 20 MB file


def build(claim_count: int, path: Path) -> None:
    """An interchange of ``PAYMENTS`` payments holding ``claim_count`` claims, streamed to disk."""
    writer = Writer835(header())
    per_payment = max(claim_count // PAYMENTS, 1)
    with path.open("w") as out:
        for number in range(1, PAYMENTS + 1):
            seed = 1000 + number
            paid = sum((claim.paid for claim in claims(per_payment, seed)), Decimal(0))
            adjustments = interest(paid)
            paid -= sum((p.amount for p in adjustments), Decimal(0))
            writer.start(remittance_start(paid, number))
            for claim in claims(per_payment, seed):
                writer.claim(claim)
                if len(writer.out.parts) > 10_000:
                    out.write(writer.drain())
            writer.end(adjustments)
        writer.close()
        out.write(writer.drain())


def repeated(path: Path, times: int, target: Path) -> None:
    """``path``'s payments ``times`` over in one interchange at ``target``."""
    lines = path.read_text().splitlines(keepends=True)
    head, body, tail = lines[:2], lines[2:-2], lines[-2:]
    sets = sum(1 for line in body if line.startswith("ST*"))
    with target.open("w") as out:
        out.writelines(head)
        for _ in range(times):
            out.writelines(body)
        out.write(f"GE*{sets * times}*1~\n")
        out.write(tail[1])


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ours(path: Path) -> int:
    return sum(1 for event in Reader835(path) if isinstance(event, ClaimPayment))


def pyx12_tokenizer(path: Path) -> int:
    import pyx12.x12file

    return sum(1 for _ in pyx12.x12file.X12Reader(str(path)))


def pyx12_validation(path: Path) -> int:
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    text = path.read_text()
    valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None)
    return 0 if valid else 1


def x12sdk_models(path: Path) -> int:
    from x12sdk.io import X12ModelReader

    with X12ModelReader(str(path)) as reader:
        return sum(1 for _ in reader.models())


def peak_memory_mb(reader: str, path: Path | None) -> dict[str, float]:
    """Run ``reader`` over ``path`` (or nothing: the baseline) in a child; its peak RSS."""
    args = [sys.executable, __file__, "--child", reader] + ([str(path)] if path else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(argv: list[str]) -> None:
    reader, paths = argv[0], argv[1:]
    count = 0
    start = time.perf_counter()
    if paths:
        count = (ours if reader == "ours" else x12sdk_models)(Path(paths[0]))
    elapsed = time.perf_counter() - start
    print(json.dumps({"peak_mb": peak_rss_mb(), "count": count, "seconds": elapsed}))


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (``VmHWM``; ``ru_maxrss`` where no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    with temporary_folder("medoffice-x12-835-") as folder:
        probe = folder / "probe.835"
        build(1000, probe)
        per_claim = probe.stat().st_size / 1000
        count = int(TARGET_MB * 1e6 / per_claim)
        path = folder / "remittances.835"
        build(count, path)
        size = path.stat().st_size / 1e6
        part = folder / "slice.835"
        build(int(SLICE_MB * 1e6 / per_claim), part)
        part_mb = part.stat().st_size / 1e6

        claims_read = ours(path)
        our_s = seconds(lambda: ours(path))
        tok_s = seconds(lambda: pyx12_tokenizer(path))
        # A 0.2 s run is at the mercy of a collection of the tokenizer's garbage: the best
        # of three (the peers' runs take seconds each, one run apiece).
        our_part = min(seconds(lambda: ours(part)) for _ in range(3))
        val_s = seconds(lambda: pyx12_validation(part))
        sdk_s = seconds(lambda: x12sdk_models(part))

        big = folder / "big.835"
        repeated(path, REPEATS, big)
        big_mb = big.stat().st_size / 1e6
        baseline = peak_memory_mb("ours", None)
        at_20 = peak_memory_mb("ours", path)
        at_200 = peak_memory_mb("ours", big)
        big.unlink()
        sdk_memory = peak_memory_mb("x12sdk", part)

    lines = [
        "## X12: reading an 835 remittance",
        "",
        f"A {size:.1f} MB 835 ({PAYMENTS} payments, {claims_read:,} synthetic claims of two to "
        "four lines) from our writer, read from disk by each reader; wall clock, one run each (ours on the slice: the best of three). "
        "Ours reads every claim and line into typed dataclasses and checks the balancing "
        f"(lines, claims, BPR02 against the claims and PLBs). pyx12's validation and x12sdk's "
        f"models run on a {part_mb:.1f} MB slice (the same generator, fewer claims): on the "
        "whole file they take minutes, and x12sdk holds each payment's model in memory.",
        "",
        "| reader | file | seconds | MB/s | ours is |",
        "| --- | --- | ---: | ---: | ---: |",
        f"| medoffice `Reader835` (typed, balanced claims) | {size:.0f} MB | {our_s:.2f} "
        f"| {size / our_s:.1f} | |",
        f"| pyx12 `x12file.X12Reader` (tokenizer only) | {size:.0f} MB | {tok_s:.2f} "
        f"| {size / tok_s:.1f} | {tok_s / our_s:.1f}× as fast |",
        f"| medoffice `Reader835` | {part_mb:.1f} MB | {our_part:.2f} "
        f"| {part_mb / our_part:.1f} | |",
        f"| pyx12 `x12n_document` (full validation) | {part_mb:.1f} MB | {val_s:.2f} "
        f"| {part_mb / val_s:.2f} | {val_s / our_part:.0f}× as fast |",
        f"| x12sdk `X12ModelReader` (typed models) | {part_mb:.1f} MB | {sdk_s:.2f} "
        f"| {part_mb / sdk_s:.2f} | {sdk_s / our_part:.0f}× as fast |",
        "",
        "Peak memory (child process that only reads, its own `VmHWM`; the interpreter and "
        f"imports alone: {baseline['peak_mb']:.0f} MB):",
        "",
        "| reader | file | peak MB | seconds |",
        "| --- | --- | ---: | ---: |",
        f"| medoffice `Reader835` | {size:.0f} MB | {at_20['peak_mb']:.0f} "
        f"| {at_20['seconds']:.1f} |",
        f"| medoffice `Reader835` | {big_mb:.0f} MB (streamed from disk) "
        f"| {at_200['peak_mb']:.0f} | {at_200['seconds']:.1f} |",
        f"| x12sdk `X12ModelReader` | {part_mb:.1f} MB | {sdk_memory['peak_mb']:.0f} "
        f"| {sdk_memory['seconds']:.1f} |",
        "",
        "Our two peaks being alike is the point: the reader holds one 64 KiB chunk and the "
        "claim being read, whatever the file's size.",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    if "--child" in sys.argv:
        child([arg for arg in sys.argv[1:] if arg != "--child"])
    else:
        main()
