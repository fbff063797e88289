"""What the commands say around a run: help, progress, notes, resume hints, exit statuses, and the
files given to the wrong command (issue 21's smaller defects, one test each)."""

from __future__ import annotations

import json
import re
import socket

import pytest
import yaml
from typer.testing import CliRunner

from wargame import chunks, executors, montecarlo, rundir
from wargame.cli import app
from wargame.errors import WargameError
from wargame.montecarlo import Interrupted, run_experiment
from wargame.sensitivity import sensitivity_plan

from .conftest import EXPERIMENTS, ROOT, SMALL, TEACHING, exited

runner = CliRunner()
OBSERVED = ROOT / "configs" / "observed" / "summit_2025_outcome.yaml"
MC = ROOT / "configs" / "experiments" / "summit_2025_mc.yaml"


def run_dirs(out):
    return [p for p in out.glob("*/*") if p.is_dir()]


@pytest.mark.parametrize("command", [[], ["run"], ["batch"], ["play"], ["serve"], ["discover"]])
def test_help_names_arguments_in_capitals_and_gives_flags_no_type(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    exited(result, 0)
    assert "<bool>" not in result.output
    assert not re.search(r"\{[a-z_]+\}", result.output), result.output  # "{scenario}": a raw metavar
    if command in (["run"], ["batch"], ["play"]):
        usage = next(line for line in result.output.splitlines() if "Usage:" in line)
        assert usage.rstrip().rstrip("]").split()[-1].isupper(), usage  # SCENARIO, EXPERIMENT


def test_sigterm_exits_143_and_names_the_command_to_resume(monkeypatch, tmp_path):
    def terminated(*args, **kwargs):
        raise Interrupted(tmp_path, 143)

    monkeypatch.setattr(montecarlo, "run_experiment", terminated)
    result = runner.invoke(app, ["batch", str(SMALL), "--out", str(tmp_path)])
    exited(result, 143)
    assert f"resume with wargame batch --resume {tmp_path}" in result.output


def test_a_run_refused_at_validation_shows_no_progress(tmp_path):
    result = runner.invoke(app, ["batch", str(EXPERIMENTS / "unknown_key.yaml"), "--out", str(tmp_path)])
    exited(result, 2)
    assert "episodes" not in result.output
    assert not run_dirs(tmp_path)


def test_progress_is_printed_as_lines_when_stderr_is_not_a_terminal(tmp_path):
    result = runner.invoke(app, ["batch", str(SMALL), "--out", str(tmp_path), "--executor", "serial"])
    exited(result, 0)
    assert "episodes 24/24 (100%)" in result.output


def _sensitivity_run_dir(tmp_path):
    plan = sensitivity_plan(EXPERIMENTS / "analytic.yaml")
    manifest = rundir.new_manifest(["test"], runs=plan.experiment.runs, seed=plan.experiment.seed)
    files = {rundir.CONFIG: rundir.yaml_text(plan.config()), rundir.MANIFEST: rundir.json_text(manifest)}
    return rundir.create(tmp_path, plan.experiment.name, files=files)


@pytest.mark.parametrize("command", ["batch", "sweep"])
def test_resuming_a_run_with_another_command_names_the_one_that_runs_it(tmp_path, command):
    run_dir = _sensitivity_run_dir(tmp_path)
    result = runner.invoke(app, [command, "--resume", str(run_dir)], env={"COLUMNS": "300"})
    exited(result, 2)
    assert f"resume it with wargame sensitivity --resume {run_dir}" in result.output
    assert "is a design" not in result.output


def test_a_resume_keeps_the_command_that_started_the_run(tmp_path):
    def stop(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(SMALL, out=tmp_path, executor="serial", progress=stop, command=["first"])
    (run_dir,) = run_dirs(tmp_path)
    run_experiment(None, resume=run_dir, executor="serial", command=["second"])
    run_experiment(None, resume=run_dir, executor="serial", command=["third"])  # finished: no change
    manifest = json.loads((run_dir / rundir.MANIFEST).read_text())
    assert manifest["command"] == ["first"]
    assert [r["command"] for r in manifest["resumes"]] == [["second"]]
    assert manifest["status"] == "complete"


def test_an_unreachable_scheduler_leaves_no_run_directory_marked_failed(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT", "1s")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = runner.invoke(
        app, ["batch", str(SMALL), "--out", str(tmp_path), "--scheduler", f"tcp://127.0.0.1:{port}"]
    )
    exited(result, 2)
    assert "cannot reach the Dask scheduler" in result.output
    assert not run_dirs(tmp_path)


def test_a_big_run_is_announced_and_one_too_big_for_the_disk_stops_after_its_first_chunk(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(montecarlo, "BIG_RUN", 10)
    result = runner.invoke(app, ["batch", str(SMALL), "--out", str(tmp_path / "a"), "--executor", "serial"])
    exited(result, 0)
    text = " ".join(result.output.split())
    assert "note: 24 episodes: the time left shows as they finish" in text
    assert "of results (" in text and "an episode)" in text

    monkeypatch.setattr(chunks.shutil, "disk_usage", lambda path: type("U", (), {"free": 1000})())
    result = runner.invoke(app, ["batch", str(SMALL), "--out", str(tmp_path / "b"), "--executor", "serial"])
    exited(result, 2)
    assert "of disk" in result.output and "is free: stopped after the first chunk" in result.output
    (run_dir,) = run_dirs(tmp_path / "b")
    manifest = json.loads((run_dir / rundir.MANIFEST).read_text())
    assert manifest["episodes_done"] == 0 and manifest["status"] == "failed"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["batch", TEACHING, "--out", "OUT"], "this is a scenario"),
        (["sensitivity", TEACHING, "--out", "OUT"], "this is a scenario"),
        (["batch", OBSERVED, "--out", "OUT"], "this is an observed-outcome file"),
        (["run", MC], "this is an experiment"),
        (["play", MC, "--as", "seoul", "--out", "OUT"], "this is an experiment"),
        (["calibrate", MC, "--observed", TEACHING, "--out", "OUT"], "this is a scenario"),
    ],
    ids=["batch", "sensitivity", "observed", "run", "play", "calibrate"],
)
def test_a_file_of_the_wrong_kind_is_named_as_what_it_is(tmp_path, args, says):
    args = [str(tmp_path) if a == "OUT" else str(a) for a in args]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    exited(result, 2)
    lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(lines) == 1 and says in lines[0], result.output
    assert not run_dirs(tmp_path)  # refused before any episode was played


