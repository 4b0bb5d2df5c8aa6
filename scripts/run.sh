#!/usr/bin/env bash
# Runs Protocol Chat on this machine: installs what is missing, builds the app in release
# mode, and starts the reference server with an embedded SQLite database in ./data and the
# demo data, serving the app and the API on http://127.0.0.1:8080.
# Usage: scripts/run.sh [extra protocol-server flags, e.g. --addr 127.0.0.1:9000]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_build_tools
build_app
build_server

cd "$REPO_ROOT"
mkdir -p data/files
say "Starting protocol-server (Ctrl+C stops it)"
exec target/release/protocol-server \
  --addr 127.0.0.1:8080 \
  --db data/protocol.db \
  --seed demo \
  --static dist \
  --files data/files \
  "$@"
