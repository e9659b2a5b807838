#!/usr/bin/env bash
# The real-photo benchmark: every example project rendered by every engine
# configuration, then scored by `boxanim-cli eval` (CSRT-tracked box IoU, soft
# containment, centre error, identity, background change). A static clip (the
# photo repeated) is the no-motion baseline. Prints a Markdown table and
# writes bench/out/real.json. Then the procedural benchmark: held-out scenes
# from a fixed seed, scored against exact ground truth by
# `boxanim-train --bench-procedural` (bench/out/procedural.json).
#
#   bash bench/run.sh [--device cpu|cuda|auto] [--size WxH] [--model NAME]
#                     [--procedural-count N]   (0 skips it; default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
device=auto
size=""
model=boxflow-s
count=50
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --procedural-count) count="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--device D] [--size WxH] [--model NAME] [--procedural-count N]" >&2; exit 2 ;;
  esac
done
bin=${BOXANIM_BUILD_DIR:-build}/bin
cli=$bin/boxanim-cli
for tool in "$cli" "$bin/boxanim-train"; do
  [ -x "$tool" ] || { echo "bench/run.sh: $tool not built (run scripts/build.sh)" >&2; exit 1; }
done
out=bench/out
mkdir -p "$out"
results="$out/real.jsonl"
: > "$results"

for project in resources/examples/*.boxanim; do
  name=$(basename "$project" .boxanim)
  for config in cutout boxflow:1 boxflow:4 boxflow:8 static; do
    clip="$out/$name-${config/:/-}.mp4"
    start=$(date +%s.%N)
    status=0
    case "$config" in
      static)
        image=$(python3 -c 'import json,os,sys; p=sys.argv[1]; d=json.load(open(p)); print(os.path.join(os.path.dirname(p), d["reference"]["path"]))' "$project")
        frames=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timeline"]["frames"])' "$project")
        ffmpeg -loglevel error -y -loop 1 -i "$image" -frames:v "$frames" -r 24 \
          -vf "pad=ceil(iw/2)*2:ceil(ih/2)*2" -pix_fmt yuv420p -c:v libx264 "$clip" || status=$? ;;
      cutout)
        "$cli" render "$project" -o "$clip" --engine cutout ${size:+--size $size} \
          2>"$out/last.log" || status=$? ;;
      boxflow:*)
        "$cli" render "$project" -o "$clip" --engine boxflow --steps "${config#boxflow:}" \
          --device "$device" ${size:+--size $size} 2>"$out/last.log" || status=$? ;;
    esac
    if [ "$status" -ne 0 ]; then
      echo "bench/run.sh: $name $config failed: $(tail -n 1 "$out/last.log")" >&2
      continue
    fi
    secs=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$start" "$(date +%s.%N)")
    "$cli" eval "$project" "$clip" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d["config"] = sys.argv[1]; d["seconds"] = float(sys.argv[2])
print(json.dumps(d))' "$config" "$secs" >> "$results"
  done
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def f(v, pct=False):
    if v is None: return "–"
    return f"{100*v:.1f}%" if pct else f"{v:.3f}"
print("| project | engine | box IoU (hard) | soft containment | centre error | identity NCC | background change | render s |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    o = r["overall"]
    print(f"| {r['project'].split('/')[-1]} | {r['config']} | {f(o['mean_iou_hard'], True)} | "
          f"{f(o['containment_rate'], True)} | {f(o['centre_error'])} | {f(o['identity_ncc'])} | "
          f"{o['background_change']:.2f} | {r['seconds']:.1f} |")
json.dump(rows, open(sys.argv[1].replace(".jsonl", ".json"), "w"), indent=1)
PY

if [ "$count" -gt 0 ]; then
  echo
  "$bin/boxanim-train" --bench-procedural "$model" --models-dir "${BOXANIM_MODELS_DIR:-models}" \
    --count "$count" --device "$device" --json "$out/procedural.json"
fi
