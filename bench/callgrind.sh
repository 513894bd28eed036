#!/usr/bin/env bash
# Instructions per request, counted by callgrind: deterministic where CPU time is noisy. Each binary
# serves the fake upstream under `valgrind --tool=callgrind` for a short and a long wrk run (closed
# loop); the difference in instructions over the difference in ledger entries is the cost of one
# request, with start-up and shutdown cancelled out.
#
#   bench/callgrind.sh OLD_BINARY NEW_BINARY                 non-streaming and streaming, c=16
#   SHORT=5s LONG=20s CONCURRENCY=64 bench/callgrind.sh OLD NEW
#
# Results: $CALLGRIND_DIR (default /tmp/tollgate-callgrind): one callgrind file and log per run, and
# callgrind.md with the table. Needs valgrind, wrk and sqlite3 (installed when missing, as root).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SHARED="$(cd "$HERE/../../shared/bench" && pwd)"
[ $# -eq 2 ] || { echo "usage: bench/callgrind.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
OLD="$(realpath "$1")"
NEW="$(realpath "$2")"
for bin in "$OLD" "$NEW"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }; done
SHORT="${SHORT:-4s}"
LONG="${LONG:-12s}"
CONCURRENCY="${CONCURRENCY:-16}"
PORT="${GATEWAY_PORT:-28090}"
UPSTREAM_PORT="${UPSTREAM_PORT:-28180}"
OUT="${CALLGRIND_DIR:-/tmp/tollgate-callgrind}"
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi
rm -rf "$OUT"
mkdir -p "$OUT"
started_upstream=0
if ! curl -s -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/v1/models"; then
  "$SHARED/upstream.sh" start >&2
  started_upstream=1
fi
trap '[ $started_upstream = 1 ] && "$SHARED/upstream.sh" stop >/dev/null 2>&1 || true' EXIT

# run NAME BINARY DURATION STREAM: prints "<instructions> <entries>"
run() {
  local name="$1" bin="$2" duration="$3" stream="$4" dir="$OUT/$1"
  mkdir -p "$dir"
  cat > "$dir/tollgate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT}
storage: {sqlite_path: $dir/ledger.sqlite}
providers:
  - {name: upstream, kind: openai, base_url: http://127.0.0.1:$UPSTREAM_PORT/v1, api_key: sk-fake-upstream-key}
models:
  - {name: gpt-4o-mini, provider: upstream}
keys:
  - {name: bench, key: sk-bench, team: bench, workflow: bench, environment: prod}
YAML
  setsid valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" "$bin" serve --config "$dir/tollgate.yaml" \
    > "$dir/gateway.log" 2>&1 < /dev/null &
  local pid=$!
  for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
  BENCH_STREAM="$stream" wrk -t1 -c"$CONCURRENCY" -d"$duration" -s "$SHARED/load/chat.lua" "http://127.0.0.1:$PORT" \
    > "$dir/wrk.log" 2>&1
  kill -TERM "$pid"
  wait "$pid" || true
  local instructions entries
  instructions="$(grep -h '^summary:' "$dir"/callgrind.out* | awk '{s += $2} END {print s}')"
  entries="$(sqlite3 "$dir/ledger.sqlite" "select count(*) from ledgerEntry where status = 'ok'")"
  echo "$instructions $entries"
}

{
  echo "| point | binary | entries short → long | instructions short → long (M) | instructions per request (k) |"
  echo "|---|---|---|---|---|"
} > "$OUT/callgrind.md"
for stream in 0 1; do
  point="nonstream c=$CONCURRENCY"
  [ "$stream" = 1 ] && point="stream c=$CONCURRENCY"
  for which in old new; do
    bin="$OLD"
    [ "$which" = new ] && bin="$NEW"
    echo "[$(date +%T)] $point, $which: $bin" >&2
    read -r i1 e1 < <(run "$which-s$stream-short" "$bin" "$SHORT" "$stream")
    read -r i2 e2 < <(run "$which-s$stream-long" "$bin" "$LONG" "$stream")
    python3 - "$point" "$which" "$i1" "$e1" "$i2" "$e2" >> "$OUT/callgrind.md" <<'PY'
import sys
point, which, i1, e1, i2, e2 = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
per = (i2 - i1) / (e2 - e1) / 1e3 if e2 > e1 else float("nan")
print(f"| {point} | {which} | {e1:,} → {e2:,} | {i1 / 1e6:,.0f} → {i2 / 1e6:,.0f} | {per:,.1f} |")
PY
  done
done
cat "$OUT/callgrind.md"
