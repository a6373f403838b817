"""Mutation score per module from mutmut's results (scripts/mutation.sh BASE: BASE/mutants/).

Score = killed / (killed + survived + no tests + timeout + suspicious): a mutant no test runs
counts against the score. Survivors listed in docs/mutation.md as equivalent are shown apart
(score without them in brackets); "not checked" mutants (a run stopped early) are reported, not scored.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# -24 (SIGXCPU: the wall-clock limit) is a timeout, not a kill (mutmut 3.2.3 counts it as a kill)
STATUS = {1: "killed", 3: "killed", -24: "timeout", -9: "timeout", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 35: "suspicious", 36: "timeout", 24: "timeout", 152: "timeout", 255: "timeout",
          None: "not checked"}


def equivalent() -> set[str]:
    """Mutant names docs/mutation.md explains as equivalent (first column of its tables)."""
    doc = ROOT / "docs" / "mutation.md"
    return set(re.findall(r"^\| `([\w.]+__mutmut_\d+)` \|", doc.read_text(), re.M)) if doc.exists() else set()


def unkilled(base: Path, modules: list[str]) -> list[str]:
    """Names of the mutants not killed (survived, no tests, timeout, not checked) and not explained
    as equivalent: what a resumed run (MUTATION_RESUME=1 scripts/mutation.sh) tries again. After a
    sampled run (``BASE/sample.txt`` lists the sample) only the sample's mutants."""
    explained = equivalent()
    sample_file = base / "sample.txt"
    sample = set(sample_file.read_text().split()) if sample_file.exists() else None
    names = []
    for module in modules:
        meta = base / "mutants" / (module + ".meta")
        if meta.exists():
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            names += sorted(k for k, c in codes.items()
                            if STATUS.get(c, "suspicious") != "killed" and k not in explained
                            and (sample is None or k in sample))
    return names


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a share k/n (a sample of the mutants: MUTATION_SAMPLE)."""
    if n == 0:
        return float("nan"), float("nan")
    from scipy.stats import binomtest
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def _row(name: str, codes: dict, explained: set[str]) -> tuple[str, Counter]:
    counts = Counter(STATUS.get(c, "suspicious") for c in codes.values())
    counts["equivalent"] = sum(1 for k, c in codes.items() if STATUS.get(c) == "survived" and k in explained)
    counts["mutants"] = len(codes)
    return name, counts


def _print(name: str, counts: Counter) -> None:
    scored = sum(v for k, v in counts.items() if k not in ("not checked", "skipped", "equivalent", "mutants"))
    killed, eq = counts["killed"], counts["equivalent"]
    score = killed / scored if scored else float("nan")
    adjusted = killed / (scored - eq) if scored - eq else float("nan")
    line = (f"{name:32} {counts['mutants']:7} {killed:6} {counts['survived']:8} {counts['no tests']:8} "
            f"{counts['timeout']:7} {counts['not checked']:9} {score:6.1%}  ({adjusted:.1%}, {eq} equivalent)")
    if counts["not checked"] and scored:   # part of the mutants: the score is an estimate
        lo, hi = wilson(killed, scored)
        line += f"  95% interval {lo:.1%}-{hi:.1%} from {scored} checked (if a random sample)"
    print(line)


def main(base: Path, modules: list[str]) -> int:
    explained = equivalent()
    print(f"{'module':32} {'mutants':>7} {'killed':>6} {'survived':>8} {'no tests':>8} {'timeout':>7} "
          f"{'unchecked':>9} {'score':>6}  (equivalent survivors excluded)")
    total: Counter = Counter()
    for module in modules:
        meta = base / "mutants" / (module + ".meta")
        if not meta.exists():
            print(f"{module:32} no results (not run)")
            continue
        name, counts = _row(module, json.loads(meta.read_text())["exit_code_by_key"], explained)
        _print(name, counts)
        total.update(counts)
    if len(modules) > 1 and total:
        _print("all of the above", total)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--unkilled":      # mutation_score.py --unkilled BASE MODULE...: one name a line
        print("\n".join(unkilled(Path(sys.argv[2]), sys.argv[3:])))
        sys.exit(0)
    sys.exit(main(Path(sys.argv[1]), sys.argv[2:]))
