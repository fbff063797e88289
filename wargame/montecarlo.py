"""Monte Carlo experiments: many episodes with sampled parameters, reproducible at any scale.

Episode ``k`` is the same wherever it runs (see :mod:`wargame.worker`). Work goes out in chunks of
``chunk_size`` episodes, played as the :class:`~wargame.run_options.RunOptions` say. Each finished
chunk is saved atomically under ``chunks/`` (:mod:`wargame.chunks`); the final ``episodes.parquet``
streams the chunks in order.

A run directory exists, with its ``config.yaml`` and ``manifest.json``, before the first episode
starts (before the engine's heavy libraries even load): a run killed at any moment after that, even
by SIGKILL, loses at most the chunks in flight, and :func:`run_experiment` with ``resume=``
computes only the missing ones, giving a byte-identical result. Ctrl-C and SIGTERM stop the
workers and mark the manifest "interrupted" within a couple of seconds.
"""

from __future__ import annotations

import inspect
import json
import logging
import multiprocessing
import shutil
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from wargame import rundir
from wargame.chunks import (
    CHUNKS,
    assemble,
    check_size,
    done_chunks,
    joined,
    remove_chunks,
    save_chunk,
)
from wargame.errors import Problem, Terminated, WargameError, exit_code
from wargame.executors import ExecutorUnavailableError, execute
from wargame.experiment import Experiment, Plan, load_experiment, override
from wargame.results import EPISODES, ROUNDS, ExperimentResult, load_run, write_summary
from wargame.run_options import DEFAULT_OPTIONS, RunChanges, RunOptions

if TYPE_CHECKING:
    import pandas as pd

# episodes a worker plays per task: about 50 ms of work on the baseline, so the progress bar moves
# several times a second; chunks (what is saved, and what --resume keeps) are built from tasks
TASK_EPISODES = 25
BIG_RUN = 100_000  # episodes: a run this long is announced, with its expected size
log = logging.getLogger("wargame.notes")  # what a run announces; the CLI prints it


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a run; ``run_dir`` holds what was saved (``--resume`` it)."""

    def __init__(self, run_dir: Path, exit_code: int = 130):
        super().__init__(str(run_dir))
        self.run_dir = run_dir
        self.exit_code = exit_code


def play(payload: str, start: int, stop: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Episodes ``start .. stop-1`` (what executors run): :func:`wargame.worker.run_chunk`, imported
    in the worker, so the parent process never loads Mesa and the engine's libraries."""
    from wargame.worker import run_chunk

    return run_chunk(payload, start, stop)


def payload_of(plan: Plan) -> str:
    """What a worker needs, as one string (parsed once per worker process)."""
    # key order is meaning here (actors' order is the proposing order): never sort it
    return json.dumps({"experiment": plan.experiment.model_dump(mode="json"), "scenario": plan.scenario})


# --------------------------------------------------------------------------- planning


def _check_resume(run_dir: Path, plan: Plan) -> dict[str, Any]:
    """The run's manifest, if ``plan`` is the run's own; a lost or damaged manifest (it only records
    progress) is rebuilt from the run's config."""
    stored_plan = load_run(run_dir, need_manifest=False).plan
    if stored_plan.fingerprint() != plan.fingerprint():
        diff = plan.differences(stored_plan)
        shown = ", ".join(f"{k} ({there!r} there, {now!r} now)" for k, now, there in diff[:4])
        more = f" and {len(diff) - 4} more" if len(diff) > 4 else ""
        raise WargameError(
            Problem(
                str(run_dir),
                "--resume",
                f"refusing to resume: that run was made with a different configuration: {shown}{more}",
            )
        )
    try:
        return rundir.read_json(run_dir / rundir.MANIFEST, "manifest.json")
    except WargameError:
        exp = plan.experiment
        return rundir.new_manifest(
            None, runs=exp.runs, seed=exp.seed, config_sha256=plan.fingerprint(), rebuilt=rundir.utc_now()
        )


def _replan(plan: Plan, changes: Mapping[str, Any], overrides: Mapping[str, Any] | None) -> Plan:
    """``plan`` with option changes and fixed overrides, re-validated like a file would be."""
    from pydantic import ValidationError

    try:
        exp = Experiment.model_validate({**plan.experiment.model_dump(), **changes})
    except ValidationError as err:
        first = err.errors()[0]
        where = "--" + str(first["loc"][0]) if first["loc"] else ""
        raise WargameError(Problem(where, "", f"{first['msg']} (got {first.get('input')!r})")) from None
    return override(Plan(experiment=exp, scenario=plan.scenario, notes=plan.notes), overrides or {})


