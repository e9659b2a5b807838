#!/usr/bin/env bash
# Copies the installed nlohmann-json header into .deps/include (git-ignored), for
# building core/model on a machine without Debian's nlohmann-json3-dev: the GPU
# machine's run tool carries .deps along (`carry: [".deps"]`).
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/include/nlohmann
[ -f "$src/json.hpp" ] || { echo "copy-json-header: $src/json.hpp missing (apt install nlohmann-json3-dev)" >&2; exit 1; }
mkdir -p .deps/include
rm -rf .deps/include/nlohmann
cp -r "$src" .deps/include/nlohmann
echo "copy-json-header: .deps/include/nlohmann from $(dpkg-query -W -f='nlohmann-json3-dev ${Version}' nlohmann-json3-dev 2>/dev/null || echo "$src")"
