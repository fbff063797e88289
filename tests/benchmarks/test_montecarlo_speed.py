"""Monte Carlo throughput against Mesa's own runner (run: pytest tests/benchmarks --benchmark-only
-o addopts="").

Episodes per second for BENCH_RUNS (default 10,000) baseline episodes serially and on 2 worker
processes, against ``mesa.batch_run`` playing the very same episodes (same model seeds). Slow by
design: minutes. Whole-process throughput and memory: test_throughput.py.
"""

import os

import mesa
import pytest

from wargame.experiment import Experiment, Plan
from wargame.model import NegotiationModel
from wargame.montecarlo import run_experiment
from wargame.scenario import load_scenario
from wargame.worker import episode_seeds

from ..conftest import TEACHING

RUNS = int(os.environ.get("BENCH_RUNS", "10000"))


def _plan(runs: int) -> Plan:
    experiment = Experiment(name="bench", scenario=str(TEACHING), runs=runs, seed=1)
    return Plan(experiment=experiment, scenario=load_scenario(TEACHING).data())


@pytest.mark.parametrize("workers", [1, 2])
def test_wargame_batch(benchmark, tmp_path, workers):
    executor = "serial" if workers == 1 else "process"
    result = benchmark.pedantic(
        lambda: run_experiment(_plan(RUNS), executor=executor, workers=workers, out=tmp_path),
        rounds=1,
        iterations=1,
    )
    assert len(result.episodes) == RUNS
    benchmark.extra_info["episodes_per_second"] = RUNS / benchmark.stats.stats.mean


@pytest.mark.parametrize("processes", [1, 2])
def test_mesa_batch_run_same_episodes(benchmark, processes):
    scenario = load_scenario(TEACHING)
    seeds = [episode_seeds(1, k)[1] for k in range(RUNS)]
    rows = benchmark.pedantic(
        lambda: mesa.batch_run(
            NegotiationModel,
            {"scenario": [scenario], "seed": seeds},  # a Scenario object is iterable: wrap it
            number_processes=processes,
            data_collection_period=-1,
            display_progress=False,
        ),
        rounds=1,
        iterations=1,
    )
    assert len({r["seed"] for r in rows}) == len(set(seeds))
    benchmark.extra_info["episodes_per_second"] = RUNS / benchmark.stats.stats.mean
