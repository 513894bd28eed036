"""Errors in both dialects, upstream faults, cut streams, and the gateway surviving all of it."""

from __future__ import annotations

import http.client
import json
import time
import uuid

import anthropic
import httpx
import openai
import pytest

from conftest import SUPPORT_KEY, assert_breakdown_consistent, entry_expected_cost, parse_sse

CLAUDE = "claude-sonnet-4-5"
GPT = "gpt-4o-mini"


def unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex})"


def openai_messages(text="hello"):
    return [{"role": "user", "content": unique(text)}]


def assert_openai_error_shape(response: httpx.Response, type_: str | None = None) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) >= {"message", "type", "param", "code"}, error
    assert isinstance(error["message"], str) and error["message"]
    if type_:
        assert error["type"] == type_, error
    return error


def assert_anthropic_error_shape(response: httpx.Response, type_: str) -> dict:
    body = response.json()
    assert body.get("type") == "error", body
    error = body["error"]
    assert error["type"] == type_, body
    assert isinstance(error["message"], str) and error["message"]
    return error


class NoNewUpstreamCalls:
    """Asserts that the block made no call to the provider."""

    def __init__(self, simulator):
        self.simulator = simulator

    def __enter__(self):
        self.before = len(self.simulator.requests())
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert len(self.simulator.requests()) == self.before, "a rejected request reached the provider"
        return False


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------


def test_openai_missing_key(gateway, simulator, oai):
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.AuthenticationError) as info:
        oai.chat.completions.create(model=GPT, messages=openai_messages(),
                                    extra_headers={"Authorization": openai.Omit()})
    assert info.value.status_code == 401
    assert_openai_error_shape(info.value.response, "authentication_error")


def test_openai_wrong_key(gateway, simulator):
    client = gateway.openai(api_key="sk-not-a-real-key-123")
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(model=GPT, messages=openai_messages())
    error = assert_openai_error_shape(info.value.response, "authentication_error")
    assert "sk-not-a-real-key-123" not in info.value.response.text
    with pytest.raises(openai.AuthenticationError):
        client.models.list()
    with pytest.raises(openai.AuthenticationError):
        client.embeddings.create(model="text-embedding-3-small", input="x")
    client.close()
    assert error["message"]


def test_anthropic_missing_key(gateway, simulator, claude):
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.AuthenticationError) as info:
        claude.messages.create(model=CLAUDE, max_tokens=16, messages=openai_messages(),
                               extra_headers={"Authorization": anthropic.Omit(), "X-Api-Key": anthropic.Omit()})
    assert info.value.status_code == 401
    assert_anthropic_error_shape(info.value.response, "authentication_error")


def test_anthropic_wrong_key(gateway, simulator):
    client = gateway.anthropic(api_key="sk-ant-wrong-456789")
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.AuthenticationError) as info:
        client.messages.create(model=CLAUDE, max_tokens=16, messages=openai_messages())
    assert_anthropic_error_shape(info.value.response, "authentication_error")
    assert "sk-ant-wrong-456789" not in info.value.response.text
    with pytest.raises(anthropic.AuthenticationError):
        client.models.list()
    client.close()


# --------------------------------------------------------------------------------------------
# Bad requests
# --------------------------------------------------------------------------------------------

AUTH = {"authorization": f"Bearer {SUPPORT_KEY}"}
ANTHROPIC_HEADERS = {**AUTH, "anthropic-version": "2023-06-01"}


def test_malformed_json_openai(gateway, simulator):
    with NoNewUpstreamCalls(simulator):
        r = httpx.post(gateway.openai_base + "/chat/completions", content=b'{"model": "gpt-4o-mini", "messages": [',
                       headers={**AUTH, "content-type": "application/json"}, timeout=10)
    assert r.status_code == 400
    assert_openai_error_shape(r, "invalid_request_error")


