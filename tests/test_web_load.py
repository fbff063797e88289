"""A classroom's worth of load on loopback: 30 players in 10 sessions of the baseline scenario, all
moving at once against one ``wargame serve``. Bounded: at most 2 minutes and 150 decisions a
player. Every move must land (none lost, none refused), every transcript must be complete, and the
latency percentiles are written to ``runs/screenshots/load-test.json`` (docs/classroom.md reports them)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from .processes import wait_for
from .webserver import ARTIFACTS, LiveServer, a_move, new_session

pytestmark = pytest.mark.slow

SESSIONS = 10
HUMANS = ("seoul", "washington", "pyongyang")  # 3 players a session: 30 in all
DEADLINE = 120.0  # seconds for the whole class
MAX_MOVES = 150  # a player's decisions, at most


def test_thirty_players_in_ten_sessions_lose_no_move(tmp_path):
    with LiveServer(tmp_path) as server:
        sessions = [
            new_session(server.url, server.key, "summit_2025_package.yaml", HUMANS) for _ in range(SESSIONS)
        ]
        for boss, sid, _ in sessions:
            assert boss.post(f"/api/sessions/{sid}/start").status_code == 200
        moves: dict[tuple[str, str], list] = {}
        move_ms: list[float] = []
        state_ms: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + DEADLINE

        def player(sid: str, actor: str, seat) -> None:
            sent = moves.setdefault((sid, actor), [])

            def my_turn() -> dict | None:
                """The seat's state once it has a decision to make or the game is over."""
                t0 = time.perf_counter()
                r = seat.get("/api/seat")
                took = 1000 * (time.perf_counter() - t0)
                if r.status_code != 200:
                    raise AssertionError(f"{actor} GET {r.status_code} {r.text}")
                with lock:
                    state_ms.append(took)
                state = r.json()
                return state if state["ask"] is not None or state["status"] == "complete" else None

            try:
                while len(sent) < MAX_MOVES:
                    left = max(stop - time.monotonic(), 0.1)
                    state = wait_for(my_turn, left, f"{actor}'s turn in {sid} (or the game's end)")
                    if state["status"] == "complete":
                        return
                    move = a_move(state, reject_first=4)
                    t0 = time.perf_counter()
                    r = seat.post("/api/seat/move", {"number": state["ask"]["number"], "move": move})
                    took = 1000 * (time.perf_counter() - t0)
                    if r.status_code != 200:
                        raise AssertionError(f"{actor} move {r.status_code} {r.text}")
                    sent.append(move)
                    with lock:
                        move_ms.append(took)
            except AssertionError as err:  # a thread's failure fails the test below, with its message
                errors.append(str(err))

        threads = [
            threading.Thread(target=player, args=(sid, actor, seat))
            for _, sid, seats in sessions
            for actor, seat in seats.items()
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(DEADLINE + 30)
        wall = time.perf_counter() - started

        assert not errors, errors[:5]
        assert len(threads) == 30
        for boss, sid, _ in sessions:
            state = boss.get(f"/api/sessions/{sid}").json()
            assert state["status"] == "complete", (sid, state["status"])
            folder = Path(state["folder"])
            transcript = yaml.safe_load((folder / "transcript.yaml").read_text())
            assert transcript["status"] == "complete" and transcript["episode"] is not None
            # no lost move: each player's moves are exactly its decisions in the transcript, in order
            for actor in HUMANS:
                played = [d for d in transcript["decisions"] if d["actor"] == actor]
                assert len(played) == len(moves[(sid, actor)]), (sid, actor)
            assert json.loads((folder / "session.json").read_text())["moves"] == {
                a: moves[(sid, a)] for a in HUMANS
            }

    def percentiles(values: list[float]) -> dict[str, float]:
        q = np.percentile(values, [50, 90, 95, 99])
        return {"n": len(values), "p50": q[0], "p90": q[1], "p95": q[2], "p99": q[3], "max": max(values)}

    report = {
        "players": len(threads),
        "sessions": SESSIONS,
        "wall_seconds": wall,
        "moves_ms": percentiles(move_ms),
        "state_ms": percentiles(state_ms),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load-test.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
