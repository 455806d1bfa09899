#!/usr/bin/env bash
# The main job: installs missing packages, builds drp (release), generates the synthetic sample
# into index/sample/, imports it into a fresh home (index/demo/) and prints the store's counts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product drp
drp=.build/release/drp
home=index/demo
rm -rf "$home"
"$drp" sample --out index/sample
"$drp" --home "$home" import index/sample/items.jsonl index/sample/reviews.jsonl
"$drp" --home "$home" stats
