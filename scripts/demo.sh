#!/usr/bin/env bash
# The main job: installs missing packages, builds drp (release), generates the synthetic sample
# into index/sample/, imports it into a fresh home (index/demo/), prints the store's counts, embeds the
# reviews (builtin embedder), shows the nearest users and the peers of the first sample user, builds
# its difference profile and generates a review.
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
echo "difference profile of $user (statistical analyser unless an LLM is configured):"
"$drp" --home "$home" profile "$user"
echo "review $user would write about SI000000 (offline generator unless DRP_LLM_URL is set):"
"$drp" --home "$home" generate "$user" --item SI000000 --rating 5 --mode drp
