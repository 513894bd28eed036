"""`config check`, `policy check` and the exit codes of data errors: every problem of a file in one run,
one set of rules for every command that reads a configuration, data errors exit 1 without a usage hint."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

from conftest import REPO, retry_text_busy

UNSET_PREFIX = "TG_CHECK_"


def env_without(*names: str) -> dict:
    return {k: v for k, v in os.environ.items() if k not in names and not k.startswith(UNSET_PREFIX)}


def run(binary, *args, env=None, cwd=None, timeout=60) -> subprocess.CompletedProcess:
    return retry_text_busy(lambda: subprocess.run(
        [str(binary), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd,
        env=env if env is not None else env_without()))


def line_of(text: str, marker: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


def assert_data_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, (result.returncode, output)
    assert "Usage:" not in output and "--help" not in output, output
    for fragment in fragments:
        assert fragment in output, (fragment, output)


BROKEN = """\
server:
  host: 127.0.0.1
  prot: 8080
  max_body_bytes: lots
storage: {sqlite_path: ledger.sqlite}
providers:
  - {name: openai, kind: openai, base_url: "https://api.openai.com/v1", api_key: "${TG_CHECK_UNSET_KEY}"}
models:
  - {name: gpt-4o-mini, provider: openai}
  - {name: claude, provider: antrhopic}
keys:
  - {name: app, key: sk-app-12345, team: support, allowed_models: [gpt-5]}
governance:
  budgets:
    - {name: support, scope: {team: support}, perod: month, limit_usd: "0"}
  rate_limits:
    - {name: fast, requests_per_minute: often}
"""


def test_config_check_prints_every_problem_of_a_file_in_one_run(tollgate_bin, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = run(tollgate_bin, "config", "check", path)
    assert_data_error(result)
    problems = result.stderr.strip().splitlines()
    # Each mistake, at the line it is written on (found here by its text, not by the loader).
    expected = {
        (line_of(BROKEN, "prot:"), "server.prot", "did you mean 'port'?"),
        (line_of(BROKEN, "lots"), "server.max_body_bytes", "expected an integer"),
        (line_of(BROKEN, "TG_CHECK_UNSET_KEY"), "providers[0].api_key", "TG_CHECK_UNSET_KEY is not set"),
        (line_of(BROKEN, "antrhopic"), "models[1].provider", "unknown provider 'antrhopic'"),
        (line_of(BROKEN, "gpt-5"), "keys[0].allowed_models[0]", "unknown model 'gpt-5'"),
        (line_of(BROKEN, "perod"), "governance.budgets[0].perod", "did you mean 'period'?"),
        (line_of(BROKEN, "perod"), "governance.budgets[0].limit_usd", "must be greater than 0"),
        (line_of(BROKEN, "often"), "governance.rate_limits[0].requests_per_minute", "expected an integer"),
    }
    for line, key, words in expected:
        prefix = f"{path}:{line}: {key}: "
        assert any(p.startswith(prefix) and words in p for p in problems), (prefix, words, problems)
    assert problems[-1] == f"{path}: {len(expected)} problems", problems
    assert len(problems) == len(expected) + 1, problems
    numbers = [int(p[len(str(path)) + 1:].split(":")[0]) for p in problems[:-1]]
    assert numbers == sorted(numbers), "problems are listed in the order of the file"


def test_serve_refuses_the_same_file_with_the_same_problems(tollgate_bin, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    checked = run(tollgate_bin, "config", "check", path)
    served = run(tollgate_bin, "serve", "--config", path, timeout=20)
    assert_data_error(served)
    for problem in checked.stderr.strip().splitlines()[:-1]:
        assert problem in served.stderr, (problem, served.stderr)


def test_the_example_in_the_configuration_docs_reproduces_exactly(tollgate_bin, tmp_path):
    text = (REPO / "docs" / "configuration.md").read_text()
    intro = text[:text.index("## Environment variables")]
    blocks = re.findall(r"```(\w*)\n(.*?)```", intro, re.S)
    yaml = next(body for lang, body in blocks if lang == "yaml")
    expected = next(body for lang, body in blocks if lang == "")
    (tmp_path / "tollgate.yaml").write_text(yaml)
    result = run(tollgate_bin, "config", "check", "tollgate.yaml", cwd=tmp_path, env=env_without("OPENAI_API_KEY"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == expected


def test_config_check_and_policy_check_read_a_defaulted_variable_alike(tollgate_bin, tmp_path):
    path = tmp_path / "defaulted.yaml"
    path.write_text("""\
server: {port: ${TG_CHECK_UNSET_PORT:-8081}}
providers:
  - {name: openai, kind: openai, base_url: "https://api.openai.com/v1", api_key_env: TG_CHECK_UNSET_OPENAI}
models:
  - {name: gpt-4o-mini, provider: openai}
governance:
  budgets:
    - {name: all, limit_usd: "100"}
