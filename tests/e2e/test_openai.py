"""OpenAI dialect through the official `openai` SDK: chat, streams, embeddings, models, pricing, attribution."""

from __future__ import annotations

import json
import math
import uuid

import httpx
import openai
import pytest

from conftest import (
    LOCKED_KEY,
    SUPPORT_KEY,
    assert_breakdown_consistent,
    entry_expected_cost,
    expected_cost_nano,
    parse_sse,
    tokens_of,
    usd_header_nano,
)


def unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex})"


def test_chat_non_streaming_priced_and_attributed(gateway, simulator, ledger, oai):
    prompt = unique("Summarise the refund policy for a customer. [[sim:tokens=37]]")
    declared = {
        "x-tollgate-workflow": "refund-triage",
        "x-tollgate-customer": "cust-42",
        "x-tollgate-user": "user-7",
        "x-tollgate-prompt-id": "refund-summary",
        "x-tollgate-prompt-version": "v3",
        "x-tollgate-trace-id": "trace-" + uuid.uuid4().hex,
    }
    raw = oai.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], extra_headers=declared
    )
    completion = raw.parse()

    # The answer itself.
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-4o-mini"
    assert completion.choices[0].message.role == "assistant"
    assert len(completion.choices[0].message.content) == 37 * 4  # simulator: 4 bytes per token
    usage = completion.usage
    assert usage.prompt_tokens == tokens_of(prompt)
    assert usage.completion_tokens == 37
    cached = usage.prompt_tokens_details.cached_tokens if usage.prompt_tokens_details else 0

    # Gateway headers.
    request_id = raw.headers["x-tollgate-request-id"]
    assert request_id.startswith("tg_")
    header_cost = usd_header_nano(raw.headers["x-tollgate-cost-usd"])

    # The provider saw exactly one call, tagged with the same request id.
    seen = simulator.requests(request_id)
    assert len(seen) == 1
    assert seen[0]["path"] == "/v1/chat/completions"
    assert seen[0]["model"] == "gpt-4o-mini"

    entry = ledger.entry(request_id)
    assert entry["route"] == "chat.completions"
    assert entry["provider"] == "openai-sim"
    assert entry["requestedModel"] == "gpt-4o-mini"
    assert entry["servedModel"] == "gpt-4o-mini"
    assert entry["stream"] == 0
    assert entry["status"] == "ok"
    assert entry["httpStatus"] == 200
    # Usage equals the response usage (OpenAI prompt_tokens include cached tokens).
    assert entry["inputUncached"] == usage.prompt_tokens - cached
    assert entry["cacheRead"] == cached
    assert entry["cacheWrite5m"] == 0 and entry["cacheWrite1h"] == 0
    assert entry["output"] == usage.completion_tokens
    assert entry["reasoning"] == 0
    assert entry["usageSource"] == "reported"
    assert entry["pricing"] == "priced"
    assert entry["priceVersion"]

    # Money: the independent Decimal cost, to the nano, equals the stored cost and the header.
    expected = expected_cost_nano(
        "gpt-4o-mini", uncached=usage.prompt_tokens - cached, cache_read=cached, output=usage.completion_tokens
    )
    assert expected > 0
    assert entry["costNano"] == expected
    assert header_cost == expected
    assert_breakdown_consistent(entry)
    assert entry["costOutputNano"] == expected_cost_nano("gpt-4o-mini", output=37)

    # Attribution: trusted key dimensions plus the declared headers.
    assert entry["keyId"] == "support-key"
    assert (entry["org"], entry["team"], entry["app"], entry["environment"], entry["costCenter"]) == (
        "acme", "support", "copilot", "prod", "CC-1")
    assert entry["workflow"] == "refund-triage"
    assert entry["customer"] == "cust-42"
    assert entry["user"] == "user-7"
    assert entry["promptId"] == "refund-summary"
    assert entry["promptVersion"] == "v3"
    assert entry["traceId"] == declared["x-tollgate-trace-id"]
    assert set(entry["declared"].split(",")) == {
        "workflow", "customer", "user", "prompt_id", "prompt_version", "trace_id"}
    assert entry["attemptCount"] == 1
    assert [a["status"] for a in json.loads(entry["attempts"])] == [200]
    assert entry["clientRetryCount"] == 0  # the SDK's first attempt sends x-stainless-retry-count: 0
    assert entry["error"] is None

    # Secrets never reach the ledger.
    dumped = json.dumps(entry)
    assert SUPPORT_KEY not in dumped and "sk-simulator" not in dumped


