"""A classroom server (``wargame serve``) in its own process, for the browser, security and load
tests, and a small client of its API."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from .conftest import ROOT
from .processes import wait_for

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("WARGAME_ARTIFACTS", ROOT / "runs" / "screenshots"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``wargame serve`` on a free loopback port, its output in ``log``; start, stop, restart.

    Each start puts the server in a process group of its own (with the explorer's workers it
    spawns): stopping it ends the whole group, so nothing it started outlives the test."""

    def __init__(self, out: Path, *args: str, key: str | None = None):
        self.out = Path(out)
        self.args = args
        self.key = key or secrets.token_urlsafe(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.out / "server.log"
        self.process: subprocess.Popen | None = None
        self.groups: list[int] = []  # every process group started (a killed server's workers linger)

    def start(self) -> LiveServer:
        self.out.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "wargame", "serve", "--port", str(self.port), "--out", str(self.out)]
        command += [
            "--configs",
            str(ROOT / "configs"),
            "--reference-runs",
            "20",
            "--workers",
            "1",
            *self.args,
        ]
        env = {**os.environ, "WARGAME_FACILITATOR_KEY": self.key, "COLUMNS": "200"}
        with open(self.log, "a") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
            )
        self.process = process
        self.groups.append(process.pid)  # a new session's leader: its pid is the group's id
        try:
            wait_for(lambda: self._answers(process), 30, f"the server to answer at {self.url}")
        except (AssertionError, RuntimeError) as err:
            self.stop()  # whatever it started goes with it
            raise RuntimeError(f"{err}; its log:\n{self.log.read_text()}") from None
        return self

    def _answers(self, process: subprocess.Popen) -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            return httpx.get(self.url + "/", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        """A clean shutdown (SIGTERM: the server stops its workers), then every process left in
        the server's groups killed."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):  # then killed with its group below
                process.wait(timeout=15)
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.groups.clear()
        if process is not None:
            process.wait(timeout=15)

    def kill(self) -> None:
        """Stop it as a crash would: no chance to clean up (its workers must notice on their own;
        :meth:`stop` still ends them if they do not)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Client:
    """The API as one browser would use it: the facilitator's key or a seat's token."""

    def __init__(self, url: str, secret: str | None = None):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.http = httpx.Client(base_url=url, headers=headers, timeout=30)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, json: object = None, **kw) -> httpx.Response:
        return self.http.post(path, json=json, **kw)


def token_of(link: str) -> str:
    """The token in a join link (``/play#t=TOKEN``)."""
    return link.split("#t=", 1)[1]


def new_session(
    url: str, key: str, scenario: str = "summit_2025.yaml", humans=("seoul", "washington"), **extra
):
    """Create and start a session; the facilitator's client, the session id and each seat's client."""
    boss = Client(url, key)
    made = boss.post("/api/sessions", {"scenario": scenario, "humans": list(humans), "seed": 1, **extra})
    assert made.status_code == 200, made.text
    sid = made.json()["id"]
    links = boss.get(f"/api/sessions/{sid}").json()["links"]
    seats = {a: Client(url, token_of(link)) for a, link in links.items()}
    return boss, sid, seats


def a_move(state: dict, reject_first: int = 2) -> object:
    """A legal move for the decision a seat's state asks for: propose the offer on the table (each
    issue's settled value or the standing offer), reject the first ``reject_first`` offers, then
    accept; a stakeholder passes."""
    ask = state["ask"]
    if ask["kind"] == "propose":
        return {
            "propose": {
                i["name"]: (i["settled"] if i["settled"] is not None else i["on_table"])
                for i in state["table"]["issues"]
            }
        }
    if ask["kind"] == "respond":
        return "reject" if ask["round"] < reject_first else "accept"
    return "pass"
