#!/usr/bin/env bash
# Runs the server, service, index, store and OpenAI tests under ThreadSanitizer (or the tests matching the
# filter given as $1). Builds into .build/tsan, so the normal build in .build is untouched (the
# first build takes several minutes). Only the Synchronization.Mutex false positive is suppressed
# (scripts/tsan.supp says why); every other report, of the test process or of a `drp serve`
# process a test starts, is printed and fails the run, as does any failing test. Latency-bound
# tests are skipped (see `skip` below; TSAN_SKIP overrides the list).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
filter=${1:-"DRPServerTests|DRPServiceTests|DRPIndexTests|DRPStoreTests|DRPOpenAITests"}
# Tests whose point is a latency bound of tens of milliseconds: TSan slows everything 5-15x, so
# their bound cannot hold there (they run in every normal test run).
skip=${TSAN_SKIP:-"ServeEngineConcurrencyTests.testSlowEmbedderBlocksNeitherProfilesNorNeighbors"}
logs=$(mktemp -d "${TMPDIR:-/tmp}/drp-tsan.XXXXXX")
trap 'rm -rf "$logs"' EXIT
swift build --build-tests --sanitize=thread --scratch-path .build/tsan
status=0
TSAN_OPTIONS="log_path=$logs/report suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}" \
  swift test --skip-build --sanitize=thread --scratch-path .build/tsan --filter "$filter" --skip "$skip" \
  >.build/tsan/test.log 2>&1 ||
  status=$?
grep -E "error:|failed \(|Executed .* tests" .build/tsan/test.log | tail -20 || true
reports=$(cat "$logs"/report.* 2>/dev/null | grep -c "^WARNING: ThreadSanitizer" || true)
if [[ $reports -gt 0 ]]; then
  cat "$logs"/report.* >&2
  echo "tsan: $reports unexplained ThreadSanitizer report(s) (above)" >&2
  status=1
fi
if [[ $status -eq 0 ]]; then
  echo "tsan: tests passed, 0 ThreadSanitizer reports (filter: $filter; skipped: $skip)"
else
  echo "tsan: FAILED (failing tests or reports above; test output in .build/tsan/test.log)" >&2
fi
exit "$status"
