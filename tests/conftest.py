"""Shared paths, fixtures and helpers for the tests."""

import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest

from .processes import become_subreaper, command_line, descendants, wait_gone

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "configs" / "scenarios"
TEACHING = SCENARIOS / "summit_2025.yaml"  # three issues: the teaching scenario
PACKAGE = SCENARIOS / "summit_2025_package.yaml"  # the whole package: the baseline
BILATERAL = SCENARIOS / "bilateral.yaml"
SHIPPED_EXPERIMENTS = ROOT / "configs" / "experiments"
DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
EXPERIMENTS = DATA / "experiments"
SMALL = EXPERIMENTS / "small.yaml"


def events_off(scenario, keep=()) -> dict:
    """Overrides that switch off every event of ``scenario`` but those in ``keep`` (their actors
    never fire them) and its scheduled injects: nobody acts unless a test says so."""
    return {"injects": [], **{f"events.{e}.max_fires": 0 for e in scenario.events if e not in keep}}


def exited(result, code: int) -> None:
    """A CliRunner result ended with exit ``code`` through typer.Exit/SystemExit, not an uncaught
    exception (which a user would see as a traceback)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.fixture(scope="session")
def teaching():
    from wargame.scenario import load_scenario

    return load_scenario(TEACHING)


@pytest.fixture(scope="session")
def package():
    from wargame.scenario import load_scenario

    return load_scenario(PACKAGE)


@pytest.fixture(scope="session")
def bilateral():
    from wargame.scenario import load_scenario

    return load_scenario(BILATERAL)


# --------------------------------------------------------------------------- no process left behind
# The run adopts orphaned descendants (a child subreaper), so a worker whose parent a test killed is
# still ours to find: at the end every process the tests started must have exited.
_LEFT_BEHIND_GRACE = 15.0  # s: a pool shutting down or a server stopping may take a moment


def _ours_for_life(pid: int) -> bool:
    # multiprocessing's resource tracker, started by this process's own pools, exits with it
    return "multiprocessing.resource_tracker" in command_line(pid)


def pytest_configure(config):
    config._wargame_subreaper = become_subreaper()


def pytest_sessionfinish(session, exitstatus):
    if not getattr(session.config, "_wargame_subreaper", False):
        return
    me = os.getpid()
    left = wait_gone([p for p in descendants(me) if not _ours_for_life(p)], _LEFT_BEHIND_GRACE)
    if not left:
        return
    lines = [f"  {pid}: {command_line(pid)[:200]}" for pid in left]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = "processes the tests started are still alive (now killed):\n" + "\n".join(lines)
    if reporter is not None:
        reporter.write_line(message, red=True)
    else:
        sys.stderr.write(message + "\n")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
