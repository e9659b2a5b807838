#!/usr/bin/env bash
# Configures and builds BoxAnim into build/ (binaries in build/bin/).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build build -j "$(nproc)"