def test_validate_knows_observed_files(tmp_path):
    result = runner.invoke(app, ["validate", str(OBSERVED)])
    exited(result, 0)
    bad = tmp_path / "observed.yaml"
    bad.write_text(yaml.safe_dump({"observed": {"outcome.tariff": {"value": "high"}}}))
    result = runner.invoke(app, ["validate", str(bad)])
    exited(result, 2)
    assert "observed.outcome.tariff" in result.output


def test_every_set_on_a_batch_is_noted_and_kept_in_its_config(tmp_path):
    result = runner.invoke(
        app,
        ["batch", str(SMALL), "--out", str(tmp_path), "--executor", "serial", "--set", "rounds=6"],
        env={"COLUMNS": "300"},
    )
    exited(result, 0)
    assert "note: --set rounds=6 is fixed for every episode" in result.output
    (run_dir,) = run_dirs(tmp_path)
    notes = yaml.safe_load((run_dir / rundir.CONFIG).read_text())["notes"]
    assert notes and "rounds=6" in notes[0]


def test_wargame_error_is_raised_for_a_scenario_given_to_run_experiment(tmp_path):
    with pytest.raises(WargameError, match="this is a scenario"):
        run_experiment(TEACHING, out=tmp_path)


def test_the_retired_sample_size_says_why_in_a_file_and_on_the_command_line(tmp_path):
    """Issue 23: ``max_candidates`` is gone (offers are exact); a scenario file, an experiment's
    ``--set`` or a run's ``--set`` that still names it is refused with the reason, exit 2, and no
    run directory is made."""
    bad = ROOT / "tests" / "data" / "bad" / "max_candidates.yaml"
    bilateral = str(ROOT / "configs" / "scenarios" / "bilateral.yaml")
    for args in (
        ["run", str(bad)],
        ["run", bilateral, "--set", "max_candidates=500"],
        ["batch", str(SMALL), "--out", str(tmp_path), "--executor", "serial", "--set", "max_candidates=500"],
    ):
        result = runner.invoke(app, args)
        exited(result, 2)
        assert "no longer a setting: offers are computed exactly" in result.output
        assert "Traceback" not in result.output
    assert not run_dirs(tmp_path)
