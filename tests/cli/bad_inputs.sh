#!/usr/bin/env bash
# The bad-input catalogue of issue 14 through `boxanim-cli info` and `render`,
# each run under a time limit (timeout) and a memory limit (ulimit -v), from a
# scratch folder. Every case must end by itself with its expected exit code
# (never a signal, a timeout or an out-of-memory kill), print exactly one line
# on stderr naming the file at fault, and leave no file behind.
#
# usage: bad_inputs.sh BOXANIM_CLI SOURCE_DIR
set -u
CLI=$1
SRC=$2
LIMIT_S=${BAD_INPUTS_TIME_LIMIT:-60}
LIMIT_KB=${BAD_INPUTS_MEM_LIMIT_KB:-6000000}   # virtual memory: libtorch maps a lot up front
W=$(mktemp -d /tmp/boxanim-bad-inputs.XXXXXX)
LOGS=$(mktemp -d /tmp/boxanim-bad-inputs-logs.XXXXXX)
trap 'rm -rf "$W" "$LOGS"' EXIT
cd "$W"
cp "$SRC/resources/examples/smarties.png" img.png
failures=0
cases=0

project() {  # project NAME IMAGE [OBJECTS] [GENERATION]
  local objs=${3:-'[{"id":"o1","name":"candy","keyframes":[{"frame":0,"box":[0.43,0.51,0.56,0.67],"kind":"hard"},{"frame":11,"box":[0.2,0.2,0.33,0.36],"kind":"hard"}]}]'}
  local gen=${4:-'{"engine":"cutout"}'}
  printf '{"format":"boxanim-project","version":1,"id":"p1","reference":{"path":"%s"},"timeline":{"frames":12,"fps":12},"output":{"width":160,"height":128},"objects":%s,"generation":%s}' \
    "$2" "$objs" "$gen" > "$1"
}

# check LABEL EXPECTED_CODE MUST_MENTION -- COMMAND...
check() {
  local label=$1 want=$2 mention=$3
  shift 4
  cases=$((cases + 1))
  local before after
  # A failing command may leave nothing at all; a succeeding one only its
  # output (no hidden temporaries).
  local pattern='.'
  [ "$want" -eq 0 ] && pattern='^\.'
  before=$(ls -A | grep -- "$pattern" | sort)
  ( ulimit -v "$LIMIT_KB"; exec timeout -k 5 "$LIMIT_S" "$@" ) > "$LOGS/out.txt" 2> "$LOGS/err.txt" < /dev/null
  local code=$?
  local nerr
  nerr=$(grep -c . "$LOGS/err.txt")
  after=$(ls -A | grep -- "$pattern" | sort)
  local problem=""
  if [ "$code" -ge 124 ]; then problem="exit $code (timeout or signal)"
  elif [ "$code" -ne "$want" ]; then problem="exit $code, expected $want"
  elif [ "$want" -ne 0 ] && [ "$nerr" -ne 1 ]; then problem="$nerr lines on stderr, expected 1"
  elif [ -n "$mention" ] && ! grep -qF -- "$mention" "$LOGS/err.txt"; then problem="stderr does not mention '$mention'"
  elif [ "$before" != "$after" ]; then problem="left files: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  fi
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    echo "FAIL $label: $problem"
    sed 's/^/    stderr: /' "$LOGS/err.txt" | head -5
  else
    echo "ok   $label (exit $code)"
  fi
}

# --- references: info and render must both answer 2, naming the image -------
mkdir folder.png
mkfifo fifo.png
mkfifo fifo.mp4
printf 'these are not pixels\n' > notes.png
: > empty.png
head -c 20000 img.png > half.png
cp img.png big.png && truncate -s 3G big.png
python3 - <<'PY'
import struct, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
ihdr = struct.pack('>IIBBBBB', 20000, 20000, 8, 2, 0, 0, 0)
open('huge.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\0' * 100000)) + chunk(b'IEND', b''))
png = open('img.png', 'rb').read()
i = png.index(b'IDAT'); n = struct.unpack('>I', png[i-4:i])[0]
junk = bytes((0xA5 ^ k) & 0xff for k in range(n))
data = png[:i+4] + junk + struct.pack('>I', zlib.crc32(b'IDAT' + junk) & 0xffffffff) + png[i+8+n:]
open('damaged.png', 'wb').write(data)
PY
printf 'x%.0s' $(seq 1 3000) > fake.mp4
ln -s /dev/zero zero-link.png
ln -s loop-b.png loop-a.png; ln -s loop-a.png loop-b.png

