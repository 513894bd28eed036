"""The Grafana dashboard (docs/grafana/tollgate.json) only queries metrics a real gateway exposes."""

from __future__ import annotations

import json
import re

import httpx

from conftest import REPO, SUPPORT_KEY, Gateway

DASHBOARD = REPO / "docs" / "grafana" / "tollgate.json"
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = []

    def walk(panels):
        for panel in panels:
            exprs.extend(t["expr"] for t in panel.get("targets", []) if t.get("expr"))
            walk(panel.get("panels", []))

    walk(dashboard["panels"])
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if isinstance(query, str) and "tollgate_" in query:
            exprs.append(query)
    return exprs


def scraped_names(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


BUDGETED = """\
governance:
  budgets:
    - {name: dashboard-month, scope: {team: support}, period: month, limit_usd: "100"}
"""


def test_dashboard_metrics_exist_in_a_real_scrape(gateway, tollgate_bin, simulator, tmp_path):
    # One streamed call creates every series of its label set (TTFT included).
    with httpx.stream("POST", gateway.openai_base + "/chat/completions", headers={"Authorization": f"Bearer {SUPPORT_KEY}"},
                      json={"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "dashboard"}]},
                      timeout=30) as r:
        assert r.status_code == 200
        r.read()
    text = httpx.get(gateway.base + "/metrics", timeout=5).text
    exposed = scraped_names(text)
    # The budget panels need a gateway with a budget.
    budgeted = Gateway(tollgate_bin, tmp_path / "budgeted", simulator.port, name="budgeted", extra=BUDGETED)
    try:
        exposed |= scraped_names(httpx.get(budgeted.base + "/metrics", timeout=5).text)
    finally:
        budgeted.stop()
    exprs = dashboard_exprs()
    assert len(exprs) >= 12
    used = {name for expr in exprs for name in re.findall(r"\btollgate_[a-z0-9_]+", expr)}
    assert used, "the dashboard queries no tollgate metric"
    missing = sorted(name for name in used if name not in exposed)
    assert not missing, f"dashboard queries metrics /metrics does not expose: {missing}"
    # Every family the dashboard relies on, by kind.
    for name in ("tollgate_cost_nano_usd_total", "tollgate_tokens_total", "tollgate_requests_total",
                 "tollgate_request_duration_seconds_bucket", "tollgate_time_to_first_token_seconds_bucket",
                 "tollgate_unpriced_requests_total", "tollgate_estimated_requests_total", "tollgate_rerouted_requests_total"):
        assert name in used, f"{name} is not on the dashboard"


def test_dashboard_is_valid_grafana_json():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "tollgate-overview"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        for target in panel.get("targets", []):
            expr = target["expr"]
            assert expr.count("(") == expr.count(")"), expr
            assert "customer" not in expr and "user" not in expr, expr
