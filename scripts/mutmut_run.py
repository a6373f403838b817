"""``mutmut run`` with a wall-clock timeout that survives a loaded machine.

mutmut 3.2.3 stops a mutant's tests with SIGXCPU once they have run 4 x (their measured time + 1 s)
of wall-clock time, and counts that as a kill. On two cores shared with other work most mutants hit
that limit and the score is meaningless. Here the limit is MUTATION_TIMEOUT_FACTOR (default 20) x
(measured time + 10 s), and scripts/mutation_score.py reports a timeout as a timeout, not a kill.

Each mutant's child also gets a CPU-time limit from mutmut (``ceil((measured + 1) x 2) x 10`` s,
``RLIMIT_CPU`` with soft = hard, so the kernel sends SIGKILL): 20 s for the parsers' functions,
whose covering tests it measured at a few ms in its stats run. In the fork those tests take longer
(tests/conftest.py clears the engine's caches under TCO_MUTATION, and catalogs are read again), so
mutants of functions many tests cover were killed by the kernel (exit -9) before their tests ended:
47 of seed 10's 300 (38 of them survivors once re-run). The CPU limit is raised here to MUTATION_CPU_LIMIT (default 900 s): a
mutant that really hangs is stopped by the wall-clock timeout above.
Usage: python3 scripts/mutmut_run.py run [--max-children N] [MUTANT_NAMES...]
       python3 scripts/mutmut_run.py sample N SEED   # make the mutants, print N of them drawn at random

``sample`` is for a module whose whole run does not fit in a session (tco/model.py: ~6 h on two
cores): a uniform random sample of its mutants, drawn with a fixed seed, estimates the share killed
(scripts/mutation_score.py gives the 95% interval) and shows survivors to read.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from datetime import datetime
from time import sleep

import mutmut.__main__ as mm

FACTOR = float(os.environ.get("MUTATION_TIMEOUT_FACTOR", "20"))


def timeout_checker(mutants):
    files = {id(m): m for m, _, _ in mutants}.values()

    def check() -> None:
        while True:
            sleep(1)
            now = datetime.now()
            for m in files:
                for pid, start in list(m.start_time_by_pid.items()):
                    budget = (m.estimated_time_of_tests_by_pid.get(pid, 0.0) + 10) * FACTOR
                    if (now - start).total_seconds() > budget:
                        try:
                            os.kill(pid, signal.SIGXCPU)
                        except ProcessLookupError:
                            pass
    return check


mm.timeout_checker = timeout_checker

_setrlimit = resource.setrlimit


def _cpu_limit(which, limits):
    if which == resource.RLIMIT_CPU:
        floor = int(os.environ.get("MUTATION_CPU_LIMIT", "900"))
        limits = tuple(max(v, floor) for v in limits)
    return _setrlimit(which, limits)


resource.setrlimit = _cpu_limit   # mutmut's child calls resource.setrlimit (module attribute)
mm.status_by_exit_code[-24] = "timeout"   # mutmut 3.2.3 lists a SIGXCPU stop as a kill
# a child killed by SIGKILL (the kernel's out-of-memory killer, or a hard stop): mutmut 3.2.3 has
# no entry for -9 and its summary crashed (KeyError: -9), ending the run; it is not a kill either
mm.status_by_exit_code[-9] = "timeout"


def sample(n: int, seed: int) -> list[str]:
    """``n`` mutant names of the configured modules, drawn uniformly without replacement."""
    import random
    from contextlib import redirect_stdout
    os.environ["MUTANT_UNDER_TEST"] = "mutant_generation"
    mm.read_config()
    os.makedirs("mutants", exist_ok=True)
    with redirect_stdout(sys.stderr):          # mutmut prints every file it mutates
        mm.create_mutants()
        mm.copy_also_copy_files()
    mutants, _ = mm.collect_source_file_mutation_data(mutant_names=())
    names = sorted(name.replace("__init__.", "") for _, name, _ in mutants)
    return sorted(random.Random(seed).sample(names, min(n, len(names))))


if __name__ == "__main__":
    if sys.argv[1:2] == ["sample"]:
        print("\n".join(sample(int(sys.argv[2]), int(sys.argv[3]))))
        sys.exit(0)
    sys.argv = ["mutmut", *sys.argv[1:]]
    mm.cli()
