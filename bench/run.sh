#!/usr/bin/env bash
# Tollgate benchmark: the gateway beside direct-to-upstream, in the same run.
#
#   bench/run.sh                      build (release), measure everything, print one table
#   SKIP_BUILD=1 DURATION=5s bench/run.sh
#   WITH_LITELLM=1 bench/run.sh       also run ../shared/bench/run.sh (LiteLLM + tollgate)
#
# What it measures (see bench/README.md):
#   wrk (1 thread, closed loop, ../shared/bench/load/chat.lua) direct vs gateway (and a
#   bare nginx proxy as the "one more hop" floor) at non-streaming concurrency 1/16/64 and
#   streaming 16: req/s, p50/p99, added p50/p99, gateway CPU ms/request, gateway peak RSS;
#   ledger completeness (rows in ledgerEntry vs requests wrk saw); time to first streamed
#   byte direct-simulator vs gateway->simulator; peak RSS with 1,000 concurrent streams;
#   ledger ingest (tollgate bench-ledger).
#
# Knobs (env):
#   DURATION=10s WARMUP=3s        per wrk measurement (warm-up results are not reported)
#   CONCURRENCY="1 16 64"         non-streaming levels;  STREAM_CONCURRENCY="16" streaming levels
#   PACED_CONCURRENCY="16"        also measure these connection counts paced below saturation: each connection pauses
#   PACED_DELAY_MS=8              a random 0..2×PACED_DELAY_MS between a response and its next request (bench/load/paced.lua), so latency
#                                 shows the gateway's own work rather than queueing for the shared 2 cores ("" = skip)
#   NGINX_PROXY=1                 also measure a bare nginx reverse proxy (0 = skip)
#   FIRSTBYTE_N=200               sequential streaming requests per target for first-byte latency
#   STREAMS=1000 STREAM_TOKENS=60 STREAM_TOKEN_MS=100   the many-streams test, ~6 s per stream (0 streams = skip);
#                                 300 x 20 ms is 50k SSE events/s: more than this 2-core box can relay
#                                 (the simulator alone takes ~1.2 cores), so not all 1,000 are open at once
#   STALLED=1000 STALLED_TOKENS=60000 STALLED_HOLD=30   streams whose readers never read (0 = skip): the gateway's
#                                 RSS while they are held, and a good caller's latency (fake upstream) idle and meanwhile
#   INGEST_ENTRIES=200000         tollgate bench-ledger --entries (0 = skip); INGEST_TIMEOUT=300 s
#   PROFILE=0                     1 = perf-record the gateway during an extra c=16 run, list hot symbols
#   PROFILE_SECONDS=10
#   WITH_LITELLM=0                1 = afterwards run the shared side-by-side harness with LiteLLM and
#                                 tollgate (installs LiteLLM into $BENCH_STATE/venv-litellm if missing)
#   GOVERNANCE=0                  1 = run the gateway with governance on: budgets (strict and estimate), per-key and
#                                 provider rate limits, agent limits, a model allowlist with max_tokens ceiling and PII
#                                 redaction (limits high enough that nothing is refused; every check still runs)
#   LEVERS=1                      also measure the exact response cache: tollgate-cache-miss (every call a new prompt:
#                                 looked up, forwarded, stored) and tollgate-cache-hit (the same call: answered from the
#                                 cache, with CACHE_FILL answers already held) at CACHE_CONCURRENCY="16 64", beside the
#                                 lever-off tollgate rows; skipped for a binary without levers. Then tollgate bench-cache:
#                                 CPU per lookup with 100,000 answers held. And tollgate-routed: calls a routing rule
#                                 sends through a two-model tier (body read, candidates priced, the cheaper one chosen)
#   SKIP_BUILD=0                  1 = use the existing binary
#   SKIP_INSTALL=0                1 = never apt-get
#   TOLLGATE_BIN=<repo>/.build/release/tollgate
#   BENCH_STATE=/tmp/tollgate-bench   all state: config, ledger, logs, results
#   GATEWAY_PORT=28080 SIM_PORT=29090 UPSTREAM_PORT=28180 PASSTHROUGH_PORT=28181
#   QUIET_WAIT=20                 before each measurement wait up to this many s for other programs
#                                 to go quiet (shared machine); NOISY_LIMIT=0.25 cores, NOISY_RETRIES=2
#   SHARED_BENCH=<repo>/../shared/bench
# Exit status: 0 when the measurements ran (targets may still FAIL: it is a measurement);
# non-zero only when the harness itself failed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED_BENCH:-$REPO/../shared/bench}"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
CONCURRENCY="${CONCURRENCY:-1 16 64}"
STREAM_CONCURRENCY="${STREAM_CONCURRENCY-16}"
PACED_CONCURRENCY="${PACED_CONCURRENCY-16}"
PACED_DELAY_MS="${PACED_DELAY_MS:-8}"
NGINX_PROXY="${NGINX_PROXY:-1}"
FIRSTBYTE_N="${FIRSTBYTE_N:-200}"
STREAMS="${STREAMS:-1000}"
STREAM_TOKENS="${STREAM_TOKENS:-60}"
STREAM_TOKEN_MS="${STREAM_TOKEN_MS:-100}"
STALLED="${STALLED:-1000}"
STALLED_TOKENS="${STALLED_TOKENS:-60000}"
STALLED_HOLD="${STALLED_HOLD:-30}"
INGEST_ENTRIES="${INGEST_ENTRIES:-200000}"
INGEST_TIMEOUT="${INGEST_TIMEOUT:-300}"
PROFILE="${PROFILE:-0}"
PROFILE_SECONDS="${PROFILE_SECONDS:-10}"
WITH_LITELLM="${WITH_LITELLM:-0}"
SKIP_BUILD="${SKIP_BUILD:-0}"
GOVERNANCE="${GOVERNANCE:-0}"
LEVERS="${LEVERS:-1}"
CACHE_CONCURRENCY="${CACHE_CONCURRENCY:-16 64}"
SKIP_INSTALL="${SKIP_INSTALL:-0}"
GATEWAY_PORT="${GATEWAY_PORT:-28080}"
SIM_PORT="${SIM_PORT:-29090}"
UPSTREAM_PORT="${UPSTREAM_PORT:-28180}"
PASSTHROUGH_PORT="${PASSTHROUGH_PORT:-28181}"
QUIET_WAIT="${QUIET_WAIT:-20}"
NOISY_LIMIT="${NOISY_LIMIT:-0.25}"
NOISY_RETRIES="${NOISY_RETRIES:-2}"
STATE="${BENCH_STATE:-/tmp/tollgate-bench}"
BIN="${TOLLGATE_BIN:-$REPO/.build/release/tollgate}"
export BENCH_STATE="$STATE" UPSTREAM_PORT PASSTHROUGH_PORT
export BENCH_UPSTREAM_BASE="http://127.0.0.1:$UPSTREAM_PORT/v1"
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$STATE/tollgate/results/$STAMP"
RUN="$STATE/tollgate/run"
mkdir -p "$OUT" "$RUN"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
emit() { printf '%s\n' "$1" >> "$RESULTS"; }   # one JSON object per line