def test_key_defaults_without_declared_headers(ledger, oai):
    raw = oai.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": unique("plain call")}]
    )
    entry = ledger.entry(raw.headers["x-tollgate-request-id"])
    assert entry["workflow"] == "support-copilot"  # the key's default workflow
    assert entry["customer"] is None and entry["user"] is None and entry["traceId"] is None
    assert entry["declared"] == ""


def test_stream_without_include_usage_hides_usage_chunk(gateway, simulator, ledger):
    """Raw framing: the gateway asks the provider for usage but the client never sees that chunk."""
    prompt = unique("Stream me a short answer [[sim:tokens=12]]")
    body = {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": prompt}]}
    headers = {"authorization": f"Bearer {SUPPORT_KEY}", "x-sim-record-body": "1"}
    with httpx.stream("POST", gateway.openai_base + "/chat/completions", json=body, headers=headers, timeout=30) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        request_id = r.headers["x-tollgate-request-id"]
        raw = r.read()

    events = parse_sse(raw)
    assert events, raw
    assert all(e["event"] is None for e in events)
    assert events[-1]["data"] == "[DONE]", "the stream must end with data: [DONE]"
    assert sum(1 for e in events if e["data"] == "[DONE]") == 1
    chunks = [json.loads(e["data"]) for e in events[:-1]]
    for chunk in chunks:
        assert chunk.get("usage") is None, f"usage chunk leaked to a client that did not ask: {chunk}"
        assert chunk["choices"], f"a chunk with empty choices leaked: {chunk}"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert len(text) == 12 * 4

    # Upstream, the gateway did ask for usage.
    seen = simulator.requests(request_id)
    assert len(seen) == 1
    upstream_body = json.loads(seen[0]["body"])
    assert upstream_body["stream_options"]["include_usage"] is True

    entry = ledger.entry(request_id)
    assert entry["stream"] == 1
    assert entry["status"] == "ok"
    assert entry["usageSource"] == "reported"
    assert entry["inputUncached"] == tokens_of(prompt)
    assert entry["output"] == 12
    assert entry["costNano"] == entry_expected_cost(entry, "gpt-4o-mini") > 0
    assert entry["ttftMs"] is not None


def test_stream_sdk_without_include_usage(ledger, oai):
    prompt = unique("SDK stream [[sim:tokens=9]]")
    stream = oai.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], stream=True
    )
    request_id = stream.headers["x-tollgate-request-id"]
    text = ""
    for chunk in stream.parse():
        assert chunk.usage is None
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
    assert len(text) == 9 * 4
    entry = ledger.entry(request_id)
    assert (entry["status"], entry["usageSource"], entry["output"]) == ("ok", "reported", 9)
    assert entry["inputUncached"] == tokens_of(prompt)