def test_malformed_json_anthropic(gateway, simulator):
    with NoNewUpstreamCalls(simulator):
        r = httpx.post(gateway.anthropic_base + "/v1/messages", content=b"{not json at all",
                       headers={**ANTHROPIC_HEADERS, "content-type": "application/json"}, timeout=10)
    assert r.status_code == 400
    assert_anthropic_error_shape(r, "invalid_request_error")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": GPT}, "messages"),
        ({"model": GPT, "messages": "hello"}, "messages"),
        ({"model": 42, "messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": GPT, "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}, "stream"),
        ({"model": GPT, "messages": [{"role": "user", "content": "hi"}], "max_tokens": "ten"}, "max_tokens"),
    ],
)
def test_openai_bad_fields_named(simulator, oai, body, field):
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.BadRequestError) as info:
        oai.post("/chat/completions", body=body, cast_to=object)
    error = assert_openai_error_shape(info.value.response, "invalid_request_error")
    assert field in error["message"] or error["param"] == field, error


def test_openai_embeddings_bad_input_named(simulator, oai):
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.BadRequestError) as info:
        oai.post("/embeddings", body={"model": "text-embedding-3-small", "input": {"text": 1}}, cast_to=object)
    error = assert_openai_error_shape(info.value.response)
    assert "input" in error["message"] or error["param"] == "input"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": CLAUDE, "max_tokens": 10}, "messages"),
        ({"model": CLAUDE, "messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
        ({"model": CLAUDE, "max_tokens": "lots", "messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
        ({"model": CLAUDE, "max_tokens": 10, "messages": {"role": "user"}}, "messages"),
    ],
)
def test_anthropic_bad_fields_named(simulator, claude, body, field):
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.BadRequestError) as info:
        claude.post("/v1/messages", body=body, cast_to=object)
    error = assert_anthropic_error_shape(info.value.response, "invalid_request_error")
    assert field in error["message"], error


def test_anthropic_wrong_type_through_sdk_create(simulator, claude):
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(model=CLAUDE, max_tokens=10, messages=openai_messages(),
                               extra_body={"messages": "not a list"})
    assert "messages" in assert_anthropic_error_shape(info.value.response, "invalid_request_error")["message"]


def test_unknown_model_openai(simulator, oai):
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.NotFoundError) as info:
        oai.chat.completions.create(model="gpt-99-ultra", messages=openai_messages())
    error = assert_openai_error_shape(info.value.response)
    assert "gpt-99-ultra" in error["message"]


def test_unknown_model_anthropic(simulator, claude):
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.NotFoundError) as info:
        claude.messages.create(model="claude-imaginary-9", max_tokens=10, messages=openai_messages())
    assert "claude-imaginary-9" in assert_anthropic_error_shape(info.value.response, "not_found_error")["message"]


def test_model_on_the_wrong_dialect_route(simulator, oai, claude):
    with NoNewUpstreamCalls(simulator):
        with pytest.raises(openai.BadRequestError) as info:
            oai.chat.completions.create(model=CLAUDE, messages=openai_messages())
        assert assert_openai_error_shape(info.value.response)["param"] == "model"
        with pytest.raises(anthropic.BadRequestError) as info:
            claude.messages.create(model=GPT, max_tokens=10, messages=openai_messages())
        assert_anthropic_error_shape(info.value.response, "invalid_request_error")


def test_wrong_content_type_415(gateway, simulator):
    payload = json.dumps({"model": GPT, "messages": openai_messages()}).encode()
    with NoNewUpstreamCalls(simulator):
        r = httpx.post(gateway.openai_base + "/chat/completions", content=payload,
                       headers={**AUTH, "content-type": "text/plain"}, timeout=10)
        assert r.status_code == 415
        assert_openai_error_shape(r)
        r = httpx.post(gateway.anthropic_base + "/v1/messages", content=payload,
                       headers={**ANTHROPIC_HEADERS, "content-type": "application/x-www-form-urlencoded"}, timeout=10)
        assert r.status_code == 415
        assert_anthropic_error_shape(r, "invalid_request_error")


