#!/usr/bin/env bash
# Prints what the browser loads before the first message shows (dist/: HTML, JS, wasm,
# CSS), raw and gzip -9. With --check, fails when the gzip total is over the budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUDGET_BYTES=$((150 * 1024))

[ -f dist/index.html ] || { echo "dist/index.html missing: build the app first (scripts/run.sh or trunk build --release)" >&2; exit 1; }

total_raw=0
total_gz=0
printf '%-40s %10s %10s\n' file raw gzip-9
for f in dist/index.html dist/*.js dist/*.wasm dist/*.css; do
  [ -f "$f" ] || continue
  case "$f" in */embed.js) continue ;; esac
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-40s %10d %10d\n' "${f#dist/}" "$raw" "$gz"
done
printf '%-40s %10d %10d  (%d.%d KiB gzip; budget 150 KiB)\n' total "$total_raw" "$total_gz" \
  $((total_gz / 1024)) $(((total_gz % 1024) * 10 / 1024))

if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$BUDGET_BYTES" ]; then
  echo "FAIL: $total_gz bytes gzip is over the budget of $BUDGET_BYTES" >&2
  exit 1
fi
