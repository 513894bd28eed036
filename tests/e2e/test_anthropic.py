"""Anthropic dialect through the official `anthropic` SDK: messages, streams, prompt caching, models."""

from __future__ import annotations

import json
import uuid

import httpx

from conftest import (
    SUPPORT_KEY,
    assert_breakdown_consistent,
    entry_expected_cost,
    expected_cost_nano,
    parse_sse,
    tokens_of,
    usd_header_nano,
)

MODEL = "claude-sonnet-4-5"


def unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex})"


def test_messages_non_streaming(simulator, ledger, claude):
    prompt = unique("Draft a polite reply to a late-delivery complaint. [[sim:tokens=23]]")
    raw = claude.messages.with_raw_response.create(
        model=MODEL, max_tokens=256, messages=[{"role": "user", "content": prompt}],
        extra_headers={"x-tollgate-customer": "cust-a"},
    )
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant"
    assert message.model == MODEL
    assert len(message.content) == 1 and message.content[0].type == "text"
    assert len(message.content[0].text) == 23 * 4
    assert message.usage.input_tokens == tokens_of(prompt)
    assert message.usage.output_tokens == 23

    request_id = raw.headers["x-tollgate-request-id"]
    seen = simulator.requests(request_id)
    assert len(seen) == 1 and seen[0]["path"] == "/v1/messages"

    entry = ledger.entry(request_id)
    assert entry["route"] == "messages"
    assert entry["provider"] == "anthropic-sim"
    assert (entry["status"], entry["httpStatus"], entry["stream"]) == ("ok", 200, 0)
    assert entry["usageSource"] == "reported"
    assert entry["inputUncached"] == message.usage.input_tokens
    assert entry["cacheRead"] == 0 and entry["cacheWrite5m"] == 0 and entry["cacheWrite1h"] == 0
    assert entry["output"] == message.usage.output_tokens
    expected = expected_cost_nano(MODEL, uncached=message.usage.input_tokens, output=23)
    assert entry["costNano"] == expected
    assert usd_header_nano(raw.headers["x-tollgate-cost-usd"]) == expected
    assert_breakdown_consistent(entry)
    assert entry["keyId"] == "support-key" and entry["team"] == "support"
    assert entry["customer"] == "cust-a" and entry["declared"] == "customer"
    assert entry["clientRetryCount"] == 0


def test_messages_with_x_api_key_header(gateway, ledger):
    """curl-style clients send x-api-key instead of a bearer token."""
    body = {"model": MODEL, "max_tokens": 50, "messages": [{"role": "user", "content": unique("hi")}]}
    r = httpx.post(gateway.anthropic_base + "/v1/messages", json=body, timeout=30,
                   headers={"x-api-key": SUPPORT_KEY, "anthropic-version": "2023-06-01"})
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "message"
    entry = ledger.entry(r.headers["x-tollgate-request-id"])
    assert entry["keyId"] == "support-key" and entry["status"] == "ok"


def test_messages_streaming_sdk(ledger, claude):
    prompt = unique("Stream a haiku about invoices. [[sim:tokens=17]]")
    with claude.messages.with_streaming_response.create(
        model=MODEL, max_tokens=256, messages=[{"role": "user", "content": prompt}], stream=True
    ) as response:
        request_id = response.headers["x-tollgate-request-id"]
        events = list(response.parse())
    types = [e.type for e in events]
    assert types[0] == "message_start"
    assert types[-1] == "message_stop"
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta")
    assert len(text) == 17 * 4
    start = events[0].message.usage
    delta = [e for e in events if e.type == "message_delta"][-1].usage

    entry = ledger.entry(request_id)
    assert (entry["status"], entry["stream"], entry["usageSource"]) == ("ok", 1, "reported")
    assert entry["inputUncached"] == start.input_tokens == tokens_of(prompt)
    assert entry["cacheRead"] == (start.cache_read_input_tokens or 0)
    assert entry["output"] == delta.output_tokens == 17
    assert entry["costNano"] == entry_expected_cost(entry, MODEL) > 0


