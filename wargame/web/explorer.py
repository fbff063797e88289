"""The explorer (``wargame serve``, page /explore): change a scenario's payoffs with sliders and see
the distribution of a few hundred episodes' outcomes, beside one episode played round by round.

Its knobs are named parameters (dotted paths, as ``--set`` and experiment files name them): each
principal's salience and ideal on every issue, its no-deal cost and its strategy. A request may set
only those, inside their ranges; the scenario then validates the result as it validates any file.
Episodes are played by the Monte Carlo worker (:func:`wargame.worker.run_chunk`), so episode ``k``
with seed ``s`` is the same episode ``wargame run`` would play, in a pool of worker processes the
server keeps warm.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd

from agents.strategies import STRATEGIES
from wargame.experiment import Experiment, Plan
from wargame.model import NegotiationModel
from wargame.montecarlo import payload_of
from wargame.scenario import Scenario
from wargame.summary import quantile, quantiles, shares
from wargame.worker import episode_seeds, run_chunk

EPISODES = 300
MAX_EPISODES = 2000


class BadKnob(ValueError):  # noqa: N818 (a refusal shown to the user)
    """A knob value the explorer refuses (not one of its knobs, or out of range)."""


def ready() -> bool:
    """Nothing: submitted to a new pool so its workers start (and import the engine) at once."""
    return True


def knobs(scenario: Scenario) -> list[dict[str, Any]]:
    """The sliders and choices of the explorer for ``scenario``: path, label, kind, range, value."""
    out: list[dict[str, Any]] = []
    strategies = [n for n, s in STRATEGIES.items() if s.principals in (None, len(scenario.principals))]
    for actor in scenario.principals:
        spec = scenario.actors[actor]
        who = spec.name or actor
        for name, issue in scenario.issues.items():
            label = issue.label or name
            out.append(
                {
                    "path": f"actors.{actor}.salience.{name}",
                    "actor": actor,
                    "who": who,
                    "label": f"weight on {label}",
                    "kind": "number",
                    "min": 0.0,
                    "max": 1.0,
                    "step": 0.01,
                    "value": float(spec.salience.get(name, 0.0)),
                }
            )
            ideal = float(spec.ideal[name])
            out.append(
                {
                    "path": f"actors.{actor}.ideal.{name}",
                    "actor": actor,
                    "who": who,
                    "label": f"ideal {label} ({issue.unit})",
                    "kind": "number",
                    "min": issue.lo,
                    "max": issue.hi,
                    "step": issue.step if issue.options is None else None,
                    "options": None
                    if issue.options is None
                    else [{"value": v, "label": issue.label_of(v)} for v in issue.values or []],
                    "value": ideal,
                }
            )
        # a private cost stays among the types the others consider (a truth outside them is refused)
        low, high = (
            (-0.5, 0.5)
            if spec.private is None
            else (min(spec.private.no_deal_cost), max(spec.private.no_deal_cost))
        )
        out.append(
            {
                "path": f"actors.{actor}.no_deal_cost",
                "actor": actor,
                "who": who,
                "label": "cost of the talks failing",
                "kind": "number",
                "min": low,
                "max": high,
                "step": 0.01,
                "value": float(spec.no_deal_cost),
            }
        )
        current = spec.strategy.name if spec.strategy is not None else None
        out.append(
            {
                "path": f"actors.{actor}.strategy",
                "actor": actor,
                "who": who,
                "label": "strategy",
                "kind": "choice",
                "options": [{"value": s, "label": s} for s in strategies],
                "value": current,
            }
        )
    return out


def changed(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``scenario`` with knob values set; :class:`BadKnob` or :class:`WargameError` says why not."""
    known = {k["path"]: k for k in knobs(scenario)}
    settings: dict[str, Any] = {}
    for path, value in values.items():
        knob = known.get(path)
        if knob is None:
            raise BadKnob(f"{path}: not one of the explorer's knobs")
        if knob["kind"] == "choice":
            names = [o["value"] for o in knob["options"]]
            if value not in names:
                raise BadKnob(f"{path}: '{value}' is not one of {', '.join(names)}")
            if value != knob["value"]:
                settings[path] = {"name": value}
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise BadKnob(f"{path}: '{value}' is not a number")
        if not knob["min"] - 1e-9 <= value <= knob["max"] + 1e-9:
            raise BadKnob(f"{path}: {value:g} is outside {knob['min']:g}-{knob['max']:g}")
        if value != knob["value"]:
            settings[path] = float(value)
    return scenario.with_values(settings, source="the explorer") if settings else scenario


