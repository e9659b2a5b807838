#!/usr/bin/env bash
# Sets up, builds and runs every test except those that need a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -LE gpu -j 2
