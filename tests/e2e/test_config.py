"""The CLI around the gateway: config check, serve refusing bad config, spend reports, price imports."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest

from conftest import (
    LOCKED_KEY,
    Gateway,
    Ledger,
    expected_cost_nano,
    gateway_config,
    prices,
    retry_text_busy,
    snapshot_path,
    usd_header_nano,
)


def run(binary, *args, env=None, timeout=60) -> subprocess.CompletedProcess:
    return retry_text_busy(lambda: subprocess.run(
        [str(binary), *map(str, args)], capture_output=True, text=True, timeout=timeout,
        env=env if env is not None else os.environ.copy()))


@pytest.fixture()
def good_config(tmp_path) -> str:
    return gateway_config(port=18080, sim_port=19090, db_path=tmp_path / "ledger.sqlite")


def test_config_check_good_file(tollgate_bin, tmp_path, good_config):
    path = tmp_path / "good.yaml"
    path.write_text(good_config)
    result = run(tollgate_bin, "config", "check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_config_check_env_interpolation(tollgate_bin, tmp_path, good_config):
    text = good_config.replace("api_key: sk-simulator", "api_key: ${TG_E2E_PROVIDER_KEY}", 1)
    text = text.replace("max_body_bytes: 1048576", "max_body_bytes: ${TG_E2E_UNSET_LIMIT:-2048}")
    path = tmp_path / "env.yaml"
    path.write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TG_E2E_")}
    env["TG_E2E_PROVIDER_KEY"] = "sk-from-env"
    result = run(tollgate_bin, "config", "check", path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sk-from-env" not in result.stdout + result.stderr


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BAD_CONFIGS = {
    "unknown key": (lambda t: _replace(t, "max_body_bytes: 1048576", "max_body_bytes: 1048576, max_bdy: 5"),
                    ["server.max_bdy"]),
    "wrong type": (lambda t: _replace(t, "port: 18080", "port: eighty"), ["server.port"]),
    "wrong nested type": (lambda t: _replace(t, "max_attempts: 3", "max_attempts: [3]"),
                          ["providers[0].retries.max_attempts"]),
    "unknown provider": (lambda t: _replace(t, "{name: claude-sonnet-4-5, provider: anthropic-sim}",
                                            "{name: claude-sonnet-4-5, provider: anthropic-nowhere}"),
                         ["models[2].provider", "anthropic-nowhere"]),
    "missing api_key_env": (lambda t: _replace(t, "api_key: sk-simulator", "api_key_env: TG_E2E_SURELY_UNSET_KEY"),
                            ["providers[0].api_key_env", "TG_E2E_SURELY_UNSET_KEY"]),
    "missing ${ENV}": (lambda t: _replace(t, "api_key: sk-simulator", "api_key: ${TG_E2E_SURELY_UNSET_VAR}"),
                       ["TG_E2E_SURELY_UNSET_VAR", ":7:"]),
    "short key": (lambda t: _replace(t, f"key: {LOCKED_KEY}", "key: shorty"), ["keys[1].key"]),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_config_check_bad_files(tollgate_bin, tmp_path, good_config, case):
    mutate, expected = BAD_CONFIGS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(good_config))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TG_E2E_")}
    result = run(tollgate_bin, "config", "check", path, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for fragment in expected:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    if case == "short key":
        assert "shorty" not in output, "a key secret was printed"


def test_serve_with_bad_config_exits_fast(tollgate_bin, tmp_path, good_config):
    path = tmp_path / "bad-serve.yaml"
    path.write_text(_replace(good_config, "provider: anthropic-sim}", "provider: nowhere}"))
    started = time.monotonic()
    result = run(tollgate_bin, "serve", "--config", path, timeout=20)
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert elapsed < 5, f"serve took {elapsed:.1f}s to refuse a bad config"
    assert "models[2].provider" in result.stdout + result.stderr


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def _traffic(gateway):
    """Some spend across teams, including unpriced and failed calls."""
    ids = []
    support = gateway.openai()
    locked = gateway.openai(api_key=LOCKED_KEY)
    claude = gateway.anthropic()
    for i in range(3):
        raw = support.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"report {i} {uuid.uuid4().hex}"}])
        ids.append(raw.headers["x-tollgate-request-id"])
        raw = locked.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"legal {i} {uuid.uuid4().hex}"}])
        ids.append(raw.headers["x-tollgate-request-id"])
    raw = locked.chat.completions.with_raw_response.create(
        model="mystery-model", messages=[{"role": "user", "content": "unpriced " + uuid.uuid4().hex}])
    ids.append(raw.headers["x-tollgate-request-id"])
    raw = claude.messages.with_raw_response.create(
        model="claude-sonnet-4-5", max_tokens=50, messages=[{"role": "user", "content": "report " + uuid.uuid4().hex}])
    ids.append(raw.headers["x-tollgate-request-id"])
    for c in (support, locked, claude):
        c.close()
    return ids


def _window_ms(since: str, until: str) -> tuple[int, int]:
    def ms(day: str) -> int:
        return int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()) * 1000
    return ms(since), ms(until)


SQL_BY_TEAM = """
    SELECT team, COUNT(*) AS calls,
           SUM(inputUncached + cacheRead + cacheWrite5m + cacheWrite1h) AS input_tokens,
           SUM(cacheRead) AS cached_tokens, SUM(output) AS output_tokens,
           TOTAL(costNano) AS cost, SUM(costNano IS NULL) AS unpriced_calls,
           SUM(usageSource = 'estimated') AS estimated_calls
    FROM ledgerEntry WHERE ts >= ? AND ts < ? GROUP BY team
