"""The bad-input corpus (tests/corpus.py): no input crashes the tool, none is wrongly accepted.

The default run plays an evenly spread twentieth of the mutated files; ``pytest -m slow`` (CI)
plays all of them, and the ``--set`` values and the garbage typed into ``wargame play``. Each test
prints its tally (``pytest -s``).
"""

import os
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from wargame.cli import app

from .conftest import SCENARIOS, SHIPPED_EXPERIMENTS, TEACHING
from .corpus import (
    SET_PATHS,
    SET_VALUES,
    Tally,
    csv_variants,
    csv_work,
    experiment_work,
    finite,
    judge,
    mutants,
    scenario_work,
)

QUICK = 20  # the default run plays every 20th mutant


def _check(tally: Tally, family: str) -> None:
    print(tally.line(family))
    assert not tally.crashes, tally.crashes[:5]
    assert not tally.wrongly_accepted, tally.wrongly_accepted[:5]
    assert tally.refused and tally.accepted  # the corpus reaches both sides


def _scenarios(every: int) -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        tally = Tally()
        for label, mutant in mutants(yaml.safe_load(path.read_text()), every):
            judge(tally, label, scenario_work(mutant, label))
        _check(tally, f"scenario {path.stem} (1 in {every})")


def _experiments(every: int, folder: Path) -> None:
    for path in sorted(SHIPPED_EXPERIMENTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data["scenario"] = str((path.parent / data["scenario"]).resolve())
        if "sensitivity" in data:  # one-at-a-time, one episode per point: the quickest design to build
            data["sensitivity"].update(method="oat", samples=1)
        tally = Tally()
        for label, mutant in mutants(data, every):
            judge(tally, label, experiment_work(mutant, label, folder))
        _check(tally, f"experiment {path.stem} (1 in {every})")


def test_mutated_scenarios_quick():
    _scenarios(QUICK)


def test_mutated_experiments_quick(tmp_path):
    _experiments(QUICK, tmp_path)


def test_malformed_actor_tables(tmp_path):
    tally = Tally()
    for label, content in csv_variants():
        judge(tally, label, csv_work(content, label, tmp_path))
    _check(tally, "actor tables")


@pytest.mark.slow
def test_mutated_scenarios_all():
    _scenarios(1)


@pytest.mark.slow
def test_mutated_experiments_all(tmp_path):
    _experiments(1, tmp_path)


@pytest.mark.slow
def test_set_values():
    """Every --set value on every kind of path: exit 0 with valid JSON, or 2 with a message."""
    runner = CliRunner()
    tally = Tally()
    for path in SET_PATHS:
        for value in SET_VALUES:

            def work(path=path, value=value):
                import json

                result = runner.invoke(app, ["run", str(TEACHING), "--json", "--set", f"{path}={value}"])
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    raise result.exception
                if result.exit_code == 2:
                    from wargame.errors import WargameError

                    assert result.output.startswith("error: "), result.output
                    raise WargameError(result.output)
                if result.exit_code != 0:
                    return f"exit {result.exit_code}: {result.output[-300:]}"
                data = json.loads(result.output)
                return None if finite(data) else "non-finite JSON"

            judge(tally, f"--set {path}={value}", work)
    _check(tally, "--set values")


GARBAGE = [
    "[/x]",
    "[bold]",
    "\x1b[31mred",
    "9" * 4000,  # a terminal line holds 4,095 characters (a 100,000-digit pipe: test_classroom)
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "   ",
    "３.２",  # fullwidth digits: Python reads them as 3.2
    "y" * 5000,
    "\x07\x08",
    "0x10",
    "1_000",
    "3.2.1",
    "∞",
]


@pytest.mark.slow
def test_garbage_typed_into_play_through_a_terminal(tmp_path):
    """Whatever is typed at the keyboard is asked again with its reason; the game goes on, is never
    corrupted, and ends (here at the end of input) with its transcript saved."""
    pexpect = pytest.importorskip("pexpect")
    tally = Tally()
    for i, garbage in enumerate(GARBAGE):

        def work(i=i, garbage=garbage):
            out = tmp_path / f"g{i}"
            child = pexpect.spawn(
                sys.executable,
                ["-m", "wargame", "play", str(TEACHING), "--as", "seoul", "--out", str(out)],
                encoding="utf-8",
                timeout=60,
                dimensions=(50, 140),
                env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
            )
            child.expect(r"Enter\s+=\s+\S+\): ")
            child.sendline(garbage)
            child.expect(r"not a number|not allowed|Enter\s+=")  # refused with a reason, or taken
            child.sendeof()
            child.expect(pexpect.EOF)
            child.close()
            if child.exitstatus != 0:
                return f"exit {child.exitstatus}: {child.before[-300:]}"
            if "Traceback" in child.before:
                return "traceback"
            (folder,) = (out / "classroom").iterdir()
            saved = yaml.safe_load((folder / "transcript.yaml").read_text())
            return None if saved["status"] == "ended" else f"status {saved['status']}"

        judge(tally, f"typed {garbage[:20]!r}", work)
    print(tally.line("typed into play"))
    assert not tally.crashes and not tally.wrongly_accepted, tally.crashes + tally.wrongly_accepted
    assert tally.tried == len(GARBAGE)
