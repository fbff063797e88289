"""No process outlives its parent: worker pools exit when the command that started them is killed
outright (SIGKILL gives it no chance to stop them), for ``wargame batch`` and ``wargame serve``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SMALL
from .processes import command_line, descendants, wait_for, wait_gone
from .webserver import LiveServer

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")


def spawned(pid: int) -> list[int]:
    """The multiprocessing children (spawned workers, the resource tracker) below ``pid``."""
    return [p for p in descendants(pid) if "multiprocessing" in command_line(p)]


def workers_up(pid: int, count: int) -> list[int] | None:
    """Every multiprocessing child below ``pid`` once ``count`` spawned workers are among them."""
    found = spawned(pid)
    return found if sum("spawn_main" in command_line(p) for p in found) >= count else None


def test_a_killed_batch_leaves_no_worker_behind(tmp_path):
    command = [sys.executable, "-m", "wargame", "batch", str(SMALL), "--runs", "200000"]
    command += ["--workers", "2", "--out", str(tmp_path)]
    batch = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # both workers up (and the tracker): the run is under way
        workers = wait_for(lambda: workers_up(batch.pid, 2), 60, "the workers")
    finally:
        batch.kill()
        batch.wait(timeout=30)
    left = wait_gone(workers, 20)
    assert not left, [command_line(p) for p in left]


def test_a_killed_classroom_server_leaves_no_worker_behind(tmp_path):
    server = LiveServer(tmp_path).start()  # starts the explorer's worker at once
    try:
        workers = wait_for(lambda: workers_up(server.process.pid, 1), 60, "the explorer's worker")
    finally:
        server.kill()
    left = wait_gone(workers, 20)
    assert not left, [command_line(p) for p in left]
