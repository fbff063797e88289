"""``wargame serve`` as a user starts it: where it listens, what it logs (never a seat's token),
and how it refuses a port it cannot have or a configs folder without scenarios."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from wargame.cli import app

from .conftest import exited
from .webserver import Client, LiveServer, a_move, new_session, token_of


def test_seat_tokens_never_reach_the_log_and_the_server_listens_on_loopback(tmp_path):
    with LiveServer(tmp_path) as server:
        boss, sid, seats = new_session(server.url, server.key)
        boss.post(f"/api/sessions/{sid}/start")
        for _ in range(4):
            for seat in seats.values():
                state = seat.get("/api/seat").json()
                if state["ask"] is not None:
                    seat.post("/api/seat/move", {"number": state["ask"]["number"], "move": a_move(state)})
        Client(server.url, "forged-token").get("/api/seat")
        links = boss.get(f"/api/sessions/{sid}").json()["links"]
    log = server.log.read_text()
    assert "POST /api/seat/move" in log  # the access log is on: requests are logged, secrets are not
    for link in links.values():
        assert token_of(link) not in log
    assert "forged-token" not in log
    # the facilitator's key appears once: the link printed for the facilitator at start-up
    assert [line for line in log.splitlines() if server.key in line] == [
        f"Facilitator: http://127.0.0.1:{server.port}/#key={server.key}"
    ]
    assert f"Uvicorn running on http://127.0.0.1:{server.port}" in log


def test_a_port_in_use_is_refused_with_a_reason(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--out", str(tmp_path)])
    exited(result, 2)
    assert f"--port: cannot listen on 127.0.0.1:{port}" in result.output


def test_a_configs_folder_without_scenarios_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--configs", str(tmp_path), "--out", str(tmp_path)])
    exited(result, 2)
    assert "has no scenarios/ folder" in result.output


def test_serve_listens_on_this_machine_only_unless_told(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "[default: 127.0.0.1]" in result.output and "[default: 8765]" in result.output
