"""End-to-end fixtures for Tollgate.

Everything here is real: the `tollgate` binary runs the provider simulator and the gateway as
separate processes on 127.0.0.1 sockets, clients are the official `openai` / `anthropic` SDKs
(and `httpx` / `http.client` for raw framing), and the ledger is read with Python's `sqlite3`.

Environment:
- TOLLGATE_BIN: the binary (default: <repo>/.build/debug/tollgate).
- TOLLGATE_PRICES_SNAPSHOT: the pinned LiteLLM price file used to compute expected costs
  independently (default: ../shared/data/litellm-prices/model_prices_and_context_window.json beside the repo).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import anthropic
import httpx
import openai
import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "tollgate"
DEFAULT_SNAPSHOT = REPO.parent / "shared" / "data" / "litellm-prices" / "model_prices_and_context_window.json"

SUPPORT_KEY = "sk-test-support"
LOCKED_KEY = "sk-test-locked"
NANO = Decimal("1e-9")


def _raise_open_file_limit() -> None:
    """Load tests open thousands of sockets at once: lift this process's soft descriptor limit (which the
    gateway and simulator processes inherit) to the hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 1 << 20, hard))
        except (ValueError, OSError):
            pass


_raise_open_file_limit()


def pytest_configure(config):
    # The simulator serves a model name the anthropic SDK knows as deprecated; that warning is noise here.
    config.addinivalue_line("filterwarnings", "ignore:The model .* is deprecated:DeprecationWarning")


# --------------------------------------------------------------------------------------------
# Binary, ports, processes
# --------------------------------------------------------------------------------------------


def tollgate_binary() -> Path:
    path = Path(os.environ.get("TOLLGATE_BIN", str(DEFAULT_BIN)))
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"tollgate binary not found or not executable at {path}; "
            f"run `swift build` in {REPO} or set TOLLGATE_BIN",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def tollgate_bin() -> Path:
    return tollgate_binary()


def retry_text_busy(start, timeout: float = 30.0):
    """Runs `start()` (which execs the binary), retrying while the binary is being rebuilt (ETXTBSY)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return start()
        except OSError as e:
            if e.errno != errno.ETXTBSY or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: dict | None = None):
        self.name = name
        self.args = [str(a) for a in args]
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.proc = retry_text_busy(lambda: subprocess.Popen(
            self.args,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env if env is not None else os.environ.copy(),
        ))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        self._log.flush()
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> None:
        """SIGKILL the whole process group (a crash)."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM the process group, SIGKILL it if it does not exit in time."""
        if self.alive():
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


def wait_healthy(url: str, service: Service, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if not service.alive():
            raise AssertionError(
                f"{service.name} exited with {service.proc.returncode} before answering {url}:\n{service.log_text()}"
            )
        try:
            r = httpx.get(url, timeout=1.0)
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code}"
        except httpx.HTTPError as e:  # not listening yet
            last = repr(e)
        time.sleep(0.05)
    service.stop()
    raise AssertionError(f"{service.name} did not answer {url} within {timeout}s ({last}):\n{service.log_text()}")


# --------------------------------------------------------------------------------------------
# Simulator
# --------------------------------------------------------------------------------------------


