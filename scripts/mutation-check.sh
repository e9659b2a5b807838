#!/usr/bin/env bash
# Mutation check: does the test suite catch the bugs that matter?
#
# Applies a curated list of one-line bugs (the MUTANTS list below), one at a
# time, to a scratch copy of this working tree (tracked and untracked files,
# not build/), rebuilds it incrementally, runs the suite and prints, per
# mutant, "caught" (with the tests that failed) or "SURVIVED". Not part of CI
# (too slow): run it by hand after changing tests or the code they guard.
#
# Each mutant names the exact line it replaces. When that line is not in the
# file exactly once (the code changed shape), the script stops before building
# anything and says which mutant to update: a stale mutant fails loudly, it
# never passes quietly.
#
# Usage: scripts/mutation-check.sh [--only NAME[,NAME...]] [--list]
#                                  [--all-tests] [--skip-baseline]
#   --only          run the named mutants only (see --list)
#   --all-tests     run the whole suite for every mutant (default: stop at the
#                   first failing test, enough to call it caught)
#   --skip-baseline do not first check that the unmutated suite passes
# Environment:
#   MUTATION_DIR     scratch folder (default /tmp/boxanim-mutation); it is kept
#                    between runs, so only the first run builds everything
#   JOBS             build and test parallelism (default 2)
#   MUTATION_EXCLUDE ctest label regex left out (default "gpu|slow|packaging":
#                    gpu needs a GPU; slow is the benchmarks, which time and
#                    print what the unit tests assert; packaging builds a .deb
#                    and tests no code path a one-line logic bug can change)
#   MUTATION_EXCLUDE_TESTS  ctest -E regex of tests left out (default none), for
#                    a test that is red without mutants while someone fixes it
#
# Exit status: 0 every mutant caught, 1 some survived, 2 the check itself
# could not run (stale mutant, build failure, red baseline).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=${MUTATION_DIR:-/tmp/boxanim-mutation}
JOBS=${JOBS:-2}
EXCLUDE=${MUTATION_EXCLUDE:-gpu|slow|packaging}
EXCLUDE_TESTS=${MUTATION_EXCLUDE_TESTS:-}
ONLY=""
LIST=0
ALL_TESTS=0
BASELINE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --list) LIST=1; shift ;;
    --all-tests) ALL_TESTS=1; shift ;;
    --skip-baseline) BASELINE=0; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "mutation-check: unknown argument $1" >&2; exit 2 ;;
  esac
done