def test_json_content_type_with_charset_is_accepted(gateway, ledger):
    payload = json.dumps({"model": GPT, "messages": openai_messages()}).encode()
    r = httpx.post(gateway.openai_base + "/chat/completions", content=payload,
                   headers={**AUTH, "content-type": "Application/JSON; charset=utf-8"}, timeout=10)
    assert r.status_code == 200, r.text
    assert ledger.entry(r.headers["x-tollgate-request-id"])["status"] == "ok"


# --------------------------------------------------------------------------------------------
# Oversized bodies and connection reuse
# --------------------------------------------------------------------------------------------

BIG = 1_048_576 + 4096  # over the configured max_body_bytes


def test_body_too_large_openai_sdk(simulator, oai):
    with NoNewUpstreamCalls(simulator), pytest.raises(openai.APIStatusError) as info:
        oai.chat.completions.create(model=GPT, messages=[{"role": "user", "content": "x" * BIG}])
    assert info.value.status_code == 413
    assert_openai_error_shape(info.value.response, "invalid_request_error")


def test_body_too_large_anthropic_sdk(simulator, claude):
    with NoNewUpstreamCalls(simulator), pytest.raises(anthropic.APIStatusError) as info:
        claude.messages.create(model=CLAUDE, max_tokens=10, messages=[{"role": "user", "content": "x" * BIG}])
    assert info.value.status_code == 413
    assert_anthropic_error_shape(info.value.response, "request_too_large")


def _small_request_body() -> bytes:
    return json.dumps({"model": GPT, "messages": openai_messages("after the error")}).encode()


def _post(conn: http.client.HTTPConnection, body, headers, **kw):
    conn.request("POST", "/v1/chat/completions", body=body, headers=headers, **kw)
    response = conn.getresponse()
    data = response.read()
    return response, data


@pytest.mark.parametrize("mode", ["content-length", "chunked"])
def test_413_answers_at_once_closes_and_the_next_connection_works(gateway, ledger, mode):
    """A body declared over the limit is refused from its Content-Length, with `Connection: close`; a
    chunked one is refused once the limit is passed (its connection closes unless the rest had arrived)."""
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=20)
    headers = {"Authorization": f"Bearer {SUPPORT_KEY}", "Content-Type": "application/json"}
    big = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + b"y" * BIG + b'"}]}'
    try:
        if mode == "chunked":
            chunks = (big[i:i + 65536] for i in range(0, len(big), 65536))
            response, data = _post(conn, chunks, headers, encode_chunked=True)
        else:
            response, data = _post(conn, big, headers)
        assert response.status == 413, data
        assert json.loads(data)["error"]["type"] == "invalid_request_error"
        if mode == "content-length":  # refused from the header: the body was never read
            assert response.will_close, "the gateway kept a connection whose body it did not read"

        conn.close()
        response, data = _post(conn, _small_request_body(), headers)
        assert response.status == 200, data
        assert ledger.entry(response.getheader("x-tollgate-request-id"))["status"] == "ok"
    finally:
        conn.close()


def test_401_and_404_keep_connection_usable(gateway):
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=20)
    good = {"Authorization": f"Bearer {SUPPORT_KEY}", "Content-Type": "application/json"}
    try:
        body = json.dumps({"model": GPT, "messages": [{"role": "user", "content": "z" * 200_000}]}).encode()
        response, data = _post(conn, body, {**good, "Authorization": "Bearer sk-wrong-000000"})
        assert response.status == 401
        sock = conn.sock
        body = json.dumps({"model": "nope-model", "messages": openai_messages()}).encode()
        response, data = _post(conn, body, good)
        assert response.status == 404
        response, data = _post(conn, _small_request_body(), good)
        assert response.status == 200
        assert conn.sock is sock
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Upstream faults
# --------------------------------------------------------------------------------------------


def _fault_headers(kind: str, count: int | None = None) -> dict:
    headers = {"x-sim-fault": kind}
    if count is not None:
        headers["x-sim-fault-count"] = str(count)
        headers["x-sim-fault-key"] = "k-" + uuid.uuid4().hex
    return headers


