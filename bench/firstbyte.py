#!/usr/bin/env python3
"""Time to the first streamed body byte: direct-to-simulator vs gateway->simulator.

Sends N sequential streaming chat requests to each target over one kept-alive
connection per target, alternating targets every request (so slow phases of a shared
machine hit both alike), and reports median/p99 time from sending the request to the
first byte of the response body (the first chunk of the SSE stream), plus the
difference gateway - direct. Stdlib only.

Prints one line: RESULT {...json...}
"""
import argparse
import json
import socket
import statistics
import sys
import time

from benchhttp import ResponseParser, chat_request, parse_url, percentile


class Target:
    def __init__(self, name, url, auth, model):
        self.name, self.auth, self.model = name, auth, model
        self.host, self.port, self.path = parse_url(url)
        self.sock = None
        self.ttfb, self.ttfh, self.total = [], [], []
        self.errors = 0
        self.reconnects = 0

    def connect(self):
        if self.sock:
            self.sock.close()
        self.sock = socket.create_connection((self.host, self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reconnects += 1

    def once(self, content, max_tokens, record=True):
        req = chat_request(self.host, self.port, self.path, self.auth, self.model, content, max_tokens, stream=True)
        if self.sock is None:
            self.connect()
        p = ResponseParser(keep_tail=4096)
        t0 = time.perf_counter()
        try:
            self.sock.sendall(req)
        except OSError:
            self.connect()
            t0 = time.perf_counter()
            self.sock.sendall(req)
        t_head = t_body = None
        while not p.done:
            data = self.sock.recv(65536)
            now = time.perf_counter()
            if not data:
                p.eof()
                break
            p.feed(data)
            if t_head is None and p.head_done:
                t_head = now
            if t_body is None and p.body_bytes > 0:
                t_body = now
        t_end = time.perf_counter()
        ok = p.status == 200 and t_body is not None and b"data: [DONE]" in p.body
        if p.headers.get("connection", "").lower() == "close" or not p.done:
            self.sock.close()
            self.sock = None
        if not ok:
            self.errors += 1
            return
        if record:
            self.ttfh.append((t_head - t0) * 1000)
            self.ttfb.append((t_body - t0) * 1000)
            self.total.append((t_end - t0) * 1000)

    def summary(self):
        return {
            "n": len(self.ttfb), "errors": self.errors,
            "ttfb_p50_ms": statistics.median(self.ttfb) if self.ttfb else None,
            "ttfb_p99_ms": percentile(self.ttfb, 99),
            "ttfb_mean_ms": statistics.fmean(self.ttfb) if self.ttfb else None,
            "headers_p50_ms": statistics.median(self.ttfh) if self.ttfh else None,
            "total_p50_ms": statistics.median(self.total) if self.total else None,
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--direct", required=True, help="simulator base URL, e.g. http://127.0.0.1:29090")
    ap.add_argument("--gateway", required=True, help="gateway base URL, e.g. http://127.0.0.1:28080")
    ap.add_argument("--direct-auth", default="sk-sim")
    ap.add_argument("--gateway-auth", default="sk-bench")
    ap.add_argument("--direct-model", default="gpt-4o-mini")
    ap.add_argument("--gateway-model", default="sim-gpt-4o-mini")
    ap.add_argument("-n", type=int, default=200, help="measured requests per target")
    ap.add_argument("--warmup", type=int, default=20, help="unrecorded requests per target first")
    ap.add_argument("--tokens", type=int, default=16, help="output tokens per streamed answer")
    args = ap.parse_args()

    direct = Target("direct", args.direct, args.direct_auth, args.direct_model)
    gateway = Target("gateway", args.gateway, args.gateway_auth, args.gateway_model)
    content = "Stream a short answer. [[sim:tokens=%d,ttft_ms=0,token_ms=0]]" % args.tokens
    max_tokens = max(64, args.tokens * 2)
    for i in range(args.warmup):
        direct.once(content, max_tokens, record=False)
        gateway.once(content, max_tokens, record=False)
    direct.errors = gateway.errors = 0
    paired = []
    for i in range(args.n):
        order = (direct, gateway) if i % 2 == 0 else (gateway, direct)
        for t in order:
            t.once(content, max_tokens)
        if len(direct.ttfb) == len(gateway.ttfb) and direct.ttfb:
            paired.append(gateway.ttfb[-1] - direct.ttfb[-1])
    d, g = direct.summary(), gateway.summary()
    res = {
        "n": args.n, "tokens": args.tokens, "direct": d, "gateway": g,
        "delta_p50_ms": (g["ttfb_p50_ms"] - d["ttfb_p50_ms"]) if d["n"] and g["n"] else None,
        "delta_p99_ms": (g["ttfb_p99_ms"] - d["ttfb_p99_ms"]) if d["n"] and g["n"] else None,
        "paired_delta_p50_ms": statistics.median(paired) if paired else None,
        "connections": {"direct": direct.reconnects, "gateway": gateway.reconnects},
    }
    print("RESULT " + json.dumps(res))
    return 0 if d["n"] and g["n"] else 1


if __name__ == "__main__":
    sys.exit(main())
