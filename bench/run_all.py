"""Run every bench script and write docs/performance.md (`make bench`).

Each `bench/*.py` (but this one, and helpers whose name starts with `_`) runs as its own
process from the project folder and prints one markdown section on stdout; this script
puts the sections together under a description of the machine. A script that fails
gets a section saying so, and the run exits 1 after writing the page.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from _common import PG_ADMIN_URL, ROOT, psycopg_url

BENCH = ROOT / "bench"
OUTPUT = ROOT / "docs" / "performance.md"
TIMEOUT_S = 1800


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def postgres_version() -> str:
    try:
        import psycopg

        with psycopg.connect(psycopg_url(PG_ADMIN_URL), connect_timeout=5) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def scripts() -> list[Path]:
    me = Path(__file__).resolve()
    return sorted(
        path
        for path in BENCH.glob("*.py")
        if path.resolve() != me and not path.name.startswith("_")
    )


def run(script: Path) -> tuple[bool, str, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_S} s", time.perf_counter() - started
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        return False, f"exit status {done.returncode}:\n\n```\n{tail}\n```", elapsed
    return True, done.stdout.strip(), elapsed


def main() -> int:
    found = scripts()
    load_before = load_average()
    sections: list[str] = []
    failed: list[str] = []
    for script in found:
        print(f"bench: {script.name} ...", file=sys.stderr, flush=True)
        ok, text, elapsed = run(script)
        print(
            f"bench: {script.name} {'done' if ok else 'FAILED'} in {elapsed:.0f} s", file=sys.stderr
        )
        if ok:
            sections.append(text)
        else:
            failed.append(script.name)
            sections.append(f"## {script.name}\n\nThis bench failed: {text}")
    now = dt.datetime.now(dt.UTC)
    header = [
        "# Performance",
        "",
        "Written by `make bench` (`.venv/bin/python bench/run_all.py`), which runs every "
        "script in `bench/` as its own process; each can also be run alone, as its section "
        "says. Figures are from one run on the machine below; the load average shows how "
        "busy it was (wall-clock figures grow with it, CPU figures much less).",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPU | {cpu_model()} |",
        f"| cores | {os.cpu_count()} |",
        f"| memory | {memory()} |",
        f"| OS | {platform.system()} {platform.release()} |",
        f"| Python | {platform.python_version()} |",
        f"| SQLite | {sqlite3.sqlite_version} |",
        f"| PostgreSQL | {postgres_version()} |",
        f"| load average (1/5/15 min) at start | {load_before} |",
        f"| load average at end | {load_average()} |",
        f"| date | {now:%Y-%m-%d %H:%M} UTC |",
        "| command | `make bench` |",
        "",
    ]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(header) + "\n" + "\n\n".join(sections) + "\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(found)} benches)", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