def test_rate_limit_retried_by_gateway_openai(simulator, ledger, oai):
    raw = oai.chat.completions.with_raw_response.create(
        model=GPT, messages=openai_messages("rate limited once"), extra_headers=_fault_headers("rate_limit", 1))
    assert raw.parse().choices[0].message.content
    request_id = raw.headers["x-tollgate-request-id"]
    seen = simulator.requests(request_id)
    assert [r["status"] for r in seen] == [429, 200]
    entry = ledger.entry(request_id)
    assert entry["status"] == "ok" and entry["httpStatus"] == 200
    assert entry["attemptCount"] == 2
    attempts = json.loads(entry["attempts"])
    assert [a["status"] for a in attempts] == [429, 200]
    assert entry["costNano"] == entry_expected_cost(entry, GPT) > 0


def test_rate_limit_retried_by_gateway_anthropic(simulator, ledger, claude):
    raw = claude.messages.with_raw_response.create(
        model=CLAUDE, max_tokens=64, messages=openai_messages("rate limited once"),
        extra_headers=_fault_headers("rate_limit", 1))
    assert raw.parse().content[0].text
    request_id = raw.headers["x-tollgate-request-id"]
    assert [r["status"] for r in simulator.requests(request_id)] == [429, 200]
    entry = ledger.entry(request_id)
    assert entry["status"] == "ok"
    assert entry["attemptCount"] == 2
    assert [a["status"] for a in json.loads(entry["attempts"])] == [429, 200]


def test_persistent_500_openai(simulator, ledger, oai):
    with pytest.raises(openai.InternalServerError) as info:
        oai.chat.completions.create(model=GPT, messages=openai_messages("always fails"),
                                    extra_headers=_fault_headers("server_error"))
    assert info.value.status_code == 500
    assert_openai_error_shape(info.value.response, "api_error")
    request_id = info.value.response.headers["x-tollgate-request-id"]
    assert len(simulator.requests(request_id)) == 3  # the provider's retry policy: max_attempts 3
    entry = ledger.entry(request_id)
    assert entry["status"] == "upstream_error"
    assert entry["httpStatus"] == 500
    assert entry["attemptCount"] == 3
    assert [a["status"] for a in json.loads(entry["attempts"])] == [500, 500, 500]
    assert entry["usageSource"] == "none"
    assert entry["costNano"] == 0  # the provider billed nothing for a 500


def test_persistent_500_anthropic(simulator, ledger, claude):
    with pytest.raises(anthropic.InternalServerError) as info:
        claude.messages.create(model=CLAUDE, max_tokens=32, messages=openai_messages("always fails"),
                               extra_headers=_fault_headers("server_error"))
    assert info.value.status_code == 500
    assert_anthropic_error_shape(info.value.response, "api_error")
    entry = ledger.entry(info.value.response.headers["x-tollgate-request-id"])
    assert (entry["status"], entry["httpStatus"], entry["attemptCount"]) == ("upstream_error", 500, 3)


def test_overloaded_anthropic_529(ledger, claude):
    with pytest.raises(anthropic.APIStatusError) as info:
        claude.messages.create(model=CLAUDE, max_tokens=32, messages=openai_messages("overloaded"),
                               extra_headers=_fault_headers("overloaded"))
    assert info.value.status_code == 529
    assert_anthropic_error_shape(info.value.response, "overloaded_error")
    entry = ledger.entry(info.value.response.headers["x-tollgate-request-id"])
    assert entry["status"] == "upstream_error" and entry["httpStatus"] == 529


# --------------------------------------------------------------------------------------------
# Streams cut by the provider or abandoned by the client
# --------------------------------------------------------------------------------------------


def assert_estimated_cancelled(entry: dict, model: str) -> None:
    assert entry["status"] == "cancelled", entry
    assert entry["usageSource"] == "estimated", entry
    assert entry["pricing"] == "estimated", entry
    assert entry["inputUncached"] > 0
    assert entry["costNano"] is not None and entry["costNano"] > 0, "a cut stream of a priced model is never $0"
    assert entry["costNano"] == entry_expected_cost(entry, model)
    assert_breakdown_consistent(entry)