# name / file / from (the exact whole line) / to (its replacement) / what it breaks.
MUTANTS=$(cat <<'EOF'
name: keyframe-easing-wrong-key
file: core/project/tracks.cpp
from:             const double u = applyEasing(next->easing, double(t - prev->frame) / (next->frame - prev->frame));
to:               const double u = applyEasing(prev->easing, double(t - prev->frame) / (next->frame - prev->frame));
what: a segment's easing taken from its first key instead of its second

name: path-easing-ignored
file: core/project/tracks.cpp
from:             const double u = applyEasing(path->easing, double(t - path->from) / (path->to - path->from));
to:               const double u = double(t - path->from) / (path->to - path->from);
what: a motion path's easing ignored (every path linear)

name: composite-front-to-back
file: core/render/renderer.cpp
from:     for (int k = objects - 1; k >= 0; --k) {
to:       for (int k = 0; k < objects; ++k) {
what: objects composited front to back (object 0 drawn first, under the others)

name: save-in-place
file: core/project/project_io.cpp
from:     int fd = mkstemp(name.data());
to:       int fd = (std::strcpy(name.data(), path.c_str()), fileno(std::fopen(name.data(), "wb")));
what: saving truncates and writes the project file in place (no temporary, no rename)

name: boxflow-hard-frames-not-pinned
file: core/engine/boxflow_plan.cpp
from:             const double fade = hardFade(hardFrames[k], time, ramp);
to:               const double fade = 1.0;
what: the boxflow residual flow is not faded out at hard frames (objects deform off their hard boxes)

name: encoder-not-drained
file: core/media/exporter.cpp
from:         d.encode(nullptr);
to:           (void)d;
what: the video encoder is not drained at the end (frames lost)

name: exporter-keeps-temporary
file: core/media/exporter.cpp
from:     fs::remove_all(tmp, ec);
to:       (void)ec;
what: a cancelled or failed export leaves its hidden temporary behind

name: keyframe-undo-keeps-key
file: ui/commands.cpp
from:             c.removeKeyframe(after_.frame);
to:               c.setKeyframe(after_);
what: undoing a new keyframe leaves the keyframe in place

name: worker-detached
file: ui/generation_controller.cpp
from:     if (worker_.joinable()) worker_.join();
to:       if (worker_.joinable()) worker_.detach();
what: the generation worker is detached, not joined, when the window goes
EOF
)

# mutants.py check|apply|list ROOT [NAMES]: check that every selected mutant's
# line is in its file exactly once; apply one (saving the original as .orig).
PY=$(cat <<'EOF'
import os, sys
mode, root, only, text = sys.argv[1], sys.argv[2], sys.argv[3], sys.stdin.read()
mutants, cur = [], {}
for line in text.split("\n"):
    if not line.strip():
        if cur: mutants.append(cur); cur = {}
        continue
    key, _, value = line.partition(": ")
    cur[key] = value
if cur: mutants.append(cur)
names = [m["name"] for m in mutants]
wanted = [n for n in only.split(",") if n] or names
for n in wanted:
    if n not in names:
        sys.exit(f"mutation-check: no mutant named {n} (see --list)")
selected = [m for m in mutants if m["name"] in wanted]
if mode == "list":
    for m in selected: print(f"{m['name']:32} {m['file']}: {m['what']}")
    sys.exit(0)
if mode == "names":
    print(" ".join(m["name"] for m in selected)); sys.exit(0)
bad = 0
for m in selected:
    path = os.path.join(root, m["file"])
    lines = open(path).read().split("\n") if os.path.exists(path) else []
    n = lines.count(m["from"])
    if n != 1:
        bad += 1
        print(f"mutation-check: STALE MUTANT {m['name']}: {m['file']} has the line {n} times, "
              f"expected once:\n    {m['from']}\n  the code changed shape: update MUTANTS in "
              f"scripts/mutation-check.sh", file=sys.stderr)
    if mode == "apply" and n == 1:
        os.replace(path, path + ".orig")
        lines[lines.index(m["from"])] = m["to"]
        open(path, "w").write("\n".join(lines))
if bad: sys.exit(2)
EOF
)
mutants() { printf '%s\n' "$MUTANTS" | python3 -c "$PY" "$@"; }

if [ "$LIST" = 1 ]; then mutants list "$SRC" "$ONLY"; exit 0; fi

# Every selected mutant must still match the source before anything is built.
mutants check "$SRC" "$ONLY" || exit 2
NAMES=$(mutants names "$SRC" "$ONLY")

# Scratch copy: tracked and untracked (not ignored) files, mtimes kept, so a
# kept scratch folder rebuilds only what changed since the last run.
COPY="$WORK/src"
BUILD="$COPY/build"
LOGS="$WORK/logs"
mkdir -p "$COPY" "$LOGS"
echo "mutation-check: copying $SRC to $COPY"
(cd "$SRC" && git ls-files -z -co --exclude-standard) > "$WORK/files"
(cd "$SRC" && tar --null --ignore-failed-read -T "$WORK/files" -cf - 2>/dev/null) | (cd "$COPY" && tar -xf -)
# Files removed from the source since the last run go from the copy too.
(cd "$COPY" && find . -path ./build -prune -o -type f -print | sed 's|^\./||' | sort) > "$WORK/have"
tr '\0' '\n' < "$WORK/files" | sort > "$WORK/want"
comm -23 "$WORK/have" "$WORK/want" | (cd "$COPY" && while IFS= read -r f; do rm -f -- "$f"; done)

build() {  # build LOG
  if [ ! -f "$BUILD/build.ninja" ]; then
    (cd "$COPY" && cmake --preset default >"$1" 2>&1) || return 1
  fi
  cmake --build "$BUILD" -j "$JOBS" >>"$1" 2>&1
}

suite() {  # suite LOG -> failing test names on stdout; status 0 when green
  local stop=(--stop-on-failure)
  [ "$ALL_TESTS" = 1 ] && stop=()
  local only=()
  [ -n "$EXCLUDE_TESTS" ] && only=(-E "$EXCLUDE_TESTS")
  local rc=0
  QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD" -LE "$EXCLUDE" "${only[@]}" -j "$JOBS" "${stop[@]}" \
    --output-on-failure >"$1" 2>&1 || rc=$?
  awk '/The following tests FAILED:/ { f = 1; next } f && $2 == "-" { print $3 }' "$1" | sort -u |
    tr '\n' ' '
  return $rc
}

echo "mutation-check: building the scratch copy (log: $LOGS/build.log)"
if ! build "$LOGS/build.log"; then
  echo "mutation-check: the unmutated copy does not build; see $LOGS/build.log" >&2
  exit 2
fi
if [ "$BASELINE" = 1 ]; then
  echo "mutation-check: baseline suite (ctest -LE '$EXCLUDE')"
  start=$(date +%s)
  if ! failed=$(suite "$LOGS/baseline.log"); then
    echo "mutation-check: the suite fails WITHOUT mutants ($failed); see $LOGS/baseline.log" >&2
    exit 2
  fi
  echo "mutation-check: baseline green in $(( $(date +%s) - start )) s"
fi

caught=0
survived=0
broken=0
summary=()
restore() {
  for f in $(cd "$COPY" && find . -path ./build -prune -o -name '*.orig' -print); do
    mv -f "$COPY/$f" "$COPY/${f%.orig}"
    touch "$COPY/${f%.orig}"  # rebuilt from the original next time
  done
}
trap restore EXIT
for name in $NAMES; do
  start=$(date +%s)
  mutants apply "$COPY" "$name" || exit 2
  if ! build "$LOGS/$name.build.log"; then
    line="DID NOT BUILD  $name (see $LOGS/$name.build.log)"
    broken=$((broken + 1))
  elif failed=$(suite "$LOGS/$name.log"); then
    line="SURVIVED       $name"
    survived=$((survived + 1))
  else
    line="caught         $name by ${failed:-the suite (see $LOGS/$name.log)}"
    caught=$((caught + 1))
  fi
  restore
  line="$line [$(( $(date +%s) - start )) s]"
  echo "mutation-check: $line"
  summary+=("$line")
done

echo
echo "mutation-check summary ($(date -u +%Y-%m-%d), ctest -LE '$EXCLUDE'${EXCLUDE_TESTS:+ -E '$EXCLUDE_TESTS'}$([ "$ALL_TESTS" = 1 ] || echo ', first failure'))"
printf '  %s\n' "${summary[@]}"
echo "  $caught caught, $survived survived, $broken did not build"
[ "$broken" -gt 0 ] && exit 2
[ "$survived" -gt 0 ] && exit 1
exit 0
