#!/usr/bin/env bash
# The README's screenshots (docs/screenshots/*.png), made by the browser tests that take them.
# Tests save screenshots to a temporary folder (tests/chromium.py: screenshots_dir); this script
# points them at docs/screenshots instead. Needs Debian's chromium (/usr/bin/chromium).
#
#   bash scripts/screenshots.sh      # then look at the pictures and commit the ones that changed
set -euo pipefail
cd "$(dirname "$0")/.."
export TCO_SCREENSHOTS="$PWD/docs/screenshots"
export REQUIRE_BROWSER=1
python3 -m pytest -q -p no:cacheprovider \
  "tests/browser/test_dashboard.py::test_slider_and_number_move_the_headline_and_nothing_leaves_the_machine" \
  "tests/browser/test_dashboard.py::test_a_link_opens_the_engines_numbers" \
  "tests/browser/test_share_browser.py::test_cfo_view_shows_the_engines_four_numbers_on_one_screen" \
  "tests/browser/test_share_browser.py::test_html_report_download_opens_offline"
ls -l docs/screenshots/*.png
