#!/usr/bin/env bash
# The main job: installs missing packages, builds drp (release), generates the synthetic sample
# into index/sample/, imports it into a fresh home (index/demo/), prints the store's counts, embeds the
# reviews (builtin embedder) and shows the nearest users and the peers of the first sample user.
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
"$drp" --home "$home" embed
user=$("$drp" --home "$home" users list --limit 1 | cut -f1)
item=$("$drp" --home "$home" users show "$user" --limit 1 --json | sed -n 's/.*"item_id":"\([^"]*\)".*/\1/p')
echo "neighbors of $user:"
"$drp" --home "$home" neighbors "$user" -k 5
echo "peers of $user for item $item (representative):"
"$drp" --home "$home" peers "$user" --item "$item"
