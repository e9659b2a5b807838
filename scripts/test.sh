#!/usr/bin/env bash
# Sets up, builds and runs every test except those that need a GPU (label gpu),
# then prints what was skipped: CTest cases that did not run and Qt Test
# functions that called QSKIP. Nothing that scripts/install-deps.sh installs
# may be skipped; a skip here is either GPU-only or a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
rc=0
ctest --test-dir build --output-on-failure -LE gpu -j 2 \
  --output-junit ctest-junit.xml --test-output-size-passed 1000000 || rc=$?
python3 scripts/skipped-tests.py build/ctest-junit.xml || true
exit $rc
