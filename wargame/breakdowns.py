"""Breakdowns: reasons the talks may collapse in any round, one component of the model.

Each cause ends the talks after a round with probability
``clip(hazard + sum_e per_fire[e] * times event e has fired, 0, 1)``. The dice come from their own
stream, seeded from the episode's seed: a breakdown hazard of 0 leaves every other draw where it
was, and the same seed gives every parameter setting the same dice (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping

from wargame.episode import substream
from wargame.scenario import Scenario


class Breakdowns:
    """The breakdown causes of one episode and their dice."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.causes = [(name, b.hazard, b.per_fire) for name, b in scenario.breakdown.items()]
        self.rng = substream(seed, 0xB4EA)

    def __bool__(self) -> bool:
        return bool(self.causes)

    def draw(self, fired: Mapping[str, int]) -> str | None:
        """After a round that did not end the talks: the cause that ends them now, if any
        (``fired``: how many times each event has fired so far)."""
        draws = self.rng.random(len(self.causes))
        for (name, hazard, per_fire), draw in zip(self.causes, draws, strict=True):
            p = hazard + sum(w * fired.get(e, 0) for e, w in per_fire.items())
            if draw < min(max(p, 0.0), 1.0):
                return name
        return None
