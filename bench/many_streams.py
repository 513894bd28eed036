#!/usr/bin/env python3
"""Hold many concurrent streaming requests open through the gateway and watch its memory.

Opens --streams streaming chat requests (asyncio, raw sockets, one connection each),
ramped over --ramp seconds, each asking the simulator for --tokens tokens at
--token-ms per token (prompt directive [[sim:tokens=N,token_ms=M]]), so every stream
lasts about tokens*token_ms ms. Also reports the process's CPU time during the test
(per stream and per relayed SSE event). While they run, samples VmRSS/VmHWM of --pid every
--sample-ms and reports the peak; checks every stream answered 200 and ended with
`data: [DONE]`. Stdlib only.

Prints one line: RESULT {...json...}
"""
import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time

from benchhttp import ResponseParser, chat_request, parse_url


def raise_nofile(want):
    """`ulimit -n want`, or as close as the hard limit allows (raising it needs privilege)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            new_hard = hard if hard == resource.RLIM_INFINITY else max(hard, want)
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, new_hard))
        except (ValueError, OSError):
            cap = want if hard == resource.RLIM_INFINITY else min(want, hard)
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (cap, hard))
            except (ValueError, OSError):
                pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpu_seconds(pid):
    """utime+stime of pid (all threads), seconds; None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def read_status(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


class Stats:
    def __init__(self):
        self.active = 0          # streams that got their first body byte and have not ended
        self.max_active = 0
        self.connected = 0
        self.max_connected = 0
        self.ok = 0
        self.done_marker = 0
        self.status = {}
        self.errors = {}
        self.durations = []
        self.first_byte = []


async def one(i, args, host, port, path, stats, start_evt):
    await start_evt.wait()
    if args.ramp > 0:
        await asyncio.sleep(i * args.ramp / args.streams)
    content = "Long story, please. [[sim:tokens=%d,token_ms=%d]] #%d" % (args.tokens, args.token_ms, i)
    req = chat_request(host, port, path, args.auth, args.model, content, max_tokens=args.tokens + 64, stream=True, close=True)
    p = ResponseParser(keep_tail=4096)
    writer = None
    started = False
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        stats.connected += 1
        stats.max_connected = max(stats.max_connected, stats.connected)
        writer.write(req)
        await writer.drain()
        deadline = t0 + args.timeout
        while not p.done:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise asyncio.TimeoutError()
            data = await asyncio.wait_for(reader.read(65536), left)
            if not data:
                p.eof()
                break
            p.feed(data)
            if not started and p.body_bytes > 0:
                started = True
                stats.first_byte.append(time.perf_counter() - t0)
                stats.active += 1
                stats.max_active = max(stats.max_active, stats.active)
        stats.status[p.status] = stats.status.get(p.status, 0) + 1
        if p.status == 200 and p.done:
            stats.ok += 1
        if b"data: [DONE]" in p.body:
            stats.done_marker += 1
        stats.durations.append(time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - recorded, not raised
        k = type(e).__name__
        stats.errors[k] = stats.errors.get(k, 0) + 1
    finally:
        if started:
            stats.active -= 1
        if writer is not None:
            stats.connected -= 1
            writer.close()
            try:
                await writer.wait_closed()
            except Exception:  # noqa: BLE001
                pass


async def sampler(pid, every, samples, stop):
    while not stop.is_set():
        s = read_status(pid)
        if s:
            samples.append((time.perf_counter(), s))
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def amain(args):
    host, port, path = parse_url(args.url)
    stats = Stats()
    samples = []
    stop = asyncio.Event()
    before = read_status(args.pid) if args.pid else {}
    cpu0 = cpu_seconds(args.pid) if args.pid else None
    samp = asyncio.create_task(sampler(args.pid, args.sample_ms / 1000.0, samples, stop)) if args.pid else None
    start_evt = asyncio.Event()
    tasks = []
    t0 = time.perf_counter()
    for i in range(args.streams):
        tasks.append(asyncio.create_task(one(i, args, host, port, path, stats, start_evt)))
    start_evt.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    stop.set()
    if samp:
        await samp
    after = read_status(args.pid) if args.pid else {}
    cpu1 = cpu_seconds(args.pid) if args.pid else None
    cpu = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
    # events the gateway relayed: role chunk + tokens + finish + usage + [DONE] per stream
    events = stats.ok * (args.tokens + 4)
    rss = [s.get("VmRSS", 0) for _, s in samples]
    return {
        "streams": args.streams, "tokens": args.tokens, "token_ms": args.token_ms,
        "ok": stats.ok, "done_marker": stats.done_marker, "status": {str(k): v for k, v in stats.status.items()},
        "errors": stats.errors, "max_concurrent_streams": stats.max_active, "max_open_connections": stats.max_connected,
        "elapsed_s": round(elapsed, 3),
        "duration_p50_s": round(statistics.median(stats.durations), 3) if stats.durations else None,
        "duration_max_s": round(max(stats.durations), 3) if stats.durations else None,
        "first_byte_p50_ms": round(statistics.median(stats.first_byte) * 1000, 2) if stats.first_byte else None,
        "first_byte_max_ms": round(max(stats.first_byte) * 1000, 2) if stats.first_byte else None,
        "rss_before_kb": before.get("VmRSS"), "hwm_before_kb": before.get("VmHWM"),
        "rss_peak_kb": max(rss) if rss else None, "hwm_after_kb": after.get("VmHWM"), "rss_after_kb": after.get("VmRSS"),
        "threads_peak": max((s.get("Threads", 0) for _, s in samples), default=None),
        "samples": len(samples), "nofile": args.nofile,
        "cpu_s": round(cpu, 3) if cpu is not None else None,
        "cpu_ms_per_stream": round(cpu * 1000 / stats.ok, 3) if cpu is not None and stats.ok else None,
        "cpu_us_per_event": round(cpu * 1e6 / events, 2) if cpu is not None and events else None,
        "events_per_s": round(args.streams * 1000.0 / args.token_ms) if args.token_ms else None,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:28080")
    ap.add_argument("--auth", default="sk-bench")
    ap.add_argument("--model", default="sim-gpt-4o-mini")
    ap.add_argument("--pid", type=int, default=0, help="process whose RSS to sample (the gateway)")
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--tokens", type=int, default=60)
    ap.add_argument("--token-ms", type=int, default=100)
    ap.add_argument("--ramp", type=float, default=1.0, help="seconds over which the streams are opened")
    ap.add_argument("--sample-ms", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=120.0, help="per-stream limit, seconds")
    args = ap.parse_args()
    args.nofile = raise_nofile(65536)
    if args.nofile < args.streams + 64:
        print("many_streams: open-file limit %d is too low for %d streams" % (args.nofile, args.streams), file=sys.stderr)
        return 2
    res = asyncio.run(amain(args))
    print("RESULT " + json.dumps(res))
    complete = res["ok"] == args.streams and res["done_marker"] == args.streams
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
