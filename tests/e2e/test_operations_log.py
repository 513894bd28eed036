"""What `tollgate serve` tells an operator: a provider that cannot be reached (once, and once when it
answers again, never with its key), and the shutdown (when it begins and when the ledger is written)."""

from __future__ import annotations

import httpx

from conftest import SUPPORT_KEY, Gateway, Service, free_port, wait_healthy


def chat(gateway: Gateway) -> int:
    return httpx.post(gateway.openai_base + "/chat/completions", headers={"Authorization": f"Bearer {SUPPORT_KEY}"},
                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "are you there?"}]},
                      timeout=30).status_code


def test_an_unreachable_provider_is_logged_once_and_again_when_it_answers(tollgate_bin, tmp_path):
    port = free_port()  # nothing listens here yet
    gateway = Gateway(tollgate_bin, tmp_path / "gw", port)
    try:
        assert [chat(gateway) for _ in range(5)] == [502] * 5
        log = gateway.service.log_text()
        unreachable = [line for line in log.splitlines() if "provider unreachable" in line]
        assert len(unreachable) == 1, log
        assert "provider=openai-sim" in unreachable[0] and f"127.0.0.1:{port}" in unreachable[0], unreachable
        assert "sk-simulator" not in log, "the provider's key reached the log"

        simulator = Service("late-simulator", [tollgate_bin, "simulate", "--host", "127.0.0.1", "--port", port], tmp_path)
        wait_healthy(f"http://127.0.0.1:{port}/healthz", simulator)
        try:
            assert chat(gateway) == 200
            assert chat(gateway) == 200
        finally:
            simulator.stop()
        log = gateway.service.log_text()
        assert sum("provider reachable again" in line for line in log.splitlines()) == 1, log
        assert sum("provider unreachable" in line for line in log.splitlines()) == 1, log
        assert gateway.ledger().scalar("SELECT COUNT(*) FROM ledgerEntry WHERE status = 'upstream_error'") == 5
    finally:
        gateway.stop()


def test_shutdown_is_logged_when_it_begins_and_when_the_ledger_is_written(tollgate_bin, simulator, tmp_path):
    gateway = Gateway(tollgate_bin, tmp_path / "gw", simulator.port)
    assert chat(gateway) == 200
    gateway.stop()
    lines = gateway.service.log_path.read_text().splitlines()
    begins = [i for i, line in enumerate(lines) if "shutting down" in line]
    written = [i for i, line in enumerate(lines) if "ledger written; stopped" in line]
    assert len(begins) == 1 and len(written) == 1, "\n".join(lines)
    assert begins[0] < written[0]
    assert "entries_this_run=1" in lines[written[0]], lines[written[0]]
