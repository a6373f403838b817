#!/usr/bin/env bash
# Mutation testing of the engine and the bill parsers with mutmut (configuration: setup.cfg).
# Not part of CI (too slow): run it before resolving an issue that changes the engine or a parser,
# and put the score in the issue note. Survivors explained as equivalent: docs/mutation.md.
#
#   bash scripts/mutation.sh                    # every module of the goal, one after the other
#   bash scripts/mutation.sh tco/breakeven.py   # one module (or several)
#   MUTATION_TESTS=all bash scripts/mutation.sh tco/costs.py   # AppTest page tests included
#   MUTATION_TEST_PATHS="tests/test_share.py tests/test_share_baseline.py" bash scripts/mutation.sh tco/share.py
#   MUTATION_SAMPLE=200 MUTATION_SEED=1 bash scripts/mutation.sh tco/model.py
#       # 200 of its mutants drawn at random: the score with its 95% interval, for a module whose
#       # whole run does not fit in a session
#   MUTATION_RESUME=1 MUTATION_DIR=/tmp/mut-share bash scripts/mutation.sh tco/share.py
#       # after adding tests: the same run's mutants not yet killed, tried again with today's tests
#       # (refused when the module's source changed since that run: then its mutants are other ones)
#
# The run happens in a copy of the repository (MUTATION_DIR, default /tmp/tco-mutation) in which only
# the chosen modules are mutated, so the work tree is never touched; the tests' coverage is
# collected once for all of them. Tests: the non-browser suite
# without the AppTest page tests (they add minutes per mutant and test the page, not the
# arithmetic); MUTATION_TESTS=all keeps them. One worker at low priority (MUTATION_WORKERS to change).
# Afterwards: `cd /tmp/tco-mutation && python3 -m mutmut results` lists the survivors,
# `python3 -m mutmut show NAME` shows one.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
MODULES=("$@")
if [ ${#MODULES[@]} -eq 0 ]; then
  MODULES=(tco/costs.py tco/breakeven.py tco/capacity.py tco/model.py tco/share.py tco/invoices/*.py)
fi
# the benchmarks measure and compute nothing a person is shown: never mutated (setup.cfg)
kept=()
for module in "${MODULES[@]}"; do [[ "$module" == */bench.py ]] || kept+=("$module"); done
MODULES=("${kept[@]}")
BASE="${MUTATION_DIR:-/tmp/tco-mutation}"
# the `cli` tests (all of test_cli.py, one in test_plans.py and test_uncertainty.py) run `python -m tco`
# in a new interpreter, which mutmut's in-process runner cannot follow: under mutmut they fail
ADDOPTS=(-m "not browser and not cli" -p no:cacheprovider --ignore=tests/browser --ignore=tests/test_cli.py)
if [ "${MUTATION_TESTS:-}" != all ]; then
  for t in test_app.py test_app_fuzz.py test_first_load.py test_share_page.py test_bills_page.py \
           test_report.py test_charts.py; do
    ADDOPTS+=("--ignore=tests/$t")
  done
fi
# MUTATION_TEST_PATHS="tests/test_share.py ...": only these tests (a quicker run for one module; the
# score then says how well those tests alone catch its mutants)
read -r -a EXTRA <<< "${MUTATION_TEST_PATHS:-}"
ADDOPTS+=("${EXTRA[@]}")
export PYTEST_ADDOPTS="${ADDOPTS[*]@Q}"
# tests/conftest.py and tests/invoices/conftest.py share a module name; mutmut's --import-mode=append
# then trips pytest's import-path check on a re-run
export PY_IGNORE_IMPORTMISMATCH=1
# Hypothesis without shrinking, 40 examples a property (tests/conftest.py): a mutant only needs to fail
export TCO_MUTATION=1
work="$BASE"
if [ "${MUTATION_RESUME:-}" = 1 ]; then
  [ -d "$work/mutants" ] || { echo "MUTATION_RESUME=1: no earlier run in $work" >&2; exit 2; }
  for module in "${MODULES[@]}"; do
    cmp -s "$module" "$work/$module" || { echo "MUTATION_RESUME=1: $module changed since the run in $work: run it afresh" >&2; exit 2; }
  done
  rm -rf "$work/tests" && cp -r tests "$work"/ && find "$work/tests" -name __pycache__ -prune -exec rm -rf {} +
  mapfile -t again < <(python3 scripts/mutation_score.py --unkilled "$work" "${MODULES[@]}")
  echo "resuming in $work: ${#again[@]} mutants not killed yet, with today's tests (log: $work/mutmut.log)"
  if [ ${#again[@]} -gt 0 ]; then
    (cd "$work" && nice -n 10 python3 "$ROOT/scripts/mutmut_run.py" run --max-children "${MUTATION_WORKERS:-1}" "${again[@]}" \
       >> mutmut.log 2>&1) || echo "mutmut exited non-zero: see $work/mutmut.log"
  fi
  python3 scripts/mutation_score.py "$work" "${MODULES[@]}"
  exit 0
fi
rm -rf "$work" && mkdir -p "$work"
cp -r app.py data pytest.ini tco tests "$work"/
[ -d .streamlit ] && cp -r .streamlit "$work"/
find "$work" -name __pycache__ -prune -exec rm -rf {} +
names=()
for module in "${MODULES[@]}"; do
  [ -f "$module" ] || { echo "no such module: $module" >&2; exit 2; }
  name="${module%.py}"; names+=("${name//\//.}.*")     # tco/invoices/aws.py -> tco.invoices.aws.*
done
# the committed setup.cfg mutates all of tco/ but the UI; here only the chosen modules are mutated
{
  echo "[mutmut]"
  echo "paths_to_mutate=tco/"
  echo "do_not_mutate="
  (cd "$work" && find tco -name '*.py' | sort | while read -r f; do
     keep=0; for module in "${MODULES[@]}"; do [ "$f" = "$module" ] && keep=1; done
     if [ $keep = 0 ]; then echo "    $f"; fi; done)   # (`[ ] && echo` failed the run when the module was the last file)
  echo "also_copy="
  printf '    %s\n' data/ app.py pytest.ini .streamlit/
} > "$work/setup.cfg"
if [ -n "${MUTATION_SAMPLE:-}" ]; then
  # a uniform random sample of the modules' mutants (seed MUTATION_SEED, default 1): an estimate,
  # with its 95% interval, for a module whose whole run does not fit in a session
  mapfile -t names < <(cd "$work" && python3 "$ROOT/scripts/mutmut_run.py" sample "$MUTATION_SAMPLE" "${MUTATION_SEED:-1}" 2>/dev/null)
  [ ${#names[@]} -gt 0 ] || { echo "no mutants to sample in ${MODULES[*]}" >&2; exit 2; }
  printf '%s\n' "${names[@]}" > "$work/sample.txt"   # a resumed run tries again only these
  echo "sampled ${#names[@]} mutants (seed ${MUTATION_SEED:-1})"
fi
echo "mutating ${MODULES[*]} in $work (log: $work/mutmut.log)"
(cd "$work" && nice -n 10 python3 "$ROOT/scripts/mutmut_run.py" run --max-children "${MUTATION_WORKERS:-1}" "${names[@]}" \
   > mutmut.log 2>&1) || echo "mutmut exited non-zero: see $work/mutmut.log"
python3 scripts/mutation_score.py "$work" "${MODULES[@]}"
