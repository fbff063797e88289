"""Shared paths, fixtures and helpers for the tests."""

from pathlib import Path

import pytest

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
