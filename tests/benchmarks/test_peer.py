"""The same bilateral negotiation in NegMAS and in this engine (issue 23's peer comparison).

Two principals (Seoul and Washington, their payoffs from the scenario file: no stakeholders, no
events, no tracks, no breakdowns), a conceder against a Boulware, 12 rounds of alternating offers.
NegMAS (``pip install -e '.[peer]'``) plays its stacked alternating offers protocol (SAO) with its
time-based negotiators, which list and sort the whole outcome space; this engine offers among the
exact efficient packages. NegMAS is given its best case on the three-issue grid: a utility looked up
in a table of the whole grid (built by this engine, not timed). On the seven-issue package (17
million outcomes) no table fits, so NegMAS evaluates the payoffs outcome by outcome in a child
process given ``PEER_SECONDS`` (default 120) to finish.

Run: ``pytest tests/benchmarks/test_peer.py --benchmark-only -s``.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from typing import Any

import numpy as np
import pytest

from wargame import space
from wargame.model import NegotiationModel
from wargame.parameters import payoffs_of
from wargame.scenario import Scenario, as_scenario, load_scenario

from ..conftest import PACKAGE, TEACHING

negmas = pytest.importorskip("negmas")

PRINCIPALS = ("seoul", "washington")
STRATEGIES = {"seoul": {"name": "conceder", "e": 3.0}, "washington": {"name": "boulware", "e": 0.2}}


def bilateral(path: Any) -> Scenario:
    """The scenario's two principals alone, conceder against Boulware, seeing each other as they are."""
    data = dict(load_scenario(path).plain())
    data["actors"] = {
        a: {**data["actors"][a], "strategy": STRATEGIES[a], "perception_noise": 0.0} for a in PRINCIPALS
    }
    for key in ("events", "injects", "breakdown", "tracks", "classroom"):
        data.pop(key, None)
    data["rounds"] = 12
    return as_scenario(data)


class _Utility(negmas.preferences.UtilityFunction):  # type: ignore[misc]
    """A principal's utility of one outcome: looked up in ``table`` if given, else from the payoffs."""

    def __init__(self, payoffs: Any, row: int, table: dict | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.payoffs, self.row, self.table = payoffs, row, table

    def eval(self, offer: Any) -> float:
        if offer is None:
            return float(self.reserved_value)
        if self.table is not None:
            return self.table[tuple(offer)]
        return float(self.payoffs.utilities(np.asarray(offer, dtype=float)[None, :])[self.row, 0])


def negmas_negotiation(scenario: Scenario, tables: dict[str, dict] | None) -> Any:
    """One SAO negotiation of ``scenario``'s two principals; the mechanism's final state."""
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator

    p = payoffs_of(scenario)
    layout = space.layout(scenario)
    reservations = p.reservations(layout.no_deal)
    named = zip(scenario.issues, layout.axes, strict=True)
    issues = [negmas.make_issue([float(v) for v in ax], name) for name, ax in named]
    mechanism = negmas.SAOMechanism(issues=issues, n_steps=12)
    for actor, kind in (("seoul", ConcederTBNegotiator), ("washington", BoulwareTBNegotiator)):
        row = p.index(actor)
        ufun = _Utility(
            p,
            row,
            None if tables is None else tables[actor],
            reserved_value=float(reservations[row]),
            outcome_space=mechanism.outcome_space,
        )
        mechanism.add(kind(name=actor), ufun=ufun)
    return mechanism.run()


def lookup_tables(scenario: Scenario) -> dict[str, dict]:
    """Each principal's utility of every outcome of the grid (small grids only)."""
    p = payoffs_of(scenario)
    axes = space.layout(scenario).axes
    grid = np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")], axis=1)
    U = p.utilities(grid)
    keys = [tuple(map(float, row)) for row in grid]
    return {a: dict(zip(keys, U[p.index(a)].tolist(), strict=True)) for a in PRINCIPALS}


def test_the_three_issue_negotiation_in_this_engine(benchmark):
    scenario = bilateral(TEACHING)
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds), collect=False).run())
    benchmark.extra_info["ms_per_negotiation"] = 1e3 * benchmark.stats.stats.mean


def test_the_three_issue_negotiation_in_negmas(benchmark):
    scenario = bilateral(TEACHING)
    tables = lookup_tables(scenario)
    state = benchmark.pedantic(lambda: negmas_negotiation(scenario, tables), rounds=5, warmup_rounds=1)
    benchmark.extra_info["ms_per_negotiation"] = 1e3 * benchmark.stats.stats.mean
    benchmark.extra_info["agreement"] = str(state.agreement)


def test_the_seven_issue_negotiation_in_this_engine(benchmark):
    scenario = bilateral(PACKAGE)
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds), collect=False).run())
    benchmark.extra_info["ms_per_negotiation"] = 1e3 * benchmark.stats.stats.mean


def _negmas_package(queue: Any) -> None:
    start = time.perf_counter()
    state = negmas_negotiation(bilateral(PACKAGE), None)
    queue.put((time.perf_counter() - start, str(state.agreement)))


def test_the_seven_issue_negotiation_in_negmas():
    """Not a pytest-benchmark timing: one negotiation in a child process, stopped at the limit."""
    limit = float(os.environ.get("PEER_SECONDS", "120"))
    queue: Any = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(target=_negmas_package, args=(queue,))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        print(f"\nNegMAS: the seven-issue negotiation did not finish in {limit:.0f} s")
    else:
        seconds, agreement = queue.get()
        print(f"\nNegMAS: the seven-issue negotiation took {seconds:.1f} s (agreement {agreement})")
