"""Reports against an independent recomputation: a ledger of known calls made through the real gateway and
simulator (priced, an unpriced-only workflow, reasoning-heavy calls, budget refusals, a served model other than
the one asked for, a downgrade), then `tollgate report spend|showback|chargeback|unit|kpi` in JSON, CSV and text
checked against SQL over the ledger file with Python's sqlite3."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openai
import pytest

from conftest import LOCKED_KEY, Gateway, Ledger, Service, free_port, wait_healthy

EXTRA = """\
governance:
  budgets:
    - {name: legal-tiny, scope: {team: legal}, period: month, limit_usd: "0.000001"}
    - {name: reasoner-cap, scope: {model: qwen-reasoner}, period: month, limit_usd: "0.000001", action: downgrade, downgrade_to: gpt-4o-mini}
"""

# The model a call asked for: a downgraded call records the model it was routed from.
ASKED = "COALESCE(NULLIF(routedFrom, ''), requestedModel)"

RATE_CARD = """\
tiers:
  standard: {markup_percent: "10"}
default_tier: standard
shared_teams: [legal, ghost-team]
allocation: proportional
"""


@pytest.fixture(scope="module")
def built(tollgate_bin, simulator, tmp_path_factory):
    """The gateway's ledger after a known set of calls, and the UTC window that covers them."""
    workdir = tmp_path_factory.mktemp("reports")
    gw = Gateway(tollgate_bin, workdir, simulator.port, name="reports", extra=EXTRA)
    client = gw.openai()

    def chat(model, workflow, tokens, key_client=client):
        return key_client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": f"report test {uuid.uuid4().hex} [[sim:tokens={tokens}]]"}],
            extra_headers={"x-tollgate-workflow": workflow})

    for n in (20, 30, 40):
        chat("gpt-4o-mini", "priced", n)
    for n in (10, 12):
        chat("mystery-model", "mystery", n)  # no price anywhere: unpriced
    for n in (60, 80):
        chat("o4-mini", "reasoning", n)
    chat("gpt-4o-mini-impatient", "renamed", 15)  # served as gpt-4o-mini (upstream_model)
    chat("qwen-reasoner", "downgraded", 15)  # a downgrade budget serves gpt-4o-mini
    locked = gw.openai(api_key=LOCKED_KEY)
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            chat("gpt-4o-mini", "refused", 5, key_client=locked)
    gw.stop()
    ledger = gw.ledger()
    first, last = ledger.query("SELECT MIN(ts) AS a, MAX(ts) AS b FROM ledgerEntry")[0].values()
    since = datetime.fromtimestamp(first / 1000, tz=timezone.utc).date()
    until = datetime.fromtimestamp(last / 1000, tz=timezone.utc).date() + timedelta(days=1)
    rate_card = workdir / "rate-card.yaml"
    rate_card.write_text(RATE_CARD)
    return {"gw": gw, "ledger": ledger, "since": since.isoformat(), "until": until.isoformat(), "rate_card": rate_card}


