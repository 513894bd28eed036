"""Every command that the README and docs/*.md show in a shell block runs as written, against the demo.

A document's ```sh blocks are read in order. Each command (continuation lines joined, heredocs kept
whole) that runs `tollgate`, `swift run tollgate` or `curl`, or writes a file with `cat > FILE <<`, is
run by bash in a workspace, where `tollgate` and `swift run tollgate` are the binary under test. A
yaml block whose first line is `# FILE` is written to FILE when it is reached. A command followed by
a `# Error: …` comment must fail with that message (after a comment saying it
exits 1, it must fail); any other must exit 0 and print no `Error:`.
Commands that keep running (`demo`, `serve`, `simulate`, `ledger tail` without `--no-follow`) must
still be running, without an error, after a few seconds.

The workspace holds a seeded demo: `tollgate-demo/` (its ledger also copied as `ledger.sqlite`,
`tollgate.sqlite` and `chargeback-example.sqlite`, its configuration as `tollgate.yaml` until a document writes its own), with the
demo gateway running. The documents' ports 8080 and 9090 become free ports; a command that keeps
running gets ports of its own. Not run: `./scripts/test`, Python snippets, system commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, Service, free_port, wait_healthy

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
DEMO_ADMIN_KEY = "demo-admin-key-0123456789"
SHELLS = {"sh", "bash", "shell", "console"}
RUNS = re.compile(r"^(swift run tollgate|tollgate|curl)\b|^cat > \S+ <<")
KEEPS_RUNNING = re.compile(r"^(swift run )?tollgate (demo|serve|simulate)\b|^(swift run )?tollgate ledger tail\b(?!.*--no-follow)")


@dataclass
class Step:
    """One thing a document does: write a file, or run a command."""

    line: int
    command: str | None = None
    file: tuple[str, str] | None = None
    expect_error: str | None = None

    @property
    def keeps_running(self) -> bool:
        return self.command is not None and bool(KEEPS_RUNNING.match(self.command))


def steps(document: Path) -> list[Step]:
    """The document's runnable commands and the files its yaml blocks name, in order."""
    lines = document.read_text().splitlines()
    found: list[Step] = []
    i = 0
    while i < len(lines):
        fence = re.match(r"^\s*```(\w*)", lines[i])
        if not fence:
            i += 1
            continue
        start, language = i + 1, fence.group(1)
        end = start
        while end < len(lines) and not re.match(r"^\s*```\s*$", lines[end]):
            end += 1
        block = lines[start:end]
        if language in SHELLS:
            found += block_steps(block, start + 1)
        elif language in {"yaml", "yml"} and block and re.match(r"^# (\S+\.(ya?ml|json))\s*$", block[0]):
            found.append(Step(line=start + 1, file=(block[0][2:].strip(), "\n".join(block[1:]) + "\n")))
        i = end + 1
    return found


def block_steps(block: list[str], first_line: int) -> list[Step]:
    found: list[Step] = []
    i = 0
    while i < len(block):
        text, number = block[i].strip(), first_line + i
        i += 1
        if text.startswith("# Error:") and found and found[-1].command:
            found[-1].expect_error = text.removeprefix("# Error:").strip()
            continue
        if re.match(r"^# .*\bexits? [1-9]", text) and found and found[-1].command:
            found[-1].expect_error = ""  # documented to fail, with its output shown in the comment
            continue
        if not text or text.startswith("#") or not RUNS.match(text):
            continue
        command = text
        while (command.endswith("\\") or unbalanced(command)) and i < len(block):
            command = (command[:-1] + " " if command.endswith("\\") else command + "\n") + block[i].strip()
            i += 1
        heredoc = re.search(r"<<-?\s*'?(\w+)'?", command)
        if heredoc:
            body = []
            while i < len(block) and block[i].strip() != heredoc.group(1):
                body.append(block[i])
                i += 1
            command = "\n".join([command, *body, heredoc.group(1)])
            i += 1
        found.append(Step(line=number, command=strip_comment(command)))
    return found


