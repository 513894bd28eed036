#!/usr/bin/env python3
"""Open many streams whose readers stall, and watch the gateway's memory and a good caller's latency.

1. Measures --probes non-streaming requests one after another on an idle gateway (the baseline).
2. Opens --streams streaming requests (one raw socket each, a 4 KiB receive buffer), each asking the
   simulator for --tokens tokens as fast as it can ([[sim:tokens=N,token_ms=0]]), and never reads
   them: every stream stalls as soon as the sockets' buffers are full.
3. For --hold seconds samples VmRSS of --pid (the gateway) and repeats the probes, then closes the
   stalled sockets and samples RSS once more after --settle seconds.

Prints one line: RESULT {...json...} with the peak RSS, the RSS per stalled stream, and the probes'
p50/p99 latency idle and under the stalled streams. Stdlib only.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time

from benchhttp import ResponseParser, chat_request, parse_url, percentile
from many_streams import raise_nofile, read_status


def probe_once(host, port, path, auth, model):
    """One non-streaming request on a fresh connection; seconds to its whole answer, or None."""
    request = chat_request(host, port, path, auth, model, "Say hi.", max_tokens=8, stream=False, close=True)
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=30) as s:
            s.sendall(request)
            parser = ResponseParser()
            while not parser.done:
                data = s.recv(65536)
                if not data:
                    parser.eof()
                    break
                parser.feed(data)
        return time.perf_counter() - started if parser.status == 200 else None
    except OSError:
        return None


def probes(args, host, port, path, count, pause):
    latencies, failures = [], 0
    for _ in range(count):
        latency = probe_once(host, port, path, args.auth, args.probe_model or args.model)
        if latency is None:
            failures += 1
        else:
            latencies.append(latency * 1000)
        time.sleep(pause)
    return latencies, failures


def open_stalled(args, host, port, path):
    """Opens the stalled streams; returns their sockets."""
    sockets = []
    for i in range(args.streams):
        content = "Write at length. [[sim:tokens=%d,token_ms=0]] #%d" % (args.tokens, i)
        request = chat_request(host, port, path, args.auth, args.model, content, max_tokens=args.tokens + 64, stream=True)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            s.connect((host, port))
            s.sendall(request)
            sockets.append(s)
        except OSError:
            s.close()
    return sockets


def sample_rss(pid, stop, peak):
    while not stop.is_set():
        rss = read_status(pid).get("VmRSS", 0)
        peak[0] = max(peak[0], rss)
        stop.wait(0.2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:28080")
    ap.add_argument("--auth", default="sk-bench")
    ap.add_argument("--model", default="sim-gpt-4o-mini", help="the model of the stalled streams (the simulator)")
    ap.add_argument("--probe-model", default=None, help="the model the good caller asks (default: --model)")
    ap.add_argument("--pid", type=int, required=True, help="the gateway's process id")
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--tokens", type=int, default=60000)
    ap.add_argument("--hold", type=float, default=30.0, help="seconds the stalled streams are held")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after closing them before the last sample")
    ap.add_argument("--probes", type=int, default=40)
    args = ap.parse_args()
    host, port, path = parse_url(args.url)
    raise_nofile(args.streams * 2 + 256)

    idle_rss = read_status(args.pid).get("VmRSS", 0)
    idle, idle_failures = probes(args, host, port, path, args.probes, 0.05)

    stop, peak = threading.Event(), [idle_rss]
    sampler = threading.Thread(target=sample_rss, args=(args.pid, stop, peak), daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    stalled = open_stalled(args, host, port, path)
    opened_s = time.perf_counter() - t0
    time.sleep(min(5.0, args.hold / 3))  # let every stream fill its buffers
    loaded, loaded_failures = probes(args, host, port, path, args.probes, max(0.0, (args.hold - 5.0) / args.probes))
    remaining = args.hold - (time.perf_counter() - t0)
    if remaining > 0:
        time.sleep(remaining)
    held_rss = read_status(args.pid).get("VmRSS", 0)
    for s in stalled:
        s.close()
    time.sleep(args.settle)
    stop.set()
    sampler.join()
    after_rss = read_status(args.pid).get("VmRSS", 0)

    result = {
        "streams": args.streams, "opened": len(stalled), "open_seconds": round(opened_s, 2), "tokens": args.tokens,
        "hold_s": args.hold,
        "rss_idle_mb": round(idle_rss / 1024, 1), "rss_peak_mb": round(peak[0] / 1024, 1),
        "rss_held_mb": round(held_rss / 1024, 1), "rss_after_close_mb": round(after_rss / 1024, 1),
        "rss_per_stream_kb": round((peak[0] - idle_rss) / max(1, len(stalled)), 1),
        "probe_idle_p50_ms": round(percentile(idle, 50), 2) if idle else None,
        "probe_idle_p99_ms": round(percentile(idle, 99), 2) if idle else None,
        "probe_loaded_p50_ms": round(percentile(loaded, 50), 2) if loaded else None,
        "probe_loaded_p99_ms": round(percentile(loaded, 99), 2) if loaded else None,
        "probe_failures": idle_failures + loaded_failures,
        "gateway_alive": os.path.exists("/proc/%d" % args.pid),
    }
    print("RESULT " + json.dumps(result))
    return 0 if result["gateway_alive"] and result["probe_failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
