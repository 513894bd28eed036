"""Governance seen by real clients: budgets, limits and kill switches through the official SDKs,
keys managed with the `tollgate` CLI, and `tollgate policy check` as a CI gate."""

from __future__ import annotations

import subprocess
import textwrap

import anthropic
import httpx
import openai
import pytest

from conftest import SUPPORT_KEY, Gateway

ADMIN_KEY = "admin-e2e-0123456789abcdef"

GOVERNED = f"""\
admin: {{key: {ADMIN_KEY}}}
pricing:
  prices:
    - {{model: gpt-4o-mini, input: "10", output: "20"}}
governance:
  time_zone: Europe/Berlin
  budgets:
    - {{name: legal-tiny, scope: {{team: legal}}, period: month, limit_usd: "0.000001"}}
  rate_limits:
    - {{name: per-key, scope: {{key: "*"}}, requests_per_minute: 1000}}
  agent_limits:
    - {{name: per-task, max_calls: 2}}
"""


@pytest.fixture(scope="module")
def governed(tollgate_bin, simulator, tmp_path_factory):
    gw = Gateway(tollgate_bin, tmp_path_factory.mktemp("governed"), simulator.port, name="governed", extra=GOVERNED)
    yield gw
    gw.stop()


def cli(tollgate_bin, *args, gateway: Gateway | None = None, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(tollgate_bin), *args]
    if gateway is not None:
        command += ["--url", gateway.base, "--admin-key", ADMIN_KEY, "--actor", "e2e"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_budget_refusal_is_a_rate_limit_error_the_sdk_does_not_retry(governed):
    client = governed.openai(api_key="sk-test-locked", max_retries=2)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}], max_tokens=20)
    error = caught.value
    assert error.code == "budget_exceeded"
    assert "legal-tiny" in error.message and "resets at" in error.message
    # A monthly budget resets in days: the SDK is told not to retry (one blocked entry, not three).
    assert error.response.headers["x-should-retry"] == "false"
    request_id = error.response.headers["x-tollgate-request-id"]
    entry = governed.ledger().entry(request_id)
    assert entry["status"] == "blocked" and entry["costNano"] == 0 and entry["governance"] == "blocked by budget:legal-tiny"
    blocked = governed.ledger().scalar("SELECT COUNT(*) FROM ledgerEntry WHERE status = 'blocked' AND keyId = 'locked-key'")
    assert blocked == 1


def test_agent_limit_reaches_the_anthropic_sdk_in_its_dialect(governed):
    client = governed.anthropic()
    headers = {"x-tollgate-trace-id": "e2e-agent-task"}
    for _ in range(2):
        client.messages.create(model="claude-sonnet-4-5", max_tokens=20, messages=[{"role": "user", "content": "step"}], extra_headers=headers)
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=20, messages=[{"role": "user", "content": "step"}], extra_headers=headers)
    body = caught.value.body
    assert body["type"] == "error" and body["error"]["type"] == "rate_limit_error"
    assert "per-task" in body["error"]["message"] and "2 calls" in body["error"]["message"]


def test_rate_limit_headers_reach_the_openai_client(governed):
    raw = governed.openai().chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], max_tokens=5)
    assert raw.headers["x-ratelimit-limit-requests"] == "1000"
    assert int(raw.headers["x-ratelimit-remaining-requests"]) < 1000


def test_keys_cli_creates_a_key_the_sdk_can_use_then_revokes_it(tollgate_bin, governed):
    created = cli(tollgate_bin, "keys", "create", "e2e-bot", "--team", "growth", "--workflow", "marketing-drafting",
                  "--allow-model", "gpt-4o-mini", gateway=governed)
    secret = next(line.strip() for line in created.stdout.splitlines() if line.strip().startswith("tg_sk_"))
    reply = governed.openai(api_key=secret).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "draft"}], max_tokens=5)
    assert reply.choices[0].message.content
    listed = cli(tollgate_bin, "keys", "list", gateway=governed)
    assert "e2e-bot" in listed.stdout and "growth" in listed.stdout and secret not in listed.stdout
    cli(tollgate_bin, "keys", "revoke", "e2e-bot", gateway=governed)
    with pytest.raises(openai.AuthenticationError) as caught:
        governed.openai(api_key=secret).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "draft"}], max_tokens=5)
    assert "revoked" in caught.value.message
    audit = httpx.get(governed.base + "/admin/v1/audit", headers={"authorization": f"Bearer {ADMIN_KEY}"}).json()["data"]
    assert [e["action"] for e in audit[:2]] == ["key.revoke", "key.create"] and audit[0]["actor"] == "e2e"
    # The secret is nowhere in the ledger file.
    assert secret.encode() not in governed.db_path.read_bytes()


def test_kill_switch_cli_stops_and_resumes_a_workflow(tollgate_bin, governed):
    cli(tollgate_bin, "kill-switch", "set", "workflow", "support-copilot", "--reason", "incident 42", gateway=governed)
    with pytest.raises(openai.InternalServerError) as caught:
        governed.openai().chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], max_tokens=5)
    assert caught.value.status_code == 503 and "incident 42" in caught.value.message and "e2e" in caught.value.message
    assert "support-copilot" in cli(tollgate_bin, "kill-switch", "list", gateway=governed).stdout
    cli(tollgate_bin, "kill-switch", "clear", "workflow", "support-copilot", gateway=governed)
    governed.openai().chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], max_tokens=5)


def test_budgets_cli_shows_status(tollgate_bin, governed):
    out = cli(tollgate_bin, "budgets", gateway=governed).stdout
    assert "legal-tiny" in out and "0.000001" in out


