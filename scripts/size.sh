#!/usr/bin/env bash
# Prints what the browser loads before the first message shows (dist/: HTML, boot script,
# JS glue, wasm, CSS, config.json, icon), raw and gzip -9, against the 150 KiB budget.
# With --check, fails when the gzip total is over the budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUDGET_BYTES=$((150 * 1024))
FIRST_LOAD=(index.html boot.js protocol-chat.js protocol-chat_bg.wasm main.css config.json favicon.png)

[ -f dist/index.html ] || { echo "dist/index.html missing: build the app first (scripts/run.sh)" >&2; exit 1; }

kib() { printf '%d.%d KiB' $(($1 / 1024)) $((($1 % 1024) * 10 / 1024)); }

total_raw=0
total_gz=0
printf '%-28s %10s %10s\n' file raw gzip-9
for name in "${FIRST_LOAD[@]}"; do
  f="dist/$name"
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$name" "$raw" "$gz"
done
printf '%-28s %10d %10d  (%s gzip)\n' total "$total_raw" "$total_gz" "$(kib "$total_gz")"
if [ "$total_gz" -gt "$BUDGET_BYTES" ]; then
  echo "budget 150 KiB: over by $(kib $((total_gz - BUDGET_BYTES)))"
else
  echo "budget 150 KiB: met"
fi

if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$BUDGET_BYTES" ]; then
  echo "FAIL: $(kib "$total_gz") gzip is over the 150 KiB budget" >&2
  exit 1
fi