def test_stream_with_include_usage_sees_exactly_one_usage_chunk(gateway, ledger, oai):
    prompt = unique("Stream with usage please [[sim:tokens=15]]")
    stream = oai.chat.completions.with_raw_response.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
        stream=True,
        stream_options={"include_usage": True},
    )
    request_id = stream.headers["x-tollgate-request-id"]
    chunks = list(stream.parse())
    usage_chunks = [c for c in chunks if c.usage is not None]
    assert len(usage_chunks) == 1
    assert usage_chunks[0] is chunks[-1], "the usage chunk is the last chunk"
    assert usage_chunks[0].choices == []
    usage = usage_chunks[0].usage
    assert usage.prompt_tokens == tokens_of(prompt)
    assert usage.completion_tokens == 15

    entry = ledger.entry(request_id)
    assert entry["usageSource"] == "reported"
    assert entry["inputUncached"] + entry["cacheRead"] == usage.prompt_tokens
    assert entry["output"] == usage.completion_tokens
    assert entry["costNano"] == expected_cost_nano("gpt-4o-mini", uncached=usage.prompt_tokens, output=15)

    # Raw framing as well: exactly one usage chunk, then [DONE].
    body = {"model": "gpt-4o-mini", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": prompt}]}
    r = httpx.post(gateway.openai_base + "/chat/completions", json=body,
                   headers={"authorization": f"Bearer {SUPPORT_KEY}"}, timeout=30)
    events = parse_sse(r.content)
    assert events[-1]["data"] == "[DONE]"
    with_usage = [e for e in events[:-1] if json.loads(e["data"]).get("usage")]
    assert len(with_usage) == 1 and with_usage[0] is events[-2]


def test_embeddings_default_base64(gateway, simulator, ledger, oai):
    inputs = [unique("the quick brown fox"), "jumps over the lazy dog"]
    raw = oai.embeddings.with_raw_response.create(
        model="text-embedding-3-small", input=inputs, extra_headers={"x-sim-record-body": "1"}
    )
    result = raw.parse()
    request_id = raw.headers["x-tollgate-request-id"]

    # The SDK asked for base64 and the gateway passed the field through untouched.
    seen = simulator.requests(request_id)
    assert len(seen) == 1
    assert json.loads(seen[0]["body"])["encoding_format"] == "base64"

    assert len(result.data) == 2
    for item in result.data:
        vector = item.embedding
        assert isinstance(vector, list) and len(vector) > 0
        assert all(isinstance(x, float) for x in vector)
        assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, rel_tol=1e-4)
    assert result.usage.prompt_tokens == sum(tokens_of(t) for t in inputs)

    entry = ledger.entry(request_id)
    assert entry["route"] == "embeddings"
    assert entry["status"] == "ok"
    assert entry["usageSource"] == "reported"
    assert entry["pricing"] == "priced"
    assert entry["inputUncached"] == result.usage.prompt_tokens
    assert entry["output"] == 0
    expected = expected_cost_nano("text-embedding-3-small", uncached=result.usage.prompt_tokens)
    assert entry["costNano"] == expected > 0
    assert usd_header_nano(raw.headers["x-tollgate-cost-usd"]) == expected


def test_models_list(oai):
    models = oai.models.list()
    ids = [m.id for m in models.data]
    # Only what the OpenAI routes can serve: the Anthropic-dialect model is listed on the other shape.
    assert set(ids) >= {"gpt-4o-mini", "text-embedding-3-small", "mystery-model"}
    assert "claude-sonnet-4-5" not in ids
    assert oai.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    with pytest.raises(openai.NotFoundError):
        oai.models.retrieve("claude-sonnet-4-5")
    for m in models.data:
        assert m.object == "model"
        assert isinstance(m.created, int)
        assert m.owned_by


def test_alias_recorded_with_configured_model(simulator, ledger, oai):
    raw = oai.chat.completions.with_raw_response.create(
        model="fast", messages=[{"role": "user", "content": unique("alias call")}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content
    request_id = raw.headers["x-tollgate-request-id"]
    assert simulator.requests(request_id)[0]["model"] == "gpt-4o-mini", "the alias is resolved before forwarding"
    entry = ledger.entry(request_id)
    assert entry["requestedModel"] == "gpt-4o-mini"
    assert entry["servedModel"] == "gpt-4o-mini"
    assert entry["costNano"] == entry_expected_cost(entry, "gpt-4o-mini") > 0


def _unpriced_metric(gateway) -> int:
    text = httpx.get(gateway.base + "/metrics", timeout=5).text
    # One series per team and workflow: sum them all.
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("tollgate_unpriced_requests_total{") and 'model="mystery-model"' in line)


def test_unpriced_model_is_never_zero(gateway, ledger, oai):
    unpriced_before = _unpriced_metric(gateway)
    raw = oai.chat.completions.with_raw_response.create(
        model="mystery-model", messages=[{"role": "user", "content": unique("what costs nothing?")}]
    )
    completion = raw.parse()
    assert completion.usage.total_tokens > 0
    assert raw.headers["x-tollgate-cost-usd"] == "unpriced"
    entry = ledger.entry(raw.headers["x-tollgate-request-id"])
    assert entry["status"] == "ok"
    assert entry["usageSource"] == "reported"
    assert entry["pricing"] == "unpriced"
    assert entry["costNano"] is None
    assert entry["inputUncached"] == completion.usage.prompt_tokens
    assert entry["output"] == completion.usage.completion_tokens
    assert _unpriced_metric(gateway) == unpriced_before + 1, "unpriced calls are counted"


def test_locked_key_ignores_declared_workflow(gateway, ledger):
    client = gateway.openai(api_key=LOCKED_KEY)
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": unique("extract the parties")}],
            extra_headers={"x-tollgate-workflow": "something-else", "x-tollgate-customer": "cust-9"},
        )
    finally:
        client.close()
    entry = ledger.entry(raw.headers["x-tollgate-request-id"])
    assert entry["keyId"] == "locked-key"
    assert entry["team"] == "legal"
    assert entry["workflow"] == "contract-extraction"
    assert "workflow" not in entry["declared"].split(",")
    assert entry["customer"] == "cust-9"
    assert entry["declared"].split(",") == ["customer"]


