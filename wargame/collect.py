"""What Mesa's DataCollector reads of an episode, round by round (``NegotiationModel(collect=True)``).

Collected at the start (round -1: the status quo on the table) and after every round, as Mesa's
own models do: ``mesa.batch_run`` pairs model and agent rows by that count. Who proposed, the
events and the answers come from the round's record (:class:`wargame.episode.RoundRecord`); the
offer on the table and its utilities from the table itself. ``wargame batch`` records rounds only
through :meth:`wargame.episode.Episode.round_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mesa


def _offer(i: int) -> Callable[[Any], float]:
    return lambda m: float(m.standing_offer[i])


def collector(issue_names: Sequence[str]) -> mesa.DataCollector:
    """A DataCollector of the offer on the table, the proposer, the events and each government's
    utility, aspiration and answer."""
    return mesa.DataCollector(
        model_reporters={
            "round": lambda m: m.steps - 1,
            "proposer": lambda m: m.history[-1].proposer if m.history else None,
            "deal": "deal",
            **{f"offer.{name}": _offer(i) for i, name in enumerate(issue_names)},
            "events": lambda m: ",".join(m.history[-1].events) if m.history else "",
        },
        agent_reporters={
            "actor": "actor",
            "role": "role",
            "utility": lambda a: float(a.model.standing_utility[a.index]),
            "aspiration": "aspiration_now",
            "accepted": lambda a: a.model.history[-1].responses.get(a.actor) if a.model.history else None,
        },
    )
