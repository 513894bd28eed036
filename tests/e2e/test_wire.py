"""Metering every byte as a provider writes it: the Responses API through the official SDK, a provider
that writes spaced JSON (Python's default `json.dumps`), and a provider that keeps the last of
repeated keys — both dialects, streamed and not — against the real binary."""

from __future__ import annotations

import json

import httpx
import pytest

from conftest import SUPPORT_KEY, Gateway, Simulator, entry_expected_cost, parse_sse


@pytest.fixture(scope="module")
def spaced(tollgate_bin, tmp_path_factory):
    sim = Simulator(tollgate_bin, tmp_path_factory.mktemp("spaced-sim"), name="spaced-simulator", extra_args=["--json-style", "spaced"])
    gw = Gateway(tollgate_bin, tmp_path_factory.mktemp("spaced-gw"), sim.port, name="spaced-gateway")
    yield sim, gw
    gw.stop()
    sim.stop()


def _rid(raw) -> str:
    return raw.headers["x-tollgate-request-id"]


# -- Responses API ------------------------------------------------------------------------------


def test_responses_create_is_metered_exactly(gateway, ledger, oai):
    raw = oai.responses.with_raw_response.create(model="gpt-4o-mini", input="Write one line about toll gates.", max_output_tokens=40)
    response = raw.parse()
    assert response.output_text
    entry = ledger.entry(_rid(raw))
    assert entry["route"] == "responses" and entry["usageSource"] == "reported" and entry["status"] == "ok"
    cached = response.usage.input_tokens_details.cached_tokens
    assert entry["inputUncached"] + entry["cacheRead"] == response.usage.input_tokens
    assert entry["cacheRead"] == cached
    assert entry["output"] == response.usage.output_tokens
    assert entry["costNano"] == entry_expected_cost(entry, "gpt-4o-mini")


def test_responses_stream_is_metered_exactly_and_ends_cleanly(gateway, ledger, oai):
    events = []
    with oai.responses.with_streaming_response.create(model="gpt-4o-mini", input="Stream a short line.", stream=True) as raw:
        rid = _rid(raw)
        body = b"".join(raw.iter_bytes())
    events = parse_sse(body)
    types = [e["event"] for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    completed = json.loads(events[-1]["data"])["response"]["usage"]
    text = "".join(json.loads(e["data"])["delta"] for e in events if e["event"] == "response.output_text.delta")
    assert text
    entry = ledger.entry(rid)
    assert entry["usageSource"] == "reported" and entry["status"] == "ok"
    assert entry["output"] == completed["output_tokens"]
    assert entry["inputUncached"] + entry["cacheRead"] == completed["input_tokens"]
    assert entry["costNano"] == entry_expected_cost(entry, "gpt-4o-mini")


def test_responses_stream_through_the_sdk_iterator(gateway, ledger, oai):
    stream = oai.responses.create(model="gpt-4o-mini", input="Another short line.", stream=True)
    final = None
    for event in stream:
        if event.type == "response.completed":
            final = event.response
    assert final is not None and final.usage.output_tokens > 0


# -- A provider that writes spaced JSON ---------------------------------------------------------


def test_spaced_chat_answers_are_metered_as_reported(spaced):
    sim, gw = spaced
    client = gw.openai()
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Spaced, please."}])
    completion = raw.parse()
    entry = gw.ledger().entry(_rid(raw))
    assert entry["usageSource"] == "reported"
    assert entry["output"] == completion.usage.completion_tokens and entry["output"] > 0
    assert entry["inputUncached"] + entry["cacheRead"] == completion.usage.prompt_tokens


def test_spaced_chat_streams_are_metered_and_the_added_usage_chunk_stays_hidden(spaced, gateway, ledger):
    sim, gw = spaced
    messages = [{"role": "user", "content": "Stream something spaced."}]
    with gw.openai().chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=messages, stream=True) as raw:
        rid = _rid(raw)
        events = parse_sse(b"".join(raw.iter_bytes()))
    chunks = [json.loads(e["data"]) for e in events if e["data"] != "[DONE]"]
    assert chunks and all(c.get("usage") is None and c["choices"] for c in chunks)
    spaced_entry = gw.ledger().entry(rid)
    # The compact simulator answers the same prompt with the same tokens.
    with gateway.openai().chat.completions.with_streaming_response.create(
            model="gpt-4o-mini", messages=messages, stream=True, stream_options={"include_usage": True}) as raw:
        compact_rid = _rid(raw)
        usage = [json.loads(e["data"])["usage"] for e in parse_sse(b"".join(raw.iter_bytes())) if e["data"] != "[DONE]"
                 and json.loads(e["data"]).get("usage")][-1]
    compact_entry = ledger.entry(compact_rid)
    assert spaced_entry["usageSource"] == "reported" and spaced_entry["status"] == "ok"
    assert spaced_entry["output"] == usage["completion_tokens"] == compact_entry["output"]


