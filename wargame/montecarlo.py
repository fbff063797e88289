"""Monte Carlo experiments: many episodes with sampled parameters, reproducible at any scale.

Episode ``k`` of an experiment with seed ``s`` draws everything from
``SeedSequence(s).spawn(runs)[k]`` (built directly as ``SeedSequence(s, spawn_key=(k,))``): its
first child samples the uncertain parameters, its second seeds the Mesa model. So episode ``k``
has the same parameters and the same result whether it runs alone, serially, in a process pool or
on a Dask cluster, in any chunking and any order.

Work goes out in chunks of ``chunk_size`` episodes. Each finished chunk is saved atomically under
``chunks/``; the final ``episodes.parquet`` streams the chunks in order. A run killed at any moment
loses at most the chunks in flight, and :func:`run_experiment` with ``resume=`` computes only the
missing ones, giving a byte-identical result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from wargame import rundir
from wargame.design import Design, sensitivity_design, sweep_design
from wargame.distributions import Choice, Distribution, is_number, sample_parameters
from wargame.episode import Episode
from wargame.errors import Problem, WargameError
from wargame.executors import EXECUTORS, Chunk, execute
from wargame.experiment import Experiment, Plan, load_experiment
from wargame.model import NegotiationModel
from wargame.params import iter_leaves
from wargame.results import EPISODES, ROUNDS, ExperimentResult, load_run, write_summary
from wargame.scenario import Scenario, validate_scenario

CHUNKS = "chunks"
Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- one episode


def episode_seeds(seed: int, k: int) -> tuple[np.random.Generator, int]:
    """Episode ``k``'s parameter generator and model seed, from ``SeedSequence(seed).spawn(.)[k]``."""
    child = np.random.SeedSequence(seed, spawn_key=(k,))
    params_seq, model_seq = child.spawn(2)
    model_seed = int(model_seq.generate_state(1, np.uint64)[0] >> np.uint64(1))  # fits int64
    return np.random.default_rng(params_seq), model_seed


def _cell(value: Any, dist: Distribution) -> Any:
    """A sampled value as a table cell of a fixed type (so every chunk has the same schema)."""
    if isinstance(dist, Choice) and not all(is_number(v) for v in dist.values):
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return float(value)