def _refuse_in_a_starting_worker() -> None:
    """A worker process starts by importing the main script again (multiprocessing's "spawn"). A
    script that calls :func:`run_experiment` at its top level, without ``if __name__ ==
    "__main__":``, would start a run inside every worker: end that worker quietly instead; the run
    that started it reports why its workers could not start."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise SystemExit(1)


def _called_from_a_script_top_level() -> bool:
    """Whether the call came from the top level of a script (where a missing __main__ guard bites)."""
    for frame in inspect.stack()[2:]:
        if frame.function == "<module>" and frame.frame.f_globals.get("__name__") == "__main__":
            return hasattr(sys.modules["__main__"], "__file__")
    return False


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a scheduler's stop) interrupts the run like Ctrl-C: workers stopped,
    manifest marked, the saved chunks kept for ``--resume``."""

    def interrupt(signum: int, frame: Any) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------- the runner


def run_experiment(
    experiment: str | Path | Plan | None,
    *,
    runs: int | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    resume: str | Path | None = None,
    trace: bool | None = None,
    finalize: Callable[[ExperimentResult], None] | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    **changes: Unpack[RunChanges],
) -> ExperimentResult:
    """Run (or resume) an experiment and return its :class:`ExperimentResult`.

    ``experiment`` is an experiment YAML path or a :class:`~wargame.experiment.Plan`;
    ``runs``/``seed``/``overrides``/``trace`` override the file. ``options`` say how the episodes
    are played and where the run directory goes (:class:`~wargame.run_options.RunOptions`: executor,
    workers, scheduler, out, progress, command); its fields may also be given as keywords
    (``executor="serial"``), which change ``options``.
    ``finalize(result)`` writes the summary once every episode is in (default: the Monte Carlo
    summary; sensitivity analyses and sweeps bring their own). From a script, call it under
    ``if __name__ == "__main__":`` (worker processes import the script again).
    """
    _refuse_in_a_starting_worker()
    options = options.but(**changes).resolved()
    if resume is not None and experiment is None:
        experiment = load_run(resume, need_manifest=False).plan  # options given must agree with it
    if experiment is None:
        raise WargameError(Problem("EXPERIMENT", "", "name an experiment file, or --resume a run directory"))
    if isinstance(experiment, Plan):
        changed: dict[str, Any] = {
            k: v for k, v in (("runs", runs), ("seed", seed), ("trace", trace)) if v is not None
        }
        plan = _replan(experiment, changed, overrides)
    else:
        plan = load_experiment(experiment, runs=runs, seed=seed, overrides=overrides)
        if trace is not None:
            plan = _replan(plan, {"trace": trace}, None)
    exp = plan.experiment
    if finalize is None and exp.kind != "batch":
        raise exp.wrong_command(
            "batch", str(resume if resume is not None else experiment), resume is not None
        )
    if exp.runs is None:
        raise WargameError(Problem("--runs", "", "the experiment file gives no runs: say how many episodes"))

    command = list(options.command) if options.command is not None else None
    if resume is not None:
        run_dir = rundir.require_dir(resume)
    else:
        manifest = rundir.new_manifest(
            command, runs=exp.runs, seed=exp.seed, episodes_done=0, config_sha256=plan.fingerprint()
        )
        files = {rundir.CONFIG: rundir.yaml_text(plan.config()), rundir.MANIFEST: rundir.json_text(manifest)}
        run_dir = rundir.create(options.out, exp.name, files=files)
    with rundir.locked(run_dir), _terminate_as_interrupt():
        try:
            return _execute(run_dir, plan, resume is not None, options, finalize)
        except _NeverStarted as why:
            shutil.rmtree(run_dir, ignore_errors=True)  # no episode was played: nothing to resume
            raise why.error from None


class _NeverStarted(Exception):  # noqa: N818 (a reason, carried to where the directory is removed)
    """The workers could not start: the new run directory holds nothing worth keeping."""

    def __init__(self, error: WargameError):
        super().__init__(str(error))
        self.error = error


