"""Bench: the CMS-1500 paper claim's PDF (WeasyPrint), one claim and a batch of 50.

Synthetic claims (``_x12_claims.synthetic_claims``, fixed seed, one to four service lines
each) are rendered by ``billing.cms1500.render_cms1500`` in a child process on the test
settings (no database: the PDF is made from plain ``Claim`` values), in both versions: the
form drawn on plain paper and the data alone for the red pre-printed form. The process's
first PDF (WeasyPrint's import and font configuration) is timed alone; then one claim is
rendered ``--runs`` times and the 50-claim batch 3 times. Pages per second are the batch's
pages over its median time.
Prints only its markdown section on stdout.
Run: .venv/bin/python bench/cms1500_pdf.py
"""

from __future__ import annotations

import os
import statistics
import time

from _common import (
    arguments,
    print_result,
    print_section,
    run_child,
    setup_django,
    testing_env,
    time_runs,
)

RUNS = 20
BATCH = 50
BATCH_RUNS = 3


def measure(runs: int) -> dict:
    setup_django(migrate=False)
    from _x12_claims import synthetic_claims
    from medoffice.billing.cms1500 import claim_pages, render_cms1500

    claims = synthetic_claims(BATCH)
    result: dict = {"runs": runs, "batch": BATCH, "load": 0.0}
    started = time.perf_counter()
    render_cms1500(claims[:1], printed_form=False)
    result["first"] = (time.perf_counter() - started) * 1000
    pages = sum(len(claim_pages(claim)) for claim in claims)
    result["pages"] = pages
    for version, printed in (("plain", False), ("printed", True)):
        one = time_runs(
            runs, lambda printed=printed: render_cms1500(claims[:1], printed_form=printed)
        )
        batch = time_runs(
            BATCH_RUNS, lambda printed=printed: render_cms1500(claims, printed_form=printed)
        )
        batch_ms = statistics.median(batch.wall)
        size = len(render_cms1500(claims, printed_form=printed))
        result[version] = {
            **one.summary(),
            "batch_ms": batch_ms,
            "batch_cpu_ms": statistics.median(batch.cpu),
            "pages_per_s": pages / (batch_ms / 1000),
            "batch_bytes": size,
        }
    result["load"] = os.getloadavg()[0]
    return result


def main() -> None:
    args = arguments(__doc__, "--runs", RUNS)
    if args.child:
        print_result(measure(args.runs))
        return
    env = testing_env("sqlite:///:memory:")
    result = run_child(__file__, "--runs", str(args.runs), env=env)
    lines = [
        "## CMS-1500 PDF",
        "",
        "The paper claim's PDF made by WeasyPrint (`billing.cms1500.render_cms1500`) from "
        f"synthetic plain claims (one to four service lines each), in a fresh process: its "
        f"first PDF (WeasyPrint's import and font configuration) took {result['first']:.0f} ms; "
        f"then one claim {result['runs']} times and a batch of {result['batch']} claims "
        f"({result['pages']} pages) {BATCH_RUNS} times, for each version: the form drawn on "
        "plain paper, and the data alone for the red pre-printed form.",
        "",
        "| version | 1 claim p50 ms | 1 claim p95 ms | 1 claim CPU p50 ms | 50 claims ms "
        "| 50 claims CPU ms | pages/s | 50-claim PDF size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for version, label in (("plain", "plain paper (form drawn)"), ("printed", "pre-printed form")):
        r = result[version]
        lines.append(
            f"| {label} | {r['p50']:.0f} | {r['p95']:.0f} | {r['cpu_p50']:.0f} "
            f"| {r['batch_ms']:.0f} | {r['batch_cpu_ms']:.0f} | {r['pages_per_s']:.1f} "
            f"| {r['batch_bytes'] / 1024:.0f} KiB |"
        )
    lines += [
        "",
        "Wall-clock is `time.perf_counter`; the CPU columns (`time.process_time`) are steadier "
        f"when the machine is busy (1-minute load average during the run: {result['load']:.1f}).",
    ]
    print_section(lines, __file__)


if __name__ == "__main__":
    main()