def test_provider_cuts_openai_stream(ledger, oai):
    stream = oai.chat.completions.with_raw_response.create(
        model=GPT, messages=openai_messages("cut me [[sim:tokens=20]]"), stream=True,
        extra_headers=_fault_headers("disconnect"))
    request_id = stream.headers["x-tollgate-request-id"]
    text = ""
    with pytest.raises(openai.APIError):
        for chunk in stream.parse():
            if chunk.choices and chunk.choices[0].delta.content:
                text += chunk.choices[0].delta.content
    entry = ledger.entry(request_id)
    assert_estimated_cancelled(entry, GPT)


def test_provider_cuts_openai_stream_raw_framing(gateway, ledger):
    """Without [DONE] the SDK would not notice: the gateway must end with an error event."""
    body = {"model": GPT, "stream": True, "messages": openai_messages("cut raw [[sim:tokens=6]]")}
    r = httpx.post(gateway.openai_base + "/chat/completions", json=body,
                   headers={**AUTH, "x-sim-fault": "disconnect"}, timeout=30)
    events = parse_sse(r.content)
    assert all(e["data"] != "[DONE]" for e in events)
    last = json.loads(events[-1]["data"])
    assert "error" in last and last["error"]["message"]
    assert_estimated_cancelled(ledger.entry(r.headers["x-tollgate-request-id"]), GPT)


def test_provider_cuts_anthropic_stream(ledger, claude):
    with claude.messages.with_streaming_response.create(
        model=CLAUDE, max_tokens=256, messages=openai_messages("cut me [[sim:tokens=20]]"), stream=True,
        extra_headers=_fault_headers("disconnect"),
    ) as response:
        request_id = response.headers["x-tollgate-request-id"]
        text = ""
        with pytest.raises(anthropic.APIError):
            for event in response.parse():
                if event.type == "content_block_delta":
                    text += event.delta.text
    entry = ledger.entry(request_id)
    assert_estimated_cancelled(entry, CLAUDE)


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_provider_cut_relays_and_counts_everything_sent_before_the_cut(gateway, ledger, dialect):
    """The simulator's disconnect fault sends exactly half the tokens (10 of 20), then closes the connection.
    Everything the provider sent (and billed) must reach the client and the ledger estimate. Repeated,
    because the loss this guards against is intermittent."""
    trials, sent = 30, 10
    short = []
    with httpx.Client(timeout=30) as client:
        for i in range(trials):
            prompt = unique(f"cut {i} [[sim:tokens={2 * sent}]]")
            if dialect == "openai":
                url, headers = gateway.openai_base + "/chat/completions", {**AUTH, "x-sim-fault": "disconnect"}
                body = {"model": GPT, "stream": True, "messages": [{"role": "user", "content": prompt}]}
            else:
                url, headers = gateway.anthropic_base + "/v1/messages", {**ANTHROPIC_HEADERS, "x-sim-fault": "disconnect"}
                body = {"model": CLAUDE, "max_tokens": 100, "stream": True, "messages": [{"role": "user", "content": prompt}]}
            r = client.post(url, json=body, headers=headers)
            text = ""
            for event in parse_sse(r.content):
                data = json.loads(event["data"])
                if dialect == "openai" and data.get("choices"):
                    text += data["choices"][0]["delta"].get("content") or ""
                elif data.get("type") == "content_block_delta":
                    text += data["delta"]["text"]
            entry = ledger.entry(r.headers["x-tollgate-request-id"])
            if len(text) != sent * 4 or entry["output"] != sent:
                short.append({"trial": i, "tokens_relayed": len(text) // 4, "ledger_output": entry["output"],
                              "error": entry["error"]})
    assert not short, (f"{len(short)}/{trials} cut streams lost tokens the provider had sent before the cut "
                       f"(sent {sent} each): {short[:5]}")


