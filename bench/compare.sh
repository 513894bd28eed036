#!/usr/bin/env bash
# Two gateway binaries measured in the same session, interleaved (old, new, old, new, ...), so that the
# machine's drift and other load fall on both alike; then one table of CPU per request, throughput, added
# p99 and peak RSS per point, every run's figure beside the mean.
#
#   bench/compare.sh OLD_BINARY NEW_BINARY            2 rounds of each (about 12 minutes)
#   ROUNDS=3 DURATION=20s bench/compare.sh OLD NEW    any bench/run.sh knob passes through
#
# Build the old binary from another clone, e.g.
#   git clone . /tmp/old && git -C /tmp/old checkout <commit> && (cd /tmp/old && swift build -c release --product tollgate)
# Results: $COMPARE_DIR (default /tmp/tollgate-compare): <old|new>-<round>.jsonl and .log, and compare.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
OLD="$(realpath "$1")"
NEW="$(realpath "$2")"
for bin in "$OLD" "$NEW"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }; done
ROUNDS="${ROUNDS:-2}"
OUT="${COMPARE_DIR:-/tmp/tollgate-compare}"
STATE="${BENCH_STATE:-/tmp/tollgate-bench}"
rm -rf "$OUT"
mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for which in old new; do
    bin="$OLD"
    [ "$which" = new ] && bin="$NEW"
    echo "[$(date +%T)] $which, round $round of $ROUNDS: $bin"
    SKIP_BUILD=1 TOLLGATE_BIN="$bin" BENCH_STATE="$STATE" DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-3s}" \
      CONCURRENCY="${CONCURRENCY:-1 16 64}" STREAM_CONCURRENCY="${STREAM_CONCURRENCY-16}" PACED_CONCURRENCY="${PACED_CONCURRENCY-16}" \
      NGINX_PROXY="${NGINX_PROXY:-0}" FIRSTBYTE_N="${FIRSTBYTE_N:-100}" STREAMS="${STREAMS:-0}" STALLED="${STALLED:-0}" \
      INGEST_ENTRIES="${INGEST_ENTRIES:-0}" "$HERE/run.sh" > "$OUT/$which-$round.log" 2>&1 \
      || { echo "bench/run.sh failed; see $OUT/$which-$round.log" >&2; exit 1; }
    latest="$(ls -td "$STATE"/tollgate/results/*/ | head -1)"
    cp "${latest}results.jsonl" "$OUT/$which-$round.jsonl"
  done
done
python3 "$HERE/compare.py" "$OUT" | tee "$OUT/compare.md"
