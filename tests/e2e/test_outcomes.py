"""Outcomes end to end: calls made through the real gateway and simulator with the official `openai` client,
their business outcomes reported to `POST /v1/outcomes` (by request id and by trace id, idempotent retries, a
conflicting re-report that changes nothing), then `tollgate report unit` and `report kpi` checked against an
independent recomputation over the ledger file with Python's sqlite3."""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from conftest import SUPPORT_KEY, Gateway


def _chat(client, workflow: str, tokens: int, trace: str | None = None) -> str:
    headers = {"x-tollgate-workflow": workflow}
    if trace:
        headers["x-tollgate-trace-id"] = trace
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"outcome test {uuid.uuid4().hex} [[sim:tokens={tokens}]]"}],
        extra_headers=headers)
    request_id = raw.headers.get("x-tollgate-request-id")
    assert request_id, "every answer names its ledger entry"
    return request_id


def _post(gw: Gateway, body) -> httpx.Response:
    return httpx.post(gw.base + "/v1/outcomes", json=body, headers={"authorization": f"Bearer {SUPPORT_KEY}"}, timeout=30)


@pytest.fixture(scope="module")
def reported(tollgate_bin, simulator, tmp_path_factory):
    """A ledger with two workflows' calls and their outcomes, and the UTC window that covers them."""
    workdir = tmp_path_factory.mktemp("outcomes")
    gw = Gateway(tollgate_bin, workdir, simulator.port, name="outcomes")
    client = gw.openai()
    tickets = [_chat(client, "tickets", n) for n in (20, 30, 40, 50)]
    trace = "trace-" + uuid.uuid4().hex
    agent = [_chat(client, "triage", n, trace=trace) for n in (10, 15, 25)]
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    outcomes = [
        {"id": "o-1", "request_id": tickets[0], "workflow": "tickets", "outcome": "ticket_resolved", "status": "success",
         "value_usd": "2.50", "occurred_at": now},
        {"id": "o-2", "request_id": tickets[1], "workflow": "tickets", "outcome": "ticket_resolved", "status": "failure",
         "occurred_at": now},
        {"id": "o-3", "request_id": tickets[2], "workflow": "tickets", "outcome": "ticket_resolved", "status": "success",
         "value_usd": 1.25, "quality": 0.5, "human_reviewed": True, "occurred_at": now},
        {"id": "o-4", "trace_id": trace, "workflow": "triage", "outcome": "routed", "status": "partial", "quality": 0.8,
         "occurred_at": now},
    ]
    first = _post(gw, {"outcomes": outcomes})
    retry = _post(gw, {"outcomes": outcomes[:2]})
    changed = dict(outcomes[0], status="failure")
    conflict = _post(gw, {"outcomes": [{"id": "o-5", "request_id": tickets[3], "workflow": "tickets", "outcome": "ticket_resolved",
                                        "status": "success", "occurred_at": now}, changed]})
    invalid = _post(gw, {"outcomes": [{"id": "o-6", "request_id": tickets[3], "workflow": "tickets", "outcome": "x", "status": "won"}]})
    unauthenticated = httpx.post(gw.base + "/v1/outcomes", json=outcomes[0], timeout=30)
    gw.stop()
    ledger = gw.ledger()
    first_ms, last_ms = ledger.query("SELECT MIN(ts) AS a, MAX(ts) AS b FROM ledgerEntry")[0].values()
    since = datetime.fromtimestamp(first_ms / 1000, tz=timezone.utc).date()
    until = datetime.fromtimestamp(last_ms / 1000, tz=timezone.utc).date() + timedelta(days=1)
    return {"gw": gw, "ledger": ledger, "since": since.isoformat(), "until": until.isoformat(), "tickets": tickets,
            "agent": agent, "responses": {"first": first, "retry": retry, "conflict": conflict, "invalid": invalid,
                                          "unauthenticated": unauthenticated}}