def test_messages_stream_helper_text(ledger, claude):
    prompt = unique("Stream helper [[sim:tokens=11]]")
    with claude.messages.stream(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": prompt}]) as stream:
        request_id = stream.response.headers["x-tollgate-request-id"]
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert len(text) == 11 * 4
    assert final.usage.output_tokens == 11
    assert final.usage.input_tokens == tokens_of(prompt)
    entry = ledger.entry(request_id)
    assert (entry["status"], entry["usageSource"]) == ("ok", "reported")
    assert entry["inputUncached"] == final.usage.input_tokens
    assert entry["output"] == final.usage.output_tokens


def test_messages_stream_raw_framing(gateway, ledger):
    prompt = unique("raw framing [[sim:tokens=5]]")
    body = {"model": MODEL, "max_tokens": 64, "stream": True, "messages": [{"role": "user", "content": prompt}]}
    with httpx.stream("POST", gateway.anthropic_base + "/v1/messages", json=body, timeout=30,
                      headers={"authorization": f"Bearer {SUPPORT_KEY}", "anthropic-version": "2023-06-01"}) as r:
        assert r.status_code == 200
        request_id = r.headers["x-tollgate-request-id"]
        raw = r.read()
    events = parse_sse(raw)
    assert all(e["event"] for e in events), "every Anthropic event needs its event: line"
    names = [e["event"] for e in events]
    assert names[0] == "message_start" and names[-1] == "message_stop"
    for e in events:
        assert json.loads(e["data"])["type"] == e["event"]
    assert ledger.entry(request_id)["status"] == "ok"


def _system_blocks(texts_and_ttls):
    blocks = []
    for text, ttl in texts_and_ttls:
        cache_control = {"type": "ephemeral"}
        if ttl:
            cache_control["ttl"] = ttl
        blocks.append({"type": "text", "text": text, "cache_control": cache_control})
    return blocks


def test_prompt_cache_read_priced_at_cache_read_rate(ledger, claude):
    system_text = unique("You are a meticulous contracts assistant. " * 60)
    question = "Which clause limits liability? [[sim:tokens=20]]"
    system = _system_blocks([(system_text, None)])
    cached_tokens = tokens_of(system_text)

    first = claude.messages.with_raw_response.create(
        model=MODEL, max_tokens=128, system=system, messages=[{"role": "user", "content": question}])
    m1 = first.parse()
    assert m1.usage.cache_creation_input_tokens == cached_tokens
    assert m1.usage.cache_read_input_tokens == 0
    assert m1.usage.input_tokens == tokens_of(question)
    e1 = ledger.entry(first.headers["x-tollgate-request-id"])
    assert (e1["cacheWrite5m"], e1["cacheWrite1h"], e1["cacheRead"]) == (cached_tokens, 0, 0)
    assert e1["inputUncached"] == tokens_of(question)
    expected1 = expected_cost_nano(MODEL, uncached=tokens_of(question), cache_write_5m=cached_tokens, output=20)
    assert e1["costNano"] == expected1
    assert usd_header_nano(first.headers["x-tollgate-cost-usd"]) == expected1

    second = claude.messages.with_raw_response.create(
        model=MODEL, max_tokens=128, system=system, messages=[{"role": "user", "content": question}])
    m2 = second.parse()
    assert m2.usage.cache_read_input_tokens == cached_tokens
    assert m2.usage.cache_creation_input_tokens == 0
    e2 = ledger.entry(second.headers["x-tollgate-request-id"])
    assert (e2["cacheRead"], e2["cacheWrite5m"], e2["cacheWrite1h"]) == (cached_tokens, 0, 0)
    assert e2["inputUncached"] == m2.usage.input_tokens == tokens_of(question)
    expected2 = expected_cost_nano(MODEL, uncached=tokens_of(question), cache_read=cached_tokens, output=20)
    assert e2["costNano"] == expected2
    assert usd_header_nano(second.headers["x-tollgate-cost-usd"]) == expected2
    # The cache read is really priced at its own rate (0.1x input), not as fresh input.
    assert e2["costCacheReadNano"] == expected_cost_nano(MODEL, cache_read=cached_tokens)
    assert expected2 != expected_cost_nano(MODEL, uncached=tokens_of(question) + cached_tokens, output=20)
    assert_breakdown_consistent(e2)


def test_prompt_cache_one_hour_write_priced_at_1h_rate(ledger, claude):
    long_text = unique("Reference manual section. " * 80)
    short_text = unique("Session notes. " * 40)
    system = _system_blocks([(long_text, "1h"), (short_text, None)])
    question = "Summarise. [[sim:tokens=8]]"
    raw = claude.messages.with_raw_response.create(
        model=MODEL, max_tokens=64, system=system, messages=[{"role": "user", "content": question}])
    message = raw.parse()
    one_hour = tokens_of(long_text)
    five_min = tokens_of(short_text)
    assert message.usage.cache_creation_input_tokens == one_hour + five_min
    assert message.usage.cache_creation.ephemeral_1h_input_tokens == one_hour
    assert message.usage.cache_creation.ephemeral_5m_input_tokens == five_min

    entry = ledger.entry(raw.headers["x-tollgate-request-id"])
    assert entry["cacheWrite1h"] == one_hour
    assert entry["cacheWrite5m"] == five_min
    assert entry["inputUncached"] == tokens_of(question)
    expected = expected_cost_nano(MODEL, uncached=tokens_of(question), cache_write_5m=five_min,
                                  cache_write_1h=one_hour, output=8)
    assert entry["costNano"] == expected
    assert usd_header_nano(raw.headers["x-tollgate-cost-usd"]) == expected
    assert entry["costCacheWriteNano"] == expected_cost_nano(MODEL, cache_write_5m=five_min, cache_write_1h=one_hour)
    # Pricing the 1h write at the 5-minute rate would be a different (lower) number.
    assert expected != expected_cost_nano(MODEL, uncached=tokens_of(question), cache_write_5m=five_min + one_hour, output=8)


def test_models_list_anthropic_shape(gateway, claude):
    page = claude.models.list()
    ids = [m.id for m in page.data]
    assert "claude-sonnet-4-5" in ids and "gpt-4o-mini" not in ids
    for m in page.data:
        assert m.type == "model"
        assert m.display_name
        assert m.created_at is not None

    # The anthropic-version header selects the shape.
    auth = {"authorization": f"Bearer {SUPPORT_KEY}"}
    a = httpx.get(gateway.base + "/v1/models", headers={**auth, "anthropic-version": "2023-06-01"}, timeout=10).json()
    assert "has_more" in a and a["has_more"] is False
    assert "object" not in a
    assert a["first_id"] == a["data"][0]["id"] and a["last_id"] == a["data"][-1]["id"]
    o = httpx.get(gateway.base + "/v1/models", headers=auth, timeout=10).json()
    assert o["object"] == "list"
    assert all(m["object"] == "model" for m in o["data"])