def play_episode(
    base: Scenario,
    uncertain: Mapping[str, Distribution],
    seed: int,
    k: int,
    trace: bool = False,
    design: Design | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Sample, play and flatten episode ``k``: its row and (with ``trace``) its rounds.

    With a ``design``, episode ``k`` is replicate ``r`` of point ``p`` (``k = p * per_point + r``):
    the point fixes the design's parameters and :meth:`Design.point` says which seed stream the
    episode draws from (``r`` with common random numbers, else ``k``).
    """
    fixed: dict[str, float] = {}
    head: dict[str, Any] = {"episode": k}
    draw = k
    if design is not None:
        point, replicate, draw, fixed = design.point(k)
        head.update(point=point, replicate=replicate)
    rng, model_seed = episode_seeds(seed, draw)
    values = sample_parameters(uncertain, rng)
    scenario = base.with_values({**values, **fixed}, source=f"episode {k} (sampled parameters)")
    episode: Episode = NegotiationModel(scenario, seed=model_seed, collect=False).run()
    row: dict[str, Any] = {**head, "seed": model_seed}
    row.update({f"param.{path}": v for path, v in fixed.items()})
    row.update({f"param.{path}": _cell(v, uncertain[path]) for path, v in values.items()})
    row.update(episode.to_row())
    rounds = [{"episode": k, **r} for r in episode.round_rows()] if trace else []
    return row, rounds


# --------------------------------------------------------------------------- one chunk


def design_of(exp: Experiment, scenario: Scenario) -> Design | None:
    """The experiment's design (sensitivity or sweep), rebuilt from its spec; None for a batch."""
    if exp.sensitivity is not None:
        return sensitivity_design(exp.sensitivity, scenario, exp.seed)
    if exp.sweep is not None:
        return sweep_design(exp.sweep)
    return None


@lru_cache(maxsize=4)
def _prepare(payload: str) -> tuple[Scenario, dict[str, Distribution], int, bool, Design | None]:
    data = json.loads(payload)
    scenario = validate_scenario(data["scenario"], "config.yaml: scenario")
    exp = Experiment.model_validate(data["experiment"])
    return scenario, exp.uncertain, exp.seed, exp.trace, design_of(exp, scenario)


def run_chunk(payload: str, start: int, stop: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Episodes ``start .. stop-1``: a top-level function so process pools and Dask can ship it."""
    base, uncertain, seed, trace, design = _prepare(payload)
    rows, rounds = [], []
    for k in range(start, stop):
        row, trace_rows = play_episode(base, uncertain, seed, k, trace, design)
        rows.append(row)
        rounds.extend(trace_rows)
    return pd.DataFrame(rows), (pd.DataFrame(rounds) if trace else None)


def payload_of(plan: Plan) -> str:
    """What a worker needs, as one string (cached per process by :func:`_prepare`)."""
    # key order is meaning here (actors' order is the proposing order): never sort it
    return json.dumps({"experiment": plan.experiment.model_dump(mode="json"), "scenario": plan.scenario})


# --------------------------------------------------------------------------- the runner


def _chunk_path(run_dir: Path, i: int, kind: str = "episodes") -> Path:
    return run_dir / CHUNKS / f"{kind}-{i:06d}.parquet"


def _done_chunks(run_dir: Path, chunks: list[Chunk], trace: bool) -> set[int]:
    """Chunks already saved (and intact) by an earlier, interrupted attempt."""
    done = set()
    for i, a, b in chunks:
        paths = [_chunk_path(run_dir, i)] + ([_chunk_path(run_dir, i, "rounds")] if trace else [])
        if not all(p.exists() for p in paths):
            continue
        try:
            rows = pq.read_metadata(paths[0]).num_rows
            if trace:
                pq.read_metadata(paths[1])
        except (OSError, pa.ArrowException) as err:
            raise WargameError(
                Problem(
                    str(paths[0]), "", f"saved chunk is corrupt ({err}); delete it and resume to recompute it"
                )
            ) from None
        if rows != b - a:
            raise WargameError(
                Problem(
                    str(paths[0]), "", f"saved chunk has {rows} rows, expected {b - a}; delete it and resume"
                )
            )
        done.add(i)
    return done


def _assemble(run_dir: Path, chunks: list[Chunk], kind: str, target: str) -> None:
    """Stream the saved chunks, in order, into one Parquet file (atomically)."""

    def write(tmp: Path) -> None:
        writer = None
        try:
            for i, _, _ in chunks:
                table = pq.read_table(_chunk_path(run_dir, i, kind))
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    rundir.atomic_write(run_dir / target, write)


def _save_chunk(run_dir: Path, i: int, frame: pd.DataFrame, kind: str) -> None:
    path = _chunk_path(run_dir, i, kind)
    rundir.atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _check_resume(run_dir: Path, plan: Plan) -> dict[str, Any]:
    stored = load_run(run_dir)
    if stored.plan.fingerprint() != plan.fingerprint():
        mine = dict(iter_leaves(plan.config()))
        theirs = dict(iter_leaves(stored.plan.config()))
        diff = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        shown = ", ".join(f"{k} ({theirs.get(k)!r} there, {mine.get(k)!r} now)" for k in diff[:4])
        more = f" and {len(diff) - 4} more" if len(diff) > 4 else ""
        raise WargameError(
            Problem(
                str(run_dir),
                "--resume",
                f"refusing to resume: that run was made with a different configuration: {shown}{more}",
            )
        )
    return stored.manifest


def _replan(plan: Plan, changes: Mapping[str, Any], overrides: Mapping[str, Any] | None) -> Plan:
    """``plan`` with option changes and fixed overrides, re-validated like a file would be."""
    from pydantic import ValidationError

    try:
        exp = Experiment.model_validate({**plan.experiment.model_dump(), **changes})
    except ValidationError as err:
        first = err.errors()[0]
        where = "--" + str(first["loc"][0]) if first["loc"] else ""
        raise WargameError(Problem(where, "", f"{first['msg']} (got {first.get('input')!r})")) from None
    scenario = plan.scenario
    if overrides:
        scenario = plan.base_scenario().with_values(overrides, source="--set").data()
    return Plan(experiment=exp, scenario=scenario)


def run_experiment(
    experiment: str | Path | Plan | None,
    *,
    runs: int | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    out: str | Path = "runs",
    resume: str | Path | None = None,
    trace: bool | None = None,
    progress: Progress | None = None,
    command: list[str] | None = None,
    finalize: Callable[[ExperimentResult], None] | None = None,
) -> ExperimentResult:
    """Run (or resume) an experiment and return its :class:`ExperimentResult`.

    ``experiment`` is an experiment YAML path or a :class:`~wargame.experiment.Plan`;
    ``runs``/``seed``/``overrides``/``trace`` override the file. ``executor`` is ``serial``,
    ``process`` (``workers`` processes, default all cores) or ``dask`` (a LocalCluster of
    ``workers``, or the cluster at ``scheduler``). ``progress(done, total)`` is called as episodes finish.
    ``finalize(result)`` writes the summary once every episode is in (default: the Monte Carlo
    summary; sensitivity analyses and sweeps bring their own).
    """
    if executor not in EXECUTORS:
        raise WargameError(
            Problem("--executor", "", f"unknown executor '{executor}' (known: {', '.join(EXECUTORS)})")
        )
    if scheduler and executor != "dask":
        executor = "dask"
    if workers is not None and workers < 1:
        raise WargameError(Problem("--workers", "", f"must be at least 1 (got {workers})"))
    workers = workers or os.cpu_count() or 1
    if resume is not None and experiment is None:
        experiment = load_run(resume).plan  # the run's own config; options given must agree with it
    if experiment is None:
        raise WargameError(Problem("EXPERIMENT", "", "name an experiment file, or --resume a run directory"))
    if isinstance(experiment, Plan):
        changes: dict[str, Any] = {
            k: v for k, v in (("runs", runs), ("seed", seed), ("trace", trace)) if v is not None
        }
        plan = _replan(experiment, changes, overrides)
    else:
        plan = load_experiment(experiment, runs=runs, seed=seed, overrides=overrides)
        if trace is not None:
            plan = _replan(plan, {"trace": trace}, None)
    exp = plan.experiment
    if finalize is None and (exp.sensitivity is not None or exp.sweep is not None):
        kind = "wargame sensitivity" if exp.sensitivity is not None else "wargame sweep"
        raise WargameError(
            Problem("EXPERIMENT", "", f"this experiment is a design: run or resume it with {kind}")
        )
    if exp.runs is None:
        raise WargameError(Problem("--runs", "", "the experiment file gives no runs: say how many episodes"))

    run_dir = rundir.require_dir(resume) if resume is not None else rundir.create(out, exp.name)
    with rundir.locked(run_dir):
        return _execute(
            run_dir, plan, resume is not None, executor, workers, scheduler, progress, command, finalize
        )


def _execute(
    run_dir: Path,
    plan: Plan,
    resuming: bool,
    executor: str,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
    command: list[str] | None,
    finalize: Callable[[ExperimentResult], None] | None,
) -> ExperimentResult:
    """Compute the missing chunks of ``run_dir`` (holding its lock) and write the results."""
    exp = plan.experiment
    assert exp.runs is not None
    if resuming:
        manifest = _check_resume(run_dir, plan)
        if manifest.get("status") == "complete" and (run_dir / EPISODES).exists():
            return load_run(run_dir)
        manifest.update(
            status="running", resumed=rundir.utc_now(), command=command or manifest.get("command")
        )
    else:
        rundir.write_yaml(run_dir / rundir.CONFIG, plan.config())
        manifest = rundir.new_manifest(
            command, runs=exp.runs, seed=exp.seed, episodes_done=0, config_sha256=plan.fingerprint()
        )
    manifest.update(executor=executor, workers=workers if executor != "serial" else 1)
    rundir.write_json(run_dir / rundir.MANIFEST, manifest)

    (run_dir / CHUNKS).mkdir(exist_ok=True)
    rundir.clean_temporaries(run_dir)
    chunks = [
        (i, a, min(a + exp.chunk_size, exp.runs)) for i, a in enumerate(range(0, exp.runs, exp.chunk_size))
    ]
    done = _done_chunks(run_dir, chunks, exp.trace)
    todo = [c for c in chunks if c[0] not in done]
    sizes = {i: b - a for i, a, b in chunks}
    finished = sum(sizes[i] for i in done)
    if progress:
        progress(finished, exp.runs)

    results = execute(executor, run_chunk, payload_of(plan), todo, workers, scheduler)
    try:
        for i, (episodes, rounds) in results:
            if rounds is not None:
                _save_chunk(run_dir, i, rounds, "rounds")
            _save_chunk(run_dir, i, episodes, "episodes")  # last: its presence marks the chunk done
            finished += sizes[i]
            manifest["episodes_done"] = finished
            rundir.write_json(run_dir / rundir.MANIFEST, manifest)
            if progress:
                progress(finished, exp.runs)
    except KeyboardInterrupt:
        manifest.update(status="interrupted", finished=rundir.utc_now())
        rundir.write_json(run_dir / rundir.MANIFEST, manifest)
        raise
    except (WargameError, OSError, BrokenProcessPool) as err:
        manifest.update(status="failed", finished=rundir.utc_now(), error=str(err))
        rundir.write_json(run_dir / rundir.MANIFEST, manifest)
        if isinstance(err, WargameError):
            raise
        raise WargameError(
            Problem(
                str(run_dir),
                "",
                f"the run failed ({type(err).__name__}: {err}); fix the cause and --resume it",
            )
        ) from None
    except Exception as err:  # a bug: keep the traceback, but leave an honest manifest
        manifest.update(status="failed", finished=rundir.utc_now(), error=repr(err))
        rundir.write_json(run_dir / rundir.MANIFEST, manifest)
        raise

    _assemble(run_dir, chunks, "episodes", EPISODES)
    if exp.trace:
        _assemble(run_dir, chunks, "rounds", ROUNDS)
    result = ExperimentResult(run_dir, plan, manifest)
    (finalize or write_summary)(result)
    manifest.update(status="complete", finished=rundir.utc_now(), episodes_done=exp.runs)
    rundir.write_json(run_dir / rundir.MANIFEST, manifest)
    for path in (run_dir / CHUNKS).glob("*.parquet"):  # the final files hold everything now
        path.unlink()
    (run_dir / CHUNKS).rmdir()
    return result
