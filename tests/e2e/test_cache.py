"""The exact response cache as the official SDKs see it: a repeated deterministic request is answered
from the cache, as JSON or as a stream in the caller's dialect, and every hit is on the ledger with
what it saved; `report savings` agrees with the entries."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from conftest import Gateway

LEVERS = """\
levers:
  cache:
    rules:
      - {name: copilot, match: {workflow: support-copilot}, ttl: 1h}
"""


@pytest.fixture(scope="module")
def cached(tollgate_bin, simulator, tmp_path_factory):
    gw = Gateway(tollgate_bin, tmp_path_factory.mktemp("cache"), simulator.port, name="cache-gateway", extra=LEVERS)
    yield gw
    gw.stop()


def question() -> str:
    return f"What is our refund window? ({uuid.uuid4().hex[:8]}) [[sim:tokens=9]]"


def test_openai_repeat_is_served_from_the_cache_and_recorded(cached, simulator):
    client = cached.openai()
    messages = [{"role": "user", "content": question()}]
    first = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages, temperature=0)
    second = client.chat.completions.with_raw_response.create(model="fast", messages=messages, temperature=0.0, user="u-1")
    assert first.headers["x-tollgate-cache"] == "miss" and second.headers["x-tollgate-cache"] == "hit"
    a, b = first.parse(), second.parse()
    assert a.choices[0].message.content == b.choices[0].message.content and a.usage == b.usage
    first_id, second_id = first.headers["x-tollgate-request-id"], second.headers["x-tollgate-request-id"]
    assert simulator.requests(request_id=second_id) == []
    ledger = cached.ledger()
    source, hit = ledger.entry(first_id), ledger.entry(second_id)
    assert hit["status"] == "cached" and hit["costNano"] == 0 and hit["lever"] == "cache" and hit["sourceId"] == first_id
    assert hit["savedNano"] == source["costNano"] > 0
    assert hit["leversVersion"] == source["leversVersion"] and len(hit["leversVersion"]) == 12
    assert hit["inputUncached"] == 0 and hit["output"] == 0
    client.close()


def test_a_stored_answer_is_streamed_to_a_streaming_caller_with_usage(cached):
    client = cached.openai()
    messages = [{"role": "user", "content": question()}]
    stored = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0)
    with client.chat.completions.with_streaming_response.create(
        model="gpt-4o-mini", messages=messages, temperature=0, stream=True, stream_options={"include_usage": True}
    ) as raw:
        assert raw.headers["x-tollgate-cache"] == "hit"
        chunks = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == stored.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage.prompt_tokens == stored.usage.prompt_tokens
    assert chunks[-1].usage.completion_tokens == stored.usage.completion_tokens
    client.close()


def test_a_streamed_answer_is_stored_once_complete(cached, simulator):
    client = cached.openai()
    messages = [{"role": "user", "content": question()}]
    streamed = "".join(
        c.choices[0].delta.content or ""
        for c in client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0, stream=True)
        if c.choices
    )
    again = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages, temperature=0)
    assert again.headers["x-tollgate-cache"] == "hit"
    assert again.parse().choices[0].message.content == streamed
    assert simulator.requests(request_id=again.headers["x-tollgate-request-id"]) == []
    client.close()


def test_anthropic_repeat_is_served_in_its_own_dialect_streamed_or_not(cached):
    client = cached.anthropic()
    # This SDK release takes temperature only as an extra field.
    kwargs = dict(model="claude-sonnet-4-5", max_tokens=64, extra_body={"temperature": 0}, messages=[{"role": "user", "content": question()}])
    first = client.messages.with_raw_response.create(**kwargs)
    second = client.messages.with_raw_response.create(**kwargs)
    assert first.headers["x-tollgate-cache"] == "miss" and second.headers["x-tollgate-cache"] == "hit"
    original = first.parse()
    assert second.parse().content[0].text == original.content[0].text
    with client.messages.stream(**kwargs) as stream:
        final = stream.get_final_message()
        assert stream.response.headers["x-tollgate-cache"] == "hit"
    assert final.content[0].text == original.content[0].text and final.stop_reason == original.stop_reason
    assert final.usage.input_tokens == original.usage.input_tokens and final.usage.output_tokens == original.usage.output_tokens
    client.close()


def test_only_if_cached_never_calls_the_model(cached, simulator):
    client = cached.openai(default_headers={"x-tollgate-cache": "only-if-cached"})
    before = len(simulator.requests())
    with pytest.raises(Exception) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question()}], temperature=0)
    assert getattr(caught.value, "status_code", None) == 504
    assert len(simulator.requests()) == before
    client.close()


def test_report_savings_equals_the_entries(cached, tollgate_bin):
    client = cached.openai()
    messages = [{"role": "user", "content": question()}]
    ids = [client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages, temperature=0)
           .headers["x-tollgate-request-id"] for _ in range(3)]
    client.close()
    ledger = cached.ledger()
    ledger.entries(ids)
    rows = ledger.query(
        "SELECT workflow, COUNT(*) AS calls, SUM(status = 'cached') AS hits, SUM(COALESCE(costNano, 0)) AS actual, "
        "SUM(COALESCE(savedNano, 0)) AS saved FROM ledgerEntry WHERE status <> 'blocked' GROUP BY workflow"
    )
    assert any(r["hits"] for r in rows)
    out = subprocess.run(
        [str(tollgate_bin), "report", "savings", "--by", "workflow", "--since", "2000-01-01", "--until", "2100-01-01", "--json",
         "--db", str(cached.db_path)], capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(out.stdout)
    by_workflow = {g["workflow"]: g for g in report["groups"]}
    for r in rows:
        g = by_workflow[r["workflow"]]
        assert (g["calls"], g["cache_hits"], g["actual_nano_usd"], g["saved_nano_usd"]) == (r["calls"], r["hits"], r["actual"], r["saved"])
        assert g["gross_nano_usd"] == r["actual"] + r["saved"]
    assert report["total"]["saved_nano_usd"] == sum(r["saved"] for r in rows)
