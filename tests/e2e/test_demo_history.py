"""`tollgate demo` seeds 90 days of synthetic history on first run; the history reports, exports and validates."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from decimal import Decimal

from conftest import Service, free_port, wait_healthy
from test_focus import TOLLGATE_CRITERIA, run, validate


def start_demo(tollgate_bin, workdir, name):
    port, sim_port = free_port(), free_port()
    demo = Service(name, [tollgate_bin, "demo", "--rate", "0", "--port", port, "--simulator-port", sim_port, "--dir", workdir / "demo"],
                   workdir)
    wait_healthy(f"http://127.0.0.1:{port}/healthz", demo, timeout=120)
    return demo


def test_demo_seeds_history_once_and_it_exports_as_valid_focus(tollgate_bin, tmp_path):
    started = time.monotonic()
    demo = start_demo(tollgate_bin, tmp_path, "demo-first")
    demo.stop()
    log = demo.log_path.read_text()
    assert "seeded 90 days of demo history" in log, log
    db = tmp_path / "demo" / "ledger.sqlite"
    conn = sqlite3.connect(db)
    entries = conn.execute("SELECT COUNT(*) FROM ledgerEntry").fetchone()[0]
    workflows = {r[0] for r in conn.execute("SELECT DISTINCT workflow FROM ledgerEntry WHERE workflow IS NOT NULL")}
    unpriced = conn.execute("SELECT COUNT(*) FROM ledgerEntry WHERE pricing = 'unpriced'").fetchone()[0]
    versions = [r[0] for r in conn.execute("SELECT id FROM priceVersion ORDER BY effectiveFrom")]
    entry_versions = {r[0] for r in conn.execute("SELECT DISTINCT priceVersion FROM ledgerEntry WHERE requestedModel = 'gpt-4o'")}
    governance = dict(conn.execute(
        "SELECT governance, COUNT(*) FROM ledgerEntry WHERE status = 'blocked' AND costNano = 0 GROUP BY governance").fetchall())
    downgrades = conn.execute("SELECT COUNT(*) FROM ledgerEntry WHERE routedFrom = 'gpt-4o' AND requestedModel = 'gpt-4o-mini'").fetchone()[0]
    redacted = conn.execute("SELECT COUNT(*) FROM ledgerEntry WHERE redactions > 0").fetchone()[0]
    thresholds = {r[0] for r in conn.execute("SELECT threshold FROM budgetEvent WHERE budget = 'marketing-daily'")}
    audit = [r[0] for r in conn.execute("SELECT action FROM auditEvent ORDER BY seq")]
    switches = conn.execute("SELECT COUNT(*) FROM killSwitch").fetchone()[0]
    conn.close()
    for rule in ("budget:marketing-daily", "rate_limit:bulk-reindex", "policy:prod", "agent_limit:research-task", "kill_switch:workflow"):
        assert governance.get(f"blocked by {rule}", 0) > 0, (rule, governance)
    assert downgrades > 0 and redacted > 0
    assert thresholds == {50, 80, 100}
    assert audit == ["kill_switch.set", "kill_switch.clear"] and switches == 0
    assert entries > 20_000, entries
    assert workflows == {"support-copilot", "contract-extraction", "sales-research-agent", "knowledge-bot", "marketing-drafting"}
    assert unpriced == 0
    assert len(versions) == 2 and set(versions) <= entry_versions, (versions, entry_versions)
    assert time.monotonic() - started < 90

    # A second run keeps the history as it is.
    again = start_demo(tollgate_bin, tmp_path, "demo-second")
    again.stop()
    assert "seeded" not in again.log_path.read_text()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM ledgerEntry").fetchone()[0] == entries
    conn.close()

    # Reports see the price versions; the export of the whole history validates.
    prices = run(tollgate_bin, "prices", "list", "--db", db)
    assert all(v in prices.stdout for v in versions), prices.stdout
    today = time.strftime("%Y-%m-%d", time.gmtime())
    since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 91 * 86_400))
    out = tmp_path / "history.csv"
    export = run(tollgate_bin, "export", "focus", "--since", since, "--until", today, "--db", db, "--output", out, timeout=300)
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["x_PriceSource"] for r in rows} == {"catalog"}
    total = sum(Decimal(r["BilledCost"]) for r in rows)
    conn = sqlite3.connect(db)
    assert total * 1_000_000_000 == conn.execute("SELECT TOTAL(costNano) FROM ledgerEntry").fetchone()[0]
    conn.close()
    assert {r["x_PriceVersion"] for r in rows if r["x_Model"] == "gpt-4o-2024-08-06"} == set(versions)
    report = validate(out, tmp_path)
    print(f"focus-validator on 90 days of demo history ({len(rows)} rows): {report}")
    assert report["errors"] == 0 and report["failed"] in ([], ["InvoiceId-C-005-C"]), report
    strict = validate(out, tmp_path, TOLLGATE_CRITERIA)
    assert strict["errors"] == 0 and strict["failed"] in ([], ["InvoiceId-C-005-C"]), strict
