"""Sobol analysis of the shipped sensitivity experiment at N = BENCH_SOBOL_N (default 1024).

Run: pytest tests/benchmarks/test_sensitivity_speed.py --benchmark-only -o addopts="" -s
Reports wall time and episodes per second (sampling, 2 worker processes, analysis, files, plots).
"""

import os
from pathlib import Path

from wargame.sensitivity import run_sensitivity

SHIPPED = Path(__file__).resolve().parents[2] / "configs" / "experiments" / "summit_2025_sensitivity.yaml"
N = int(os.environ.get("BENCH_SOBOL_N", "1024"))


def test_sobol_shipped_experiment(benchmark, tmp_path):
    result = benchmark.pedantic(
        lambda: run_sensitivity(SHIPPED, samples=N, workers=2, executor="process", out=tmp_path),
        rounds=1,
        iterations=1,
    )
    episodes = len(result.episodes)
    seconds = benchmark.stats.stats.mean
    benchmark.extra_info.update(episodes=episodes, seconds=seconds, episodes_per_second=episodes / seconds)
    print(f"\nSobol N={N}: {episodes:,} episodes in {seconds:.1f} s = {episodes / seconds:,.0f} episodes/s")
