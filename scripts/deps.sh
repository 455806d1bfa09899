#!/usr/bin/env bash
# Installs the Debian packages drp builds against, when any is missing (needs root or sudo).
# wordnet-base (WordNet 3.0 in /usr/share/wordnet) gives METEOR its synonym stage; without it METEOR runs the
# exact and stem stages only and says so.
set -euo pipefail
need=()
for pkg in libsqlite3-dev libblas-dev libopenblas-dev zlib1g-dev wordnet-base; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "deps: installing ${need[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >&2
fi
command -v swift >/dev/null || { echo "deps: swift not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