def test_client_retry_count_recorded(gateway, simulator, ledger):
    """A real SDK retry: the first attempt fails upstream (all gateway attempts), the SDK retries."""
    trace = "trace-" + uuid.uuid4().hex
    key = "retry-" + uuid.uuid4().hex
    client = gateway.openai(max_retries=1)
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": unique("retry me")}],
            extra_headers={
                "x-tollgate-trace-id": trace,
                "x-sim-fault": "server_error",
                "x-sim-fault-count": "3",  # the gateway's three upstream attempts of SDK attempt 0
                "x-sim-fault-key": key,
            },
        )
    finally:
        client.close()
    assert raw.parse().choices[0].message.content
    final_id = raw.headers["x-tollgate-request-id"]
    final = ledger.entry(final_id)
    assert final["status"] == "ok"
    assert final["clientRetryCount"] == 1

    rows = ledger.query("SELECT * FROM ledgerEntry WHERE traceId = ? ORDER BY ts", (trace,))
    assert len(rows) == 2, rows
    first = next(r for r in rows if r["id"] != final_id)
    assert first["clientRetryCount"] == 0
    assert first["status"] == "upstream_error"
    assert first["httpStatus"] == 500
    assert first["attemptCount"] == 3
    assert [a["status"] for a in json.loads(first["attempts"])] == [500, 500, 500]
    assert len(simulator.requests(first["id"])) == 3
    assert len(simulator.requests(final_id)) == 1


def test_openai_prompt_cache_hit_priced_at_cache_read_rate(ledger, oai):
    """OpenAI prompt_tokens include cached tokens: uncached = prompt - cached, cached at the cache-read rate."""
    system = unique("You answer questions about the employee handbook. " * 100)  # > 1024 tokens
    messages = [{"role": "system", "content": system},
                {"role": "user", "content": "How many vacation days? [[sim:tokens=10]]"}]
    first = oai.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages)
    assert (first.parse().usage.prompt_tokens_details.cached_tokens or 0) == 0
    second = oai.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages)
    usage = second.parse().usage
    cached = usage.prompt_tokens_details.cached_tokens
    assert cached == tokens_of(system) // 128 * 128 > 0
    assert usage.prompt_tokens == tokens_of(system) + tokens_of(messages[1]["content"])

    entry = ledger.entry(second.headers["x-tollgate-request-id"])
    assert entry["cacheRead"] == cached
    assert entry["inputUncached"] == usage.prompt_tokens - cached
    assert entry["output"] == 10
    expected = expected_cost_nano("gpt-4o-mini", uncached=usage.prompt_tokens - cached, cache_read=cached, output=10)
    assert entry["costNano"] == expected
    assert usd_header_nano(second.headers["x-tollgate-cost-usd"]) == expected
    assert entry["costCacheReadNano"] == expected_cost_nano("gpt-4o-mini", cache_read=cached)
    assert_breakdown_consistent(entry)


@pytest.mark.parametrize("model, price_model", [("o4-mini", "o4-mini"), ("qwen-reasoner", "dashscope/qwen-turbo")])
def test_reasoning_tokens_priced(ledger, oai, model, price_model):
    """Reasoning is part of output; it is priced at the reasoning rate when the catalog has one."""
    raw = oai.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": unique("think hard [[sim:tokens=40]]")}])
    usage = raw.parse().usage
    reasoning = usage.completion_tokens_details.reasoning_tokens
    assert usage.completion_tokens == 40 and reasoning == 10
    entry = ledger.entry(raw.headers["x-tollgate-request-id"])
    assert entry["requestedModel"] == model
    assert (entry["output"], entry["reasoning"]) == (40, 10)
    expected = expected_cost_nano(price_model, uncached=usage.prompt_tokens, output=40, reasoning=10)
    assert entry["pricing"] == "priced"
    assert entry["costNano"] == expected
    assert usd_header_nano(raw.headers["x-tollgate-cost-usd"]) == expected
    assert entry["costReasoningNano"] == expected_cost_nano(price_model, output=10, reasoning=10)
    assert_breakdown_consistent(entry)