class Simulator:
    def __init__(self, binary: Path, log_dir: Path, name: str = "simulator", extra_args: list[str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.service = Service(
            name, [binary, "simulate", "--host", "127.0.0.1", "--port", self.port, *(extra_args or [])], log_dir
        )
        wait_healthy(self.base + "/healthz", self.service)

    def requests(self, request_id: str | None = None) -> list[dict]:
        params = {"request_id": request_id} if request_id else None
        r = httpx.get(self.base + "/_sim/requests", params=params, timeout=10)
        r.raise_for_status()
        return r.json()["requests"]

    def clear(self) -> None:
        httpx.delete(self.base + "/_sim/requests", timeout=10).raise_for_status()

    def stop(self) -> None:
        self.service.stop()


# --------------------------------------------------------------------------------------------
# Gateway
# --------------------------------------------------------------------------------------------


def gateway_config(
    *, port: int, sim_port: int, db_path: Path, max_body_bytes: int = 1_048_576, openai_timeouts: str | None = None,
    extra: str = "", server: str = "",
) -> str:
    timeouts = openai_timeouts or "{connect: 2s, first_byte: 10s, idle_read: 10s, total: 60s}"
    return f"""\
server: {{host: 127.0.0.1, port: {port}, max_body_bytes: {max_body_bytes}{', ' + server if server else ''}}}
storage: {{sqlite_path: {db_path}}}
providers:
  - name: openai-sim
    kind: openai
    base_url: http://127.0.0.1:{sim_port}/v1
    api_key: sk-simulator
    forward_headers: ["x-sim-*"]
    retries: {{max_attempts: 3, initial_backoff: 20ms, max_backoff: 200ms, max_elapsed: 10s}}
    timeouts: {timeouts}
  - name: anthropic-sim
    kind: anthropic
    base_url: http://127.0.0.1:{sim_port}
    api_key: sk-simulator
    forward_headers: ["x-sim-*"]
    retries: {{max_attempts: 3, initial_backoff: 20ms, max_backoff: 200ms, max_elapsed: 10s}}
  - name: openai-impatient
    kind: openai
    base_url: http://127.0.0.1:{sim_port}/v1
    api_key: sk-simulator
    forward_headers: ["x-sim-*"]
    retries: {{max_attempts: 3, initial_backoff: 20ms, max_backoff: 200ms, max_elapsed: 10s}}
    timeouts: {{connect: 2s, first_byte: 400ms, idle_read: 2s, total: 30s}}
models:
  - {{name: gpt-4o-mini, provider: openai-sim, aliases: [fast]}}
  - {{name: text-embedding-3-small, provider: openai-sim}}
  - {{name: claude-sonnet-4-5, provider: anthropic-sim}}
  - {{name: mystery-model, provider: openai-sim}}
  - {{name: o4-mini, provider: openai-sim}}
  - {{name: qwen-reasoner, provider: openai-sim, price_as: dashscope/qwen-turbo}}
  - {{name: gpt-4o-mini-impatient, provider: openai-impatient, upstream_model: gpt-4o-mini}}
keys:
  - {{name: support-key, key: {SUPPORT_KEY}, org: acme, team: support, app: copilot, environment: prod, cost_center: CC-1, workflow: support-copilot}}
  - {{name: locked-key, key: {LOCKED_KEY}, team: legal, workflow: contract-extraction, allow_override: false}}
{extra}"""


class Gateway:
    def __init__(self, binary: Path, workdir: Path, sim_port: int, name: str = "gateway", db_path: Path | None = None,
                 port: int | None = None, open_files: int | None = None, **config):
        self.binary = binary
        self.open_files = open_files  # a soft and hard descriptor limit to start the process under
        self.workdir = workdir
        self.name = name
        workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = db_path or workdir / "ledger.sqlite"
        self.port = port or free_port()
        self.config_path = workdir / f"{name}.yaml"
        self.config_path.write_text(gateway_config(port=self.port, sim_port=sim_port, db_path=self.db_path, **config))
        self.base = f"http://127.0.0.1:{self.port}"
        self.openai_base = self.base + "/v1"
        self.anthropic_base = self.base
        self.service: Service | None = None
        self.start()

    def start(self) -> None:
        args = [self.binary, "serve", "--config", self.config_path]
        if self.open_files:
            args = ["/bin/sh", "-c", f'ulimit -n {self.open_files} && exec "$0" "$@"', *args]
        self.service = Service(self.name, args, self.workdir)
        wait_healthy(self.base + "/healthz", self.service)

    def stop(self) -> None:
        if self.service:
            self.service.stop()

    def kill(self) -> None:
        assert self.service is not None
        self.service.kill()

    def alive(self) -> bool:
        return self.service is not None and self.service.alive()

    # -- clients -------------------------------------------------------------------------------

    def openai(self, api_key: str = SUPPORT_KEY, **kw) -> openai.OpenAI:
        kw.setdefault("max_retries", 0)
        kw.setdefault("timeout", 30.0)
        return openai.OpenAI(base_url=self.openai_base, api_key=api_key, **kw)

    def anthropic(self, api_key: str = SUPPORT_KEY, **kw) -> anthropic.Anthropic:
        kw.setdefault("max_retries", 0)
        kw.setdefault("timeout", 30.0)
        return anthropic.Anthropic(base_url=self.anthropic_base, api_key=api_key, **kw)

    # -- ledger --------------------------------------------------------------------------------

    def ledger(self) -> "Ledger":
        return Ledger(self.db_path)


class Ledger:
    """Reads the gateway's SQLite ledger with Python's own sqlite3."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.row_factory = sqlite3.Row
        return conn

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        conn = self._connect()
        try:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()

    def scalar(self, sql: str, params: tuple = ()):
        conn = self._connect()
        try:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None
        finally:
            conn.close()

    def entry(self, request_id: str, timeout: float = 10.0) -> dict:
        """The ledger entry with `request_id`, polling while the write-behind queue flushes."""
        assert request_id, "no request id"
        deadline = time.monotonic() + timeout
        while True:
            rows = self.query("SELECT * FROM ledgerEntry WHERE id = ?", (request_id,))
            if rows:
                assert len(rows) == 1
                return rows[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no ledger entry for {request_id} after {timeout}s in {self.path}")
            time.sleep(0.05)

    def entries(self, request_ids, timeout: float = 10.0) -> dict[str, dict]:
        return {rid: self.entry(rid, timeout) for rid in request_ids}


# --------------------------------------------------------------------------------------------
# Session fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def simulator(tollgate_bin, tmp_path_factory):
    sim = Simulator(tollgate_bin, tmp_path_factory.mktemp("simulator"))
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def gateway(tollgate_bin, simulator, tmp_path_factory):
    gw = Gateway(tollgate_bin, tmp_path_factory.mktemp("gateway"), simulator.port)
    yield gw
    gw.stop()


@pytest.fixture(scope="session")
def ledger(gateway) -> Ledger:
    return gateway.ledger()


@pytest.fixture()
def oai(gateway) -> openai.OpenAI:
    client = gateway.openai()
    yield client
    client.close()


@pytest.fixture()
def claude(gateway) -> anthropic.Anthropic:
    client = gateway.anthropic()
    yield client
    client.close()


# --------------------------------------------------------------------------------------------
# Independent pricing (Decimal, from the pinned LiteLLM snapshot)
# --------------------------------------------------------------------------------------------

_PRICES: dict | None = None


def snapshot_path() -> Path:
    return Path(os.environ.get("TOLLGATE_PRICES_SNAPSHOT", str(DEFAULT_SNAPSHOT)))


def prices() -> dict:
    global _PRICES
    if _PRICES is None:
        path = snapshot_path()
        if not path.is_file():
            pytest.fail(f"price snapshot not found at {path} (set TOLLGATE_PRICES_SNAPSHOT)", pytrace=False)
        with open(path) as f:
            # parse_float=Decimal keeps the catalog's decimal text exact (no binary floats).
            _PRICES = json.load(f, parse_float=Decimal)
    return _PRICES


def _rate(entry: dict, key: str, fallback: Decimal | None) -> Decimal | None:
    value = entry.get(key)
    if value is None:
        return fallback
    return Decimal(value)


def expected_cost_nano(model: str, *, uncached: int = 0, cache_read: int = 0, cache_write_5m: int = 0,
                       cache_write_1h: int = 0, output: int = 0, reasoning: int = 0) -> int:
    """Exact cost in nano-USD, rounded once half-even (small prompts: no threshold tiers)."""
    p = prices()[model]
    input_rate = Decimal(p["input_cost_per_token"])
    output_rate = _rate(p, "output_cost_per_token", Decimal(0))
    read_rate = _rate(p, "cache_read_input_token_cost", input_rate)
    write5_rate = _rate(p, "cache_creation_input_token_cost", input_rate)
    write1h_rate = _rate(p, "cache_creation_input_token_cost_above_1hr", write5_rate)
    reasoning_rate = _rate(p, "output_cost_per_reasoning_token", output_rate)
    reasoning = min(reasoning, output)
    usd = (
        uncached * input_rate
        + cache_read * read_rate
        + cache_write_5m * write5_rate
        + cache_write_1h * write1h_rate
        + (output - reasoning) * output_rate
        + reasoning * reasoning_rate
    )
    return int((usd / NANO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def entry_expected_cost(entry: dict, model: str | None = None) -> int:
    return expected_cost_nano(
        model or entry["servedModel"],
        uncached=entry["inputUncached"],
        cache_read=entry["cacheRead"],
        cache_write_5m=entry["cacheWrite5m"],
        cache_write_1h=entry["cacheWrite1h"],
        output=entry["output"],
        reasoning=entry["reasoning"],
    )


def usd_header_nano(value: str) -> int:
    """`x-tollgate-cost-usd` as exact nano-USD (fails on anything but a plain decimal)."""
    d = Decimal(value)
    nano = d / NANO
    assert nano == nano.to_integral_value(), f"cost header {value!r} is not a whole number of nano-USD"
    return int(nano)


def tokens_of(text: str) -> int:
    """The simulator's deterministic estimate: ceil(utf8 bytes / 4)."""
    n = len(text.encode("utf-8"))
    return (n + 3) // 4


def assert_breakdown_consistent(entry: dict) -> None:
    parts = (entry["costInputNano"] + entry["costCacheReadNano"] + entry["costCacheWriteNano"]
             + entry["costOutputNano"] + entry["costReasoningNano"])
    assert parts == entry["costNano"], f"cost breakdown {parts} != costNano {entry['costNano']}"


def parse_sse(raw: bytes) -> list[dict]:
    """Splits raw SSE bytes into events: [{'event': name|None, 'data': str}] (comments skipped)."""
    events = []
    text = raw.decode("utf-8").replace("\r\n", "\n")
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if name is None and not data:
            continue
        events.append({"event": name, "data": "\n".join(data)})
    return events
