"""Moves files (``wargame play --moves FILE``): each human government's moves, checked before play,
replayed by a :class:`ScriptedSeat`. Also the check every seat makes of a proposed package."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wargame.errors import Problem, WargameError
from wargame.scenario import Scenario
from wargame.schema import line_index, locate, read_yaml

if TYPE_CHECKING:
    from agents.view import SeatView


class EndOfInput(Exception):  # noqa: N818 (an ending, not an error)
    """The player's input ran out (end of file, or the moves file has no more moves: then
    :class:`MovesRanOut`)."""


class MovesRanOut(EndOfInput):  # an ending; the caller reports it as an error
    """A moves file has no move for a decision the game asks for: ``problem`` names the file, the
    government and the decision."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def check_package(scenario: Scenario, values: Mapping[str, Any]) -> tuple[np.ndarray | None, list[str]]:
    """A proposal as a package, or the reasons it is not one (range, step, missing issue)."""
    problems = []
    out = []
    for name, issue in scenario.issues.items():
        if name not in values:
            problems.append(f"{name}: missing")
            continue
        v = values[name]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            problems.append(f"{name}: '{v}' is not a number")
            continue
        if not issue.admits(float(v)):
            problems.append(f"{name}: {v:g} is not an allowed value ({issue.allowed()})")
            continue
        out.append(float(v))
    extra = sorted(set(values) - set(scenario.issues))
    problems += [f"{name}: not an issue (issues: {', '.join(scenario.issues)})" for name in extra]
    return (np.array(out) if not problems else None), problems


def move_kind(move: Any) -> str | None:
    """What a move is (``propose``, ``accept``, ``reject``, ``trigger``, ``pass``): the word, or
    the one key of a mapping; None for anything else."""
    if isinstance(move, str):
        return move
    if isinstance(move, Mapping) and len(move) == 1:
        return str(next(iter(move)))
    return None


class ScriptedSeat:
    """Plays one government from a list of moves (``--moves FILE``): ``propose: {issue: value}``,
    ``accept``, ``reject`` for a principal; ``trigger: EVENT`` or ``pass`` for a stakeholder."""

    def __init__(self, actor: str, moves: list[Any], source: str = "moves"):
        self.actor = actor
        self.moves = list(moves)
        self.source = source
        self.used = 0

    def _next(self, wanted: tuple[str, ...], what: str, round_: int) -> Any:
        if self.used >= len(self.moves):
            n = len(self.moves)
            raise MovesRanOut(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used}",
                    f"no move for {self.actor}'s decision in round {round_}: the game asks {self.actor} "
                    f"to {what} ({' or '.join(wanted)}), and the file has only {n} move{'s' * (n != 1)} "
                    f"for {self.actor}",
                )
            )
        move = self.moves[self.used]
        kind = move_kind(move)
        if kind not in wanted:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used}",
                    f"'{kind}' does not fit here: the game asks {self.actor} to {what} "
                    f"({' or '.join(wanted)})",
                )
            )
        self.used += 1
        return move

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        move = self._next(("propose",), "make an offer", round_)
        package, _ = check_package(view.scenario, move["propose"])
        assert package is not None  # checked when the file was read
        return package

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        return self._next(("accept", "reject"), "answer the offer on the table", round_) == "accept"

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        move = self._next(("trigger", "pass"), f"act or pass (it may trigger {', '.join(events)})", round_)
        if move == "pass":
            return None
        if move["trigger"] not in events:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used - 1}.trigger",
                    f"'{move['trigger']}' cannot fire now (it may: {', '.join(events)})",
                )
            )
        return str(move["trigger"])


def load_moves(path: str | Path, scenario: Scenario, humans: list[str]) -> dict[str, ScriptedSeat]:
    """Read and check a moves file: every actor a human one, every move well formed and legal."""
    source = str(path)
    data, text = read_yaml(path)
    lines = line_index(text)
    if not isinstance(data, Mapping):
        raise WargameError(Problem(source, "", "a moves file maps each human actor to a list of moves", 1))
    problems = []

    def bad(loc: tuple[Any, ...], message: str) -> None:
        where, line = locate(loc, lines)
        problems.append(Problem(source, where, message, line))

    for actor, moves in data.items():
        if actor not in humans:
            bad((actor,), f"'{actor}' is not played by a person here (--as {' --as '.join(humans)})")
            continue
        if not isinstance(moves, list):
            bad((actor,), "expected a list of moves")
            continue
        principal = scenario.actors[actor].role == "principal"
        allowed = ("propose", "accept", "reject") if principal else ("trigger", "pass")
        for i, move in enumerate(moves):
            kind = move_kind(move)
            if kind not in allowed:
                bad((actor, i), f"expected one of {', '.join(allowed)} (a {scenario.actors[actor].role})")
            elif kind == "propose":
                if not isinstance(move["propose"], Mapping):
                    bad((actor, i, "propose"), "expected issue: value pairs")
                    continue
                _, reasons = check_package(scenario, move["propose"])
                for reason in reasons:
                    bad((actor, i, "propose"), reason)
            elif kind == "trigger":
                event = move["trigger"]
                if (
                    not isinstance(event, str)
                    or event not in scenario.events
                    or scenario.events[event].actor != actor
                ):
                    mine = [n for n, e in scenario.events.items() if e.actor == actor]
                    bad(
                        (actor, i, "trigger"),
                        f"'{event}' is not one of {actor}'s events ({', '.join(mine) or 'none'})",
                    )
            elif isinstance(move, Mapping) and kind in ("accept", "reject", "pass"):
                bad((actor, i), f"write '{kind}' on its own")
    if problems:
        raise WargameError(problems)
    return {actor: ScriptedSeat(actor, data.get(actor) or [], source) for actor in humans}