"""


def test_report_spend_by_team_json_matches_ledger(tollgate_bin, gateway, ledger):
    ledger.entries(_traffic(gateway))
    time.sleep(0.5)  # let any late entries of earlier tests land
    for _ in range(3):
        before = ledger.scalar("SELECT COUNT(*) FROM ledgerEntry")
        result = run(tollgate_bin, "report", "spend", "--by", "team", "--json", "--db", ledger.path)
        assert result.returncode == 0, result.stderr
        if ledger.scalar("SELECT COUNT(*) FROM ledgerEntry") == before:
            break
    report = json.loads(result.stdout)
    assert report["by"] == "team"
    since_ms, until_ms = _window_ms(report["since"], report["until"])
    now_ms = int(time.time() * 1000)
    assert since_ms <= now_ms < until_ms

    total = ledger.scalar("SELECT SUM(costNano) FROM ledgerEntry WHERE ts >= ? AND ts < ?", (since_ms, until_ms))
    assert total and total > 0
    assert report["total_cost_nano_usd"] == total
    assert sum(row["cost_nano_usd"] for row in report["rows"]) == total

    expected = {r["team"]: r for r in ledger.query(SQL_BY_TEAM, (since_ms, until_ms))}
    got = {row["team"]: row for row in report["rows"]}
    assert set(got) == set(expected)
    assert {"support", "legal"} <= set(got)
    for team, row in got.items():
        sql = expected[team]
        assert row["calls"] == sql["calls"]
        assert row["cost_nano_usd"] == int(sql["cost"])
        assert Decimal(row["cost_usd"]) == Decimal(row["cost_nano_usd"]) / Decimal(10**9)
        assert row["input_tokens"] == sql["input_tokens"]
        assert row["output_tokens"] == sql["output_tokens"]
        assert row["cached_tokens"] == sql["cached_tokens"]
        assert row["unpriced_calls"] == sql["unpriced_calls"]
        assert row["estimated_calls"] == sql["estimated_calls"]
    assert got["legal"]["unpriced_calls"] >= 1


def test_report_spend_csv_parses(tollgate_bin, gateway, ledger):
    ledger.entries(_traffic(gateway)[:2])
    result = run(tollgate_bin, "report", "spend", "--by", "team", "--csv", "--db", ledger.path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert set(rows[0]) == {"team", "calls", "refused_calls", "input_tokens", "cached_tokens", "output_tokens", "cost_usd",
                            "cost_complete", "unpriced_calls", "estimated_calls", "failed_calls"}
    assert rows[-1]["team"] == "total"
    rows = rows[:-1]
    teams = {r["team"] for r in rows}
    assert {"support", "legal"} <= teams
    total_usd = sum(Decimal(r["cost_usd"]) for r in rows if r["cost_usd"] != "unknown")
    total_nano = ledger.scalar("SELECT SUM(costNano) FROM ledgerEntry")
    assert total_usd * Decimal(10**9) == total_nano
    for r in rows:
        int(r["calls"]), int(r["failed_calls"])


def test_report_spend_unattributed_bucket_json(tollgate_bin, gateway, ledger):
    ledger.entries(_traffic(gateway)[:1])
    result = run(tollgate_bin, "report", "spend", "--by", "customer", "--json", "--db", ledger.path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    unattributed = [r for r in report["rows"] if r["customer"] is None]
    assert len(unattributed) == 1
    assert unattributed[0]["calls"] == ledger.scalar("SELECT COUNT(*) FROM ledgerEntry WHERE customer IS NULL")


# --------------------------------------------------------------------------------------------
# Price imports
# --------------------------------------------------------------------------------------------


def _modified_snapshot(path: Path, new_input: str) -> Path:
    text = snapshot_path().read_text()
    start = text.index('\n    "gpt-4o-mini": {')
    end = text.index("}", start)
    block = text[start:end]
    old = '"input_cost_per_token": 1.5e-07'
    assert old in block, "the snapshot's gpt-4o-mini input price changed; update this test"
    text = text[:start] + block.replace(old, f'"input_cost_per_token": {new_input}') + text[end:]
    path.write_text(text)
    return path


def _single_model_file(path: Path, new_input: str) -> Path:
    """A LiteLLM file holding only gpt-4o-mini (flat keys from the snapshot) with a new input price."""
    entry = dict(prices()["gpt-4o-mini"])
    entry["input_cost_per_token"] = Decimal(new_input)
    fields = []
    for key, value in entry.items():
        if isinstance(value, Decimal):
            fields.append(f"{json.dumps(key)}: {value}")  # exact decimal text, no float round trip
        elif isinstance(value, (str, int, bool)):
            fields.append(f"{json.dumps(key)}: {json.dumps(value)}")
    path.write_text('{"gpt-4o-mini": {' + ", ".join(fields) + "}}\n")
    assert json.loads(path.read_text(), parse_float=Decimal)["gpt-4o-mini"]["input_cost_per_token"] == Decimal(new_input)
    return path


def _copy_ledger(source: Path, target: Path) -> Path:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def _day(offset: int) -> str:
    return (datetime.now(timezone.utc).date() + timedelta(days=offset)).isoformat()


def _day_seconds(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())


def test_prices_import_then_identical_import_fails(tollgate_bin, ledger, tmp_path):
    db = _copy_ledger(ledger.path, tmp_path / "ledger-copy.sqlite")
    tomorrow = _day(1)
    future = _modified_snapshot(tmp_path / "future-prices.json", "9e-07")

    first = run(tollgate_bin, "prices", "import", "--litellm", future, "--effective-from", tomorrow, "--db", db)
    assert first.returncode == 0, first.stdout + first.stderr
    again = run(tollgate_bin, "prices", "import", "--litellm", future, "--effective-from", tomorrow, "--db", db)
    assert again.returncode != 0, "a second identical import must fail"
    assert "already" in (again.stdout + again.stderr)

    versions = Ledger(db).query("SELECT * FROM priceVersion")
    assert len(versions) == 1
    assert versions[0]["effectiveFrom"] == _day_seconds(tomorrow)
    assert versions[0]["id"] in first.stdout
    stored = Ledger(db).query("SELECT * FROM modelPrice WHERE versionId = ? AND model = 'gpt-4o-mini'", (versions[0]["id"],))
    assert len(stored) == 1
    # The original ledger is untouched (the import went to the copy).
    assert ledger.scalar("SELECT COUNT(*) FROM priceVersion") == 0


def test_dated_prices_used_and_version_recorded(tollgate_bin, simulator, ledger, tmp_path):
    """Promise 3: a call is priced with the price in force at its timestamp and records which version priced it."""
    db = _copy_ledger(ledger.path, tmp_path / "ledger-copy.sqlite")
    future = _single_model_file(tmp_path / "future-prices.json", "9e-07")
    current = _single_model_file(tmp_path / "current-prices.json", "2.5e-07")
    for path, day in ((current, _day(-1)), (future, _day(1))):
        result = run(tollgate_bin, "prices", "import", "--litellm", path, "--effective-from", day, "--db", db)
        assert result.returncode == 0, result.stdout + result.stderr
    copy = Ledger(db)
    versions = {v["effectiveFrom"]: v["id"] for v in copy.query("SELECT id, effectiveFrom FROM priceVersion")}
    current_version = versions[_day_seconds(_day(-1))]
    future_version = versions[_day_seconds(_day(1))]

    gw = Gateway(tollgate_bin, tmp_path / "priced-gateway", simulator.port, name="priced-gateway", db_path=db)
    try:
        client = gw.openai()
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "dated price " + uuid.uuid4().hex}])
        client.close()
        usage = raw.parse().usage
        entry = copy.entry(raw.headers["x-tollgate-request-id"])
    finally:
        gw.stop()
    input_rate = Decimal("2.5e-07")
    output_rate = Decimal(prices()["gpt-4o-mini"]["output_cost_per_token"])
    exact = usage.prompt_tokens * input_rate + usage.completion_tokens * output_rate
    expected = int((exact * Decimal(10**9)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    assert entry["costNano"] == expected, "today's call must use the price in force today (yesterday's import)"
    assert entry["costNano"] != expected_cost_nano("gpt-4o-mini", uncached=usage.prompt_tokens,
                                                   output=usage.completion_tokens)
    assert usd_header_nano(raw.headers["x-tollgate-cost-usd"]) == expected
    # The entry records the catalog version that priced it, not the newest one imported.
    assert entry["priceVersion"] != future_version, (
        f"an entry priced with {current_version}'s prices records priceVersion {entry['priceVersion']!r}, "
        f"a version that is not in force until tomorrow")
    assert entry["priceVersion"] == current_version