def test_provider_cuts_non_streaming_answer(ledger, oai):
    with pytest.raises(openai.APIStatusError) as info:
        oai.chat.completions.create(model=GPT, messages=openai_messages("half an answer"),
                                    extra_headers=_fault_headers("disconnect"))
    assert info.value.status_code == 502
    entry = ledger.entry(info.value.response.headers["x-tollgate-request-id"])
    assert entry["status"] == "upstream_error"
    assert entry["usageSource"] == "estimated"
    assert entry["costNano"] > 0


def test_provider_error_event_mid_stream_openai(ledger, oai):
    stream = oai.chat.completions.with_raw_response.create(
        model=GPT, messages=openai_messages("error event [[sim:tokens=20]]"), stream=True,
        extra_headers=_fault_headers("stream_error"))
    request_id = stream.headers["x-tollgate-request-id"]
    with pytest.raises(openai.APIError):
        for _ in stream.parse():
            pass
    entry = ledger.entry(request_id)
    # The provider failed the call (it said so with an error event): not a cancellation.
    assert entry["status"] == "upstream_error", (entry["status"], entry["error"])
    assert entry["usageSource"] == "estimated"
    assert entry["costNano"] > 0


def test_provider_error_event_mid_stream_anthropic(ledger, claude):
    with claude.messages.with_streaming_response.create(
        model=CLAUDE, max_tokens=256, messages=openai_messages("error event [[sim:tokens=20]]"), stream=True,
        extra_headers=_fault_headers("stream_error"),
    ) as response:
        request_id = response.headers["x-tollgate-request-id"]
        with pytest.raises(anthropic.APIError):
            for _ in response.parse():
                pass
    entry = ledger.entry(request_id)
    assert entry["status"] == "upstream_error", (entry["status"], entry["error"])
    assert entry["usageSource"] == "estimated"
    assert entry["costNano"] > 0


def test_first_byte_timeout_is_estimated_and_not_retried(simulator, ledger, gateway):
    """A provider slower than the gateway's first-byte timeout (400 ms on this provider) keeps generating
    and bills the call: no retry upstream, an estimated entry, and the SDK is told not to retry either."""
    client = gateway.openai()
    started = time.monotonic()
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="gpt-4o-mini-impatient", messages=openai_messages("slow provider"),
                                       extra_headers={"x-sim-ttft-ms": "1500"})
    client.close()
    assert time.monotonic() - started < 1.4, "the first-byte timeout did not fire"
    response = info.value.response
    assert response.status_code == 504
    assert_openai_error_shape(response)
    request_id = response.headers["x-tollgate-request-id"]
    assert len(simulator.requests(request_id)) == 1, "a timed-out call must not be retried upstream"
    entry = ledger.entry(request_id)
    assert entry["status"] == "upstream_error"
    assert entry["httpStatus"] == 504
    assert entry["attemptCount"] == 1
    assert entry["usageSource"] == "estimated"
    assert entry["inputUncached"] > 0
    assert entry["costNano"] == entry_expected_cost(entry, GPT) > 0
    # The provider did finish (and bill) the call the gateway gave up on.
    record = wait_for(lambda: [r for r in simulator.requests(request_id) if r["completed"]], 5)
    assert record[0]["status"] == 200
    assert response.headers.get("x-should-retry") == "false", (
        "the provider may already have billed this call; an SDK retry would bill it again")


