"""Routing and fallbacks as the official SDKs see them: a routed call answers from the cheaper model
with the usual response shape, a call whose provider fails after its retries is answered by the
fallback model with one 200 (the SDK never sees the 500s), and the ledger holds every upstream call
with the saving priced against the model asked for; `report savings --by lever` agrees."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from conftest import Gateway

LEVERS = """\
levers:
  routing:
    rules:
      - {name: cheap-lane, match: {tags: {lane: cheap}, model: o4-mini}, to: gpt-4o-mini}
  fallbacks:
    rules:
      - {name: impatient, match: {model: gpt-4o-mini-impatient}, models: [claude-sonnet-4-5, gpt-4o-mini]}
"""

# o4-mini's catalog rates: $1.10 and $4.40 per million input and output tokens.
O4_MINI_INPUT_NANO, O4_MINI_OUTPUT_NANO = 1_100, 4_400


@pytest.fixture(scope="module")
def routed(tollgate_bin, simulator, tmp_path_factory):
    gw = Gateway(tollgate_bin, tmp_path_factory.mktemp("routing"), simulator.port, name="routing-gateway", extra=LEVERS)
    yield gw
    gw.stop()


def test_a_routed_call_is_answered_by_the_cheaper_model_and_priced_against_the_one_asked_for(routed, simulator):
    client = routed.openai()
    raw = client.chat.completions.with_raw_response.create(
        model="o4-mini", messages=[{"role": "user", "content": "Summarise the ticket [[sim:tokens=20]]"}],
        extra_headers={"x-tollgate-tags": "lane=cheap"},
    )
    completion = raw.parse()
    assert completion.model == "gpt-4o-mini" and completion.choices[0].message.content
    assert raw.headers["x-tollgate-routed-from"] == "o4-mini" and raw.headers["x-tollgate-model"] == "gpt-4o-mini"
    request_id = raw.headers["x-tollgate-request-id"]
    assert [r["model"] for r in simulator.requests(request_id=request_id)] == ["gpt-4o-mini"]
    entry = routed.ledger().entry(request_id)
    assert entry["lever"] == "routing" and entry["routedFrom"] == "o4-mini" and entry["requestedModel"] == "gpt-4o-mini"
    counterfactual = entry["inputUncached"] * O4_MINI_INPUT_NANO + entry["output"] * O4_MINI_OUTPUT_NANO
    assert entry["savedNano"] == counterfactual - entry["costNano"] > 0 and entry["savedEstimated"] == 1
    # Without the tag the same call goes where it asked.
    plain = client.chat.completions.with_raw_response.create(
        model="o4-mini", messages=[{"role": "user", "content": "Summarise the ticket [[sim:tokens=20]]"}]
    )
    assert plain.parse().model == "o4-mini" and "x-tollgate-routed-from" not in plain.headers
    client.close()


def test_a_failing_provider_is_hidden_behind_the_fallback(routed, simulator):
    client = routed.openai()
    key = uuid.uuid4().hex
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini-impatient", messages=[{"role": "user", "content": "Where is my parcel? [[sim:tokens=8]]"}],
        extra_headers={"x-sim-fault": "server_error", "x-sim-fault-count": "3", "x-sim-fault-key": key},
    )
    assert raw.http_response.status_code == 200 and raw.parse().choices[0].message.content
    assert raw.headers["x-tollgate-model"] == "gpt-4o-mini"
    request_id = raw.headers["x-tollgate-request-id"]
    ledger = routed.ledger()
    served = ledger.entry(request_id)
    assert served["lever"] == "fallback" and served["status"] == "ok" and served["provider"] == "openai-sim"
    steps = ledger.query("SELECT * FROM ledgerEntry WHERE parentId = ? ORDER BY id", (request_id,))
    assert [s["id"] for s in steps] == [request_id + ".1"]
    assert steps[0]["httpStatus"] == 500 and steps[0]["attemptCount"] == 3 and steps[0]["costNano"] == 0
    assert steps[0]["provider"] == "openai-impatient"
    client.close()


def test_report_savings_by_lever_sums_the_entries(routed, tollgate_bin):
    ledger = routed.ledger()
    expected = ledger.scalar("SELECT SUM(savedNano) FROM ledgerEntry WHERE lever = 'routing'")
    out = subprocess.run(
        [tollgate_bin, "report", "savings", "--by", "lever", "--since", "2020-01-01", "--db", str(routed.db_path), "--json"],
        capture_output=True, text=True, check=True,
    ).stdout
    rows = {row["lever"]: row for row in json.loads(out)["groups"]}
    assert rows["routing"]["saved_nano_usd"] == expected > 0