def report(tollgate_bin, reported, *args) -> dict:
    command = [str(tollgate_bin), "report", *args, "--since", reported["since"], "--until", reported["until"],
               "--db", str(reported["gw"].db_path), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_the_api_records_once_rejects_conflicts_whole_and_speaks_openai(reported):
    r = reported["responses"]
    assert r["first"].status_code == 200
    assert r["first"].json() == {"object": "outcome.batch", "received": 4, "accepted": 4, "duplicates": 0}
    assert r["retry"].json()["accepted"] == 0 and r["retry"].json()["duplicates"] == 2
    assert r["conflict"].status_code == 409
    error = r["conflict"].json()["error"]
    assert error["code"] == "outcome_conflict" and "o-1" in error["message"] and "status" in error["message"]
    assert r["invalid"].status_code == 400 and r["invalid"].json()["error"]["param"] == "outcomes[0].status"
    assert r["unauthenticated"].status_code == 401
    rows = reported["ledger"].query("SELECT id, status, valueNano, quality, humanReviewed FROM outcome ORDER BY id")
    # o-5 came in the conflicting batch and o-6 in an invalid one: neither was applied.
    assert [row["id"] for row in rows] == ["o-1", "o-2", "o-3", "o-4"]
    assert rows[0]["status"] == "success" and rows[0]["valueNano"] == 2_500_000_000
    assert rows[2]["valueNano"] == 1_250_000_000 and rows[2]["quality"] == 0.5 and rows[2]["humanReviewed"] == 1


def _spend(reported, workflow: str) -> tuple[int, int]:
    row = reported["ledger"].query(
        "SELECT COUNT(*) AS calls, SUM(costNano) AS cost FROM ledgerEntry WHERE workflow = ? AND status <> 'blocked'", (workflow,))[0]
    return row["calls"], row["cost"]


def _per(amount: int, count: int) -> int:
    """Nano-USD per unit, rounded half up, as docs/metrics.md defines it."""
    q, r = divmod(amount, count)
    return q + 1 if 2 * r >= count else q


def test_unit_economics_match_an_independent_recomputation(tollgate_bin, reported):
    unit = report(tollgate_bin, reported, "unit", "--by", "workflow")
    groups = {g["workflow"]: g["current"] for g in unit["groups"]}
    calls, cost = _spend(reported, "tickets")
    tickets = groups["tickets"]
    assert (int(tickets["calls"]), int(tickets["cost_nano_usd"])) == (calls, cost) == (4, cost)
    assert (int(tickets["outcomes"]), int(tickets["successful_outcomes"])) == (3, 2)
    assert int(tickets["value_nano_usd"]) == 3_750_000_000
    assert int(tickets["cost_per_successful_outcome_nano_usd"]) == _per(cost, 2)
    assert int(tickets["cost_per_outcome_nano_usd"]) == _per(cost, 3)
    assert int(tickets["cost_per_call_nano_usd"]) == _per(cost, 4)
    assert abs(Decimal(tickets["success_rate"]) - Decimal(2) / Decimal(3)) < Decimal("1e-6")
    assert abs(Decimal(tickets["quality_adjusted_outcomes"]) - Decimal("1.5")) < Decimal("1e-9")
    assert abs(Decimal(tickets["value_per_dollar"]) - Decimal(3_750_000_000) / Decimal(cost)) < Decimal("1e-6")
    assert abs(Decimal(tickets["human_review_rate"]) - Decimal(1) / Decimal(3)) < Decimal("1e-6")
    calls, cost = _spend(reported, "triage")
    triage = groups["triage"]
    assert (int(triage["calls"]), int(triage["outcomes"]), int(triage["successful_outcomes"])) == (calls, 1, 0) == (3, 1, 0)
    assert triage["cost_per_successful_outcome_nano_usd"] is None  # no success: no ratio, never 0
    assert abs(Decimal(triage["quality_adjusted_outcomes"]) - Decimal("0.4")) < Decimal("1e-9")


def test_kpis_count_the_same_outcomes(tollgate_bin, reported):
    kpi = report(tollgate_bin, reported, "kpi")
    keys = {k["key"]: k for k in kpi["kpis"]}
    _, tickets_cost = _spend(reported, "tickets")
    _, triage_cost = _spend(reported, "triage")
    total = tickets_cost + triage_cost
    value = Decimal(3_750_000_000)
    assert abs(Decimal(keys["value_per_dollar"]["numeric"]) - value / Decimal(total)) < Decimal("1e-6")
    assert abs(Decimal(keys["human_review_rate"]["numeric"]) - Decimal(1) / Decimal(4)) < Decimal("1e-6")