def _execute(
    run_dir: Path,
    plan: Plan,
    resuming: bool,
    options: RunOptions,
    finalize: Callable[[ExperimentResult], None] | None,
) -> ExperimentResult:
    """Compute the missing chunks of ``run_dir`` (holding its lock) and write the results."""
    exp = plan.experiment
    assert exp.runs is not None
    manifest = rundir.read_json(run_dir / rundir.MANIFEST, "manifest.json") if not resuming else {}
    if resuming:
        manifest = _check_resume(run_dir, plan)
        if manifest.get("status") == "complete" and (run_dir / EPISODES).exists():
            return load_run(run_dir)
        # the command that started the run stays; each resume is added to the list
        command = list(options.command) if options.command else sys.argv
        resumes = [*manifest.get("resumes", []), {"at": rundir.utc_now(), "command": command}]
        manifest.update(status="running", resumed=resumes[-1]["at"], resumes=resumes)
    assert options.workers is not None  # resolved
    manifest.update(executor=options.executor, workers=options.workers if options.executor != "serial" else 1)
    rundir.write_json(run_dir / rundir.MANIFEST, manifest)

    if exp.runs >= BIG_RUN and not resuming:
        log.warning(
            f"{exp.runs:,} episodes: the time left shows as they finish, and the size of the results is "
            "checked against the free disk once the first chunk is saved; Ctrl-C stops the run and "
            f"keeps the finished chunks (resume with wargame {exp.kind} --resume {run_dir})"
        )
    (run_dir / CHUNKS).mkdir(exist_ok=True)
    rundir.clean_temporaries(run_dir)
    chunks = [
        (i, a, min(a + exp.chunk_size, exp.runs)) for i, a in enumerate(range(0, exp.runs, exp.chunk_size))
    ]
    done = done_chunks(run_dir, chunks, exp.trace)
    todo = [c for c in chunks if c[0] not in done]
    sizes = {i: b - a for i, a, b in chunks}
    finished = sum(sizes[i] for i in done)
    manifest["episodes_done"] = finished
    progress = options.progress
    if progress:
        progress(finished, exp.runs)

    def stopped(status: str, error: str | None = None) -> None:
        manifest.update(status=status, finished=rundir.utc_now(), episodes_done=finished)
        if error is not None:
            manifest["error"] = error
        rundir.write_json(run_dir / rundir.MANIFEST, manifest)

    # tasks of a few episodes each; a chunk is saved when all its tasks are in
    step = min(exp.chunk_size, TASK_EPISODES)
    tasks = [(i, start) for i, a, b in todo for start in range(a, b, step)]
    bounds = {i: b for i, _, b in chunks}
    pending = {i: len(range(a, b, step)) for i, a, b in todo}
    parts: dict[int, list[tuple[int, Any]]] = {i: [] for i, _, _ in todo}
    played = finished
    checked_size = False
    spans = [(t, start, min(start + step, bounds[i])) for t, (i, start) in enumerate(tasks)]
    results = execute(options.executor, play, payload_of(plan), spans, options.workers, options.scheduler)
    try:
        with closing(results):  # on any way out, the executor stops its workers before we go on
            for t, result in results:
                i, start = tasks[t]
                parts[i].append((start, result))
                played += len(result[0])
                if len(parts[i]) == pending[i]:
                    episodes, rounds = joined(parts.pop(i))
                    if rounds is not None:
                        save_chunk(run_dir, i, rounds, "rounds")
                    save_chunk(run_dir, i, episodes, "episodes")  # last: its presence marks the chunk done
                    if not checked_size:
                        checked_size = True
                        left = exp.runs - finished
                        check_size(run_dir, i, sizes[i], left, announce=left >= BIG_RUN)
                    finished += sizes[i]
                    manifest["episodes_done"] = finished
                    rundir.write_json(run_dir / rundir.MANIFEST, manifest)
                if progress:
                    progress(played, exp.runs)
    except KeyboardInterrupt as stop:
        stopped("interrupted")
        raise Interrupted(run_dir, exit_code(stop)) from None
    except BrokenProcessPool as err:
        if played == 0 and not resuming:
            hint = (
                ": your script calls run_experiment at its top level; put the call under "
                '`if __name__ == "__main__":` (workers import the script again), or use executor="serial"'
                if _called_from_a_script_top_level()
                else ""
            )
            raise _NeverStarted(WargameError(f"the worker processes could not start{hint}")) from None
        stopped("failed", str(err))
        raise WargameError(
            Problem(str(run_dir), "", f"a worker process died ({err}); fix the cause and --resume it")
        ) from None
    except ExecutorUnavailableError as err:  # no scheduler, no Dask: nothing ran, nothing failed
        if not resuming:
            raise _NeverStarted(err) from None
        stopped("interrupted")
        raise
    except (WargameError, OSError) as err:
        stopped("failed", str(err))
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
        stopped("failed", repr(err))
        raise

    assemble(run_dir, chunks, "episodes", EPISODES)
    if exp.trace:
        assemble(run_dir, chunks, "rounds", ROUNDS)
    result = ExperimentResult(run_dir, plan, manifest)
    (finalize or write_summary)(result)
    manifest.update(status="complete", finished=rundir.utc_now(), episodes_done=exp.runs)
    rundir.write_json(run_dir / rundir.MANIFEST, manifest)
    remove_chunks(run_dir)  # the final files hold everything now
    return result