# ------------------------------------------------------------------ 1. install, build
need_pkgs=()
command -v wrk >/dev/null || need_pkgs+=(wrk)
[ -x /usr/sbin/nginx ] || need_pkgs+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || need_pkgs+=(libnginx-mod-http-lua)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  [ "$SKIP_INSTALL" = 1 ] && die "missing: ${need_pkgs[*]} (SKIP_INSTALL=1)"
  [ "$(id -u)" = 0 ] || die "missing: ${need_pkgs[*]}; run as root or: apt-get install -y ${need_pkgs[*]}"
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${need_pkgs[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${need_pkgs[@]}" >&2; } \
    || die "apt-get install ${need_pkgs[*]} failed"
fi
for c in python3 curl wrk; do command -v "$c" >/dev/null || die "$c missing"; done

if [ "$SKIP_BUILD" != 1 ]; then
  log "building: swift build -c release --product tollgate (in $REPO; several minutes on 2 cores)"
  (cd "$REPO" && swift build -c release --product tollgate) >&2 || die "release build failed"
fi
[ -x "$BIN" ] || die "no tollgate binary at $BIN (build it, or set TOLLGATE_BIN)"

# Many streams need ~2 descriptors per stream in the gateway; children inherit this.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "open-file limit: $(ulimit -n)"

# ------------------------------------------------------------------ helpers
CLK_TCK="$(getconf CLK_TCK)"
descendants() {  # pid... -> the pids and all their descendants
  local p kids
  for p in "$@"; do
    echo "$p"
    kids="$(ps -o pid= --ppid "$p" 2>/dev/null | tr -d ' ' || true)"
    if [ -n "$kids" ]; then descendants $kids; fi
  done
  return 0
}
cpu_ticks() {  # pid... -> summed utime+stime (clock ticks) of the process trees
  local total=0 p f
  for p in $(descendants "$@"); do
    f="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    f="${f##*) }"
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
ctx_switches() {  # pid... -> voluntary + involuntary context switches of all threads of the process trees
  local p
  for p in $(descendants "$@"); do cat /proc/"$p"/task/*/status 2>/dev/null; done \
    | awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}
busy_ticks() {  # machine-wide non-idle ticks (all CPUs)
  local _cpu user nice sys idle iowait irq softirq steal rest
  read -r _cpu user nice sys idle iowait irq softirq steal rest < /proc/stat
  echo $((user + nice + sys + irq + softirq + steal))
}
status_kb() {  # pid field -> kB value of VmRSS/VmHWM from /proc/pid/status (0 if gone)
  awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}
wait_quiet() {  # until other programs use < 0.15 core, at most QUIET_WAIT s
  local i b0 b1
  [ "$QUIET_WAIT" -gt 0 ] || return 0
  for i in $(seq "$QUIET_WAIT"); do
    b0="$(busy_ticks)"; sleep 1; b1="$(busy_ticks)"
    [ $((b1 - b0)) -lt $((CLK_TCK * 15 / 100)) ] && return 0
    [ "$i" = 1 ] && log "machine busy ($(( (b1 - b0) * 100 / CLK_TCK ))% of a core used by others); waiting up to ${QUIET_WAIT}s"
  done
  log "still busy; measuring anyway (see the 'other' column)"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() {  # url seconds
  local i
  for i in $(seq $(($2 * 10))); do curl -s -o /dev/null -m 1 "$1" && return 0; sleep 0.1; done
  return 1
}
is_fake_upstream() {
  curl -sS -m 2 "http://127.0.0.1:$1/v1/chat/completions" -d '{}' 2>/dev/null \
    | grep -q '"id":"chatcmpl-bench000000000000000000001"'
}
ledger_count() {  # table -> rows (read-only snapshot; WAL allows it while the gateway writes)
  python3 - "$LEDGER" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
print(db.execute("SELECT COUNT(*) FROM %s" % sys.argv[2]).fetchone()[0])
PY
}
ledger_settle() {  # wait until ledgerEntry stops growing (journal drained); print the count
  local prev=-1 n i
  for i in $(seq 40); do
    n="$(ledger_count ledgerEntry)"
    [ "$n" = "$prev" ] && break
    prev="$n"; sleep 0.5
  done
  echo "$n"
}

# ------------------------------------------------------------------ processes
STARTED_UPSTREAM=0 SIM_PID="" GW_PID="" PROXY_PID=""
stop_pgid() {  # pid label: TERM the process group, wait, then KILL
  local pid="$1" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $2 (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  stop_pgid "$GW_PID" gateway
  stop_pgid "$PROXY_PID" nginx-proxy
  stop_pgid "$SIM_PID" simulator
  if [ "$STARTED_UPSTREAM" = 1 ]; then log "stopping upstream"; "$SHARED/upstream.sh" stop; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in "$GATEWAY_PORT" "$SIM_PORT"; do port_busy "$p" && die "127.0.0.1:$p is already in use (set GATEWAY_PORT / SIM_PORT)"; done
if [ "$NGINX_PROXY" = 1 ] && port_busy "$PASSTHROUGH_PORT"; then die "127.0.0.1:$PASSTHROUGH_PORT is in use (PASSTHROUGH_PORT, or NGINX_PROXY=0)"; fi

# 2. upstreams: the shared fake upstream (nginx+Lua) and our simulator
if port_busy "$UPSTREAM_PORT"; then
  is_fake_upstream "$UPSTREAM_PORT" || die "127.0.0.1:$UPSTREAM_PORT is held by another program; set UPSTREAM_PORT"
  log "reusing the fake upstream already on 127.0.0.1:$UPSTREAM_PORT"
else
  "$SHARED/upstream.sh" start >&2
  STARTED_UPSTREAM=1
fi
UPSTREAM_PIDS="$(cat "$STATE/run/upstream/upstream.pid" 2>/dev/null || true)"

log "starting simulator on 127.0.0.1:$SIM_PORT"
setsid "$BIN" simulate --host 127.0.0.1 --port "$SIM_PORT" --ttft-ms 0 --token-ms 0 \
  > "$OUT/simulator.log" 2>&1 < /dev/null &
SIM_PID=$!

# 3. gateway config and gateway
LEDGER="$RUN/ledger.sqlite"
rm -f "$LEDGER" "$LEDGER-wal" "$LEDGER-shm"
CFG="$RUN/tollgate-bench.yaml"
cat > "$CFG" <<YAML
# written by bench/run.sh
server: {host: 127.0.0.1, port: $GATEWAY_PORT}
storage: {sqlite_path: $LEDGER}
providers:
  - {name: upstream, kind: openai, base_url: http://127.0.0.1:$UPSTREAM_PORT/v1, api_key: sk-fake-upstream-key}
  - {name: sim, kind: openai, base_url: http://127.0.0.1:$SIM_PORT/v1, api_key: sk-sim}
models:
  - {name: gpt-4o-mini, provider: upstream}
  - {name: sim-gpt-4o-mini, provider: sim, upstream_model: gpt-4o-mini}
keys:
  - {name: bench, key: sk-bench, team: bench, workflow: bench, environment: prod}
YAML
if [ "$GOVERNANCE" = 1 ]; then
  cat >> "$CFG" <<YAML
governance:
  budgets:
    - {name: bench-team, scope: {team: bench}, period: month, limit_usd: "1000000", mode: strict}
    - {name: per-key-daily, scope: {key: "*"}, period: day, limit_usd: "1000000", mode: estimate}
  rate_limits:
    - {name: per-key, scope: {key: "*"}, requests_per_minute: 100000000, tokens_per_minute: 100000000000}
    - {name: upstream-ceiling, scope: {provider: upstream}, requests_per_minute: 100000000}
  agent_limits:
    - {name: per-task, max_calls: 1000, max_cost_usd: "100"}
  policies:
    - name: prod
      match: {environment: prod}
      allow_models: [gpt-4o-mini, sim-gpt-4o-mini]
      max_output_tokens: 4096
      redact: true
YAML
fi
if [ "$LEVERS" = 1 ]; then
  cat >> "$CFG" <<YAML
levers:
  cache:
    max_bytes: 268435456
    rules:
      - {name: bench-cache, match: {workflow: bench-cache}, ttl: 1h}
  routing:
    tiers:
      bench: [gpt-4o-mini, sim-gpt-4o-mini]
    rules:
      - {name: bench-route, match: {workflow: bench-route, model: sim-gpt-4o-mini}, tier: bench}
YAML
  if ! "$BIN" config check "$CFG" > "$OUT/levers-check.log" 2>&1; then
    log "this binary has no levers (see $OUT/levers-check.log): the cache rows are skipped"
    LEVERS=0
    python3 - "$CFG" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text[:text.index("levers:")])
PY
  fi
fi
cp "$CFG" "$OUT/"

start_gateway() {
  log "starting gateway on 127.0.0.1:$GATEWAY_PORT ($BIN)"
  setsid "$BIN" serve --config "$CFG" >> "$OUT/gateway.log" 2>&1 < /dev/null &
  GW_PID=$!
  wait_http "http://127.0.0.1:$GATEWAY_PORT/healthz" 30 || die "gateway did not come up; see $OUT/gateway.log"
}
start_gateway
wait_http "http://127.0.0.1:$SIM_PORT/v1/models" 30 || die "simulator did not come up; see $OUT/simulator.log"

if [ "$NGINX_PROXY" = 1 ]; then
  log "starting bare nginx proxy on 127.0.0.1:$PASSTHROUGH_PORT (reference hop)"
  setsid "$SHARED/examples/nginx-passthrough.sh" > "$OUT/nginx-proxy.log" 2>&1 < /dev/null &
  PROXY_PID=$!
  wait_http "http://127.0.0.1:$PASSTHROUGH_PORT/v1/models" 30 || die "nginx proxy did not come up; see $OUT/nginx-proxy.log"
fi

# smoke: the gateway must forward, meter and stream before it is worth measuring
smoke() {  # model
  local b r s
  b='{"model":"'"$1"'","messages":[{"role":"user","content":"ping [[sim:tokens=4]]"}],"max_tokens":8'
  r="$(curl -sS -m 10 "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" -H 'Authorization: Bearer sk-bench' \
        -H 'Content-Type: application/json' -d "$b}")" || die "gateway smoke ($1): request failed"
  grep -q '"total_tokens"' <<<"$r" || die "gateway smoke ($1): no usage in response: ${r:0:300}"
  s="$(curl -sSN -m 10 "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" -H 'Authorization: Bearer sk-bench' \
        -H 'Content-Type: application/json' -d "$b"',"stream":true,"stream_options":{"include_usage":true}}')" \
    || die "gateway smoke ($1): stream request failed"
  grep -q 'data: \[DONE\]' <<<"$s" || die "gateway smoke ($1): stream has no [DONE]"
  grep -q '"total_tokens"' <<<"$s" || die "gateway smoke ($1): stream has no usage chunk"
}
smoke gpt-4o-mini
smoke sim-gpt-4o-mini
log "smoke ok: gateway -> fake upstream and gateway -> simulator, streaming and not"

emit "$(python3 - "$BIN" "$DURATION" "$WARMUP" "$STAMP" "$REPO" "$CONCURRENCY" "$STREAM_CONCURRENCY" "$NOISY_LIMIT" "$GOVERNANCE" <<'PY'
import json, os, subprocess, sys
def sh(cmd):
    try: return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception: return ""
print(json.dumps({"kind": "meta", "stamp": sys.argv[4], "cores": os.cpu_count(), "kernel": os.uname().release,
  "cpu": sh("awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo"), "binary": sys.argv[1],
  "git": sh("git -C '%s' describe --always --dirty" % sys.argv[5]),
  "binary_built": __import__("time").strftime("%Y-%m-%d %H:%M UTC", __import__("time").gmtime(os.path.getmtime(sys.argv[1]))),
  "wrk": sh("wrk -v 2>&1 | head -1 | awk '{print $2}'"), "nginx": sh("nginx -v 2>&1 | sed 's/.*nginx.//'"),
  "duration": sys.argv[2], "warmup": sys.argv[3], "concurrency": sys.argv[6], "stream_concurrency": sys.argv[7],
  "noisy_limit": float(sys.argv[8]), "governance": sys.argv[9] == "1"}))
PY
)"

# ------------------------------------------------------------------ 4. wrk matrix
# name|base|pids  (CPU of the pids' process trees is accounted to the target)
TARGETS=("direct|http://127.0.0.1:$UPSTREAM_PORT|$UPSTREAM_PIDS")
[ "$NGINX_PROXY" = 1 ] && TARGETS+=("nginx-proxy|http://127.0.0.1:$PASSTHROUGH_PORT|$PROXY_PID")
TARGETS+=("tollgate|http://127.0.0.1:$GATEWAY_PORT|GW")

run_wrk() {  # name base pids conc mode dur warmup(0|1) -> JSON line on stdout
  local name="$1" base="$2" pids="$3" c="$4" mode="$5" dur="$6" warm="$7"
  local stream=0 script="$SHARED/load/chat.lua" out line c0 c1 x0 x1 m0 m1 w0 w1 t0 t1 hwm rss
  [ "$mode" = stream ] && stream=1
  [ "$mode" = paced ] && script="$HERE/load/paced.lua"
  local cache=""
  case "$name" in
    tollgate-cache-*) script="$HERE/load/cache.lua"; cache="${name#tollgate-cache-}" ;;
    tollgate-routed) script="$HERE/load/cache.lua"; cache=route ;;
  esac
  [ "$pids" = GW ] && pids="$GW_PID"
  # process snapshots outside the machine-wide bracket (the processes are idle between runs),
  # so the bracket [m0, m1] is just the wrk run and its wall time is the divisor for "other"
  c0="$(cpu_ticks $pids)"; x0="$(ctx_switches $pids)"
  w0="$(cpu_ticks $(descendants $UPSTREAM_PIDS $PROXY_PID $GW_PID $SIM_PID | sort -u))"
  t0="$(date +%s.%N)"; m0="$(busy_ticks)"
  out="$(BENCH_PATH=/v1/chat/completions BENCH_AUTH=sk-bench BENCH_MODEL=gpt-4o-mini BENCH_STREAM="$stream" \
         BENCH_LABEL="$name" BENCH_CHAT_LUA="$SHARED/load/chat.lua" BENCH_DELAY_MS="$PACED_DELAY_MS" BENCH_CACHE="$cache" \
         /usr/bin/time -f '%U %S' -o "$OUT/.wrk-time" \
         wrk -t1 -c"$c" -d"$dur" --timeout 10s -s "$script" "$base" 2>&1)" || die "wrk failed for $name c=$c: $out"
  m1="$(busy_ticks)"; t1="$(date +%s.%N)"
  c1="$(cpu_ticks $pids)"; x1="$(ctx_switches $pids)"
  w1="$(cpu_ticks $(descendants $UPSTREAM_PIDS $PROXY_PID $GW_PID $SIM_PID | sort -u))"
  hwm=0; rss=0
  case "$name" in tollgate*) hwm="$(status_kb "$GW_PID" VmHWM)"; rss="$(status_kb "$GW_PID" VmRSS)" ;; esac
  line="$(grep '^RESULT ' <<<"$out" | sed 's/^RESULT //')"
  [ -n "$line" ] || die "wrk produced no RESULT for $name c=$c: $out"
  python3 - "$line" "$name" "$mode" "$c" "$warm" "$((c1 - c0))" "$CLK_TCK" "$((m1 - m0))" "$((w1 - w0))" \
    "$(cat "$OUT/.wrk-time")" "$hwm" "$rss" "$t0" "$t1" "$((x1 - x0))" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
name, mode, c, warm = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1"
ticks, hz, machine, ours = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
wu, ws = (float(x) for x in sys.argv[10].split()[-2:])
r.update(kind="wrk", target=name, mode=mode, conc=c, warmup=warm)
r["errors"] = sum(r[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
r["cpu_s"] = ticks / hz
r["cpu_ms_per_req"] = ticks / hz * 1000 / r["requests"] if r["requests"] else None
# cores used by programs outside this benchmark (other builds on a shared machine)
other = machine / hz - ours / hz - (wu + ws)
wall = float(sys.argv[14]) - float(sys.argv[13])
r["other_cores"] = max(0.0, other) / wall if wall > 0 else None
r["ctx_per_req"] = int(sys.argv[15]) / r["requests"] if r["requests"] else None
r["hwm_kb"] = int(sys.argv[11]) or None
r["rss_kb"] = int(sys.argv[12]) or None
print(json.dumps(r))
PY
}

GW_WRK_REQS=0 GW_WRK_SLACK=0
measure() {  # mode conc [targets...]
  local mode="$1" c="$2" t name base pids res try warm other
  shift 2
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
  for t in "${targets[@]}"; do
    IFS='|' read -r name base pids <<<"$t"
    try=0
    while :; do
      wait_quiet
      warm="$(run_wrk "$name" "$base" "$pids" "$c" "$mode" "$WARMUP" 1)"
      res="$(run_wrk "$name" "$base" "$pids" "$c" "$mode" "$DURATION" 0)"
      if [[ "$name" == tollgate* ]]; then
        GW_WRK_REQS=$((GW_WRK_REQS + $(python3 -c 'import json,sys; print(sum(json.loads(a)["requests"] for a in sys.argv[1:]))' "$warm" "$res")))
        GW_WRK_SLACK=$((GW_WRK_SLACK + 2 * c))
      fi
      other="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["other_cores"] or 0)' "$res")"
      if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$other" "$NOISY_LIMIT" \
         || [ "$try" -ge "$NOISY_RETRIES" ]; then break; fi
      try=$((try + 1))
      emit "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["kind"]="wrk-noisy"; print(json.dumps(r))' "$res")"
      log "$name $mode c=$c shared the CPU with other programs ($other cores); measuring again ($try/$NOISY_RETRIES)"
    done
    emit "$res"
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("[measured] %-11s %-9s c=%-3d %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  cpu %s ms/req  other %.2f cores" % (r["target"], r["mode"], r["conc"], r["rps"], r["p50_ms"], r["p99_ms"], r["errors"], "%.3f" % r["cpu_ms_per_req"] if r["cpu_ms_per_req"] is not None else "-", r["other_cores"] or 0))' "$res" >&2
  done
}

LEDGER_BEFORE="$(ledger_settle)"
T0=$(date +%s)
for c in $CONCURRENCY; do measure nonstream "$c"; done
for c in $STREAM_CONCURRENCY; do measure stream "$c"; done
for c in $PACED_CONCURRENCY; do measure paced "$c"; done
if [ "$LEVERS" = 1 ]; then
  # Misses first: they fill the cache, so the hits are looked up among every answer the misses stored.
  for c in $CACHE_CONCURRENCY; do measure nonstream "$c" "tollgate-cache-miss|http://127.0.0.1:$GATEWAY_PORT|GW"; done
  for c in $CACHE_CONCURRENCY; do measure nonstream "$c" "tollgate-cache-hit|http://127.0.0.1:$GATEWAY_PORT|GW"; done
  for c in $CACHE_CONCURRENCY; do measure nonstream "$c" "tollgate-routed|http://127.0.0.1:$GATEWAY_PORT|GW"; done
  held="$(curl -sS -m 10 "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '$1 == "tollgate_cache_entries" {print $2}')"
  log "response cache: ${held:-?} answers held after the cache points"
  emit "$(python3 -c 'import json,sys; print(json.dumps({"kind": "cache-held", "entries": float(sys.argv[1] or 0)}))' "${held:-0}")"
  wait_quiet
  lookup="$("$BIN" bench-cache --entries 100000 --lookups 100000 2>&1)" || die "bench-cache failed: $lookup"
  emit "$(grep '^CACHE ' <<<"$lookup" | sed 's/^CACHE //' | python3 -c 'import json,sys; r=json.load(sys.stdin); r["kind"]="cache-lookup"; print(json.dumps(r))')"
fi
log "wrk measurements took $(( $(date +%s) - T0 ))s"

# ledger completeness: every request wrk completed must be a row (in-flight at the end of a
# wrk run may add up to its concurrency more rows: wrk stops counting, the gateway finishes them)
LEDGER_AFTER="$(ledger_settle)"
OPEN_ADMISSIONS="$(cat "$LEDGER.admissions"/*.log 2>/dev/null | wc -l)"  # lines left in the admission log
emit "$(python3 - "$LEDGER_BEFORE" "$LEDGER_AFTER" "$GW_WRK_REQS" "$GW_WRK_SLACK" "$OPEN_ADMISSIONS" <<'PY'
import json, sys
before, after, reqs, slack, open_adm = (int(x) for x in sys.argv[1:])
rows = after - before
print(json.dumps({"kind": "ledger", "rows": rows, "wrk_requests": reqs, "slack": slack,
                  "missing": max(0, reqs - rows), "extra": rows - reqs, "open_admissions": open_adm,
                  "ok": reqs <= rows <= reqs + slack}))
PY
)"
log "ledger: $((LEDGER_AFTER - LEDGER_BEFORE)) rows for $GW_WRK_REQS requests wrk completed through the gateway (slack <= $GW_WRK_SLACK; open admissions $OPEN_ADMISSIONS)"

# ------------------------------------------------------------------ 5. first byte
if [ "$FIRSTBYTE_N" -gt 0 ]; then
  wait_quiet
  log "first-byte latency: $FIRSTBYTE_N sequential streams, simulator direct vs gateway->simulator"
  fb="$(cd "$HERE" && python3 firstbyte.py --direct "http://127.0.0.1:$SIM_PORT" --gateway "http://127.0.0.1:$GATEWAY_PORT" \
        -n "$FIRSTBYTE_N")" || die "firstbyte.py failed: $fb"
  emit "$(grep '^RESULT ' <<<"$fb" | sed 's/^RESULT //' | python3 -c 'import json,sys; r=json.load(sys.stdin); r["kind"]="firstbyte"; print(json.dumps(r))')"
fi

# ------------------------------------------------------------------ 6. many streams
if [ "$STREAMS" -gt 0 ]; then
  # A fresh gateway process, so its VmHWM belongs to this test alone.
  stop_pgid "$GW_PID" "gateway (restart for the many-streams test)"
  start_gateway
  sleep 1
  wait_quiet
  S0="$(ledger_settle)"
  log "many streams: $STREAMS concurrent, $STREAM_TOKENS tokens x ${STREAM_TOKEN_MS} ms each, gateway pid $GW_PID"
  set +e
  ms="$(cd "$HERE" && python3 many_streams.py --url "http://127.0.0.1:$GATEWAY_PORT" --pid "$GW_PID" \
        --streams "$STREAMS" --tokens "$STREAM_TOKENS" --token-ms "$STREAM_TOKEN_MS")"
  rc=$?
  set -e
  line="$(grep '^RESULT ' <<<"$ms" | sed 's/^RESULT //')"
  [ -n "$line" ] || die "many_streams.py failed (rc $rc): $ms"
  S1="$(ledger_settle)"
  emit "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["kind"]="streams"; r["ledger_rows"]=int(sys.argv[2]); print(json.dumps(r))' "$line" "$((S1 - S0))")"
  [ "$rc" = 0 ] || log "many streams: not every stream completed (see the table)"
fi

# ------------------------------------------------------------------ 6b. stalled readers
if [ "$STALLED" -gt 0 ]; then
  stop_pgid "$GW_PID" "gateway (restart for the stalled-readers test)"
  start_gateway
  sleep 1
  wait_quiet
  log "stalled readers: $STALLED streams of $STALLED_TOKENS tokens nobody reads, held ${STALLED_HOLD}s, gateway pid $GW_PID"
  set +e
  sr="$(cd "$HERE" && python3 stalled_readers.py --url "http://127.0.0.1:$GATEWAY_PORT" --pid "$GW_PID" \
        --streams "$STALLED" --tokens "$STALLED_TOKENS" --hold "$STALLED_HOLD" --model sim-gpt-4o-mini --probe-model gpt-4o-mini)"
  rc=$?
  set -e
  line="$(grep '^RESULT ' <<<"$sr" | sed 's/^RESULT //')"
  [ -n "$line" ] || die "stalled_readers.py failed (rc $rc): $sr"
  emit "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["kind"]="stalled"; print(json.dumps(r))' "$line")"
fi

# ------------------------------------------------------------------ 7. ledger ingest
if [ "$INGEST_ENTRIES" -gt 0 ]; then
  if "$BIN" bench-ledger --help >/dev/null 2>&1; then
    wait_quiet
    log "ledger ingest: tollgate bench-ledger --entries $INGEST_ENTRIES"
    set +e
    ing="$(timeout -k 5 "$INGEST_TIMEOUT" "$BIN" bench-ledger --entries "$INGEST_ENTRIES" --db "$RUN/ingest.sqlite" \
           2> "$OUT/bench-ledger.log")"
    rc=$?
    set -e
    line="$(grep '^INGEST ' <<<"$ing" | sed 's/^INGEST //' || true)"
    if [ "$rc" = 0 ] && [ -n "$line" ]; then
      emit "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["kind"]="ingest"; print(json.dumps(r))' "$line")"
    else
      why="exit $rc"; [ "$rc" = 124 ] && why="timed out after ${INGEST_TIMEOUT}s"
      log "ledger ingest failed ($why); last lines of $OUT/bench-ledger.log:"; tail -3 "$OUT/bench-ledger.log" | cut -c1-300 >&2
      emit '{"kind":"ingest","error":"bench-ledger failed ('"$why"')"}'
    fi
    rm -f "$RUN/ingest.sqlite" "$RUN/ingest.sqlite-wal" "$RUN/ingest.sqlite-shm"
  else
    echo "ledger ingest: not available in this build" >&2
    emit '{"kind":"ingest","unavailable":true}'
  fi
fi

# ------------------------------------------------------------------ profile (optional)
if [ "$PROFILE" = 1 ]; then
  if command -v perf >/dev/null; then
    log "profiling the gateway: perf record during a ${PROFILE_SECONDS}s c=16 non-streaming run"
    perf record -e cpu-clock -F 1999 -g -p "$GW_PID" -o "$OUT/perf.data" -- sleep "$PROFILE_SECONDS" > /dev/null 2>&1 &
    PERF_PID=$!
    sleep 0.3
    run_wrk tollgate "http://127.0.0.1:$GATEWAY_PORT" GW 16 nonstream "${PROFILE_SECONDS}s" 1 > /dev/null
    wait "$PERF_PID" || true
    demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; elif command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
    { echo "# gateway profile: perf record -e cpu-clock -g, ${PROFILE_SECONDS}s of wrk c=16 non-streaming"
      echo "# (full data: perf report -i $OUT/perf.data)"
      echo; echo "## self time by library"
      perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -15
      echo; echo "## self time by thread"
      perf report -i "$OUT/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep '%' | head -10
      echo; echo "## self time, top symbols"
      perf report -i "$OUT/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep '%' | head -40
      echo; echo "## inclusive time, gateway code (Tollgate modules, and the JSON/SQLite work they call)"
      perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | demangle \
        | grep -E 'Gateway|Ledger|Journal|Probe|meter|Meter|SSEFramer|RequestRewrite|Pricer|GatewayMetrics|Admission|Attribution|Principal|RequestIdentifier|isJSON|JSONDecoder\.decode|JSONEncoder\.encode|JSONSerialization|sqlite3_step' \
        | head -40
      echo; echo "## inclusive time, top symbols"
      perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -60
    } | demangle | cut -c1-220 > "$OUT/profile.txt" || true
    log "profile: $OUT/profile.txt"
  else
    log "PROFILE=1 but perf is missing (apt-get install linux-perf)"
  fi
fi

# ------------------------------------------------------------------ LiteLLM side-by-side (optional)
if [ "$WITH_LITELLM" = 1 ]; then
  stop_pgid "$GW_PID" "gateway (the shared harness starts its own)"
  GW_PID=""
  export LITELLM_VENV="${LITELLM_VENV:-$STATE/venv-litellm}"
  if [ ! -x "$LITELLM_VENV/bin/litellm" ]; then
    log "installing LiteLLM (minutes): $SHARED/install-litellm.sh"
    "$SHARED/install-litellm.sh" >&2 || die "LiteLLM install failed"
  fi
  log "running the shared side-by-side harness: direct, LiteLLM, tollgate"
  before="$(ls -1 "$STATE/run/results" 2>/dev/null | sort | tail -1 || true)"
  GATEWAY_NAME=tollgate GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" \
    GATEWAY_CMD="exec '$BIN' serve --config '$CFG'" DURATION="$DURATION" WARMUP="$WARMUP" \
    CONCURRENCY="$CONCURRENCY" STREAM_CONCURRENCY="$STREAM_CONCURRENCY" \
    "$SHARED/run.sh" >&2 || die "shared harness failed"
  after="$(ls -1 "$STATE/run/results" 2>/dev/null | sort | tail -1 || true)"
  if [ -n "$after" ] && [ "$after" != "$before" ] && [ -f "$STATE/run/results/$after/results.jsonl" ]; then
    while IFS= read -r l; do
      [ -n "$l" ] && emit "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["kind"]="shared"; print(json.dumps(r))' "$l")"
    done < "$STATE/run/results/$after/results.jsonl"
    cp "$STATE/run/results/$after/summary.txt" "$OUT/shared-summary.txt" 2>/dev/null || true
  fi
fi

# ------------------------------------------------------------------ 8. report
python3 "$HERE/report.py" "$RESULTS" | tee "$OUT/summary.md"
cp "$OUT/summary.md" "$STATE/tollgate/summary.md"
log "saved: $OUT/summary.md, $RESULTS, logs in $OUT"
