#!/usr/bin/env bash
# Prints the performance report: browser figures in headless Chromium against a real
# protocol-server on loopback, plus the server's own benchmark; writes bench-results/*.json
# and exits non-zero when a budget is broken (bench/README.md says how each is measured).
# Usage: scripts/bench.sh [--quick]   (--quick: fewer runs, 2,000 messages)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_build_tools
ensure_chromium
build_app
say "Building protocol-server and protocol-bench (release)"
cargo build --release -p protocol-server --bins
[ -d bench/node_modules ] || npm ci --prefix bench --no-audit --no-fund
node bench/run.mjs "$@"
