#!/usr/bin/env bash
# The main job: installs missing packages, builds drp (release), generates the synthetic sample
# into index/sample/, imports it into a fresh home (index/demo/), embeds it and builds the user
# index, starts `drp serve` on a Unix socket, shows one `drp call neighbors` and one streaming
# `drp call generate`, and stops the server cleanly (SIGTERM, exit status checked).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product drp
drp=.build/release/drp
home=index/demo
rm -rf "$home"
"$drp" sample --out index/sample
"$drp" --home "$home" import index/sample/items.jsonl index/sample/reviews.jsonl
"$drp" --home "$home" embed
"$drp" --home "$home" stats

socket="$PWD/$home/drp.sock"
log="$home/serve.log"
"$drp" --home "$home" serve --unix "$socket" >"$home/serve.out" 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening unix ' "$home/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
cat "$home/serve.out"
export DRP_CONNECT="unix:$socket"

user=$("$drp" --home "$home" users list --limit 1 | cut -f1)
item=$("$drp" call users.get "{\"user\":\"$user\",\"limit\":1}" | sed -E 's/.*"item_id":"([^"]+)".*/\1/')
echo "> drp call neighbors {\"user\":\"$user\",\"k\":5}"
"$drp" call neighbors "{\"user\":\"$user\",\"k\":5}"
echo "> drp call generate {\"user\":\"$user\",\"item\":\"$item\",\"mode\":\"drp\",\"stream\":true}"
"$drp" call generate "{\"user\":\"$user\",\"item\":\"$item\",\"mode\":\"drp\",\"stream\":true}"

kill -TERM "$server"
status=0
wait "$server" || status=$?
trap - EXIT
[ -e "$socket" ] && { echo "the socket file was left behind" >&2; exit 1; }
echo "drp serve stopped (exit status $status)"
exit "$status"
