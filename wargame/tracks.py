"""Tracks and their deadlines: issues agreed apart from the rest, one component of the model.

When a track's deadline comes and the whole package was not agreed, the deadline round's offer
(refused as a whole) is put to the principals for that track alone: each accepts its terms if it
prefers them to the track failing (its issues at their no-deal values), by its own payoffs, which
only it knows. If every principal accepts, the track is agreed on those terms; if one refuses,
nothing is imposed and the deadline slips to the end of the next calendar phase (the talks' last
round at most), where the same vote is held on that round's offer. At the talks' last round a
refused track fails. A settled track's terms are what failing leaves there from then on, and its
part of ``no_deal_cost`` is paid or spared (:func:`wargame.payoffs.failure_share`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from wargame import timeline
from wargame.payoffs import failure_share
from wargame.scenario import Scenario


class Tracks:
    """The tracks of one episode, what each settled on, and what failing leaves on every issue."""

    def __init__(self, scenario: Scenario, no_deal: np.ndarray) -> None:
        issues = list(scenario.issues)
        # track -> (its issues' columns, its deadline round: moved when it slips)
        self.columns = {
            name: (np.array([issues.index(i) for i in track.issues]), timeline.deadline(scenario, name))
            for name, track in scenario.tracks.items()
        }
        self.schedule = timeline.schedule(scenario)
        self.result: dict[str, tuple[bool, int]] = {}  # track -> (agreed, round settled)
        self.slips: dict[str, int] = dict.fromkeys(self.columns, 0)  # deadlines missed
        self.base_no_deal = no_deal.copy()  # what the talks failing outright leaves
        self.no_deal = no_deal.copy()  # what failing now leaves: settled tracks keep their terms

    def __bool__(self) -> bool:
        return bool(self.columns)

    @property
    def cost_share(self) -> float:
        """The part of ``no_deal_cost`` the talks failing now would cost: the tracks still open."""
        if not self.columns:
            return 1.0
        return float(failure_share(len(self.columns) - len(self.result), len(self.columns)))

    @property
    def failed(self) -> int:
        """How many tracks failed (settled without terms every principal preferred)."""
        return sum(not ok for ok, _ in self.result.values())

    @property
    def all_settled(self) -> bool:
        return len(self.result) == len(self.columns)

    @property
    def all_agreed(self) -> bool:
        return all(ok for ok, _ in self.result.values())

    def open(self) -> list[str]:
        return [n for n in self.columns if n not in self.result]

    def settle(self, package: np.ndarray) -> np.ndarray:
        """``package`` (or packages, ``(B, I)``) with every settled track's issues at their terms."""
        if not self.result:
            return package
        out = np.array(package, dtype=float)
        for name in self.result:
            cols = self.columns[name][0]
            out[..., cols] = self.no_deal[cols]
        return out

    def settled_columns(self) -> dict[int, float]:
        """Issue column -> value, for the issues of every track settled so far."""
        return {int(i): float(self.no_deal[i]) for n in self.result for i in self.columns[n][0]}

    def due(self, round_: int, final: bool = False) -> list[str]:
        """The open tracks whose deadline is ``round_`` or before (every open one when ``final``)."""
        return [
            n for n, (_, when) in self.columns.items() if n not in self.result and (final or when <= round_)
        ]

    def decide(
        self,
        due: Sequence[str],
        round_: int,
        offer: np.ndarray,
        gains_over_failure: Callable[[np.ndarray, np.ndarray], np.ndarray],
        cost: np.ndarray,
        final: bool = False,
        vetoed: Callable[[np.ndarray, np.ndarray], bool] | None = None,
    ) -> None:
        """Put the ``due`` tracks' terms of ``offer`` (the round's offer, with settled tracks' terms)
        to the principals: agreed if every one prefers them to the track failing, else the deadline
        slips (or, when ``final``, at the talks' last round, the track fails).

        ``gains_over_failure(package, failing)``: each principal's utility of ``package`` minus that
        of ``failing``; ``cost``: the principals' ``no_deal_cost`` (a failed track costs its share);
        ``vetoed(package, columns)``: whether a ratifier refuses those terms (a refused vote too).
        """
        share = failure_share(1, len(self.columns))
        last = len(self.schedule.phase) - 1
        no_deal = self.no_deal.copy()
        for name in due:
            cols = self.columns[name][0]
            failing = offer.copy()
            failing[cols] = self.base_no_deal[cols]
            accepted = bool(np.all(gains_over_failure(offer, failing) + share * cost >= -1e-12))
            accepted = accepted and not (vetoed is not None and vetoed(offer, cols))
            if accepted:
                self.result[name] = (True, round_)
                no_deal[cols] = offer[cols]
            elif final or round_ >= last:
                self.result[name] = (False, round_)
            else:
                self.slips[name] += 1
                self.columns[name] = (cols, timeline.next_deadline(self.schedule, round_))
        self.no_deal = no_deal

    def close(self, agreed: bool, round_: int) -> None:
        """Every open track ends now: agreed with the whole package, or failed in a breakdown."""
        self.result.update(dict.fromkeys(self.open(), (agreed, round_)))
