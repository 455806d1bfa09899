#!/usr/bin/env bash
# The main job: installs missing packages, builds drp (release), generates the synthetic sample
# into index/sample/, imports it into a fresh home (index/demo/), embeds the reviews (builtin
# embedder) and builds the user index, shows the nearest users, the peers, the difference profile
# and a generated review of the first sample user (CLI), then starts `drp serve` on a Unix socket, shows one `drp call neighbors` and one streaming
# `drp call generate`, and stops the server cleanly (SIGTERM; exit status and socket checked).
# DRP_DEMO_BIN runs an already built drp instead of building a release one, DRP_DEMO_DIR writes
# somewhere else than index/ (ScriptsTests runs the script that way).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${DRP_DEMO_DIR:-index}
if [ -n "${DRP_DEMO_BIN:-}" ]; then
  drp=$DRP_DEMO_BIN
else
  scripts/deps.sh
  swift build -c release --product drp
  drp=.build/release/drp
fi
home=$dir/demo
rm -rf "$home"
"$drp" sample --out "$dir/sample"
"$drp" --home "$home" import "$dir/sample/items.jsonl" "$dir/sample/reviews.jsonl"
"$drp" --home "$home" stats
"$drp" --home "$home" embed
user=$("$drp" --home "$home" users list --limit 1 | cut -f1)
item=$("$drp" --home "$home" users show "$user" --limit 1 --json | sed -n 's/.*"item_id":"\([^"]*\)".*/\1/p')
echo "neighbors of $user:"
"$drp" --home "$home" neighbors "$user" -k 5
echo "peers of $user for item $item (representative):"
"$drp" --home "$home" peers "$user" --item "$item"
echo "difference profile of $user for target item SI000000 (statistical analyser unless an LLM is configured):"
"$drp" --home "$home" profile "$user" --item SI000000
echo "review $user would write about SI000000 (offline generator unless DRP_LLM_URL is set):"
"$drp" --home "$home" generate "$user" --item SI000000 --rating 5 --mode drp

socket="$(cd "$home" && pwd)/drp.sock"
"$drp" --home "$home" serve --unix "$socket" >"$home/serve.out" 2>"$home/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening unix ' "$home/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$home/serve.log" >&2; exit 1; }
  sleep 0.1
done
cat "$home/serve.out"
export DRP_CONNECT="unix:$socket"
echo "> drp call neighbors '{\"user\":\"$user\",\"k\":5}'"
"$drp" call neighbors "{\"user\":\"$user\",\"k\":5}"
echo "> drp call generate '{\"user\":\"$user\",\"item\":\"$item\",\"mode\":\"drp\",\"stream\":true}'"
"$drp" call generate "{\"user\":\"$user\",\"item\":\"$item\",\"mode\":\"drp\",\"stream\":true}"

kill -TERM "$server"
status=0
wait "$server" || status=$?
trap - EXIT
if [ -e "$socket" ]; then
  echo "drp serve left its socket file behind" >&2
  exit 1
fi
echo "drp serve stopped (exit status $status)"
exit "$status"
