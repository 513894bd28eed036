"""What a newcomer meets first: a busy port names itself and the flag that moves it, and a ledger path
whose directory does not exist yet is created."""

from __future__ import annotations

import socket
import subprocess
import time

from conftest import free_port


def _hold_port() -> tuple[socket.socket, int]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s, s.getsockname()[1]


def test_demo_on_a_busy_port_says_which_and_how_to_move_it(tollgate_bin, tmp_path):
    held, port = _hold_port()
    try:
        run = subprocess.run(
            [tollgate_bin, "demo", "--port", str(port), "--simulator-port", str(free_port()), "--dir", str(tmp_path / "demo"),
             "--rate", "0", "--no-history"], capture_output=True, text=True, timeout=60)
    finally:
        held.close()
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert f"127.0.0.1:{port}" in output and "--port" in output, output
    assert "Fatal error" not in output and "backtrace" not in output.lower(), output


def test_serve_on_a_busy_port_says_which_and_how_to_move_it(tollgate_bin, tmp_path):
    held, port = _hold_port()
    config = tmp_path / "tollgate.yaml"
    config.write_text(f"""server: {{host: 127.0.0.1, port: {port}}}
storage: {{sqlite_path: {tmp_path / 'ledger.sqlite'}}}
pricing: {{builtin_catalog: false}}
providers:
  - {{name: p, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-x}}
models:
  - {{name: m, provider: p}}
""")
    try:
        run = subprocess.run([tollgate_bin, "serve", "--config", str(config)], capture_output=True, text=True, timeout=60)
    finally:
        held.close()
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert f"127.0.0.1:{port}" in output and "--port" in output, output


def _config(path, ledger, port: int) -> None:
    path.write_text(f"""server: {{host: 127.0.0.1, port: {port}}}
storage: {{sqlite_path: {ledger}}}
pricing: {{builtin_catalog: false}}
providers:
  - {{name: p, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-x}}
models:
  - {{name: m, provider: p}}
""")


def test_a_ledger_whose_path_cannot_exist_is_named_in_the_error(tollgate_bin, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    impossible = blocker / "ledger.sqlite"
    _config(tmp_path / "t.yaml", impossible, free_port())
    run = subprocess.run([tollgate_bin, "serve", "--config", str(tmp_path / "t.yaml")], capture_output=True, text=True, timeout=60)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert str(impossible) in output and "storage.sqlite_path" in output, output
    assert "Fatal error" not in output, output


def test_a_ledger_in_a_missing_directory_is_created(tollgate_bin, tmp_path):
    nested = tmp_path / "var" / "lib" / "tollgate" / "ledger.sqlite"
    port = free_port()
    _config(tmp_path / "t.yaml", nested, port)
    process = subprocess.Popen([tollgate_bin, "serve", "--config", str(tmp_path / "t.yaml")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not nested.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert nested.exists(), "the ledger and its directory were not created"
    finally:
        process.terminate()
        process.wait(timeout=20)
