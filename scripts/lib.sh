# Shared helpers for the scripts in this folder: tool installation, checked and skipped
# when the right version is already there. Sourced, not run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
BINARYEN_BIN="$REPO_ROOT/tools/node_modules/.bin"
export PATH="$HOME/.cargo/bin:$BINARYEN_BIN:$PATH"

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$REPO_ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "Installing trunk $TRUNK_VERSION (slow on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local version
  version="$(locked_wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
    say "Installing wasm-bindgen-cli $version (the version in Cargo.lock)"
    # Without --locked: one of its pinned dependencies is missing from the registry here.
    cargo install wasm-bindgen-cli --version "$version"
  fi
}

# The build's npm tools (tools/package.json): wasm-opt from binaryen 132 (Debian's binaryen
# 108 breaks the wasm) and terser for tools/finish-build.mjs.
ensure_node_tools() {
  local terser_version
  terser_version="$(node -p "require('$REPO_ROOT/tools/node_modules/terser/package.json').version" 2>/dev/null || true)"
  if [ "$("$BINARYEN_BIN/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "132" ] \
    || [ "$terser_version" != "5.51.2" ]; then
    say "Installing the build's npm tools (binaryen 132, terser 5.51.2)"
    (cd "$REPO_ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

# apt-get install, after one apt-get update per run of a script.
APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "Installing Chromium and ChromeDriver from Debian"
    apt_install chromium chromium-driver
  fi
}

# Firefox ESR, geckodriver, WebKitGTK's WebDriver and Xvfb for the e2e core in other engines
# (tests/e2e/engines). Browsers come from Debian only; geckodriver is built from crates.io.
GECKODRIVER_VERSION="0.37.1"
ensure_firefox() {
  if [ ! -x /usr/bin/firefox-esr ]; then
    say "Installing Firefox ESR from Debian"
    apt_install firefox-esr
  fi
}

ensure_geckodriver() {
  if [ "$(geckodriver --version 2>/dev/null | head -n1 | awk '{print $2}')" != "$GECKODRIVER_VERSION" ]; then
    say "Installing geckodriver $GECKODRIVER_VERSION (about 4 minutes on 2 cores, once)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi
}

ensure_webkit() {
  if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x /usr/bin/xvfb-run ] || [ ! -x /usr/bin/xauth ]; then
    say "Installing WebKitGTK's WebDriver and Xvfb from Debian"
    apt_install webkit2gtk-driver xvfb xauth
  fi
}

ensure_engines() {
  ensure_firefox
  ensure_geckodriver
  ensure_webkit
}

ensure_build_tools() {
  check_trunk_pins
  ensure_wasm_target
  ensure_rust_src
  ensure_trunk
  ensure_wasm_bindgen
  ensure_node_tools
}

# The release wasm is built with its own standard library, whose panics abort at once
# (no panic messages or formatting in the wasm: about 20 KiB gzip less, README "Size"), and
# without `Debug` formatting or panic locations (3.7 KiB less; the app shows no `Debug`
# text), with the standard library's `optimize_for_size` feature (smaller algorithms). That
# needs the standard library's sources and, on this stable toolchain, RUSTC_BOOTSTRAP for
# these unstable build options. The same build sets Leptos's `erase_components` cfg (each
# component's view behind one type-erased `AnyView`: fewer monomorphized view types), and
# leaves out the wasm reference-types feature: wasm-bindgen then keeps JS values in a table
# of its glue instead of an `externref` table: 1.7 KiB less wasm for 0.2 KiB more glue.
# Nothing else is built this way.
ensure_rust_src() {
  if ! rustup component list --installed | grep -qx 'rust-src'; then
    say "Adding the rust-src component (the release wasm builds its own standard library)"
    rustup component add rust-src
  fi
}

wasm_release_env() {
  env RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none --cfg=erase_components -Ctarget-feature=-reference-types" \
    "$@"
}

# Release build of the app into dist/ with the pinned local tools and no downloads.
build_app() {
  say "Building the app (release, wasm-opt) into dist/"
  (cd "$REPO_ROOT" && cargo fetch --quiet \
    && wasm_release_env cargo fetch --quiet --target wasm32-unknown-unknown \
    && wasm_release_env env TRUNK_OFFLINE=true trunk build --release)
}

build_server() {
  say "Building protocol-server (release)"
  (cd "$REPO_ROOT" && cargo build --release -p protocol-server)
}

# Trunk.toml pins wasm-bindgen too; it must equal Cargo.lock's or trunk would want a download.
check_trunk_pins() {
  local locked pinned
  locked="$(locked_wasm_bindgen_version)"
  pinned="$(awk -F'"' '/^wasm_bindgen *=/ { print $2 }' "$REPO_ROOT/Trunk.toml")"
  if [ "$locked" != "$pinned" ]; then
    echo "Trunk.toml pins wasm-bindgen $pinned but Cargo.lock has $locked: update Trunk.toml" >&2
    exit 1
  fi
}
