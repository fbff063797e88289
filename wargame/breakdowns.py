"""Breakdowns: reasons the talks may collapse in any round, one component of the model.

Each cause ends the talks on any day with probability ``h = clip(hazard + sum_e per_fire[e] *
times event e has fired, 0, 1)``: after a round of ``d`` days (the calendar's; a round of a
scenario without one is a day), with probability ``1 - (1 - h) ** d``, so a long round of
follow-on talks is as exposed as the days it lasts. The dice come from their own
stream, seeded from the episode's seed: a breakdown hazard of 0 leaves every other draw where it
was, and the same seed gives every parameter setting the same dice (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from wargame.episode import substream
from wargame.scenario import Scenario


class Breakdowns:
    """The breakdown causes of one episode and their dice."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.causes = [(name, b.hazard, b.per_fire) for name, b in scenario.breakdown.items()]
        self.rng = substream(seed, 0xB4EA)

    def __bool__(self) -> bool:
        return bool(self.causes)

    def daily(self, fired: Mapping[str, int], event: str | None = None) -> list[float]:
        """Each cause's chance of ending the talks on one day, given how many times each event has
        fired (``fired``), and one more firing of ``event`` if given."""
        out = []
        for _, hazard, per_fire in self.causes:
            h = hazard + sum(w * (fired.get(e, 0) + (e == event)) for e, w in per_fire.items())
            out.append(min(max(h, 0.0), 1.0))
        return out

    def survival(self, fired: Mapping[str, int], event: str | None = None) -> float:
        """The chance that no cause ends the talks on one day (see :meth:`daily`)."""
        return float(np.prod([1.0 - h for h in self.daily(fired, event)]))

    def draw(self, fired: Mapping[str, int], days: float = 1.0) -> str | None:
        """After a round of ``days`` days that did not end the talks: the cause that ends them now,
        if any (``fired``: how many times each event has fired so far)."""
        draws = self.rng.random(len(self.causes))
        for (name, _, _), daily, draw in zip(self.causes, self.daily(fired), draws, strict=True):
            if draw < 1.0 - (1.0 - daily) ** days:
                return name
        return None
