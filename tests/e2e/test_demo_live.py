"""`tollgate demo` as a newcomer meets it: a banner whose commands run as printed (the same ones the
README shows), live governance in the ledger, a live status line, and a gateway root that points onwards."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import REPO, free_port, wait_healthy


class Demo:
    def __init__(self, tollgate_bin: Path, cwd: Path, workdir: Path, rate: float):
        self.port, self.sim_port = free_port(), free_port()
        self.db = workdir / "demo" / "ledger.sqlite"
        self.log_path = workdir / "demo.log"
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(tollgate_bin), "demo", "--rate", str(rate), "--port", str(self.port), "--simulator-port", str(self.sim_port),
             "--dir", str(workdir / "demo")],
            cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()
        self.name = "demo"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()

    def banner_commands(self) -> list[str]:
        """The commands the banner prints: every line indented by exactly four spaces."""
        deadline = time.monotonic() + 60
        while "A status line follows" not in self.log_text():
            assert time.monotonic() < deadline and self.alive(), self.log_text()
            time.sleep(0.2)
        return [line[4:] for line in self.log_text().splitlines() if re.match(r"^ {4}\S", line)]


def run_command(command: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def check_commands(commands: list[str], prefix: str, replacement: str, cwd: Path) -> None:
    tollgate = [c for c in commands if c.startswith(prefix + " ")]
    assert len(tollgate) >= 9, commands
    for command in commands:
        if command.startswith("pip "):
            assert command == "pip install openai anthropic"
            continue
        if command.startswith("python3 "):
            command = shlex.quote(sys.executable) + command[len("python3"):]
        elif command.startswith(prefix + " "):
            command = replacement + command[len(prefix):]
        if " ledger tail " in command:  # follows new entries: it must show some, then keep running
            tail = subprocess.Popen(shlex.split(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(4)
            assert tail.poll() is None, tail.stderr.read()
            tail.terminate()
            out, _ = tail.communicate(timeout=10)
            assert len(out.splitlines()) > 5, out
            continue
        result = run_command(command, cwd)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        if " report " in command or "/metrics" in command or command.startswith(sys.executable):
            assert result.stdout.strip(), command


def readme_demo_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Run it", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line for block in blocks[1:] for line in block.splitlines() if line.strip()]


def normalise(command: str) -> str:
    command = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", command)
    command = re.sub(r"--db \S+", "--db DB", command)
    command = re.sub(r"\d{4}-\d{2}", "YYYY-MM", command)
    return re.sub(r"^swift run tollgate ", "tollgate ", command)


def test_banner_commands_run_as_printed_under_swift_run(tollgate_bin, tmp_path):
    """Started from the package directory the banner prints `swift run tollgate …`: with that prefix replaced by
    the binary every command exits 0, the Python examples answer through the official clients, and the list is
    the README's."""
    demo = Demo(tollgate_bin, REPO, tmp_path, rate=2)
    try:
        wait_healthy(f"http://127.0.0.1:{demo.port}/healthz", demo, timeout=120)
        commands = demo.banner_commands()
        assert any(c.startswith("swift run tollgate ") for c in commands), commands
        assert sum(c.startswith("python3 -c") for c in commands) == 2
        assert any("/v1/messages" in c for c in commands) and any("anthropic" in c.lower() for c in commands)
        check_commands(commands, "swift run tollgate", shlex.quote(str(tollgate_bin)), tmp_path)
        listed = [normalise(c) for c in commands if c.startswith("swift run tollgate ") or "/metrics" in c]
        assert listed == [normalise(c) for c in readme_demo_commands()]
    finally:
        demo.stop()


def test_live_demo_governs_and_shows_a_status_line(tollgate_bin, tmp_path):
    """Started elsewhere the banner names the binary's path; within seconds the live ledger has refusals
    (rate limit, agent limit, policy) and a downgrade, a status line is printed, and `GET /` points onwards."""
    demo = Demo(tollgate_bin, tmp_path, tmp_path, rate=20)
    try:
        wait_healthy(f"http://127.0.0.1:{demo.port}/healthz", demo, timeout=120)
        commands = demo.banner_commands()
        binary = str(Path(tollgate_bin).resolve())
        assert any(c.startswith(binary + " report spend") for c in commands), commands
        assert not any(c.startswith("swift run") for c in commands)
        banner_at = time.monotonic()

        index = httpx.get(f"http://127.0.0.1:{demo.port}/", headers={"accept": "application/json"})
        assert index.status_code == 200 and index.headers["content-type"].startswith("application/json")
        links = index.json()["links"]
        assert links["metrics"] == f"http://127.0.0.1:{demo.port}/metrics"
        assert links["openai_base_url"] == f"http://127.0.0.1:{demo.port}/v1"
        assert links["anthropic_base_url"] == f"http://127.0.0.1:{demo.port}"
        assert links["docs"].startswith("docs/") and "dashboard" not in links
        models = httpx.get(links["openai_base_url"] + "/models", headers={"authorization": "Bearer sk-demo-key"})
        assert models.status_code == 200, models.text
        page = httpx.get(f"http://127.0.0.1:{demo.port}/", headers={"accept": "text/html,*/*"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'href="http://127.0.0.1:{demo.port}/metrics"' in page.text and "docs/" in page.text
        assert f"http://127.0.0.1:{demo.port}/v1" in page.text
        hrefs = re.findall(r'href="([^"]+)"', page.text)
        assert hrefs and all(httpx.get(href).status_code == 200 for href in hrefs), hrefs

        status = re.compile(r"^\d\d:\d\d:\d\d  calls [\d.]+/s  session \$[\d.,]+  month \$[\d.,]+  refused \d+  downgraded \d+", re.M)
        while not status.search(demo.log_text()):
            assert time.monotonic() - banner_at < 15 and demo.alive(), demo.log_text()
            time.sleep(0.5)

        seeded = sqlite3.connect(demo.db).execute("SELECT MAX(rowid) FROM ledgerEntry").fetchone()[0]
        deadline = time.monotonic() + 40
        rules, downgrades = set(), 0
        while time.monotonic() < deadline:
            conn = sqlite3.connect(demo.db)
            rules = {r[0] for r in conn.execute(
                "SELECT DISTINCT governance FROM ledgerEntry WHERE rowid > ? AND status = 'blocked'", (seeded,))}
            downgrades = conn.execute(
                "SELECT COUNT(*) FROM ledgerEntry WHERE rowid > ? AND routedFrom = 'gpt-4o' AND requestedModel = 'gpt-4o-mini'",
                (seeded,)).fetchone()[0]
            conn.close()
            wanted = {"blocked by rate_limit:bulk-reindex", "blocked by agent_limit:research-task", "blocked by policy:prod"}
            if wanted <= rules and downgrades > 0:
                break
            time.sleep(1)
        assert {"blocked by rate_limit:bulk-reindex", "blocked by agent_limit:research-task", "blocked by policy:prod"} <= rules, rules
        assert downgrades > 0
        conn = sqlite3.connect(demo.db)
        live_outcomes = conn.execute("SELECT COUNT(*) FROM outcome WHERE id LIKE 'live-%'").fetchone()[0]
        redacted = conn.execute("SELECT COUNT(*) FROM ledgerEntry WHERE rowid > ? AND redactions > 0", (seeded,)).fetchone()[0]
        conn.close()
        assert live_outcomes > 0 and redacted > 0
    finally:
        demo.stop()
