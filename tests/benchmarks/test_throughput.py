"""Throughput of the shipped baseline experiment: whole process, per episode, and where time goes.

Run: pytest tests/benchmarks/test_throughput.py --benchmark-only -o addopts="" -s

* ``test_batch_whole_process``: ``wargame batch configs/experiments/summit_2025_mc.yaml
  --workers 2`` as a user runs it (a fresh process: start-up, workers, saving, the summary), at the
  quick start's 2,000 episodes and at BENCH_LARGE_RUNS (default 20,000), where start-up no longer
  dominates. Records wall time, episodes per second and CPU milliseconds per episode (every
  process of the run: the command and its workers).
* ``test_peak_memory``: the largest resident memory of any process of the run (the command or a
  worker) at 2,000 and BENCH_MEMORY_RUNS (default 50,000) episodes: flat in the number of episodes.
* ``test_episode_cpu``: CPU per episode in one process (sample, build, play, record).
* ``test_where_the_time_goes``: that CPU split by phase (a profile), printed as a table.

BENCH_SOURCE=/path/to/another/checkout runs the command from that source tree instead (a ``git
worktree`` of an older commit, say): the way to measure before and after on the same machine at
the same time. BENCH_EXPERIMENT names another file of configs/experiments/ to measure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(os.environ.get("BENCH_SOURCE", ROOT))
# the quick start's experiment (the package since issue 14; BENCH_EXPERIMENT=summit_2025_teaching_mc.yaml
# measures the three-issue experiment issue 13's numbers were taken on)
EXPERIMENT = SOURCE / "configs" / "experiments" / os.environ.get("BENCH_EXPERIMENT", "summit_2025_mc.yaml")
LARGE = int(os.environ.get("BENCH_LARGE_RUNS", "20000"))
MEMORY = int(os.environ.get("BENCH_MEMORY_RUNS", "50000"))
CPU_EPISODES = int(os.environ.get("BENCH_CPU_EPISODES", "1000"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("runs", [2000, LARGE], ids=lambda n: f"{n}-episodes")
def test_batch_whole_process(benchmark, tmp_path, runs):
    command = [sys.executable, "-m", "wargame", "batch", str(EXPERIMENT), "--workers", "2"]
    command += ["--runs", str(runs), "--out", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    measured: dict[str, float] = {}

    def run() -> None:
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(command, env=env, cwd=SOURCE, check=True, capture_output=True)
        measured.update(wall=time.perf_counter() - start, cpu=_children_cpu() - cpu)

    benchmark.pedantic(run, rounds=1, iterations=1)
    rate, cpu_ms = runs / measured["wall"], 1000 * measured["cpu"] / runs
    benchmark.extra_info.update(
        source=str(SOURCE), episodes=runs, episodes_per_second=rate, cpu_ms_per_episode=cpu_ms
    )
    print(
        f"\n{SOURCE.name}: wargame batch --workers 2, {runs:,} episodes: {measured['wall']:.2f} s wall, "
        f"{rate:,.0f} episodes/s, {cpu_ms:.2f} ms CPU per episode (all processes)"
    )


# the run in a child, whose rusage then covers it and its workers: the largest resident set of all
DRIVER = """
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
"""


@pytest.mark.parametrize("runs", [2000, MEMORY], ids=lambda n: f"{n}-episodes")
def test_peak_memory(benchmark, tmp_path, runs):
    command = [sys.executable, "-m", "wargame", "batch", str(EXPERIMENT), "--workers", "2"]
    command += ["--runs", str(runs), "--out", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    peak: list[float] = []

    def run() -> None:
        done = subprocess.run(
            [sys.executable, "-c", DRIVER, *command], env=env, cwd=SOURCE, check=True, capture_output=True
        )
        peak.append(float(done.stdout))

    benchmark.pedantic(run, rounds=1, iterations=1)
    (episodes,) = tmp_path.glob("*/*/episodes.parquet")
    size = episodes.stat().st_size / 2**20
    benchmark.extra_info.update(peak_rss_mib=peak[0], episodes_parquet_mib=size)
    print(
        f"\n{SOURCE.name}: {runs:,} episodes: peak RSS {peak[0]:.0f} MiB (any process), "
        f"results {size:.1f} MiB"
    )


def _payload() -> str:
    from wargame.experiment import load_experiment
    from wargame.montecarlo import payload_of

    return payload_of(load_experiment(EXPERIMENT))


def test_episode_cpu(benchmark):
    """CPU per baseline episode in one process (what each worker spends)."""
    from wargame.worker import run_chunk

    payload = _payload()
    run_chunk(payload, 0, 20)  # warm: the worker's caches, the allocator
    spent: list[float] = []

    def run() -> None:
        start = time.process_time()
        run_chunk(payload, 0, CPU_EPISODES)
        spent.append(time.process_time() - start)

    benchmark.pedantic(run, rounds=3, iterations=1)
    ms = 1000 * min(spent) / CPU_EPISODES
    benchmark.extra_info.update(cpu_ms_per_episode=ms)
    print(f"\none process: {ms:.2f} ms CPU per baseline episode")


# the phases of an episode, by the functions that do them; each function's time excludes the
# time of the others it calls (a proposal's time is the choice, not the utilities it reads)
PHASES = {
    "draw the parameters": [("wargame.worker", "episode_seeds"), ("wargame.worker", "sample_parameters")],
    "validate the drawn scenario": [("wargame.scenario", "Scenario.with_values")],
    "build the model and agents": [("wargame.model", "NegotiationModel.__init__")],
    "utilities over the grid": [("wargame.model", "NegotiationModel.utility_row")],
    "beliefs about the others": [("agents.government", "GovernmentAgent._perceive")],
    "choose offers and replies": [
        ("agents.government", "GovernmentAgent.best_package"),
        ("agents.government", "GovernmentAgent.respond"),
    ],
    "stakeholders and events": [("wargame.model", "NegotiationModel.react")],
    "record the episode": [("wargame.model", "NegotiationModel.episode")],
}


def _timed(monkeypatch, spent: dict[str, float]) -> None:
    """Wrap each phase's functions with a timer that keeps its own time apart from its callees'."""
    import importlib

    stack: list[float] = []

    def wrap(phase: str, function):
        def timed(*args, **kwargs):
            stack.append(0.0)  # time spent in timed callees
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = stack.pop()
                spent[phase] += elapsed - inner
                if stack:
                    stack[-1] += elapsed

        return timed

    for phase, targets in PHASES.items():
        spent[phase] = 0.0
        for module, dotted in targets:
            owner = importlib.import_module(module)
            *classes, name = dotted.split(".")
            for cls in classes:
                owner = getattr(owner, cls)
            monkeypatch.setattr(owner, name, wrap(phase, getattr(owner, name)))


def test_where_the_time_goes(benchmark, monkeypatch):
    """One process's episodes, their time split by phase (timers around the functions that do each;
    the timers themselves cost about a microsecond a call)."""
    from wargame.worker import run_chunk

    payload = _payload()
    run_chunk(payload, 0, 20)
    spent: dict[str, float] = {}
    _timed(monkeypatch, spent)
    episodes = CPU_EPISODES
    started: list[float] = []

    def run() -> None:
        started.append(time.perf_counter())
        run_chunk(payload, 0, episodes)
        started.append(time.perf_counter() - started.pop())

    benchmark.pedantic(run, rounds=1, iterations=1)
    total = started[0]
    spent["the rest: the round loop, Mesa, rows and tables"] = total - sum(spent.values())
    benchmark.extra_info.update({k: 1000 * v / episodes for k, v in spent.items()})
    print(f"\n{1000 * total / episodes:.2f} ms per baseline episode (wall, one process), of which:")
    for phase, seconds in spent.items():
        print(f"  {phase:50s} {1000 * seconds / episodes:6.3f} ms  {100 * seconds / total:5.1f}%")
