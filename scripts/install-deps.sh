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
  ffmpeg            # ffprobe: tests read exported files back
  xvfb xauth        # the editor on a machine without a display
  locales           # de_DE.UTF-8 for the locale round-trip test
  dpkg-dev          # CPack DEB packaging (dpkg-shlibdeps)
  python3           # bench/run.sh tables
  appstream         # appstreamcli: the metainfo test
  python3-torch     # model_python_reference: the Python port checks the C++ network
  opencv-doc python3-skimage  # sample photos for the clean-plate fill benchmark (boxanim-cli bench --fill)
)

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
