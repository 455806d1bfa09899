#!/usr/bin/env bash
# Regenerates Benchmarks/keys/keys_fixture.json with the rank_bm25 package (the DRP authors' ranker).
# Needs the debug `drp` binary (swift build); creates Benchmarks/.venv-keys (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-keys
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q rank-bm25==0.2.2 numpy
"$venv/bin/python" keys/make_fixture.py