def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_cut_answer_not_retried_by_sdk(ledger, gateway):
    """A 200 whose body the provider cut was billed: the SDK must be told not to retry (double billing)."""
    trace = "trace-" + uuid.uuid4().hex
    client = gateway.openai(max_retries=2)
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model=GPT, messages=openai_messages("cut answer"),
                                       extra_headers={**_fault_headers("disconnect"), "x-tollgate-trace-id": trace})
    client.close()
    assert info.value.status_code == 502
    time.sleep(0.2)
    rows = ledger.query("SELECT id, status, costNano, clientRetryCount FROM ledgerEntry WHERE traceId = ?", (trace,))
    assert all(r["costNano"] > 0 for r in rows)
    assert info.value.response.headers.get("x-should-retry") == "false", rows
    assert len(rows) == 1, f"the SDK retried a billed call {len(rows) - 1} time(s): {rows}"


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_client_disconnects_mid_stream(gateway, simulator, ledger, dialect):
    slow = {"x-sim-token-ms": "100"}
    if dialect == "openai":
        url = gateway.openai_base + "/chat/completions"
        body = {"model": GPT, "stream": True, "messages": openai_messages("long story [[sim:tokens=80]]")}
        headers = {**AUTH, **slow}
        model = GPT
    else:
        url = gateway.anthropic_base + "/v1/messages"
        body = {"model": CLAUDE, "max_tokens": 500, "stream": True,
                "messages": openai_messages("long story [[sim:tokens=80]]")}
        headers = {**ANTHROPIC_HEADERS, **slow}
        model = CLAUDE
    client = httpx.Client(timeout=30)
    started = time.monotonic()
    with client.stream("POST", url, json=body, headers=headers) as r:
        assert r.status_code == 200
        request_id = r.headers["x-tollgate-request-id"]
        data_lines = 0
        for line in r.iter_lines():
            if line.startswith("data:"):
                data_lines += 1
                if data_lines == 2:
                    break
    client.close()  # the client goes away after two events
    assert time.monotonic() - started < 5, "the stream was not slow enough to be abandoned mid-way"

    entry = ledger.entry(request_id, timeout=15)
    assert_estimated_cancelled(entry, model)
    assert entry["httpStatus"] == 499
    assert entry["output"] < 80
    # The provider call had not finished when the client left.
    record = simulator.requests(request_id)[0]
    assert record["output_tokens"] == 80


def test_gateway_survives_everything(gateway):
    assert gateway.alive(), gateway.service.log_text()
    r = httpx.get(gateway.base + "/healthz", timeout=5)
    assert r.status_code == 200
    assert httpx.get(gateway.base + "/readyz", timeout=5).status_code == 200
    metrics = httpx.get(gateway.base + "/metrics", timeout=5)
    assert metrics.status_code == 200 and metrics.text


def _metric_sum(text: str, name: str) -> int:
    total = 0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def test_metrics_agree_with_ledger_and_hold_no_secrets(gateway, ledger):
    time.sleep(0.3)  # entries of the previous tests are already polled; let the queue settle
    text = httpx.get(gateway.base + "/metrics", timeout=5).text
    assert _metric_sum(text, "tollgate_requests_total") == ledger.scalar("SELECT COUNT(*) FROM ledgerEntry")
    assert _metric_sum(text, "tollgate_cost_nano_usd_total") == ledger.scalar("SELECT TOTAL(costNano) FROM ledgerEntry")
    secrets = [SUPPORT_KEY, "sk-test-locked", "sk-simulator", "sk-not-a-real-key-123", "sk-ant-wrong-456789"]
    log = gateway.service.log_text()
    for secret in secrets:
        assert secret not in text, f"{secret} in /metrics"
        assert secret not in log, f"{secret} in the gateway log"


def test_metrics_pass_promtool(gateway):
    """The exposition format is valid for Prometheus: `promtool check metrics` (Debian's prometheus package)."""
    import shutil
    import subprocess

    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install prometheus (scripts/test installs it when run as root)"
    for model in ("gpt-4o-mini", "mystery-model"):  # one priced and one unpriced series at least
        r = httpx.post(gateway.openai_base + "/chat/completions", headers={"Authorization": f"Bearer {SUPPORT_KEY}"},
                       json={"model": model, "messages": [{"role": "user", "content": "metrics"}]}, timeout=10)
        assert r.status_code == 200, r.text
    text = httpx.get(gateway.base + "/metrics", timeout=5).text
    assert "tollgate_requests_total" in text and "tollgate_unpriced_requests_total" in text
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
