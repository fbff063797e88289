"""Moves: the one typed form of a decision (:class:`Move`, and :class:`Decision` for a move made in
a round), its moves-file form and its transcript form; moves files (``wargame play --moves FILE``),
each human government's moves, checked before play and replayed by a :class:`ScriptedSeat`; and the
check every seat makes of a proposed package.

A move travels in two plain forms, each converted here and nowhere else:

* the *moves-file form* (what a moves file holds, what a browser sends and ``session.json`` keeps):
  ``{propose: {issue: value}}``, ``accept``, ``reject``, ``{trigger: EVENT}``, ``pass``
  (:meth:`Move.wire`, :meth:`Move.from_wire`);
* the *transcript form*, one mapping per decision with its round and government
  (:meth:`Decision.to_json`, :meth:`Decision.from_json`): what ``transcript.yaml`` records and
  :meth:`wargame.classroom.game.Game.replay` plays again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict, get_args

import numpy as np

from wargame.errors import Problem, WargameError
from wargame.scenario import Scenario
from wargame.schema import line_index, locate, read_yaml

if TYPE_CHECKING:
    from agents.view import SeatView

MoveKind = Literal["propose", "accept", "reject", "trigger", "pass"]
KINDS: tuple[MoveKind, ...] = get_args(MoveKind)
WORDS = ("accept", "reject", "pass")  # the moves written as a bare word
SAYS = {"propose": "{issue: value, ...}", "trigger": "EVENT"}  # what the other two map to


class BadMove(ValueError):  # noqa: N818 (a refusal of input, like ValueError)
    """A value that is no move in the moves-file form."""


@dataclass(frozen=True)
class Move:
    """What a person decided: propose ``package`` (issue -> value), accept or reject the offer on
    the table, trigger ``event``, or pass. Only the field its kind needs is set."""

    kind: MoveKind
    # hash=False: a mapping cannot be hashed; two moves are equal when their packages are
    package: Mapping[str, float] | None = field(default=None, hash=False)
    event: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise BadMove(f"'{self.kind}' is not a move ({', '.join(KINDS)})")
        if (self.package is not None) != (self.kind == "propose"):
            raise BadMove(f"a {self.kind} move {'needs' if self.kind == 'propose' else 'has no'} package")
        if (self.event is not None) != (self.kind == "trigger"):
            raise BadMove(f"a {self.kind} move {'needs' if self.kind == 'trigger' else 'has no'} event")

    def wire(self) -> str | dict[str, Any]:
        """The moves-file form: a bare word, or a mapping of the kind to its package or event."""
        if self.kind == "propose":
            return {"propose": dict(self.package or {})}
        if self.kind == "trigger":
            return {"trigger": self.event}
        return self.kind

    @classmethod
    def from_wire(cls, value: Any) -> Move:
        """A move from its moves-file form; :class:`BadMove` if it is not well formed (whether it
        fits the game is checked elsewhere: :func:`check_package`, ``turns.check_move``)."""
        if isinstance(value, str) and value in WORDS:
            return cls(value)  # type: ignore[arg-type]  # one of WORDS, each a MoveKind
        kind = move_kind(value) if isinstance(value, Mapping) else None
        if kind == "propose":
            package = value["propose"]
            if not isinstance(package, Mapping) or not all(
                isinstance(k, str) and _number(v) for k, v in package.items()
            ):
                raise BadMove("a proposal maps each issue to a number")
            return cls("propose", package={k: float(v) for k, v in package.items()})
        if kind == "trigger" and isinstance(value["trigger"], str):
            return cls("trigger", event=value["trigger"])
        raise BadMove(f"not a move: {value!r}")


class DecisionJSON(TypedDict):
    """A decision in the transcript form: its round and government, and one key for the move
    (``trigger: null`` is a pass)."""

    round: int
    actor: str
    propose: NotRequired[dict[str, float]]
    accept: NotRequired[bool]
    reject: NotRequired[bool]
    trigger: NotRequired[str | None]


@dataclass(frozen=True)
class Decision:
    """A move a person made for ``actor`` in round ``round``."""

    round: int
    actor: str
    move: Move

    def to_json(self) -> DecisionJSON:
        """The transcript form (``transcript.yaml``'s ``decisions``)."""
        out: DecisionJSON = {"round": self.round, "actor": self.actor}
        move = self.move
        if move.kind == "propose":
            out["propose"] = dict(move.package or {})
        elif move.kind == "accept":
            out["accept"] = True
        elif move.kind == "reject":
            out["reject"] = True
        else:  # trigger or pass
            out["trigger"] = move.event
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        """A decision from its transcript form, as every transcript ever saved writes it."""
        if "propose" in data:
            move = Move("propose", package={str(k): float(v) for k, v in data["propose"].items()})
        elif "trigger" in data:
            event = data["trigger"]
            move = Move("pass") if event is None else Move("trigger", event=str(event))
        else:  # {accept: true} or {reject: true}
            move = Move("accept" if data.get("accept") else "reject")
        return cls(int(data["round"]), str(data["actor"]), move)


def _number(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, int | float) and math.isfinite(v)


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
    """Plays one government from a list of moves (``--moves FILE``, or a transcript's decisions):
    propose, accept or reject for a principal; trigger or pass for a government with events (a
    principal that writes neither before its move at the table passes)."""

    def __init__(self, actor: str, moves: Sequence[Move], source: str = "moves"):
        self.actor = actor
        self.moves = list(moves)
        self.source = source
        self.used = 0

    def _next(self, wanted: tuple[MoveKind, ...], what: str, round_: int) -> Move:
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
        if move.kind not in wanted:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used}",
                    f"'{move.kind}' does not fit here: the game asks {self.actor} to {what} "
                    f"({' or '.join(wanted)})",
                )
            )
        self.used += 1
        return move

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        move = self._next(("propose",), "make an offer", round_)
        package, _ = check_package(view.scenario, move.package or {})
        assert package is not None  # checked when the file was read
        return package

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        return self._next(("accept", "reject"), "answer the offer on the table", round_).kind == "accept"

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        if self.used < len(self.moves) and self.moves[self.used].kind in ("propose", "accept", "reject"):
            return None  # its next move is at the table: it passes (a threat is written as a trigger)
        move = self._next(("trigger", "pass"), f"act or pass (it may trigger {', '.join(events)})", round_)
        if move.event is None:  # a pass
            return None
        if move.event not in events:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used - 1}.trigger",
                    f"'{move.event}' cannot fire now (it may: {', '.join(events)})",
                )
            )
        return move.event


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
        acts = any(e.actor == actor for e in scenario.events.values())
        at_table = ("propose", "accept", "reject") if principal else ()
        allowed = at_table + (("trigger", "pass") if acts else ())
        for i, move in enumerate(moves):
            kind = move_kind(move)
            if kind not in allowed:
                bad((actor, i), f"expected one of {', '.join(allowed)} (a {scenario.actors[actor].role})")
            elif kind in ("propose", "trigger") and not isinstance(move, Mapping):
                bad((actor, i), f"'{kind}' on its own says nothing: write {kind}: {SAYS[kind]}")
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
    # every move checked above: each converts to its typed form
    return {
        actor: ScriptedSeat(actor, [Move.from_wire(m) for m in data.get(actor) or []], source)
        for actor in humans
    }