def play(
    scenario: Scenario, episodes: int = EPISODES, seed: int = 0, pool: Executor | None = None, chunks: int = 4
) -> pd.DataFrame:
    """Episodes ``0 .. episodes-1`` of ``scenario`` (seed ``seed``), one row each, as ``wargame run``
    plays them; in ``pool`` (split into ``chunks`` tasks) when given."""
    if not 1 <= episodes <= MAX_EPISODES:
        raise BadKnob(f"episodes: between 1 and {MAX_EPISODES} (got {episodes})")
    experiment = Experiment(name="explore", scenario="(the explorer)", runs=episodes, seed=seed)
    payload = payload_of(Plan(experiment=experiment, scenario=scenario.data()))
    if pool is None:
        return run_chunk(payload, 0, episodes)[0]
    bounds = np.linspace(0, episodes, min(chunks, episodes) + 1).astype(int)
    futures = [pool.submit(run_chunk, payload, int(a), int(b)) for a, b in itertools.pairwise(bounds)]
    return pd.concat([f.result()[0] for f in futures], ignore_index=True)


def distributions(scenario: Scenario, episodes: pd.DataFrame) -> dict[str, Any]:
    """The outcome distributions of ``episodes``: deal and breakdown rates, each issue's outcomes
    (value, label, share), the deal round, and each principal's utility (mean and quartiles).

    Shares and quantiles follow the rules of ``wargame batch``'s summary (:mod:`wargame.summary`):
    an issue decided among options has a median that some episode ended on."""
    n = len(episodes)
    issues = {}
    for name, issue in scenario.issues.items():
        issues[name] = {
            "label": issue.label or name,
            "unit": issue.unit,
            "lo": issue.lo,
            "hi": issue.hi,
            "status_quo": issue.status_quo,
            "no_deal": issue.no_deal,
            "bars": [
                {**bar, "label": issue.label_of(bar["value"])}
                for bar in shares(episodes[f"outcome.{name}"].to_numpy(dtype=float))
            ],
            "median": quantile(episodes[f"outcome.{name}"], 0.5, discrete=issue.options is not None),
        }
    deal = episodes["deal"].to_numpy(dtype=bool)
    rounds = episodes.loc[deal, "deal_round"].to_numpy(dtype=int)
    by_round = shares(rounds.astype(float)) if len(rounds) else []
    utility = {}
    for actor in scenario.principals:
        u = episodes[f"utility.{actor}"].to_numpy(dtype=float)
        q25, q75 = quantiles(u, (0.25, 0.75))
        utility[actor] = {"mean": float(u.mean()), "q25": float(q25), "q75": float(q75)}
    ended = episodes["ended"].value_counts(normalize=True)
    return {
        "episodes": n,
        "deal_rate": float(deal.mean()),
        "ended": {str(k): float(v) for k, v in ended.items()},
        "issues": issues,
        "deal_rounds": [
            # a share of all episodes, as the deal rate is
            {"round": int(b["value"]), "share": b["share"] * len(rounds) / n}
            for b in by_round
        ],
        "utility": utility,
    }


def one_episode(scenario: Scenario, seed: int = 0) -> list[dict[str, Any]]:
    """Episode 0 of ``seed``, round by round: the offer, the answers, the events, each principal's
    utility of the offer."""
    _, model_seed = episode_seeds(seed, 0)
    model = NegotiationModel(scenario, seed=model_seed, collect=False)
    model.run()
    return [
        {
            "round": r.round,
            "proposer": r.proposer,
            "offer": r.offer,
            "responses": r.responses,
            "events": list(r.events),
            "utility": {a: r.utility[a] for a in scenario.principals},
            "deal": r.deal,
        }
        for r in model.history
    ]


def explore(
    scenario: Scenario,
    values: Mapping[str, Any],
    episodes: int = EPISODES,
    seed: int = 0,
    pool: Executor | None = None,
) -> dict[str, Any]:
    """What the explorer page shows for knob ``values``: the distributions of ``episodes`` episodes
    and episode 0 round by round. Raises :class:`BadKnob` or :class:`WargameError` for bad values."""
    played = changed(scenario, values)
    frame = play(played, episodes, seed, pool)
    return {**distributions(played, frame), "episode": one_episode(played, seed)}
