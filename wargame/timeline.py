"""Rounds as a calendar: which phase each round falls in, the day it ends, and track deadlines.

Without a ``calendar:`` a scenario's rounds are one day each in a single phase named "talks", so
the day a deal is made is its round plus one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wargame.scenario_schema import ScenarioSpec as Scenario

DEFAULT_PHASE = "talks"


@dataclass(frozen=True)
class Schedule:
    """Per round (0-based): its phase and the day it ends, counted from the start of the talks."""

    phase: tuple[str, ...]
    end_day: np.ndarray  # (rounds,) days from the start to the end of each round
    start: str  # ISO date of day 0 ('' when the calendar has none)

    def date(self, round_: int) -> str:
        """The calendar date a round ends on ('' without a start date)."""
        if not self.start:
            return ""
        day = dt.date.fromisoformat(self.start) + dt.timedelta(days=float(self.end_day[round_]))
        return day.isoformat()

    def start_day(self, round_: int) -> float:
        """The day ``round_`` starts on (the day the one before it ends)."""
        return float(self.end_day[round_ - 1]) if round_ > 0 else 0.0

    def days_from(self, round_: int) -> float:
        """The days from the start of ``round_`` to the end of the talks' last round."""
        return float(self.end_day[-1]) - self.start_day(round_)

    def days_of(self, round_: int) -> float:
        """How many days ``round_`` lasts."""
        return float(self.end_day[round_]) - self.start_day(round_)

    def last_round(self, phase: str) -> int:
        """The last round of a phase."""
        return max(r for r, p in enumerate(self.phase) if p == phase)


def schedule(scenario: Scenario) -> Schedule:
    """The scenario's :class:`Schedule` (cached per calendar and number of rounds)."""
    cal = scenario.calendar
    phases = (
        ((DEFAULT_PHASE, scenario.rounds, 1.0),)
        if cal is None
        else tuple((p.name, p.rounds, p.days) for p in cal.phases)
    )
    start = "" if cal is None or cal.start is None else cal.start.isoformat()
    return _schedule(phases, scenario.rounds, start)


@lru_cache(maxsize=64)
def _schedule(phases: tuple[tuple[str, int, float], ...], rounds: int, start: str) -> Schedule:
    names: list[str] = []
    days: list[float] = []
    for name, count, length in phases:
        names += [name] * count
        days += [length] * count
    while len(names) < rounds:  # the last phase goes on
        names.append(phases[-1][0])
        days.append(phases[-1][2])
    end = np.cumsum(days[:rounds])
    end.setflags(write=False)
    return Schedule(tuple(names[:rounds]), end, start)


def phases_in(scenario: Scenario) -> list[str]:
    """The phases the talks reach, in order (a phase cut off by ``rounds`` is not among them)."""
    return list(dict.fromkeys(schedule(scenario).phase))


def deadline(scenario: Scenario, track: str) -> int:
    """The round by which a track must close (its ``deadline``: a round, or a phase's last round)."""
    when = scenario.tracks[track].deadline
    return schedule(scenario).last_round(when) if isinstance(when, str) else when


def next_deadline(schedule: Schedule, round_: int) -> int:
    """Where a deadline missed in ``round_`` slips to: the last round of the next calendar phase
    (the talks' last round if there is none)."""
    later = [p for p in dict.fromkeys(schedule.phase[round_ + 1 :]) if p != schedule.phase[round_]]
    return schedule.last_round(later[0]) if later else len(schedule.phase) - 1