def unbalanced(command: str) -> bool:
    """Whether a single-quoted string is still open (a JSON body over several lines)."""
    return command.count("'") % 2 == 1


def strip_comment(command: str) -> str:
    """The command without a trailing `# comment` on its first line (quotes respected)."""
    first, _, rest = command.partition("\n")
    quote = None
    for index, char in enumerate(first):
        if char in "'\"" and quote in (None, char):
            quote = None if quote else char
        elif char == "#" and quote is None and (index == 0 or first[index - 1].isspace()):
            first = first[:index].rstrip()
            break
    return first + ("\n" + rest if rest else "")


@pytest.fixture(scope="module")
def seeded_demo(tollgate_bin, tmp_path_factory) -> Path:
    """A directory with `tollgate-demo/` seeded once (90 days of history), the demo stopped."""
    root = tmp_path_factory.mktemp("docs-seed")
    port, sim_port = free_port(), free_port()
    demo = Service("docs-seed-demo", [tollgate_bin, "demo", "--rate", "0", "--port", port, "--simulator-port", sim_port,
                                      "--dir", root / "tollgate-demo"], root)
    wait_healthy(f"http://127.0.0.1:{port}/healthz", demo, timeout=180)
    demo.stop(timeout=30)
    assert (root / "tollgate-demo" / "ledger.sqlite").exists(), demo.log_text()
    return root


