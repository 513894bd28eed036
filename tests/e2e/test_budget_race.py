"""A strict budget raced by 2,000 simultaneous requests, half of them streams, against the real binary.

The budget is worth exactly 100 worst-case calls. Whatever the interleaving: settled spend never
exceeds the limit, every refusal is a `budget_exceeded` in the caller's dialect, and no stream the
budget admitted is cut — a strict reservation is honoured to the stream's end.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx

from conftest import SUPPORT_KEY, Gateway

# Input $1 and output $10 per million tokens: a token in is 1,000 nano-USD, a token out 10,000.
PRICES = """
pricing:
  prices:
    - {model: gpt-4o-mini, input: "1", output: "10"}
"""
BODY = {"model": "gpt-4o-mini", "max_tokens": 8, "messages": [{"role": "user", "content": "Say something short, please."}]}
N = 2_000


def _body(stream: bool) -> bytes:
    body = dict(BODY, stream=True) if stream else dict(BODY, stream=False)
    return json.dumps(body, separators=(",", ":")).encode()


def worst_case_nano(body: bytes) -> int:
    # Strict reservation: every body byte as an input token, plus max_tokens at the output rate.
    return len(body) * 1_000 + 8 * 10_000


async def _call(client: httpx.AsyncClient, url: str, body: bytes, stream: bool) -> dict:
    headers = {"authorization": f"Bearer {SUPPORT_KEY}", "content-type": "application/json"}
    try:
        async with client.stream("POST", url, content=body, headers=headers) as response:
            raw = await response.aread()
    except httpx.TransportError as error:
        return {"status": type(error).__name__, "stream": stream, "body": str(error), "id": None}
    return {"status": response.status_code, "stream": stream, "body": raw.decode(errors="replace"),
            "id": response.headers.get("x-tollgate-request-id")}


async def _race(url: str) -> list[dict]:
    limits = httpx.Limits(max_connections=N, max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(120.0)) as client:
        return await asyncio.gather(*[_call(client, url, _body(i % 2 == 0), i % 2 == 0) for i in range(N)])


def _diagnosis(results: list[dict]) -> str:
    """What went wrong, with the limits of the machine that ran it."""
    import resource
    from collections import Counter

    def read(path: str) -> str:
        try:
            return Path(path).read_text().strip()
        except OSError:
            return "?"

    return (f"outcomes {dict(Counter(str(r['status']) for r in results))}; "
            f"RLIMIT_NOFILE {resource.getrlimit(resource.RLIMIT_NOFILE)}; "
            f"somaxconn {read('/proc/sys/net/core/somaxconn')}; "
            f"tcp_max_syn_backlog {read('/proc/sys/net/ipv4/tcp_max_syn_backlog')}")


def test_strict_budget_holds_under_two_thousand_simultaneous_calls_half_streams(tollgate_bin, simulator, tmp_path):
    stream_body, plain_body = _body(True), _body(False)
    limit = 100 * max(worst_case_nano(stream_body), worst_case_nano(plain_body))
    extra = PRICES + f"""
governance:
  budgets:
    - {{name: race, scope: {{team: support}}, period: lifetime, limit_usd: "{limit / 1e9:.9f}", mode: strict}}
"""
    gw = Gateway(tollgate_bin, tmp_path / "race", simulator.port, extra=extra)
    try:
        results = asyncio.run(_race(gw.base + "/v1/chat/completions"))
        assert gw.alive()
        ok = [r for r in results if r["status"] == 200]
        refused = [r for r in results if r["status"] == 429]
        assert len(ok) + len(refused) == N, _diagnosis(results)
        assert len(ok) >= 100
        for r in refused:
            assert json.loads(r["body"])["error"]["code"] == "budget_exceeded"
        # Every admitted stream ran to its end: no Tollgate error event, the provider's [DONE] last.
        for r in ok:
            if r["stream"]:
                assert r["body"].rstrip().endswith("data: [DONE]"), r["body"][-300:]
                assert "budget_exceeded" not in r["body"]
        ledger = gw.ledger()
        deadline = time.monotonic() + 30
        while ledger.scalar("SELECT count(*) FROM ledgerEntry") < N and time.monotonic() < deadline:
            time.sleep(0.1)
        rows = ledger.query("SELECT status, costNano, governance FROM ledgerEntry")
        assert len(rows) == N
        settled = sum(r["costNano"] or 0 for r in rows if r["status"] != "blocked")
        assert settled <= limit, f"settled {settled} nano-USD against a limit of {limit}"
        assert not [r for r in rows if r["governance"] and "stream cut" in r["governance"]]
        assert sum(1 for r in rows if r["status"] == "ok") == len(ok)
    finally:
        gw.stop()
