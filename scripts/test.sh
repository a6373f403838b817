#!/usr/bin/env bash
# Install everything the tests need and run every test, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it downloads no browser)
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium not found and not root: browser tests will be skipped (install Debian's chromium)" >&2
  fi
fi
# strace for the tests that trace the PDF step and an upload (nothing may reach the network or the
# disk); pdftotext (poppler-utils) for the test that reads every tick label back out of the PDF
if { ! command -v strace >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; } \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace poppler-utils >/dev/null
fi
if [ $# -gt 0 ]; then   # a selection (bash scripts/test.sh tests/test_share.py -k link): as given
  exec python3 -m pytest -q -p no:cacheprovider "$@"
fi
# Everything: the tests that need no browser first, on every core; then the browser tests, one at
# a time, on an otherwise idle machine (two Chromiums and two Streamlit servers on two cores time out)
python3 -m pytest -q -p no:cacheprovider -n auto --ignore=tests/browser
python3 -m pytest -q -p no:cacheprovider tests/browser
