#!/usr/bin/env python3
"""Turn bench/run.sh's results.jsonl into one markdown summary (aligned tables).

usage: report.py results.jsonl
"""
import json
import os
import sys

# The targets (2-core machine, ledger on).
CPU_MS_PER_REQ = 0.2       # gateway CPU per non-streaming request
ADDED_P99_MS_C16 = 2.0     # added p99 at concurrency 16, non-streaming
FIRST_BYTE_MS = 1.0        # first streamed byte, later than direct (median)
RSS_MB_STREAMS = 150.0     # peak RSS with 1,000 concurrent streams
INGEST_PER_S = 20_000      # ledger ingest entries/s
CACHE_LOOKUP_US = 20        # exact response cache lookup CPU (parse, eligibility, canonical key, store), 100,000 answers held
STALLED_KB_PER_STREAM = 512  # gateway memory per stream whose reader stalls (UpstreamBuffering: 256 KiB + socket reads)


def table(headers, rows, right=None):
    """Aligned markdown table; `right` = set of column indexes aligned right."""
    right = right or set()
    cells = [[str(c) for c in headers]] + [[("-" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), sep] + [line(r) for r in cells[1:]])


def f(x, digits=2, sign=False):
    if x is None:
        return None
    return ("%+.*f" if sign else "%.*f") % (digits, x)


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    meta = next((r for r in rows if r["kind"] == "meta"), {})
    wrk = [r for r in rows if r["kind"] == "wrk" and not r.get("warmup")]
    direct = {(r["mode"], r["conc"]): r for r in wrk if r["target"] == "direct"}
    gw = {(r["mode"], r["conc"]): r for r in wrk if r["target"] == "tollgate"}
    ledger = next((r for r in rows if r["kind"] == "ledger"), None)
    fb = next((r for r in rows if r["kind"] == "firstbyte"), None)
    st = next((r for r in rows if r["kind"] == "streams"), None)
    ing = next((r for r in rows if r["kind"] == "ingest"), None)
    sr = next((r for r in rows if r["kind"] == "stalled"), None)
    lookup = next((r for r in rows if r["kind"] == "cache-lookup"), None)
    held = next((r for r in rows if r["kind"] == "cache-held"), None)
    cache = {(r["target"], r["conc"]): r for r in wrk if r["target"].startswith("tollgate-cache-") or r["target"] == "tollgate-routed"}
    shared = [r for r in rows if r["kind"] == "shared"]
    limit = float(meta.get("noisy_limit") or 0.25)

    def noisy(*rs):
        """A verdict from a point other programs shared the CPU with gets a warning."""
        worst = max((r.get("other_cores") or 0) for r in rs if r)
        return " (noisy: other %.2f cores)" % worst if worst > limit else ""

    out = []
    out.append("# Tollgate benchmark %s" % meta.get("stamp", ""))
    out.append("")
    out.append("host: %s cores, %s, kernel %s; tollgate binary %s built %s (repo HEAD at run time: %s); wrk %s, nginx %s;"
               " wrk duration %s, warm-up %s"
               % (meta.get("cores"), meta.get("cpu"), meta.get("kernel"), meta.get("binary"), meta.get("binary_built", "?"), meta.get("git"),
                  meta.get("wrk"), meta.get("nginx"), meta.get("duration"), meta.get("warmup")))
    out.append("")
    out.append("governance: %s" % ("on (budgets, rate limits, agent limits, policies with redaction)" if meta.get("governance") else "off"))
    out.append("")

    # ---------------------------------------------------------------- targets
    t = []
    for (mode, c), r in sorted(gw.items(), key=lambda kv: (kv[0][0] != "nonstream", kv[0][1])):
        cpu = r.get("cpu_ms_per_req")
        if mode == "nonstream":
            t.append(("CPU per non-streaming request, c=%d" % c, f(cpu, 3) and f(cpu, 3) + " ms",
                      "<= %.1f ms" % CPU_MS_PER_REQ, verdict(None if cpu is None else cpu <= CPU_MS_PER_REQ) + noisy(r)))
        elif mode == "stream":
            t.append(("CPU per streaming request, c=%d (16 chunks)" % c, f(cpu, 3) and f(cpu, 3) + " ms", "(no target)", "info"))
    g16, d16 = gw.get(("nonstream", 16)), direct.get(("nonstream", 16))
    if g16 and d16:
        add = g16["p99_ms"] - d16["p99_ms"]
        t.append(("Added p99 latency, non-streaming, c=16", f(add, 2, True) + " ms", "<= %.0f ms" % ADDED_P99_MS_C16,
                  verdict(add <= ADDED_P99_MS_C16) + noisy(g16, d16)))
    for (mode, c), r in sorted(gw.items()):
        d = direct.get((mode, c))
        if mode == "paced" and d:
            add = r["p99_ms"] - d["p99_ms"]
            t.append(("Added p99 latency, c=%d paced below saturation (%s req/s)" % (c, format(round(r["rps"]), ",")),
                      f(add, 2, True) + " ms", "<= %.0f ms" % ADDED_P99_MS_C16, verdict(add <= ADDED_P99_MS_C16) + noisy(r, d)))
    if fb:
        d = fb.get("delta_p50_ms")
        t.append(("First streamed byte vs direct (median)", f(d, 3, True) and f(d, 3, True) + " ms", "<= %.0f ms" % FIRST_BYTE_MS,
                  verdict(None if d is None else d <= FIRST_BYTE_MS)))
        t.append(("First streamed byte vs direct (p99)", f(fb.get("delta_p99_ms"), 3, True) and f(fb.get("delta_p99_ms"), 3, True) + " ms",
                  "(informational)", "info"))
    if st:
        peak = st.get("rss_peak_kb")
        mb = peak / 1024 if peak else None
        note = "" if st["max_concurrent_streams"] == st["streams"] else " (only %d open at once)" % st["max_concurrent_streams"]
        t.append(("Peak RSS, %d concurrent streams (sampled VmRSS)" % st["streams"], f(mb, 1) and f(mb, 1) + " MB" + note,
                  "<= %.0f MB" % RSS_MB_STREAMS, verdict(None if mb is None else mb <= RSS_MB_STREAMS)))
        complete = min(st["ok"], st["done_marker"])
        t.append(("Streams open at the same time (test validity)", "%d / %d" % (st["max_concurrent_streams"], st["streams"]),
                  "all", verdict(st["max_concurrent_streams"] == st["streams"])))
        t.append(("Streams completed with [DONE]", "%d / %d" % (complete, st["streams"]), "all", verdict(complete == st["streams"])))
        if st.get("ledger_rows") is not None:
            t.append(("Ledger rows for those streams", "%d / %d" % (st["ledger_rows"], st["streams"]), "one per stream",
                      verdict(st["ledger_rows"] == st["streams"])))
    if sr:
        t.append(("RSS per stream nobody reads (%d streams, %d tokens each)" % (sr["opened"], sr["tokens"]),
                  "%s KB (peak %s MB, idle %s MB)" % (sr["rss_per_stream_kb"], sr["rss_peak_mb"], sr["rss_idle_mb"]),
                  "<= %d KB" % STALLED_KB_PER_STREAM, verdict(sr["rss_per_stream_kb"] <= STALLED_KB_PER_STREAM)))
        idle, loaded = sr.get("probe_idle_p50_ms"), sr.get("probe_loaded_p50_ms")
        t.append(("Good call p50 while they stall vs idle", "%s ms vs %s ms" % (f(loaded), f(idle)), "<= 2x idle",
                  verdict(None if not idle or loaded is None else loaded <= 2 * idle and sr["probe_failures"] == 0)))
    if ing is not None:
        if ing.get("unavailable"):
            t.append(("Ledger ingest", "not available in this build", ">= %s entries/s" % format(INGEST_PER_S, ","), "n/a"))
        elif ing.get("error"):
            t.append(("Ledger ingest", ing["error"], ">= %s entries/s" % format(INGEST_PER_S, ","), "FAIL"))
        else:
            eps = ing["entries_per_second"]
            t.append(("Ledger ingest (%s entries)" % format(ing["entries"], ","), "%s entries/s" % format(int(eps), ","),
                      ">= %s entries/s" % format(INGEST_PER_S, ","), verdict(eps >= INGEST_PER_S)))
    for c in sorted({c for _, c in cache}):
        off = gw.get(("nonstream", c))
        for which, target, what in (
            ("cache miss", "tollgate-cache-miss", "looked up, forwarded and stored"),
            ("cache hit", "tollgate-cache-hit", "answered from the cache"),
            ("routed", "tollgate-routed", "a tier rule picks the cheapest fitting model"),
        ):
            r = cache.get((target, c))
            if not r or not off or r.get("cpu_ms_per_req") is None or off.get("cpu_ms_per_req") is None:
                continue
            delta = r["cpu_ms_per_req"] - off["cpu_ms_per_req"]
            t.append(("CPU per request, %s vs lever off, c=%d (%s)" % (which, c, what),
                      "%s vs %s ms (%s)" % (f(r["cpu_ms_per_req"], 3), f(off["cpu_ms_per_req"], 3), f(delta, 3, True)), "(info)",
                      "info" + noisy(r, off)))
    if lookup:
        us = lookup["cpu_us_per_lookup"]
        t.append(("Cache lookup CPU with %s answers held (bench-cache, %s-byte body)" % (format(lookup["entries"], ","), lookup["body_bytes"]),
                  "%.2f us" % us, "<= %d us" % CACHE_LOOKUP_US, verdict(us <= CACHE_LOOKUP_US)))
    if held:
        t.append(("Answers held after the cache points", format(int(held["entries"]), ","), "(info)", "info"))
    if ledger:
        t.append(("Ledger rows vs requests wrk completed", "%d rows / %d requests (%+d)" % (ledger["rows"], ledger["wrk_requests"], ledger["extra"]),
                  "rows - requests in [0, %d]" % ledger["slack"], verdict(ledger["ok"])))
    out.append("## Targets")
    out.append("")
    out.append(table(("what", "measured", "target", "result"), t))
    out.append("")

    # ---------------------------------------------------------------- wrk
    w = []
    order = {"direct": 0, "nginx-proxy": 1, "tollgate": 2, "tollgate-cache-miss": 3, "tollgate-cache-hit": 4, "tollgate-routed": 5}
    modes = {"nonstream": 0, "stream": 1, "paced": 2}
    for r in sorted(wrk, key=lambda r: (modes.get(r["mode"], 9), r["conc"], order.get(r["target"], 9))):
        d = direct.get((r["mode"], r["conc"]))
        add50 = add99 = None
        if d and r["target"] != "direct":
            add50, add99 = f(r["p50_ms"] - d["p50_ms"], 2, True), f(r["p99_ms"] - d["p99_ms"], 2, True)
        cpu = r.get("cpu_ms_per_req")
        cpu_s = None
        if cpu is not None and r.get("cpu_s", 0) > 0:
            cpu_s = f(cpu, 3)
            if r["target"] == "tollgate" and r["mode"] == "nonstream":
                cpu_s += " " + ("PASS" if cpu <= CPU_MS_PER_REQ else "FAIL")
        p99_s = f(r["p99_ms"])
        if r["target"] == "tollgate" and r["mode"] == "nonstream" and r["conc"] == 16 and add99 is not None:
            add99 += " " + ("PASS" if (r["p99_ms"] - d["p99_ms"]) <= ADDED_P99_MS_C16 else "FAIL")
        w.append((r["target"], r["mode"], r["conc"], format(round(r["rps"]), ","), f(r["p50_ms"]), p99_s, add50, add99,
                  r["errors"], cpu_s, f(r.get("ctx_per_req"), 1), f(r["hwm_kb"] / 1024, 1) if r.get("hwm_kb") else None,
                  f(r.get("other_cores"), 2)))
    out.append("## Throughput and latency (wrk, 1 thread, closed loop; gateway -> shared fake upstream)")
    out.append("")
    out.append(table(("target", "mode", "c", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "errors",
                      "CPU ms/req", "ctx sw/req", "peak RSS MB", "other"), w, right={2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}))
    out.append("")
    out.append("Targets: CPU ms/req <= %.1f (tollgate, non-streaming); +p99 <= %.0f ms at c=16. +p50/+p99 = target minus direct at the"
               " same mode and concurrency; once a target saturates (closed loop) they measure queueing, not per-request work."
               " paced = each connection pauses between a response and its next request (bench/load/paced.lua), a load below"
               " saturation."
               " CPU ms/req = utime+stime of the target's processes during the run / requests (direct = the nginx+Lua upstream)."
               " ctx sw/req = context switches (voluntary + involuntary, all threads) per request: thread hand-offs."
               " peak RSS = the gateway's VmHWM so far. other = cores used by programs outside the benchmark during the run"
               " (> 0.25: the run shared the machine; trust it less)." % (CPU_MS_PER_REQ, ADDED_P99_MS_C16))
    out.append("")

    # ---------------------------------------------------------------- first byte
    if fb:
        d, g = fb["direct"], fb["gateway"]
        out.append("## First streamed byte (%d sequential streams each, simulator with ttft 0, %d tokens)" % (fb["n"], fb["tokens"]))
        out.append("")
        out.append(table(("target", "n", "errors", "TTFB p50 ms", "TTFB p99 ms", "headers p50 ms", "whole stream p50 ms"),
                         [("direct simulator", d["n"], d["errors"], f(d["ttfb_p50_ms"], 3), f(d["ttfb_p99_ms"], 3), f(d["headers_p50_ms"], 3), f(d["total_p50_ms"], 3)),
                          ("tollgate -> simulator", g["n"], g["errors"], f(g["ttfb_p50_ms"], 3), f(g["ttfb_p99_ms"], 3), f(g["headers_p50_ms"], 3), f(g["total_p50_ms"], 3)),
                          ("difference", "", "", f(fb["delta_p50_ms"], 3, True), f(fb["delta_p99_ms"], 3, True), None, None)],
                         right={1, 2, 3, 4, 5, 6}))
        out.append("")
        out.append("Median of the per-pair differences: %s ms. TTFB = request sent -> first byte of the response body." % f(fb.get("paired_delta_p50_ms"), 3, True))
        out.append("")

    # ---------------------------------------------------------------- many streams
    if st:
        mb = lambda kb: f(kb / 1024, 1) if kb else None  # noqa: E731
        out.append("## Many concurrent streams (tollgate -> simulator, %d tokens x %d ms)" % (st["tokens"], st["token_ms"]))
        out.append("")
        out.append(table(("streams", "ok (200)", "[DONE]", "max concurrent", "errors", "stream p50 s", "stream max s",
                          "first byte p50 ms", "RSS idle MB", "peak VmRSS MB", "VmHWM MB", "threads", "CPU s",
                          "CPU ms/stream", "CPU us/event"),
                         [(st["streams"], st["ok"], st["done_marker"], st["max_concurrent_streams"],
                           sum(st["errors"].values()) if st["errors"] else 0, st["duration_p50_s"], st["duration_max_s"],
                           st["first_byte_p50_ms"], mb(st.get("rss_before_kb")), mb(st.get("rss_peak_kb")),
                           mb(st.get("hwm_after_kb")), st.get("threads_peak"), st.get("cpu_s"), st.get("cpu_ms_per_stream"),
                           st.get("cpu_us_per_event"))], right=set(range(15))))
        out.append("")
        out.append("%s SSE events/s offered in total (streams x 1000 / token ms). CPU = the gateway process during the test; per event ="
                   " CPU / (completed streams x (tokens + 4 framing events))." % (format(st["events_per_s"], ",") if st.get("events_per_s") else "-"))
        if st["errors"]:
            out.append("")
            out.append("errors: %s; statuses: %s" % (json.dumps(st["errors"]), json.dumps(st["status"])))
        out.append("")

    # ---------------------------------------------------------------- ingest
    if ing and not ing.get("unavailable") and not ing.get("error"):
        out.append("## Ledger ingest (tollgate bench-ledger, real write-behind journal)")
        out.append("")
        out.append(table(("entries", "seconds", "entries/s"), [(format(ing["entries"], ","), f(ing["seconds"], 3), format(int(ing["entries_per_second"]), ","))],
                         right={0, 1, 2}))
        out.append("")

    # ---------------------------------------------------------------- profile
    prof = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "profile.txt")
    if os.path.exists(prof):
        sections, cur = {}, None
        for line in open(prof):
            if line.startswith("## "):
                cur = line[3:].strip()
                sections[cur] = []
            elif cur and line.strip():
                sections[cur].append(line.rstrip())
        out.append("## Profile (PROFILE=1; full listing in %s)" % prof)
        out.append("")
        out.append("```")
        for name, n in (("self time by library", 8), ("self time by thread", 6),
                        ("inclusive time, gateway code (Tollgate modules, and the JSON/SQLite work they call)", 25)):
            if name in sections:
                out.append("# " + name)
                out.extend(l[:160] for l in sections[name][:n])
        out.append("```")
        out.append("")

    # ---------------------------------------------------------------- shared harness
    if shared:
        sd = {(r["mode"], r["conc"]): r for r in shared if r["target"] == "direct"}
        srows = []
        for r in shared:
            d = sd.get((r["mode"], r["conc"]))
            err = sum(r.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
            add50 = add99 = None
            if d and r["target"] != "direct":
                add50, add99 = f(r["p50_ms"] - d["p50_ms"], 2, True), f(r["p99_ms"] - d["p99_ms"], 2, True)
            cpu = r.get("cpu_ms_per_req")
            srows.append((r["target"], r["mode"], r["conc"], format(round(r["rps"]), ","), f(r["p50_ms"]), f(r["p99_ms"]),
                          add50, add99, err, f(cpu, 3) if cpu is not None and r.get("cpu_s", 0) > 0 else None,
                          f(r.get("other_cores"), 2)))
        out.append("## Side by side with LiteLLM (shared harness ../shared/bench/run.sh, its own run)")
        out.append("")
        out.append(table(("target", "mode", "c", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "errors", "CPU ms/req", "other"),
                         srows, right={2, 3, 4, 5, 6, 7, 8, 9, 10}))
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