@pytest.mark.parametrize("stream", [False, True])
def test_spaced_anthropic_messages_are_metered_as_reported(spaced, stream):
    sim, gw = spaced
    client = gw.anthropic()
    kwargs = dict(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "Spaced Claude."}])
    if stream:
        with client.messages.with_streaming_response.create(stream=True, **kwargs) as raw:
            rid = _rid(raw)
            events = [json.loads(e["data"]) for e in parse_sse(b"".join(raw.iter_bytes()))]
        start = next(e for e in events if e["type"] == "message_start")["message"]["usage"]
        output = [e for e in events if e["type"] == "message_delta"][-1]["usage"]["output_tokens"]
        input_tokens = start["input_tokens"]
    else:
        raw = client.messages.with_raw_response.create(**kwargs)
        rid = _rid(raw)
        message = raw.parse()
        output, input_tokens = message.usage.output_tokens, message.usage.input_tokens
    entry = gw.ledger().entry(rid)
    assert entry["usageSource"] == "reported" and entry["status"] == "ok"
    assert entry["output"] == output and output > 0
    assert entry["inputUncached"] == input_tokens


# -- Repeated keys: what the gateway checks is exactly what the provider receives --------------


@pytest.mark.parametrize("path,body", [
    ("/v1/chat/completions", '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"mod\\u0065l":"mystery-model"}'),
    ("/v1/messages", '{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"x"}],"model":"claude-opus-4"}'),
])
def test_a_repeated_model_is_refused_before_the_provider_sees_it(gateway, simulator, path, body):
    simulator.clear()
    headers = {"authorization": f"Bearer {SUPPORT_KEY}", "content-type": "application/json", "anthropic-version": "2023-06-01"}
    r = httpx.post(gateway.base + path, content=body.encode(), headers=headers, timeout=10)
    assert r.status_code == 400
    assert "appears more than once" in r.text
    assert simulator.requests() == []


def test_a_rewritten_body_carries_each_key_once(gateway, simulator, ledger):
    # An alias and a null stream_options: the provider (which keeps the last of repeated keys)
    # receives one model and one stream_options, so it serves and reports what the gateway priced.
    simulator.clear()
    body = '{"model": "fast", "stream": true, "stream_options": null, "messages": [{"role": "user", "content": "hi"}]}'
    headers = {"authorization": f"Bearer {SUPPORT_KEY}", "content-type": "application/json", "x-sim-record-body": "1"}
    r = httpx.post(gateway.base + "/v1/chat/completions", content=body.encode(), headers=headers, timeout=10)
    assert r.status_code == 200 and "usage" not in r.text
    sent = simulator.requests()[-1]["body"]
    assert sent == body.replace('"model": "fast"', '"model": "gpt-4o-mini"').replace('"stream_options": null', '"stream_options": {"include_usage":true}')
    entry = ledger.entry(r.headers["x-tollgate-request-id"])
    assert entry["usageSource"] == "reported" and entry["servedModel"].startswith("gpt-4o-mini")
