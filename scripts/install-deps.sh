#!/usr/bin/env bash
# Installs exactly the Debian 12 packages BoxAnim needs to build, test and run.
# Idempotent: packages already present are skipped by apt. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools libqt6svg6-dev qt6-qpa-plugins
  libtorch-dev libopenblas0-pthread
  libopencv-dev libopencv-contrib-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavfilter-dev
  nlohmann-json3-dev
  libpng-dev        # core/media decodes PNG references itself (quiet, bounded)
  libjpeg-dev       # ... and JPEG references (libjpeg-turbo: quiet, BGR output)
  ffmpeg            # ffprobe: tests read exported files back
  xvfb xauth        # the editor on a machine without a display
  locales           # de_DE.UTF-8 for the locale round-trip test
  dpkg-dev          # CPack DEB packaging (dpkg-shlibdeps)
  python3           # bench/run.sh tables
  appstream         # appstreamcli: the metainfo test
  python3-torch     # model_python_reference: the Python port checks the C++ network
  opencv-doc python3-skimage  # sample photos: clean-plate fill benchmark (boxanim-cli bench --fill), matte benchmark (bench/mattes)
  python3-onnx python3-numpy  # scripts/convert_isnet.py: the IS-Net weights (below)
)
# npm fetches the IS-Net weights package once, at set-up; Debian's npm only
# when no npm is on the PATH already.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

# `install-deps.sh --fuzz` (or BOXANIM_FUZZ=1): clang and its libFuzzer runtime
# for the BOXANIM_FUZZ build (the "fuzz" CMake preset); nothing otherwise.
for arg in "$@"; do
  if [ "$arg" = "--fuzz" ]; then BOXANIM_FUZZ=1; fi
done
if [ "${BOXANIM_FUZZ:-0}" = "1" ]; then
  PACKAGES+=(clang libclang-rt-dev)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi

# The locale round-trip test needs de_DE.UTF-8 generated.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf8$'; then
  if [ -f /etc/locale.gen ]; then
    $SUDO sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
    grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
    $SUDO locale-gen >/dev/null
  fi
fi

# IS-Net subject-mask weights (DESIGN §6 Mattes): made once from the npm
# package @imgly/background-removal-data@1.4.5, never downloaded at build or
# run time, never committed. Idempotent: an existing file whose sha256 matches
# models/manifest.json is kept; every download and intermediate is checked.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ISNET_OUT="$REPO/models/isnet-general-use.safetensors"
ISNET_SHA256="$(/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([e for e in m["subject_masks"] if e["name"]=="isnet-general-use"][0]["sha256"])' "$REPO/models/manifest.json")"
NPM_PKG="@imgly/background-removal-data@1.4.5"
NPM_TGZ="imgly-background-removal-data-1.4.5.tgz"
NPM_INTEGRITY="sha512-iRXZpPd7YirbJ4eOZ3SlvbdJkAc/LxVjzWLMHOezmRrVThPJPdPc+Y2kHEAVFEVvpDIuvBDyOfTTFBSJT2QR5w=="
ONNX_SHA256="b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb"
CACHE="${BOXANIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/boxanim}/npm"

integrity_of() {
  /usr/bin/python3 -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"
}

if [ -f "$ISNET_OUT" ] && [ "$(sha256sum "$ISNET_OUT" | cut -d' ' -f1)" = "$ISNET_SHA256" ]; then
  echo "install-deps: IS-Net weights present and verified"
else
  mkdir -p "$CACHE"
  if [ ! -f "$CACHE/$NPM_TGZ" ] || [ "$(integrity_of "$CACHE/$NPM_TGZ")" != "$NPM_INTEGRITY" ]; then
    echo "install-deps: npm pack $NPM_PKG (136 MB, once)"
    rm -f "$CACHE/$NPM_TGZ"
    (cd "$CACHE" && npm pack "$NPM_PKG" --silent >/dev/null)
  fi
  got="$(integrity_of "$CACHE/$NPM_TGZ")"
  if [ "$got" != "$NPM_INTEGRITY" ]; then
    echo "install-deps: $CACHE/$NPM_TGZ: integrity $got, expected $NPM_INTEGRITY" >&2
    exit 1
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$CACHE/$NPM_TGZ" -C "$work"
  # /models/medium: chunks named by their sha256 with byte offsets -> one ONNX
  # file, kept in the cache (scripts/isnet_onnx_reference.py reads it).
  /usr/bin/python3 - "$work/package/dist" "$CACHE/isnet-medium.onnx" <<'PY'
import hashlib, json, sys
dist, out = sys.argv[1], sys.argv[2]
res = json.load(open(dist + "/resources.json"))["/models/medium"]
pos = 0
with open(out, "wb") as f:
    for c in res["chunks"]:
        data = open(dist + "/" + c["hash"], "rb").read()
        if hashlib.sha256(data).hexdigest() != c["hash"]:
            sys.exit("install-deps: chunk %s: sha256 mismatch" % c["hash"])
        if c["offsets"] != [pos, pos + len(data)]:
            sys.exit("install-deps: chunk %s: offsets %s, expected [%d, %d]" % (c["hash"], c["offsets"], pos, pos + len(data)))
        f.write(data)
        pos += len(data)
if pos != res["size"]:
    sys.exit("install-deps: /models/medium is %d bytes, resources.json says %d" % (pos, res["size"]))
PY
  if [ "$(sha256sum "$CACHE/isnet-medium.onnx" | cut -d' ' -f1)" != "$ONNX_SHA256" ]; then
    echo "install-deps: assembled IS-Net ONNX has an unexpected sha256" >&2
    exit 1
  fi
  /usr/bin/python3 "$REPO/scripts/convert_isnet.py" "$CACHE/isnet-medium.onnx" "$ISNET_OUT.tmp"
  got="$(sha256sum "$ISNET_OUT.tmp" | cut -d' ' -f1)"
  if [ "$got" != "$ISNET_SHA256" ]; then
    rm -f "$ISNET_OUT.tmp"
    echo "install-deps: converted IS-Net weights have sha256 $got, models/manifest.json says $ISNET_SHA256" >&2
    exit 1
  fi
  mv "$ISNET_OUT.tmp" "$ISNET_OUT"
  rm -rf "$work"
  trap - EXIT
  echo "install-deps: IS-Net weights written to $ISNET_OUT (verified)"
fi
