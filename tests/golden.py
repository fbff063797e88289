"""The golden set: a few hundred episodes any optimization of the engine must reproduce.

``python -m tests.golden`` writes ``tests/data/golden/episodes.csv`` from the engine as it is; run
it only when the model's semantics change on purpose (and say so in the commit). The test
(``tests/test_golden.py``) replays every episode and requires every deal, deal round, outcome and
event count to be identical and every utility, gain and Nash distance to agree to 1e-9.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "episodes.csv"
EXPERIMENTS = ROOT / "configs" / "experiments"

# (label, experiment file, --set overrides, episodes): the shipped experiments under both
# protocols, a sensitivity design, and strategies the Monte Carlo draws rarely
CASES: list[tuple[str, str, dict[str, Any], int]] = [
    ("mc", "summit_2025_teaching_mc.yaml", {}, 200),
    ("mc_eu", "summit_2025_teaching_mc.yaml", {"protocol": "expected_utility"}, 40),
    (
        "mc_textbook",
        "summit_2025_teaching_mc.yaml",
        {"protocol": "expected_utility", "variant": "textbook"},
        20,
    ),
    (
        "mc_tit_for_tat",
        "summit_2025_teaching_mc.yaml",
        {"actors.washington.strategy": {"name": "tit_for_tat"}},
        30,
    ),
    ("mc_many_events", "summit_2025_teaching_mc.yaml", {"events.tokyo_coordination.max_fires": 4}, 30),
    ("sensitivity", "summit_2025_teaching_sensitivity.yaml", {}, 60),
    # the seven-issue baseline, pinned once its offers were exact (issue 23): before, they came from
    # a sample of 30,000 packages
    ("package", "summit_2025_mc.yaml", {}, 100),
]
EXACT = ("deal", "deal_round", "rounds_played", "outcome.", "events.", "seed", "redraws")
CLOSE = ("utility.", "gain.", "discounted.", "nash.", "nash_distance", "forecast.", "forecast_mean.")


def episodes(every: int = 1) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(case, k, row) for every golden episode (every ``every``-th), played by the engine as it is now."""
    from wargame.experiment import load_experiment
    from wargame.sensitivity import sensitivity_plan
    from wargame.worker import design_of, play_episode

    for label, name, overrides, count in CASES:
        plan = load_experiment(EXPERIMENTS / name, overrides=overrides)
        if plan.experiment.sensitivity is not None:
            plan = sensitivity_plan(plan, method="morris", samples=2)
        exp, base = plan.experiment, plan.base_scenario()
        design = design_of(exp, base)
        total = design.runs if design is not None else count
        for k in range(0, total, max(1, total // count))[:count][::every]:
            row, _ = play_episode(base, exp.uncertain, exp.seed, k, False, design)
            yield label, k, row


def columns(row: dict[str, Any]) -> list[str]:
    return [c for c in row if c.startswith(EXACT + CLOSE)]


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"case": label, "k": k, **{c: row[c] for c in columns(row)}} for label, k, row in episodes()]
    fields = list(dict.fromkeys(c for r in rows for c in r))
    with GOLDEN.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: repr(v) if isinstance(v, float) else v for c, v in r.items()})
    print(f"wrote {len(rows)} episodes to {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