def run(tollgate_bin, built, *args, check=True, env=None):
    command = [str(tollgate_bin), "report", *args, "--db", str(built["gw"].db_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def window(built):
    return ["--since", built["since"], "--until", built["until"]]


def expected(built, column):
    """Per group of `column`: served calls, refused calls, known cost (nano), unpriced calls, tokens."""
    rows = built["ledger"].query(f"""
        SELECT NULLIF({column}, '') AS grp, SUM(status <> 'blocked') AS calls, SUM(status = 'blocked') AS refused,
               SUM(COALESCE(costNano, 0)) AS cost, SUM(costNano IS NULL) AS unpriced,
               SUM(inputUncached + cacheRead + cacheWrite5m + cacheWrite1h + output) AS tokens
        FROM ledgerEntry GROUP BY grp""")
    return {r["grp"]: r for r in rows}


def no_floats(value):
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(no_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(no_floats(v) for v in value)
    return True


def cost_of(item, nano_key="cost_nano_usd"):
    """A JSON amount as (nano or None, complete)."""
    return item[nano_key], item["cost_complete"]


def test_the_ledger_has_what_the_reports_must_explain(built):
    ledger = built["ledger"]
    assert ledger.scalar("SELECT COUNT(*) FROM ledgerEntry WHERE status = 'blocked'") == 2
    assert ledger.scalar("SELECT COUNT(*) FROM ledgerEntry WHERE costNano IS NULL") == 2
    assert ledger.scalar("SELECT SUM(reasoning) FROM ledgerEntry WHERE workflow = 'reasoning'") > 0
    assert ledger.scalar(f"SELECT COUNT(*) FROM ledgerEntry WHERE {ASKED} <> servedModel") >= 2
    assert ledger.scalar("SELECT COUNT(*) FROM ledgerEntry WHERE routedFrom = 'qwen-reasoner'") == 1


@pytest.mark.parametrize("column,dimension", [("team", "team"), ("workflow", "workflow"), (ASKED, "model"), ("servedModel", "served_model")])
def test_spend_json_matches_the_ledger_and_marks_unknown_cost(tollgate_bin, built, column, dimension):
    document = json.loads(run(tollgate_bin, built, "spend", "--by", dimension, *window(built), "--json").stdout)
    assert no_floats(document)
    want = expected(built, column)
    assert {r[dimension] for r in document["rows"]} == set(want)
    for row in document["rows"]:
        w = want[row[dimension]]
        assert (row["calls"], row["refused_calls"], row["unpriced_calls"]) == (w["calls"], w["refused"], w["unpriced"])
        if w["unpriced"] and w["unpriced"] == w["calls"]:
            assert row["cost_nano_usd"] is None and row["cost_usd"] is None and row["cost_complete"] is False
        else:
            assert row["cost_nano_usd"] == w["cost"]
            assert row["cost_complete"] is (w["unpriced"] == 0)
    total = sum(w["cost"] for w in want.values())
    assert document["total"]["cost_nano_usd"] == total == document["total_cost_nano_usd"]
    assert document["total"]["cost_complete"] is False  # two unpriced calls


def test_spend_by_model_names_the_served_model(tollgate_bin, built):
    document = json.loads(run(tollgate_bin, built, "spend", "--by", "model", *window(built), "--json").stdout)
    served = {r["model"]: r["served_models"] for r in document["rows"]}
    pairs = built["ledger"].query(f"SELECT DISTINCT {ASKED} AS r, servedModel AS s FROM ledgerEntry")
    for pair in pairs:
        assert pair["s"] in served[pair["r"]]
    text = run(tollgate_bin, built, "spend", "--by", "model", *window(built), env={"COLUMNS": "200"}).stdout
    for asked in ("gpt-4o-mini-impatient", "qwen-reasoner"):
        line = next(line for line in text.splitlines() if line.startswith(asked))
        assert "gpt-4o-mini" in line.split(asked, 1)[1]


def test_spend_csv_and_text_say_unknown_and_lower_bound(tollgate_bin, built):
    rows = list(csv.DictReader(io.StringIO(run(tollgate_bin, built, "spend", "--by", "workflow", *window(built), "--csv").stdout)))
    by = {r["workflow"]: r for r in rows}
    assert by["mystery"]["cost_usd"] == "unknown" and by["mystery"]["cost_complete"] == "false"
    assert by["total"]["cost_complete"] == "false"
    want = expected(built, "workflow")
    assert Decimal(by["total"]["cost_usd"]) * 10**9 == sum(w["cost"] for w in want.values())
    assert int(by["total"]["refused_calls"]) == 2
    text = run(tollgate_bin, built, "spend", "--by", "workflow", *window(built), env={"COLUMNS": "200"}).stdout
    mystery = next(line for line in text.splitlines() if line.startswith("mystery"))
    assert "unknown" in mystery and "$0.00" not in mystery
    team_text = run(tollgate_bin, built, "spend", "--by", "team", *window(built), env={"COLUMNS": "200"}).stdout
    support = next(line for line in team_text.splitlines() if line.startswith("support"))
    assert "≥ $" in support


def test_spend_and_showback_count_the_same_calls_and_refusals(tollgate_bin, built):
    spend = json.loads(run(tollgate_bin, built, "spend", "--by", "team", *window(built), "--json").stdout)
    showback = json.loads(run(tollgate_bin, built, "showback", "--by", "team", *window(built), "--json").stdout)
    assert no_floats(showback)
    s = {r["team"]: r for r in spend["rows"]}
    b = {g["team"]: g for g in showback["groups"]}
    assert set(s) == set(b)
    for team in s:
        assert (s[team]["calls"], s[team]["refused_calls"]) == (b[team]["calls"], b[team]["refused_calls"])
        assert cost_of(s[team]) == cost_of(b[team])
    assert b["legal"]["calls"] == 0 and b["legal"]["refused_calls"] == 2
    want = expected(built, "team")
    for team, g in b.items():
        assert g["tokens"] == want[team]["tokens"]  # input + output; reasoning is inside output
    assert showback["model_is"] == "served"


def test_showback_csv_marks_unknown_cost(tollgate_bin, built):
    rows = list(csv.DictReader(io.StringIO(run(tollgate_bin, built, "showback", "--by", "workflow", *window(built), "--csv").stdout)))
    by = {r["workflow"]: r for r in rows}
    assert by["mystery"]["cost_usd"] == "unknown"
    assert by["priced"]["cost_complete"] == "true"
    assert by["total"]["refused_calls"] == "2"


def test_daily_trend_covers_the_window_and_adds_up(tollgate_bin, built):
    document = json.loads(run(tollgate_bin, built, "spend", "--by", "day", *window(built), "--json").stdout)
    days = [r["day"] for r in document["rows"]]
    assert days[0] == built["since"] and len(days) == (
        datetime.fromisoformat(built["until"]) - datetime.fromisoformat(built["since"])).days
    assert sum(r["calls"] for r in document["rows"]) == built["ledger"].scalar("SELECT COUNT(*) FROM ledgerEntry WHERE status <> 'blocked'")
    grain = json.loads(run(tollgate_bin, built, "showback", "--by", "team", "--grain", "week", *window(built), "--json").stdout)
    assert all(g["week"].count("-W") == 1 for g in grain["groups"])


def test_an_empty_window_names_the_ledgers_dates(tollgate_bin, built):
    out = run(tollgate_bin, built, "spend", "--since", "2001-01-01", "--until", "2001-02-01").stdout
    assert out.startswith("no calls between 2001-01-01 and 2001-01-31; the ledger covers " + built["since"])


def test_chargeback_lines_reconcile_to_the_ledger(tollgate_bin, built):
    result = run(tollgate_bin, built, "chargeback", *window(built), "--rate-card", str(built["rate_card"]), "--json")
    assert "ghost-team" in result.stderr and "warning" in result.stderr
    document = json.loads(result.stdout)
    assert no_floats(document)
    assert isinstance(document["charged_total_nano_usd"], int)
    ledger_total = built["ledger"].scalar("SELECT SUM(COALESCE(costNano, 0)) FROM ledgerEntry")
    direct = sum(t["direct_nano_usd"] or 0 for t in document["teams"]) + sum(p["direct_nano_usd"] or 0 for p in document["pool"])
    assert direct == ledger_total == document["ledger_cost_nano_usd"]
    assert sum(t["list_nano_usd"] for t in document["teams"]) + document["unallocated_nano_usd"] == ledger_total
    assert document["charged_total_nano_usd"] == sum(t["charged_nano_usd"] for t in document["teams"])
    legal = next(p for p in document["pool"] if p["team"] == "legal")
    assert legal["kind"] == "shared" and legal["refused_calls"] == 2
    rows = list(csv.DictReader(io.StringIO(run(tollgate_bin, built, "chargeback", *window(built), "--rate-card", str(built["rate_card"]), "--csv").stdout)))
    total = rows[-1]
    assert total["kind"] == "total"
    assert Decimal(total["direct_usd"]) * 10**9 == ledger_total
    assert Decimal(total["charged_usd"]) * 10**9 == document["charged_total_nano_usd"]
    assert sum(Decimal(r["direct_usd"]) for r in rows[:-1] if r["direct_usd"] != "unknown") == Decimal(total["direct_usd"])


def test_a_shared_teams_statement_works(tollgate_bin, built):
    out = run(tollgate_bin, built, "chargeback", *window(built), "--rate-card", str(built["rate_card"]), "--statement", "legal").stdout
    assert "# Chargeback statement: legal" in out and "redistributed" in out
    missing = run(tollgate_bin, built, "chargeback", *window(built), "--statement", "nobody", check=False)
    assert missing.returncode == 1 and "no chargeback line" in missing.stderr and "Usage" not in missing.stderr


def test_unit_and_kpi_print_decimal_strings_and_unknown_cost(tollgate_bin, built):
    unit = json.loads(run(tollgate_bin, built, "unit", "--by", "workflow", *window(built), "--json").stdout)
    assert no_floats(unit)
    mystery = next(g for g in unit["groups"] if g["workflow"] == "mystery")
    assert mystery["current"]["cost_nano_usd"] is None and mystery["current"]["cost_complete"] is False
    priced = next(g for g in unit["groups"] if g["workflow"] == "priced")
    want = expected(built, "workflow")["priced"]
    assert priced["current"]["cost_nano_usd"] == want["cost"]
    assert priced["current"]["cost_per_call_nano_usd"] == (want["cost"] * 2 + want["calls"]) // (2 * want["calls"])
    kpi = json.loads(run(tollgate_bin, built, "kpi", *window(built), "--json").stdout)
    assert no_floats(kpi)
    keys = {k["key"]: k for k in kpi["kpis"]}
    for key in ("value_per_dollar", "tokens_per_decision", "human_review_rate"):
        assert key in keys
    unpriced = keys["unpriced_calls"]
    assert unpriced["numeric"] == "2.000000000" and unpriced["status"] == "fail"


def test_tables_fit_the_terminal_without_cutting_names(tollgate_bin, built):
    narrow = run(tollgate_bin, built, "spend", "--by", "model", *window(built), env={"COLUMNS": "60"}).stdout
    body = narrow.splitlines()[1:]
    table = [line for line in body if not line.startswith(("(not shown", "Unpriced", "model is"))]
    assert all(len(line) <= 60 for line in table), narrow
    assert "…" not in narrow
    piped = run(tollgate_bin, built, "spend", "--by", "model", *window(built)).stdout
    assert "gpt-4o-mini-impatient" in piped


# --------------------------------------------------------------------------------------------
# The chargeback worked example of docs/reports.md, run as written
# --------------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"


def doc_block(starts_with: str) -> str:
    """The fenced code block of docs/reports.md whose first line starts with `starts_with`."""
    text = DOCS.read_text()
    for block in text.split("```")[1::2]:
        body = block.split("\n", 1)[1] if "\n" in block else ""
        if body.startswith(starts_with):
            return body
    raise AssertionError(f"no code block starting with {starts_with!r} in {DOCS}")


def test_the_documented_chargeback_example_reproduces(tollgate_bin, simulator, tmp_path):
    gateway_port = free_port()
    config = doc_block("# chargeback-example.yaml").replace("127.0.0.1:9090", f"127.0.0.1:{simulator.port}")
    config = config.replace("port: 8080", f"port: {gateway_port}")
    # The gateway runs in this process's directory: give it the ledger's full path.
    config = config.replace("sqlite_path: chargeback-example.sqlite", f"sqlite_path: {tmp_path / 'chargeback-example.sqlite'}")
    (tmp_path / "chargeback-example.yaml").write_text(config)
    gateway = Service("chargeback-example", [tollgate_bin, "serve", "--config", tmp_path / "chargeback-example.yaml"], tmp_path)
    try:
        wait_healthy(f"http://127.0.0.1:{gateway_port}/healthz", gateway)
        calls = doc_block("call() {").replace("127.0.0.1:8080", f"127.0.0.1:{gateway_port}")
        subprocess.run(["bash", "-euc", calls], cwd=tmp_path, check=True, timeout=60)
    finally:
        gateway.stop()
    ledger = Ledger(tmp_path / "chargeback-example.sqlite")
    assert ledger.scalar("SELECT COUNT(*) FROM ledgerEntry") == 9
    first = ledger.scalar("SELECT MIN(ts) FROM ledgerEntry")
    month = datetime.fromtimestamp(first / 1000, tz=timezone.utc).strftime("%Y-%m")

    def report(*args):
        result = subprocess.run([str(tollgate_bin), "report", "chargeback", "--period", month, *args], cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    statement = report("--config", "chargeback-example.yaml", "--statement", "support", "--format", "markdown")
    assert statement.strip() == doc_block("# Chargeback statement").replace("2026-12", month).strip()
    documented = {"proportional": (60, 30, 10), "even": ("33.333333333", "33.333333333", "33.333333334"), "fixed": (60, 30, 10)}
    for rule, shares in documented.items():
        extra = ["--share", "support=60", "--share", "legal=30", "--share", "growth=10"] if rule == "fixed" else []
        document = json.loads(report("--config", "chargeback-example.yaml", "--rule", rule, *extra, "--json"))
        allocated = {t["team"]: Decimal(t["allocated_nano_usd"]) / 10**9 for t in document["teams"]}
        assert (allocated["support"], allocated["legal"], allocated["growth"]) == tuple(Decimal(str(s)) for s in shares), rule
        assert document["ledger_cost_nano_usd"] == 1_100 * 10**9
    support = next(t for t in json.loads(report("--config", "chargeback-example.yaml", "--json"))["teams"] if t["team"] == "support")
    assert (support["list_usd"], support["surcharge_nano_usd"], support["charged_usd"]) == ("660", 49_500_000_000, "709.5")
