#!/usr/bin/env bash
# Runs every test: checks that Package.swift's dependencies equal the imports, installs missing system
# packages, builds (tests, the drp binary, benchmarks), runs `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check-manifest.sh
scripts/deps.sh
swift build --build-tests
swift test --skip-build
