"""What a worker does: sample, play and flatten episodes, a few at a time (a task).

Episode ``k`` of an experiment with seed ``s`` draws everything from
``SeedSequence(s).spawn(runs)[k]`` (built directly as ``SeedSequence(s, spawn_key=(k,))``): its
first child samples the uncertain parameters, its second seeds the Mesa model. So episode ``k``
has the same parameters and the same result whether it runs alone, serially, in a process pool or
on a Dask cluster, in any chunking and any order. Its memory stays flat (see :mod:`wargame.memory`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from wargame import memory, space
from wargame.baselines import NAMES, baselines
from wargame.design import Design, sensitivity_design, sweep_design
from wargame.distributions import Choice, Distribution, is_number, latin_hypercube, sample_parameters
from wargame.episode import Episode
from wargame.errors import Problem, WargameError
from wargame.experiment import Experiment
from wargame.model import NegotiationModel
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs
from wargame.scenario import Scenario, validate_scenario

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


MAX_REDRAWS = 100


def sample_scenario(
    base: Scenario,
    uncertain: Mapping[str, Distribution],
    fixed: Mapping[str, Any],
    rng: np.random.Generator,
    label: str,
    u: np.ndarray | None = None,
) -> tuple[Scenario, dict[str, Any], int]:
    """One draw of the uncertain parameters and the scenario they give: ``(scenario, values, redraws)``.

    Experiment validation refuses a distribution that can draw a value invalid on its own, and
    checks parameters constrained together at their extremes; a draw that still gives an invalid
    scenario (say, a choice of values that leaves an actor caring about nothing) is drawn again from
    the same generator, so the result is still fixed by the seed. The episodes table counts the
    redraws: in effect the distributions are truncated to the valid scenarios.
    """
    for redraws in range(MAX_REDRAWS + 1):
        # a Latin hypercube row gives the first draw; a redraw comes from the episode's generator
        values = sample_parameters(uncertain, rng, u if redraws == 0 else None)
        try:
            return (
                base.with_values({**values, **fixed}, source=f"{label} (sampled parameters)"),
                values,
                redraws,
            )
        except WargameError as err:
            if not uncertain or redraws == MAX_REDRAWS:
                raise WargameError(
                    [
                        Problem(p.file, p.path, f"{p.message} (after {redraws} redraws)", p.line)
                        for p in err.problems
                    ]
                ) from None
    raise AssertionError("unreachable")


def play_episode(
    base: Scenario,
    uncertain: Mapping[str, Distribution],
    seed: int,
    k: int,
    trace: bool = False,
    design: Design | None = None,
    hypercube: np.ndarray | None = None,
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
    u = None if hypercube is None else hypercube[k]
    scenario, values, redraws = sample_scenario(base, uncertain, fixed, rng, f"episode {k}", u)
    model = NegotiationModel(scenario, seed=model_seed, collect=False)
    episode: Episode = model.run()
    row: dict[str, Any] = {**head, "seed": model_seed, "redraws": redraws}
    row.update({f"param.{path}": v for path, v in fixed.items()})
    row.update({f"param.{path}": _cell(v, uncertain[path]) for path, v in values.items()})
    row.update(episode.to_row())
    row.update(baseline_columns(scenario, model.initial_payoffs))
    rounds = [{"episode": k, **r} for r in episode.round_rows()] if trace else []
    return row, rounds


def baseline_columns(scenario: Scenario, payoffs: Payoffs | None = None) -> dict[str, float]:
    """The naive forecasts of ``scenario`` as the talks start (:mod:`wargame.baselines`), as the
    columns ``baseline.<name>.<issue>``. ``payoffs`` is ``payoffs_of(scenario)``, passed when the
    model has compiled it already: compiling it again would cost more than the forecasts."""
    grid = space.layout(scenario)
    forecasts = baselines(
        payoffs_of(scenario) if payoffs is None else payoffs, grid.axes, grid.status_quo, scenario.principals
    )
    return {
        f"baseline.{name}.{issue}": value
        for name, values in zip(NAMES, forecasts, strict=True)
        for issue, value in zip(scenario.issues, values.tolist(), strict=True)
    }


# --------------------------------------------------------------------------- one chunk


def design_of(exp: Experiment, scenario: Scenario) -> Design | None:
    """The experiment's design (sensitivity or sweep), rebuilt from its spec; None for a batch."""
    if exp.sensitivity is not None:
        return sensitivity_design(exp.sensitivity, scenario, exp.seed)
    if exp.sweep is not None:
        return sweep_design(exp.sweep)
    return None


def hypercube_of(exp: Experiment) -> np.ndarray | None:
    """The experiment's Latin hypercube (``sampling: lhs``): row ``k`` gives episode ``k`` its values."""
    if exp.sampling != "lhs" or not exp.uncertain or exp.runs is None:
        return None
    return latin_hypercube(exp.seed, exp.runs, len(exp.uncertain))


@lru_cache(maxsize=4)
def _prepare(
    payload: str,
) -> tuple[Scenario, dict[str, Distribution], int, bool, Design | None, np.ndarray | None]:
    data = json.loads(payload)
    scenario = validate_scenario(data["scenario"], "config.yaml: scenario")
    exp = Experiment.model_validate(data["experiment"])
    return scenario, exp.uncertain, exp.seed, exp.trace, design_of(exp, scenario), hypercube_of(exp)


def run_chunk(payload: str, start: int, stop: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Episodes ``start .. stop-1``: a top-level function so process pools and Dask can ship it."""
    base, uncertain, seed, trace, design, hypercube = _prepare(payload)
    memory.settle()
    rows, rounds = [], []
    for k in range(start, stop):
        row, trace_rows = play_episode(base, uncertain, seed, k, trace, design, hypercube)
        rows.append(row)
        rounds.extend(trace_rows)
        if (k - start) % memory.COLLECT_EVERY == memory.COLLECT_EVERY - 1 or k == stop - 1:
            memory.collect()
    return pd.DataFrame(rows), (pd.DataFrame(rounds) if trace else None)
