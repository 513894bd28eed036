"""Promise 1 under a crash: SIGKILL the gateway with ~30 calls in flight, restart it on the same ledger,
and every call the provider received has exactly one ledger entry."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Gateway, Ledger, Simulator, assert_breakdown_consistent, entry_expected_cost

GPT = "gpt-4o-mini"
CLAUDE = "claude-sonnet-4-5"
SLOW_CALLS = 30


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture()
def crash_rig(tollgate_bin, tmp_path):
    sim = Simulator(tollgate_bin, tmp_path, name="slow-simulator", extra_args=["--token-ms", "50"])
    gw = Gateway(tollgate_bin, tmp_path / "crash-gateway", sim.port, name="crash-gateway")
    yield sim, gw
    gw.stop()
    sim.service.stop(timeout=2)  # it is still writing the abandoned slow answers


def test_sigkill_with_calls_in_flight(crash_rig):
    sim, gw = crash_rig
    ledger: Ledger = gw.ledger()
    oai = gw.openai(timeout=60)
    claude = gw.anthropic(timeout=60)

    # 1. Calls that complete before the crash (2 tokens at 50 ms each).
    quick_ids = []
    for i in range(3):
        raw = oai.chat.completions.with_raw_response.create(
            model=GPT, messages=[{"role": "user", "content": f"quick {i} {uuid.uuid4().hex} [[sim:tokens=2]]"}])
        quick_ids.append(raw.headers["x-tollgate-request-id"])
        raw = claude.messages.with_raw_response.create(
            model=CLAUDE, max_tokens=32, messages=[{"role": "user", "content": f"quick {i} {uuid.uuid4().hex} [[sim:tokens=2]]"}])
        quick_ids.append(raw.headers["x-tollgate-request-id"])
    with oai.chat.completions.with_streaming_response.create(
        model=GPT, stream=True, messages=[{"role": "user", "content": "quick stream [[sim:tokens=3]]"}]
    ) as response:
        quick_ids.append(response.headers["x-tollgate-request-id"])
        assert len(list(response.parse())) > 0
    # Their entries are durable before the crash.
    ledger.entries(quick_ids, timeout=10)

    # 2. Thirty slow calls in flight: streams at 50 ms/token, non-streaming answers of 400 tokens.
    streaming_started = threading.Semaphore(0)
    outcomes: list[str] = []
    lock = threading.Lock()

    def record(outcome: str):
        with lock:
            outcomes.append(outcome)

    def openai_stream(i):
        try:
            stream = oai.chat.completions.create(
                model=GPT, stream=True,
                messages=[{"role": "user", "content": f"slow stream {i} {uuid.uuid4().hex} [[sim:tokens=400]]"}])
            first = True
            for _ in stream:
                if first:
                    streaming_started.release()
                    first = False
            record("completed")
        except Exception as e:  # noqa: BLE001 - the SDKs raise their own or httpx2 errors
            record(type(e).__name__)

    def anthropic_stream(i):
        try:
            with claude.messages.stream(
                model=CLAUDE, max_tokens=1000,
                messages=[{"role": "user", "content": f"slow stream {i} {uuid.uuid4().hex} [[sim:tokens=400]]"}],
            ) as stream:
                first = True
                for _ in stream:
                    if first:
                        streaming_started.release()
                        first = False
            record("completed")
        except Exception as e:  # noqa: BLE001 - the SDKs raise their own or httpx2 errors
            record(type(e).__name__)

    def openai_blocking(i):
        try:
            oai.chat.completions.create(
                model=GPT,
                messages=[{"role": "user", "content": f"slow answer {i} {uuid.uuid4().hex} [[sim:tokens=400,ttft_ms=1000]]"}])
            record("completed")
        except Exception as e:  # noqa: BLE001 - the SDKs raise their own or httpx2 errors
            record(type(e).__name__)

    def anthropic_blocking(i):
        try:
            claude.messages.create(
                model=CLAUDE, max_tokens=1000,
                messages=[{"role": "user", "content": f"slow answer {i} {uuid.uuid4().hex} [[sim:tokens=400,ttft_ms=1000]]"}])
            record("completed")
        except Exception as e:  # noqa: BLE001 - the SDKs raise their own or httpx2 errors
            record(type(e).__name__)

    kinds = [openai_stream, anthropic_stream, openai_blocking, anthropic_blocking]
    calls = [kinds[i % len(kinds)] for i in range(SLOW_CALLS)]
    n_streams = sum(1 for c in calls if c in (openai_stream, anthropic_stream))
    before = len(sim.requests())
    pool = ThreadPoolExecutor(max_workers=SLOW_CALLS)
    futures = [pool.submit(call, i) for i, call in enumerate(calls)]

    # Every slow call has reached the provider, and every stream has started relaying.
    wait_until(lambda: len(sim.requests()) - before >= SLOW_CALLS, 20, "all slow calls to reach the provider")
    for _ in range(n_streams):
        assert streaming_started.acquire(timeout=20), "a stream never started"
    assert not outcomes, f"calls finished before the crash: {outcomes}"

    # 3. Crash.
    gw.kill()
    for f in futures:
        f.result(timeout=60)
    pool.shutdown()
    assert len(outcomes) == SLOW_CALLS
    assert "completed" not in outcomes, outcomes
    oai.close()
    claude.close()

    received = sim.requests()
    assert len(received) == before + SLOW_CALLS, "no call may be retried after the crash"
    sim_ids = [r["request_id"] for r in received]
    assert all(sim_ids), "every upstream call carries x-tollgate-request-id"
    assert len(set(sim_ids)) == len(sim_ids)
    slow_ids = set(r["request_id"] for r in received[before:])
    by_id = {r["request_id"]: r for r in received}

    # 4. Restart on the same ledger: recovery closes every open admission.
    gw.start()

    rows = ledger.query("SELECT * FROM ledgerEntry")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ledger entries"
    assert set(ids) == set(sim_ids), (
        f"missing entries: {set(sim_ids) - set(ids)}; entries the provider never saw: {set(ids) - set(sim_ids)}")
    admission_log = Path(str(gw.db_path) + ".admissions")
    assert admission_log.is_dir(), "the gateway keeps its admission log beside the ledger"
    assert all(p.stat().st_size == 0 for p in admission_log.glob("*.log")), "admissions left open after recovery"

    entries = {r["id"]: r for r in rows}
    for rid in quick_ids:
        e = entries[rid]
        assert e["status"] == "ok", e
        assert e["usageSource"] == "reported"
        assert e["costNano"] == entry_expected_cost(e, e["servedModel"]) > 0
    for rid in slow_ids:
        e = entries[rid]
        assert e["status"] == "interrupted", e
        assert e["usageSource"] == "estimated", e
        assert e["pricing"] == "estimated", e
        # Recovery estimates the prompt exactly as the provider counted it (single text message).
        assert e["inputUncached"] == by_id[rid]["input_tokens"], (e, by_id[rid])
        assert e["costNano"] is not None and e["costNano"] > 0, "an interrupted call is never $0"
        assert e["costNano"] == entry_expected_cost(e, e["servedModel"])
        assert_breakdown_consistent(e)
        assert e["keyId"] == "support-key" and e["team"] == "support"
        assert e["clientRetryCount"] == 0
    assert sum(1 for rid in slow_ids if entries[rid]["stream"] == 1) == n_streams

    # 5. The restarted gateway serves and records on the same ledger.
    client = gw.openai()
    raw = client.chat.completions.with_raw_response.create(
        model=GPT, messages=[{"role": "user", "content": "after restart [[sim:tokens=1]]"}])
    client.close()
    assert ledger.entry(raw.headers["x-tollgate-request-id"])["status"] == "ok"


def test_a_crash_recovers_spaced_json_calls_at_their_estimate_never_zero(crash_rig):
    """Bodies written with indentation and keys in another order are estimated on admission exactly as
    compact ones: a call recovered after SIGKILL carries that estimate, never $0."""
    import json

    import httpx

    from conftest import SUPPORT_KEY

    sim, gw = crash_rig
    ledger: Ledger = gw.ledger()
    bodies = {
        "/v1/chat/completions": {"messages": [{"content": f"spaced {uuid.uuid4().hex} [[sim:tokens=50,ttft_ms=5000]]",
                                               "role": "user"}], "model": GPT},
        "/v1/messages": {"messages": [{"content": f"spaced {uuid.uuid4().hex} [[sim:tokens=50,ttft_ms=5000]]",
                                       "role": "user"}], "max_tokens": 100, "model": CLAUDE},
    }
    headers = {"authorization": f"Bearer {SUPPORT_KEY}", "content-type": "application/json", "anthropic-version": "2023-06-01"}
    before = len(sim.requests())

    def post(path):
        try:
            httpx.post(gw.base + path, content=json.dumps(bodies[path], indent=2).encode(), headers=headers, timeout=30)
        except httpx.HTTPError:
            pass

    threads = [threading.Thread(target=post, args=(p,)) for p in bodies]
    for t in threads:
        t.start()
    wait_until(lambda: len(sim.requests()) - before >= len(bodies), 20, "both calls to reach the provider")
    gw.kill()
    for t in threads:
        t.join(timeout=30)
    gw.start()

    for request in sim.requests()[before:]:
        e = ledger.entry(request["request_id"], timeout=10)
        assert e["status"] == "interrupted", e
        assert e["inputUncached"] == request["input_tokens"] > 0, (e, request)
        assert e["costNano"] is not None and e["costNano"] > 0, "a recovered call is never $0"