""")
    policy = run(tollgate_bin, "policy", "check", path)
    assert policy.returncode == 0, policy.stdout + policy.stderr
    assert f"{path}: ok (1 budgets" in policy.stdout
    config = run(tollgate_bin, "config", "check", path, env={**env_without(), "TG_CHECK_UNSET_OPENAI": "sk-set-for-config"})
    assert config.returncode == 0, config.stdout + config.stderr
    assert f"{path}: ok (1 providers, 1 models, 0 keys)" in config.stdout
    # Without the secret, config check names it; policy check does not need it.
    missing = run(tollgate_bin, "config", "check", path)
    assert_data_error(missing, "providers[0].api_key_env: environment variable TG_CHECK_UNSET_OPENAI is not set")


def test_policy_check_problems_exit_1_with_lines_and_no_usage(tollgate_bin, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(BROKEN)
    result = run(tollgate_bin, "policy", "check", path)
    assert_data_error(result, f"{path}:{line_of(BROKEN, 'perod')}: governance.budgets[0].perod: unknown key 'perod'")
    # The unset secret is a placeholder for policy check, not a problem.
    assert "TG_CHECK_UNSET_KEY" not in result.stdout
    assert f"{path}: ok" not in result.stdout
    assert_data_error(run(tollgate_bin, "policy", "check", tmp_path / "nowhere.yaml"), "nowhere.yaml: cannot read the file")


def test_policy_check_strict_names_each_warning_and_never_says_ok(tollgate_bin, tmp_path):
    path = tmp_path / "strict.yaml"
    path.write_text("""\
providers:
  - {name: openai, kind: openai, base_url: "https://api.openai.com/v1", api_key: sk-openai-123}
models:
  - {name: gpt-4o-mini, provider: openai}
keys:
  - {name: app, key: sk-app-12345, team: support}
governance:
  policies:
    - {name: registered, require_registered_workflow: true}
""")
    relaxed = run(tollgate_bin, "policy", "check", path)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    warnings = [line for line in relaxed.stdout.splitlines() if ": warning: " in line]
    assert len(warnings) == 2, relaxed.stdout  # the empty registry, and no budgets
    assert f"{path}: ok" in relaxed.stdout
    strict = run(tollgate_bin, "policy", "check", "--strict", path)
    assert_data_error(strict, f"{path}: failed: 2 warnings, which --strict makes errors")
    for warning in warnings:
        assert warning in strict.stdout
    assert ": ok" not in strict.stdout
    document = json.loads(run(tollgate_bin, "policy", "check", "--strict", "--json", path).stdout)
    assert document["ok"] is False and document["problems"] == warnings and document["strict"] is True


def test_data_errors_exit_1_without_usage_and_bad_flags_exit_64(tollgate_bin, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("providers: []\nmodels: []\nserver: {port: eighty}\n")
    assert_data_error(run(tollgate_bin, "config", "check", tmp_path / "missing.yaml"), "missing.yaml: cannot read the file")
    assert_data_error(run(tollgate_bin, "serve", "--config", bad, timeout=20), f"{bad}:3: server.port: expected an integer")
    assert_data_error(run(tollgate_bin, "export", "focus", "--period", "2026-10", "--config", bad), f"{bad}:3: server.port")
    db = tmp_path / "empty.sqlite"
    db.touch()
    assert_data_error(run(tollgate_bin, "prices", "import", "--litellm", tmp_path / "nope.json", "--db", db), "nope.json: cannot read the file")
    assert_data_error(run(tollgate_bin, "outcomes", "import", tmp_path / "nope.csv", "--db", db), "nope.csv: cannot read the file")
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    assert_data_error(run(tollgate_bin, "prices", "import", "--litellm", junk, "--db", db), "junk.json")
    assert_data_error(run(tollgate_bin, "keys", "list", "--url", "http://127.0.0.1:9", "--admin-key", "x" * 20), "Cannot reach the gateway")
    for args in (["export", "focus", "--period", "2026-13", "--db", db],
                 ["prices", "import", "--litellm", junk, "--effective-from", "tomorrow", "--db", db],
                 ["keys", "update", "app", "--admin-key", "x" * 20],
                 ["kill-switch", "set", "team", "x", "--reason", "r", "--admin-key", "x" * 20]):
        result = run(tollgate_bin, *args)
        assert result.returncode == 64, (args, result.returncode, result.stderr)
        assert "Usage:" in result.stderr, (args, result.stderr)
    no_key = run(tollgate_bin, "keys", "list", "--url", "http://127.0.0.1:9", env=env_without("TOLLGATE_ADMIN_KEY"))
    assert no_key.returncode == 64 and "TOLLGATE_ADMIN_KEY" in no_key.stderr and "Usage:" in no_key.stderr, no_key.stderr


def test_outcomes_unmatched_prints_whole_ids_and_rfc3339_times(tollgate_bin, tmp_path):
    db = tmp_path / "outcomes.sqlite"
    db.touch()
    long_id = "req-" + "0123456789abcdef" * 4
    rows = [
        {"id": "o-1", "request_id": long_id, "workflow": "support-copilot-with-a-long-name", "outcome": "ticket_resolved",
         "status": "success", "occurred_at": "2026-10-05T16:30:00.250+02:00"},
        {"id": "o-2", "request_id": "req-short", "workflow": "triage", "outcome": "ticket_resolved", "status": "failure",
         "occurred_at": "2026-10-05T14:30:01Z"},
    ]
    file = tmp_path / "outcomes.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    file.write_text(buffer.getvalue())
    imported = run(tollgate_bin, "outcomes", "import", file, "--db", db)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    table = run(tollgate_bin, "outcomes", "unmatched", "--db", db)
    assert table.returncode == 0, table.stderr
    assert long_id in table.stdout and "…" not in table.stdout, table.stdout
    document = json.loads(run(tollgate_bin, "outcomes", "unmatched", "--json", "--db", db).stdout)
    times = {o["id"]: o["occurred_at"] for o in document["unmatched"]}
    assert times == {"o-1": "2026-10-05T14:30:00.250Z", "o-2": "2026-10-05T14:30:01.000Z"}
    assert {o["request_id"] for o in document["unmatched"]} == {long_id, "req-short"}
