#!/usr/bin/env bash
# Prints what the browser loads before the first message shows (dist/: HTML, boot script,
# JS glue, wasm, CSS, config.json, icon), raw, gzip -9 and brotli (quality 11, Node's zlib),
# against the 230 KiB gzip budget. With --check, fails when the gzip total is over the
# regression ceiling: the budget is not met yet by the Leptos views (README "Size"), and the
# ceiling keeps the figure from growing while it is brought down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUDGET_KIB=230
BUDGET_BYTES=$((BUDGET_KIB * 1024))
CEILING_KIB=259
CEILING_BYTES=$((CEILING_KIB * 1024))
FIRST_LOAD=(index.html boot.js protocol-chat.js protocol-chat_bg.wasm main.css config.json favicon.png)

[ -f dist/index.html ] || { echo "dist/index.html missing: build the app first (scripts/run.sh)" >&2; exit 1; }

kib() { printf '%d.%d KiB' $(($1 / 1024)) $((($1 % 1024) * 10 / 1024)); }

total_raw=0
total_gz=0
total_br=0
printf '%-28s %10s %10s %10s\n' file raw gzip-9 brotli
for name in "${FIRST_LOAD[@]}"; do
  f="dist/$name"
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(node -e 'const z=require("zlib"),fs=require("fs");const q=z.constants;process.stdout.write(String(z.brotliCompressSync(fs.readFileSync(process.argv[1]),{params:{[q.BROTLI_PARAM_QUALITY]:11}}).length))' "$f")
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  printf '%-28s %10d %10d %10d\n' "$name" "$raw" "$gz" "$br"
done
printf '%-28s %10d %10d %10d  (%s gzip, %s brotli)\n' total "$total_raw" "$total_gz" "$total_br" "$(kib "$total_gz")" "$(kib "$total_br")"
if [ "$total_gz" -gt "$BUDGET_BYTES" ]; then
  echo "budget $BUDGET_KIB KiB: over by $(kib $((total_gz - BUDGET_BYTES)))"
else
  echo "budget $BUDGET_KIB KiB: met"
fi

echo "regression ceiling $CEILING_KIB KiB (until the budget is met)"

if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$CEILING_BYTES" ]; then
  echo "FAIL: $(kib "$total_gz") gzip is over the $CEILING_KIB KiB ceiling" >&2
  exit 1
fi