class Workspace:
    """A copy of the seeded demo, its gateway running, and shims that make `tollgate` the binary under test."""

    def __init__(self, binary: Path, seed: Path, root: Path):
        self.root = root
        shutil.copytree(seed / "tollgate-demo", root / "tollgate-demo")
        for name in ("ledger.sqlite", "tollgate.sqlite", "chargeback-example.sqlite"):
            shutil.copy(root / "tollgate-demo" / "ledger.sqlite", root / name)
        config = root / "tollgate-demo" / "tollgate.yaml"
        config.write_text(config.read_text().replace(str(seed), str(root)))
        shutil.copy(config, root / "tollgate.yaml")
        shims = root / "bin"
        shims.mkdir()
        (shims / "tollgate").write_text(f'#!/bin/sh\nexec "{binary}" "$@"\n')
        (shims / "swift").write_text(
            f'#!/bin/sh\nif [ "$1" = run ] && [ "$2" = tollgate ]; then shift 2; exec "{binary}" "$@"; fi\n'
            'echo "only `swift run tollgate` is available here" >&2; exit 2\n')
        for shim in shims.iterdir():
            shim.chmod(0o755)
        self.port, self.sim_port = free_port(), free_port()
        self.env = os.environ | {
            "PATH": f"{shims}:{os.environ['PATH']}", "TOLLGATE_URL": f"http://127.0.0.1:{self.port}",
            "TOLLGATE_ADMIN_KEY": DEMO_ADMIN_KEY, "SUPPORT_KEY": "sk-docs-support-key", "OPENAI_API_KEY": "sk-docs-openai",
            "ANTHROPIC_API_KEY": "sk-docs-anthropic", "COLUMNS": "120",
        }
        self.demo = Service("docs-demo", [binary, "demo", "--rate", "1", "--port", self.port, "--simulator-port", self.sim_port,
                                          "--dir", root / "tollgate-demo"], root, env=self.env)
        wait_healthy(f"http://127.0.0.1:{self.port}/healthz", self.demo, timeout=120)

    def localise(self, text: str) -> str:
        """The documents' ports and system paths, moved into this workspace."""
        text = re.sub(r"\b8080\b", str(self.port), text)
        text = re.sub(r"\b9090\b", str(self.sim_port), text)
        return text.replace("/var/lib/tollgate/", f"{self.root}/var/lib/tollgate/")

    def run(self, step: Step) -> str | None:
        """Runs one step; returns what went wrong, or None."""
        if step.file:
            name, content = step.file
            (self.root / name).write_text(self.localise(content))
            return None
        command = self.localise(step.command)
        if step.keeps_running:
            return self.keep_running(command)
        result = subprocess.run(["bash", "-c", command], cwd=self.root, env=self.env, capture_output=True, text=True,
                                timeout=300)
        output = result.stdout + result.stderr
        if step.expect_error is not None:
            if result.returncode == 0:
                return f"expected to fail with “{step.expect_error}”, but it exited 0:\n{output}"
            if step.expect_error not in output:
                return f"failed (exit {result.returncode}) but not with “{step.expect_error}”:\n{output}"
            return None
        if result.returncode != 0 or "Error:" in output:
            return f"exit {result.returncode}:\n{output[-3000:]}"
        return None

    def keep_running(self, command: str) -> str | None:
        """Starts a command that serves until stopped (with ports of its own) and checks it is still running."""
        if re.search(r"\btollgate (demo|serve|simulate)\b", command) and "--port" not in command:
            command += f" --port {free_port()}"
        if re.search(r"\btollgate demo\b", command) and "--simulator-port" not in command:
            command += f" --simulator-port {free_port()}"
        if not re.search(r"\btollgate (demo|serve|simulate)\b", command):
            return self.watch(command, self.root)  # a reader beside the running demo, as a user runs it
        scratch = self.root / f"scratch-{len(list(self.root.glob('scratch-*')))}"
        shutil.copytree(self.root, scratch, ignore=self.not_copied)
        for config in [*scratch.glob("*.yaml"), *scratch.glob("tollgate-demo/*.yaml")]:
            config.write_text(config.read_text().replace(str(self.root), str(scratch)))
        if re.search(r"\btollgate demo\b", command):
            shutil.rmtree(scratch / "tollgate-demo")  # a newcomer's first run: the demo seeds its own history
        return self.watch(command, scratch)

    def watch(self, command: str, directory: Path) -> str | None:
        """Runs a command that should keep running in `directory` for a few seconds, then stops it."""
        name = f"docs-running-{len(list(self.root.glob('docs-running-*.log')))}"
        service = Service(name, ["bash", "-c", f"cd {directory} && exec {command}"], self.root, env=self.env)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and service.alive():
            time.sleep(0.2)
        alive = service.alive()
        service.stop(timeout=30)
        log = service.log_path.read_text(errors="replace")
        if not alive:
            return f"stopped by itself (exit {service.proc.returncode}) instead of running:\n{log[-3000:]}"
        if "Error:" in log or "Fatal error" in log:
            return f"reported an error while running:\n{log[-3000:]}"
        return None

    def not_copied(self, directory: str, names: list[str]) -> set[str]:
        """What a scratch copy leaves out: other scratch copies, logs, and the running demo's live ledger."""
        live = Path(directory) == self.root / "tollgate-demo"
        return {name for name in names
                if name.startswith("scratch-") or name.endswith(".log") or (live and name.startswith("ledger.sqlite"))}

    def close(self) -> None:
        self.demo.stop(timeout=30)


def test_the_documents_have_commands_to_check():
    total = sum(1 for document in DOCUMENTS for step in steps(document) if step.command)
    assert total >= 30, f"only {total} commands found in the README and docs/*.md"


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if any(step.command for step in steps(d))], ids=lambda path: path.name)
def test_every_command_in_the_document_runs(document, tollgate_bin, seeded_demo, tmp_path):
    found = steps(document)
    workspace = Workspace(tollgate_bin, seeded_demo, tmp_path)
    failures = []
    try:
        for step in found:
            problem = workspace.run(step)
            if problem:
                failures.append(f"{document.name}:{step.line}: {step.command or step.file[0]}\n    {problem}")
    finally:
        workspace.close()
    assert not failures, f"{len(failures)} of the commands in {document.name} do not run as written:\n\n" + "\n\n".join(failures)
