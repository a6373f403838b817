"""Benchmark of bill uploads: time and peak memory to read a 20 MB export, a session of three,
and the refusal of a 400,000-column header (``python -m tco bench --uploads --json``).

The exports are built in memory from data/examples/openai_completions_usage.csv (rows repeated
over consecutive days under new project ids), never written to disk. Peak memory is the growth of
the process's peak resident set during one read (Linux: /proc/self/clear_refs resets the peak),
so it counts everything the read allocates plus what the allocator keeps; and the peak of the
Python heap traced by tracemalloc (numpy and pandas report their buffers to it; as in
tco/bench.py), which is what the code itself holds at once. Tracing slows the read about 6x, so
it is measured on a separate read. Figures vary with the machine and its load; ratios in one run
(MB/s, peak bytes per byte of file) travel better.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from tco.invoices import MAX_FILE_BYTES, InvoiceError, ParsedFile, merge, parse_file

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "openai_completions_usage.csv"
_DAY = 86_400
_START = 1_704_067_200  # 2024-01-01 UTC


def example_export(size: int = MAX_FILE_BYTES - 50_000, seed: int = 0) -> bytes:
    """An OpenAI usage CSV of about ``size`` bytes: the example's rows over 600 days."""
    header, *rows = EXAMPLE.read_text().splitlines()
    out, total, i = [header], len(header) + 1, 0
    while total < size:
        r = rows[i % len(rows)].split(",")
        day = (i // len(rows)) % 600
        start, end = _START + _DAY * day, _START + _DAY * (day + 1)
        r[0], r[1] = str(start), str(end)
        r[2] = pd.Timestamp(start, unit="s", tz="UTC").isoformat()
        r[3] = pd.Timestamp(end, unit="s", tz="UTC").isoformat()
        r[4] = f"proj_{seed}_{i}"
        line = ",".join(r)
        out.append(line)
        total += len(line) + 1
        i += 1
    return ("\n".join(out) + "\n").encode()


def _status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _measured(fn):
    """(result, seconds, peak growth of resident memory [bytes] or None off Linux)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
        before = _status("VmRSS")
    except OSError:
        before = None
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    peak = _status("VmHWM")
    return out, dt, (peak - before) if before is not None and peak is not None else None


def run(files: int = 3) -> dict:
    exports = [example_export(seed=i) for i in range(files)]
    size = len(exports[0])
    merge([parse_file("warm.csv", exports[0][:200_000])])  # imports and caches outside the figures

    parsed, t_one, peak_one = _measured(lambda: parse_file("export_0.csv", exports[0]))
    del parsed
    tracemalloc.start()
    parse_file("export_0.csv", exports[0])
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # one session adding the files one by one, as the page does: each file read once (keyed by
    # its hash), the merge redone over all the files read so far
    cache: dict[int, ParsedFile] = {}
    steps = []
    for i, data in enumerate(exports):
        def step(i=i, data=data):
            cache[i] = parse_file(f"export_{i}.csv", data)
            return merge(list(cache.values()))
        result, dt, peak = _measured(step)
        steps.append({"files": i + 1, "seconds": round(dt, 2), "peak_rss_growth_mb": _mb(peak),
                      "months": int(len(result.months))})
    kept = sum(p.rows.memory_usage(deep=True).sum() for p in cache.values())

    wide = ("," * 400_000 + "\n" + "1," * 399_999 + "1\n").encode()
    def refuse():
        try:
            parse_file("wide.csv", wide)
        except InvoiceError as exc:
            return str(exc)
        return "accepted"
    message, t_wide, peak_wide = _measured(refuse)
    return {
        "export_mb": round(size / 1e6, 2),
        "one_file": {"seconds": round(t_one, 2), "mb_per_s": round(size / 1e6 / t_one, 2),
                     "peak_rss_growth_mb": _mb(peak_one), "traced_peak_mb": _mb(traced),
                     "traced_peak_per_file_byte": round(traced / size, 2)},
        "session": steps,
        "session_rows_kept_mb": _mb(kept),
        # issue 10: peak memory per 20 MB file under 150 MB (the resident set's growth, what the
        # machine gives up, not only what Python traces)
        "goal": {"peak_rss_growth_mb_per_file": 150,
                 "met": None if peak_one is None else bool(peak_one < 150e6)},
        "wide_header": {"columns": 400_001, "file_mb": round(len(wide) / 1e6, 2), "seconds": round(t_wide, 3),
                        "peak_rss_growth_mb": _mb(peak_wide), "refused": message != "accepted", "message": message[:120]},
    }


def _mb(x: float | None) -> float | None:
    return None if x is None else round(x / 1e6, 1)
