"""Monte Carlo throughput and memory (run: pytest tests/benchmarks --benchmark-only -o addopts="").

Episodes per second for BENCH_RUNS (default 10,000) baseline episodes serially and on 2 worker
processes, against ``mesa.batch_run`` playing the very same episodes (same model seeds), and the
peak memory of a BENCH_MEMORY_RUNS (default 100,000) episode run. Slow by design: minutes.
"""

import json
import os
import subprocess
import sys
import textwrap

import mesa
import pytest

from wargame.experiment import Experiment, Plan
from wargame.model import NegotiationModel
from wargame.montecarlo import run_experiment
from wargame.scenario import load_scenario
from wargame.worker import episode_seeds

from ..conftest import BASELINE

RUNS = int(os.environ.get("BENCH_RUNS", "10000"))
MEMORY_RUNS = int(os.environ.get("BENCH_MEMORY_RUNS", "100000"))


def _plan(runs: int) -> Plan:
    experiment = Experiment(name="bench", scenario=str(BASELINE), runs=runs, seed=1)
    return Plan(experiment=experiment, scenario=load_scenario(BASELINE).data())


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
    scenario = load_scenario(BASELINE)
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


def test_peak_memory(tmp_path):
    """Peak resident memory of the main process, and of the biggest worker, for a large run."""
    code = textwrap.dedent(
        f"""
        import json, resource, sys
        sys.path.insert(0, {str(BASELINE.parents[2])!r})
        from tests.benchmarks.test_montecarlo_speed import _plan
        from wargame.montecarlo import run_experiment
        runs = int(sys.argv[1])
        result = run_experiment(_plan(runs), executor="process", workers=2, out={str(tmp_path)!r})
        print(json.dumps({{
            "runs": runs,
            "main_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "episodes_parquet_mib": (result.run_dir / "episodes.parquet").stat().st_size / 2**20,
        }}))
        """
    )
    report = []
    for runs in sorted({MEMORY_RUNS // 10, MEMORY_RUNS}):
        out = subprocess.run(
            [sys.executable, "-c", code, str(runs)], capture_output=True, text=True, check=True
        )
        report.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(json.dumps(report, indent=2))
    small, large = report[0], report[-1]
    # memory must not grow with the run count beyond the results themselves
    assert large["main_peak_mib"] - small["main_peak_mib"] < 50 + 4 * large["episodes_parquet_mib"]
