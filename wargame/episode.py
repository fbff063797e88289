"""The result of one episode: what was agreed (or not), who gained, what happened on the way."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Change:
    path: str
    old: float
    new: float


@dataclass(frozen=True)
class FiredEvent:
    """One event that fired: when, whose, why, and what it changed."""

    round: int
    event: str
    actor: str
    cause: str  # "hazard", "choice" (its actor chose it), "inject" or "player" (a person)
    probability: float | None
    changes: tuple[Change, ...]
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RoundRecord:
    """One round. Under alternating offers ``offer`` is the proposer's package; under the expected
    utility protocol it is the forecast (weighted median, ``proposer`` is "forecast"), with the
    weighted ``mean``, every actor's ``positions`` and the ``moves`` the challenges caused."""

    round: int
    proposer: str
    offer: dict[str, float]
    responses: dict[str, bool]  # other principals: accept?
    support: dict[str, bool]  # stakeholders: prefer this offer to no deal?
    utility: dict[str, float]  # every actor's utility of the offer
    aspiration: dict[str, float]  # principals' aspiration levels this round
    events: tuple[str, ...]  # events that fired at the start of the round
    deal: bool
    mean: dict[str, float] = field(default_factory=dict)
    positions: dict[str, dict[str, float]] = field(default_factory=dict)
    moves: tuple[dict[str, Any], ...] = ()
    vetoed_by: tuple[str, ...] = ()  # ratifiers that refused an offer every principal accepted


@dataclass(frozen=True)
class Episode:
    """One negotiation, start to finish.

    Everything is measured with one set of payoffs: those in force when the episode ended, which
    is when the outcome was decided (events during the talks may have changed them). ``utility``
    is each actor's utility of the outcome; without a deal, the no-deal outcome's utility minus
    ``no_deal_cost``, which is the reservation value, so the gain is 0. ``gain = utility -
    reservation``; ``discounted = discount ** deal_round * utility`` is what the deal is worth from
    round 0 (a failure is not discounted: it is the reference point). ``nash`` is the Nash
    bargaining point of the game as it ended; ``nash_distance`` the distance of the outcome from it
    in the normalized issue space (0 = same package, 1 = opposite corners).
    """

    scenario: str
    protocol: str
    seed: int | None
    deal: bool
    deal_round: int | None
    proposer: str | None
    rounds_played: int
    outcome: dict[str, float]
    utility: dict[str, float]
    reservation: dict[str, float]
    gain: dict[str, float]
    discounted: dict[str, float]
    events: tuple[FiredEvent, ...]
    event_counts: dict[str, int]
    nash: dict[str, float] | None
    nash_distance: float | None
    rounds: tuple[RoundRecord, ...] = field(default=())
    # what the protocol predicts per issue: the outcome under alternating offers; the final
    # weighted median under expected_utility (also when the principals reject it), with its mean
    forecast: dict[str, float] = field(default_factory=dict)
    forecast_mean: dict[str, float] | None = None
    # how the talks ended: "agreement" (an offer on everything still open was accepted: a deal
    # unless a track failed before), "deadline" (the last deadline settled what was open: a deal
    # if every track was agreed there or before) or "breakdown"; and the breakdown's cause
    ended: str = ""
    breakdown: str | None = None
    # the calendar: the day the deal was made (None without one), the day and phase the talks ended
    deal_day: float | None = None
    end_day: float = math.nan
    end_phase: str = ""
    # per track: (agreed, the round it was settled)
    tracks: dict[str, tuple[bool, int]] = field(default_factory=dict)
    # per track: how many times its deadline slipped (a deadline vote failed and the talks went on)
    slips: dict[str, int] = field(default_factory=dict)
    # the principal who proposed first (drawn from the seed unless the scenario names one)
    first_proposer: str = ""
    # measures against the payoffs the talks started with: each actor's salience-weighted distance
    # of the outcome from its ideal (0-1), each issue's move from the status quo (share of range)
    concession: dict[str, float] = field(default_factory=dict)
    movement: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuples become lists)."""
        return asdict(self)

    def to_row(self) -> dict[str, Any]:
        """One flat row: the outcome columns a Monte Carlo table holds."""
        row: dict[str, Any] = {
            "deal": self.deal,
            "deal_round": -1 if self.deal_round is None else self.deal_round,
            "rounds_played": self.rounds_played,
            "ended": self.ended,
            "breakdown": self.breakdown or "",
            "deal_day": math.nan if self.deal_day is None else self.deal_day,
            "end_day": self.end_day,
            "end_phase": self.end_phase,
            "first_proposer": self.first_proposer,
            "vetoes": sum(bool(r.vetoed_by) for r in self.rounds),
        }
        for name, (agreed, at) in self.tracks.items():
            row[f"agreed.{name}"] = agreed
            row[f"settled_round.{name}"] = at
            row[f"slips.{name}"] = self.slips.get(name, 0)
        row.update({f"concession.{k}": v for k, v in self.concession.items()})
        row.update({f"movement.{k}": v for k, v in self.movement.items()})
        row.update({f"outcome.{k}": v for k, v in self.outcome.items()})
        row.update({f"forecast.{k}": v for k, v in self.forecast.items()})
        if self.forecast_mean is not None:
            row.update({f"forecast_mean.{k}": v for k, v in self.forecast_mean.items()})
        row.update({f"utility.{k}": v for k, v in self.utility.items()})
        row.update({f"gain.{k}": v for k, v in self.gain.items()})
        row.update({f"discounted.{k}": v for k, v in self.discounted.items()})
        row.update({f"events.{k}": v for k, v in self.event_counts.items()})
        row.update({f"nash.{k}": (self.nash or {}).get(k, math.nan) for k in self.outcome})
        row["nash_distance"] = math.nan if self.nash_distance is None else self.nash_distance
        return row

    def round_rows(self) -> list[dict[str, Any]]:
        """One flat row per round (the ``rounds.parquet`` trace)."""
        rows = []
        for r in self.rounds:
            row: dict[str, Any] = {"round": r.round, "proposer": r.proposer, "deal": r.deal}
            row.update({f"offer.{k}": v for k, v in r.offer.items()})
            row.update({f"utility.{k}": v for k, v in r.utility.items()})
            row["accepted_by"] = ",".join(a for a, ok in r.responses.items() if ok)
            row["backed_by"] = ",".join(a for a, ok in r.support.items() if ok)
            row["events"] = ",".join(r.events)
            row["vetoed_by"] = ",".join(r.vetoed_by)
            row.update({f"mean.{k}": v for k, v in r.mean.items()})
            row.update({f"position.{a}.{k}": v for a, by in r.positions.items() for k, v in by.items()})
            if r.positions:
                row["moves"] = len(r.moves)
            rows.append(row)
        return rows


def substream(seed: int, tag: int) -> np.random.Generator:
    """A generator of its own for one part of an episode (its breakdown dice, who opens), seeded
    from the episode's seed and ``tag``: drawing from it moves no other draw."""
    return np.random.default_rng(np.random.SeedSequence([abs(seed), int(seed < 0), tag]))


def replayable_seed(seed: int | None, rng: np.random.Generator | np.random.SeedSequence | int | None) -> int:
    """The one seed an episode runs from, whatever it was given, so that ``Episode.seed`` replays it:
    a seed as it is; an int ``rng`` as that seed; a Generator or SeedSequence gives one draw; neither
    gives a fresh seed from the operating system."""
    if seed is not None and rng is not None:
        raise ValueError("give seed or rng, not both")
    if seed is not None:
        return int(seed)
    if isinstance(rng, int | np.integer):
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    sequence = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence()
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))  # fits int64
