#!/usr/bin/env bash
# Runs every test: formatting, clippy (warnings are errors), the Rust tests of the whole
# workspace (server over real SQLite), the app's component tests and end-to-end tests in
# headless Chromium, the end-to-end core in Firefox ESR and WebKitGTK, and the size budget.
# Installs what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_build_tools
ensure_chromium

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (native and wasm32), warnings are errors"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p protocol-chat --target wasm32-unknown-unknown --all-targets -- -D warnings

say "cargo test --workspace"
cargo test --workspace

say "Component tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p protocol-chat --target wasm32-unknown-unknown --test components --test feed

say "Tests of the build's own steps (tools/order-functions.mjs, tools/prune-exports.mjs)"
node --test tools/order-functions.test.mjs tools/prune-exports.test.mjs

build_app
build_server

say "Size budget"
scripts/size.sh --check

say "End-to-end tests in headless Chromium against protocol-server"
(cd tests/e2e && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund; } && npm test)

say "End-to-end core in Firefox ESR (headless) and WebKitGTK (Xvfb) through W3C WebDriver"
ensure_engines
(cd tests/e2e && npm run test:engines)

# The quick benchmark (fewer runs, 2,000 messages): a broken budget fails the run.
say "Benchmark, quick (budgets)"
{ [ -d bench/node_modules ] && npm ls --prefix bench --silent >/dev/null 2>&1; } || npm ci --prefix bench --no-audit --no-fund
node bench/run.mjs --quick
