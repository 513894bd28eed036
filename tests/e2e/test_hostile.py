"""Hostile and careless clients against the real binary: numbers that used to crash it, more idle
connections than it has descriptors, slow heads, and bodies declared larger than it will ever read.
After each, the process is up and serves a good call."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import SUPPORT_KEY, Gateway

RATE_LIMITED = """
governance:
  rate_limits:
    - {name: per-key, scope: {key: "*"}, requests_per_minute: 100000, tokens_per_minute: 100000000}
  budgets:
    - {name: team, scope: {team: support}, period: month, limit_usd: "1000", mode: strict}
"""
HEADERS = {"authorization": f"Bearer {SUPPORT_KEY}", "content-type": "application/json", "anthropic-version": "2023-06-01"}
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi [[sim:tokens=2]]"}]}
MESSAGES = {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi [[sim:tokens=2]]"}]}


def good_call(gw: Gateway) -> int:
    """A good call on a fresh connection, tried for a few seconds (the listener may still be shedding)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return httpx.post(gw.base + "/v1/chat/completions", json=CHAT, headers=HEADERS, timeout=10).status_code
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("path,body", [
    ("/v1/chat/completions", dict(CHAT, max_tokens=-100000000000000000)),
    ("/v1/chat/completions", dict(CHAT, max_tokens=-1)),
    ("/v1/chat/completions", dict(CHAT, max_tokens=0)),
    ("/v1/chat/completions", dict(CHAT, max_tokens=1e30)),
    ("/v1/chat/completions", dict(CHAT, max_completion_tokens=-5)),
    ("/v1/chat/completions", dict(CHAT, n=-1)),
    ("/v1/chat/completions", dict(CHAT, n=10**12)),
    ("/v1/messages", dict(MESSAGES, max_tokens=-100000000000000000)),
    ("/v1/responses", {"model": "gpt-4o-mini", "input": "hi", "max_output_tokens": -7}),
])
def test_out_of_range_numbers_are_refused_and_never_crash(tollgate_bin, simulator, tmp_path, path, body):
    gw = Gateway(tollgate_bin, tmp_path / "numbers", simulator.port, extra=RATE_LIMITED)
    try:
        before = len(simulator.requests())
        raw = json.dumps(body).encode()
        with ThreadPoolExecutor(max_workers=8) as pool:  # eight at once used to overflow a budget's reserved total
            answers = list(pool.map(lambda _: httpx.post(gw.base + path, content=raw, headers=HEADERS, timeout=10), range(8)))
        for answer in answers:
            assert answer.status_code == 400, answer.text
            error = answer.json()["error"]
            assert error["type"] == "invalid_request_error", error
        assert gw.alive()
        assert good_call(gw) == 200
        assert len(simulator.requests()) == before + 1, "a refused call reached the provider"
    finally:
        gw.stop()


def test_more_idle_connections_than_descriptors_are_shed_and_the_gateway_keeps_serving(tollgate_bin, simulator, tmp_path):
    gw = Gateway(tollgate_bin, tmp_path / "fds", simulator.port, open_files=1024)
    sockets = []
    try:
        for _ in range(1_100):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", gw.port))
            except OSError:
                s.close()
                continue
            sockets.append(s)
        time.sleep(1)
        assert gw.alive(), "the gateway died with 1,100 idle connections and 1,024 descriptors"
        for s in sockets:
            s.close()
        sockets.clear()
        assert good_call(gw) == 200
        assert gw.alive()
    finally:
        for s in sockets:
            s.close()
        gw.stop()


def test_slow_heads_are_closed_by_the_header_timeout(tollgate_bin, simulator, tmp_path):
    gw = Gateway(tollgate_bin, tmp_path / "slowloris", simulator.port, server="header_timeout: 1s")
    stop = threading.Event()
    closed = []

    def trickle():
        s = socket.create_connection(("127.0.0.1", gw.port))
        started = time.monotonic()
        try:
            for byte in b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
                if stop.is_set():
                    return
                s.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            closed.append(time.monotonic() - started)
        finally:
            s.close()

    threads = [threading.Thread(target=trickle) for _ in range(50)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(closed) == 50, f"{50 - len(closed)} slow heads were never closed"
        assert max(closed) < 10, closed
        assert gw.alive() and good_call(gw) == 200
    finally:
        stop.set()
        gw.stop()


def test_a_body_declared_past_the_limit_is_answered_at_once_and_does_not_hold_shutdown(tollgate_bin, simulator, tmp_path):
    gw = Gateway(tollgate_bin, tmp_path / "huge", simulator.port, server="body_timeout: 600s")
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SUPPORT_KEY.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
    s = socket.create_connection(("127.0.0.1", gw.port))
    try:
        s.settimeout(10)
        s.sendall(head + b"{" + b" " * 65536)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b"request_too_large" in answer
        # The caller keeps sending; the gateway still stops within its grace period.
        try:
            for _ in range(50):
                s.sendall(b" " * 65536)
        except OSError:
            pass
        started = time.monotonic()
        gw.service.stop(timeout=30)
        assert time.monotonic() - started < 25, "SIGTERM waited for a body the gateway will never read"
    finally:
        s.close()