def test_admin_cli_with_a_wrong_key_fails_clearly(tollgate_bin, governed):
    result = subprocess.run([str(tollgate_bin), "keys", "list", "--url", governed.base, "--admin-key", "wrong-key-0123456789"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "401" in result.stderr


def test_policy_check_passes_a_good_file_and_fails_a_bad_one_with_key_paths(tollgate_bin, tmp_path, simulator):
    good = tmp_path / "good.yaml"
    good.write_text(textwrap.dedent("""\
        providers:
          - {name: openai, kind: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_KEY_NOT_SET_IN_CI}
        models:
          - {name: gpt-4o-mini, provider: openai}
        keys:
          - {name: app, key: "${APP_KEY_NOT_SET}", team: support}
        governance:
          time_zone: America/New_York
          budgets:
            - {name: support, scope: {team: support}, period: quarter, limit_usd: "1500"}
          policies:
            - {name: prod, match: {environment: prod}, allow_models: [gpt-4o-mini], max_output_tokens: 2048}
        """))
    ok = cli(tollgate_bin, "policy", "check", str(good))
    assert "ok (1 budgets" in ok.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace('limit_usd: "1500"', 'limit_usd: "0"').replace("[gpt-4o-mini]", "[gpt-9]")
                   .replace("America/New_York", "Mars/Olympus"))
    result = cli(tollgate_bin, "policy", "check", str(bad), check=False)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "governance.budgets[0].limit_usd: must be greater than 0" in out
    assert "governance.policies[0].allow_models[0]: unknown model 'gpt-9'" in out
    assert "governance.time_zone" in out

    typo = tmp_path / "typo.yaml"
    typo.write_text(good.read_text().replace("period: quarter", "perod: quarter"))
    result = cli(tollgate_bin, "policy", "check", str(typo), check=False)
    assert result.returncode == 1 and "unknown key 'perod'" in result.stdout + result.stderr

    strict = tmp_path / "strict.yaml"
    strict.write_text(good.read_text().replace("max_output_tokens: 2048}", "max_output_tokens: 2048, require_registered_workflow: true}"))
    relaxed = cli(tollgate_bin, "policy", "check", str(strict))
    assert "warning" in relaxed.stdout
    assert cli(tollgate_bin, "policy", "check", "--strict", str(strict), check=False).returncode == 1


def test_a_crash_releases_reservations_and_budgets_resume_from_the_ledger(tollgate_bin, tmp_path):
    """kill -9 with strict reservations held by slow calls; after restart nothing is reserved and the
    budget's spend equals the ledger's, interrupted calls (at their estimated cost) included."""
    import threading
    import time

    from conftest import Simulator

    sim = Simulator(tollgate_bin, tmp_path, name="slow-governed-sim", extra_args=["--token-ms", "50"])
    extra = f"""\
admin: {{key: {ADMIN_KEY}}}
governance:
  budgets:
    - {{name: support-month, scope: {{team: support}}, period: month, limit_usd: "100"}}
"""
    gw = Gateway(tollgate_bin, tmp_path / "crash-governed", sim.port, name="crash-governed", extra=extra)
    try:
        client = gw.openai(timeout=60)
        client.chat.completions.create(model="gpt-4o-mini", max_tokens=10, messages=[{"role": "user", "content": "quick [[sim:tokens=3]]"}])

        def slow(i):
            try:
                client.chat.completions.create(
                    model="gpt-4o-mini", max_tokens=500, messages=[{"role": "user", "content": f"slow {i} [[sim:tokens=400]]"}])
            except Exception:
                pass

        threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(8)]
        for t in threads:
            t.start()
        admin = {"authorization": f"Bearer {ADMIN_KEY}"}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            held = httpx.get(gw.base + "/admin/v1/budgets", headers=admin).json()["data"][0]["reserved_usd"]
            if held != "0":
                break
            time.sleep(0.05)
        assert held != "0", "the slow calls never held a reservation"
        gw.kill()

        gw.start()
        status = httpx.get(gw.base + "/admin/v1/budgets", headers=admin).json()["data"][0]
        assert status["reserved_usd"] == "0"
        ledger = gw.ledger()
        interrupted = ledger.scalar("SELECT COUNT(*) FROM ledgerEntry WHERE status = 'interrupted'")
        assert interrupted >= 1
        total = ledger.scalar("SELECT COALESCE(SUM(costNano), 0) FROM ledgerEntry WHERE team = 'support'")
        from decimal import Decimal
        assert Decimal(status["spent_usd"]) * 1_000_000_000 == total
    finally:
        gw.stop()
        sim.service.stop(timeout=2)


def test_budget_gauges_are_exposed_and_pass_promtool(governed):
    import shutil

    text = httpx.get(governed.base + "/metrics").text
    assert 'tollgate_budget_utilisation_ratio{budget="legal-tiny"}' in text
    assert 'tollgate_budget_limit_nano_usd{budget="legal-tiny"} 1000' in text
    assert 'status="blocked"' in text
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install prometheus"
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worked_example_in_the_docs_passes_policy_check(tollgate_bin, tmp_path):
    from conftest import REPO

    text = (REPO / "docs" / "governance.md").read_text()
    block = text[text.index("## A worked example"):]
    yaml = block[block.index("```yaml") + len("```yaml\n"):]
    yaml = yaml[:yaml.index("```")]
    path = tmp_path / "worked.yaml"
    path.write_text(yaml)
    result = cli(tollgate_bin, "policy", "check", str(path))
    assert "ok (3 budgets, 2 rate limits, 1 agent limits, 1 policies" in result.stdout
