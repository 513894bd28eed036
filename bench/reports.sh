#!/usr/bin/env bash
# Report latency over a 10-million-entry ledger (see bench/README.md, "Reports").
#
#   bench/reports.sh                      # build (release), generate, time
#   SKIP_BUILD=1 REUSE=1 bench/reports.sh # reuse the binary and an existing ledger of the same size
set -euo pipefail
cd "$(dirname "$0")/.."

ENTRIES=${ENTRIES:-10000000}
DB=${DB:-/tmp/tollgate-bench-reports.sqlite}
MONTH=${MONTH:-2026-10}
LIMIT=${LIMIT:-1.0}
BIN=.build/release/tollgate

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  swift build -c release --product tollgate
fi

reuse=()
[ "${REUSE:-0}" = 1 ] && reuse=(--reuse)
"$BIN" bench-reports --entries "$ENTRIES" --db "$DB" --month "$MONTH" "${reuse[@]}"

# The commands as a user runs them: process start to exit, output discarded.
status=0
for cmd in "showback --by team" "unit --by workflow"; do
  best=""
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$BIN" report $cmd --period "$MONTH" --db "$DB" > /dev/null
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  verdict=PASS
  [ "$(echo "$best > $LIMIT" | bc)" = 1 ] && { verdict=FAIL; status=1; }
  printf 'CLI {"command":"report %s --period %s","best_seconds":%.3f,"limit_seconds":%s,"verdict":"%s"}\n' "$cmd" "$MONTH" "$best" "$LIMIT" "$verdict"
done

exit $status