for ref in folder.png /dev/null /dev/zero fifo.png fifo.mp4 notes.png empty.png half.png big.png huge.png \
           damaged.png fake.mp4 zero-link.png loop-a.png missing.png; do
  project ref.boxanim "$ref"
  mention=$(basename "$ref")
  check "info   reference $ref" 2 "$mention" -- "$CLI" info ref.boxanim
  check "render reference $ref" 2 "$mention" -- "$CLI" render ref.boxanim -o out.mp4
done

# --- projects ---------------------------------------------------------------
project noobj.boxanim img.png '[]'
check "render zero objects" 2 "noobj.boxanim: /objects" -- "$CLI" render noobj.boxanim -o out.mp4
project model.boxanim img.png '' '{"engine":"boxflow","model":"no-such-model"}'
check "render unknown model" 2 "/generation/model" -- "$CLI" render model.boxanim -o out.mp4
project five.boxanim img.png "[$(for i in 1 2 3 4 5; do printf '{"id":"o%s","keyframes":[{"frame":0,"box":[0.1,0.1,0.2,0.2],"kind":"hard"}]}' $i; [ $i -lt 5 ] && printf ','; done)]" '{"engine":"boxflow"}'
check "render five objects on boxflow" 2 "five.boxanim: /objects" -- "$CLI" render five.boxanim -o out.mp4
project nul.boxanim img.png '[{"id":"o1","name":"can\u0000dy","keyframes":[{"frame":0,"box":[0.4,0.5,0.5,0.6],"kind":"hard"}]}]'
check "info NUL in a name" 2 "/objects/0/name" -- "$CLI" info nul.boxanim
printf '{"format": "boxanim-project", ' > cut.boxanim
check "info truncated JSON" 2 "cut.boxanim" -- "$CLI" info cut.boxanim
mkfifo fifo.boxanim
check "info FIFO project" 2 "fifo.boxanim" -- "$CLI" info fifo.boxanim
check "info /dev/zero project" 2 "/dev/zero" -- "$CLI" info /dev/zero
check "info folder project" 2 "folder.png" -- "$CLI" info folder.png
project good.boxanim img.png
printf '\xef\xbb\xbf' > bom.boxanim; cat good.boxanim >> bom.boxanim
check "info BOM project (accepted)" 0 "" -- "$CLI" info bom.boxanim

# --- arguments and outputs ----------------------------------------------------
mkdir isdir.mp4
check "render -o existing folder .mp4" 2 "isdir.mp4" -- "$CLI" render good.boxanim -o isdir.mp4
check "render -o /dev/null" 2 "/dev/null" -- "$CLI" render good.boxanim -o /dev/null
check "render -o /proc/o.mp4" 2 "/proc/o.mp4" -- "$CLI" render good.boxanim -o /proc/o.mp4
check "render -o missing folder" 2 "no/such" -- "$CLI" render good.boxanim -o no/such/out.mp4
check "render -o out.avi" 2 "out.avi" -- "$CLI" render good.boxanim -o out.avi
for seed in "+5" " 5" "5 " "-1" "0x10" "99999999999999999999999"; do
  check "render --seed '$seed'" 2 "--seed" -- "$CLI" render good.boxanim -o out.mp4 --seed "$seed"
done
check "render --size 0x0" 2 "--size" -- "$CLI" render good.boxanim -o out.mp4 --size 0x0
check "render --frames +3" 2 "--frames" -- "$CLI" render good.boxanim -o out.mp4 --frames +3
# eval reads a clip: a FIFO would block the reader forever.
check "eval FIFO clip" 2 "fifo.mp4" -- "$CLI" eval good.boxanim fifo.mp4
check "eval /dev/zero clip" 2 "/dev/zero" -- "$CLI" eval good.boxanim /dev/zero
# The one case that succeeds: it must leave exactly its output.
check "render good project" 0 "" -- "$CLI" render good.boxanim -o good.gif --frames 3
rm -f good.gif

echo "$cases cases, $failures failed"
[ "$failures" -eq 0 ]
