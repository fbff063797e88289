"""Monte Carlo runs: seeding, executors, the run directory, resume, errors, the Python API."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wargame.errors import WargameError
from wargame.experiment import load_experiment
from wargame.montecarlo import episode_seeds, play_episode, run_experiment
from wargame.results import load_run

from .conftest import EXPERIMENTS, SMALL


def _files(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(run_dir.iterdir()) if p.is_file()}


def test_episode_seeds_follow_seedsequence_spawn():
    children = np.random.SeedSequence(123).spawn(10)
    for k in (0, 3, 9):
        params_seq, model_seq = children[k].spawn(2)
        rng, model_seed = episode_seeds(123, k)
        assert rng.random() == np.random.default_rng(params_seq).random()
        assert model_seed == int(model_seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def test_episode_k_is_the_same_alone_or_in_a_run(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path)
    plan = load_experiment(SMALL)
    row, _ = play_episode(plan.base_scenario(), plan.experiment.uncertain, plan.experiment.seed, 17)
    stored = result.episodes.iloc[17]
    pd.testing.assert_series_equal(stored, pd.Series(row, dtype=object), check_names=False, check_dtype=False)


def test_run_directory_contents(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path, trace=True)
    d = result.run_dir
    assert d.parent == tmp_path / "small"
    assert {p.name for p in d.iterdir() if not p.name.startswith(".")} == {
        "config.yaml",
        "manifest.json",
        "episodes.parquet",
        "rounds.parquet",
        "summary.json",
        "summary.md",
    }
    manifest = json.loads((d / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["episodes_done"] == 24 and manifest["seed"] == 7
    assert {"python", "mesa", "numpy", "peninsula-wargame"} <= set(manifest["versions"])
    eps = result.episodes
    assert list(eps["episode"]) == list(range(24))
    assert {
        "param.actors.washington.ideal.defense_spending",
        "deal",
        "outcome.tariff",
        "gain.seoul",
        "events.pyongyang_provocation",
        "nash_distance",
    } <= set(eps.columns)
    rounds = result.rounds
    assert set(rounds["episode"]) == set(range(24))
    assert len(rounds) == eps["rounds_played"].sum()
    summary = json.loads((d / "summary.json").read_text())
    assert summary["episodes"] == 24 and 0 <= summary["deal_rate"]["low"] <= summary["deal_rate"]["high"] <= 1
    assert "Deal rate" in (d / "summary.md").read_text()
    # the config is fully resolved and reproduces without the original files
    again = run_experiment(load_run(d).plan, executor="serial", out=tmp_path)
    pd.testing.assert_frame_equal(again.episodes, eps)


def test_identical_results_for_any_worker_count(tmp_path):
    serial = run_experiment(SMALL, executor="serial", out=tmp_path / "a")
    pool = run_experiment(SMALL, executor="process", workers=2, out=tmp_path / "b")
    assert (serial.run_dir / "episodes.parquet").read_bytes() == (
        pool.run_dir / "episodes.parquet"
    ).read_bytes()


@pytest.mark.slow
def test_identical_results_on_a_dask_local_cluster(tmp_path):
    serial = run_experiment(SMALL, executor="serial", out=tmp_path / "a")
    dask = run_experiment(SMALL, executor="dask", workers=2, out=tmp_path / "b")
    assert (serial.run_dir / "episodes.parquet").read_bytes() == (
        dask.run_dir / "episodes.parquet"
    ).read_bytes()
    assert json.loads((dask.run_dir / "manifest.json").read_text())["executor"] == "dask"


@pytest.mark.slow
def test_killed_run_resumes_to_identical_results(tmp_path):
    reference = run_experiment(SMALL, executor="serial", runs=60, out=tmp_path / "ref")
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wargame",
            "batch",
            str(SMALL),
            "--runs",
            "60",
            "--executor",
            "serial",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    chunks = []
    while time.monotonic() < deadline and len(chunks) < 3:
        chunks = list(out.glob("small/*/chunks/episodes-*.parquet"))
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (run_dir,) = out.glob("small/*")
    assert not (run_dir / "episodes.parquet").exists(), "killed too late to test resume"
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "running"
    saved = len(list((run_dir / "chunks").glob("episodes-*.parquet")))
    assert 3 <= saved < 12

    resumed = run_experiment(SMALL, executor="process", workers=2, runs=60, resume=run_dir)
    assert resumed.run_dir == run_dir
    assert (run_dir / "episodes.parquet").read_bytes() == (
        reference.run_dir / "episodes.parquet"
    ).read_bytes()
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "complete"
    assert not (run_dir / "chunks").exists()


def test_resume_refuses_a_different_config_and_damages_nothing(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path)
    before = _files(result.run_dir)
    with pytest.raises(WargameError, match="different configuration: experiment.seed"):
        run_experiment(SMALL, seed=8, executor="serial", resume=result.run_dir)
    with pytest.raises(WargameError, match="experiment.runs"):
        run_experiment(SMALL, runs=30, executor="serial", resume=result.run_dir)
    assert _files(result.run_dir) == before


def test_resume_of_a_complete_run_changes_nothing(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path)
    before = _files(result.run_dir)
    again = run_experiment(SMALL, executor="serial", resume=result.run_dir)
    assert again.run_dir == result.run_dir and _files(result.run_dir) == before


def test_resume_of_corrupt_run_directories(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(result.run_dir, broken)
    (broken / "manifest.json").write_text("{not json")
    with pytest.raises(WargameError, match="manifest.json is unreadable or corrupt"):
        run_experiment(SMALL, executor="serial", resume=broken)
    (broken / "manifest.json").unlink()
    with pytest.raises(WargameError, match="manifest.json is missing"):
        run_experiment(SMALL, executor="serial", resume=broken)
    with pytest.raises(WargameError, match="no such run directory"):
        run_experiment(SMALL, executor="serial", resume=tmp_path / "nowhere")

    # a damaged saved chunk is reported, not silently recomputed or overwritten
    partial = tmp_path / "partial"
    shutil.copytree(result.run_dir, partial)
    manifest = json.loads((partial / "manifest.json").read_text())
    manifest["status"] = "running"
    (partial / "manifest.json").write_text(json.dumps(manifest))
    (partial / "chunks").mkdir()
    (partial / "chunks" / "episodes-000001.parquet").write_bytes(b"garbage")
    with pytest.raises(WargameError, match="saved chunk is corrupt"):
        run_experiment(SMALL, executor="serial", resume=partial)
    assert (partial / "chunks" / "episodes-000001.parquet").read_bytes() == b"garbage"


def test_new_runs_never_overwrite(tmp_path):
    a = run_experiment(SMALL, executor="serial", runs=5, out=tmp_path)
    b = run_experiment(SMALL, executor="serial", runs=5, out=tmp_path)
    assert a.run_dir != b.run_dir and a.run_dir.exists() and b.run_dir.exists()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("bad_sd.yaml", "sd: Input should be greater than 0"),
        (
            "bad_bounds.yaml",
            "bad_bounds.yaml:15: uncertain.actors.seoul.perception_noise: low (0.2) must be below",
        ),
        ("unknown_path.yaml", "nearest valid paths: actors.seoul.perception_noise"),
        ("zero_runs.yaml", "runs: Input should be greater than or equal to 1"),
        ("missing_scenario.yaml", "scenario file not found"),
        ("unknown_dist.yaml", "'uniformm'"),
        ("invalid_extreme.yaml", "uniform can draw 2.0, which is invalid here"),
        ("unknown_key.yaml", "did you mean 'chunk_size'"),
    ],
)
def test_bad_experiments(name, words, tmp_path):
    with pytest.raises(WargameError) as info:
        run_experiment(EXPERIMENTS / name, executor="serial", out=tmp_path)
    assert words in str(info.value)
    assert str(EXPERIMENTS / name) in str(info.value)
    assert not any(tmp_path.iterdir()), "nothing is written for a bad experiment"


def test_bad_options(tmp_path):
    with pytest.raises(WargameError, match="--runs"):
        run_experiment(SMALL, runs=0, out=tmp_path)
    with pytest.raises(WargameError, match="unknown executor"):
        run_experiment(SMALL, executor="threads", out=tmp_path)
    with pytest.raises(WargameError, match="--workers"):
        run_experiment(SMALL, workers=0, out=tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(WargameError, match="cannot create a run directory"):
        run_experiment(SMALL, executor="serial", out=blocker / "sub")
    with pytest.raises(WargameError, match="actors.seoul.salience.tariff"):
        run_experiment(SMALL, overrides={"actors.seoul.salince.tariff": 0.3}, out=tmp_path)


def test_fixed_overrides_apply_to_every_episode(tmp_path):
    fixed = {"rounds": 4, "actors.seoul.strategy": {"name": "hardliner", "level": 0.99}}
    result = run_experiment(SMALL, executor="serial", runs=12, out=tmp_path, overrides=fixed)
    eps = result.episodes
    assert (eps["rounds_played"] <= 4).all()
    # a 0.99-hardliner Seoul accepts nothing below 0.99 x its discount (0.98)
    assert (eps.loc[eps["deal"], "utility.seoul"] >= 0.99 * 0.98 - 1e-9).all()
    assert (eps.loc[~eps["deal"], "outcome.troop_level"] == 24.0).all()
    assert result.plan.scenario["rounds"] == 4


def test_load_run_and_summary(tmp_path):
    result = run_experiment(SMALL, executor="serial", out=tmp_path)
    loaded = load_run(result.run_dir)
    pd.testing.assert_frame_equal(loaded.episodes, result.episodes)
    assert loaded.summary() == json.loads((result.run_dir / "summary.json").read_text())


def test_resume_from_the_run_directory_alone(tmp_path):
    from typer.testing import CliRunner

    from wargame.cli import app

    reference = run_experiment(SMALL, executor="serial", runs=20, seed=3, out=tmp_path / "ref")
    interrupted = run_experiment(SMALL, executor="serial", runs=20, seed=3, out=tmp_path / "cut")
    # simulate a kill: the final files gone, two chunks saved
    d = interrupted.run_dir
    (d / "chunks").mkdir()
    for i in (0, 2):
        run = run_experiment(load_run(d).plan, executor="serial", out=tmp_path / "tmp")
        frame = run.episodes.iloc[i * 5 : i * 5 + 5].reset_index(drop=True)
        frame.to_parquet(d / "chunks" / f"episodes-{i:06d}.parquet", index=False)
    (d / "episodes.parquet").unlink()
    manifest = json.loads((d / "manifest.json").read_text())
    manifest["status"] = "running"
    (d / "manifest.json").write_text(json.dumps(manifest))
    result = CliRunner().invoke(app, ["batch", "--resume", str(d), "--executor", "serial"])
    assert result.exit_code == 0, result.output
    assert (d / "episodes.parquet").read_bytes() == (reference.run_dir / "episodes.parquet").read_bytes()
    # options given with --resume must agree with the run
    refused = CliRunner().invoke(app, ["batch", "--resume", str(d), "--seed", "4"])
    assert refused.exit_code == 2 and "different configuration" in refused.output


def test_a_locked_run_directory_is_refused(tmp_path):
    from wargame import rundir

    result = run_experiment(SMALL, executor="serial", runs=5, out=tmp_path)
    with rundir.locked(result.run_dir), pytest.raises(WargameError, match="another process is writing"):
        run_experiment(SMALL, executor="serial", runs=5, resume=result.run_dir)


def test_plan_options_are_validated(tmp_path):
    plan = load_experiment(SMALL)
    with pytest.raises(WargameError, match="--runs"):
        run_experiment(plan, runs=0, out=tmp_path)
    with pytest.raises(WargameError, match="--seed"):
        run_experiment(plan, seed=-1, out=tmp_path)
    assert not any(tmp_path.iterdir())


def test_drawn_strategies_are_copies(tmp_path):
    plan = load_experiment(SMALL)
    before = plan.fingerprint()
    for k in range(5):
        play_episode(plan.base_scenario(), plan.experiment.uncertain, plan.experiment.seed, k)
    assert plan.fingerprint() == before
