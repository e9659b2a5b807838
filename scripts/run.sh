#!/usr/bin/env bash
# Runs BoxAnim's main job: the editor on the example project when a display is
# available, otherwise a headless render of the example project to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
example=resources/examples/smarties-path.boxanim
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/bin/boxanim ]; then
  exec build/bin/boxanim "$example"
fi
mkdir -p out
build/bin/boxanim-cli render "$example" -o out/smarties-path.mp4
echo "rendered out/smarties-path.mp4 (no display found; run build/bin/boxanim to edit)"
