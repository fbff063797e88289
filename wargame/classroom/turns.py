"""A game played one decision at a time (``wargame serve``): the moves made so far are the game.

The engine asks seats for decisions and waits for the answer (:class:`agents.human.Seat`); a web
page gives one decision per request, and a server may restart between two of them. So a game in
progress is stored as its scenario, seed and the moves made so far, and is played again from the
start to the first decision nobody has made yet (the same scenario, seed and decisions give the
same game, as :meth:`wargame.classroom.game.Game.replay` relies on). There a :class:`QueuedSeat`
raises :class:`Waiting` with what it was asked: an :class:`Ask`.

The terminal game (:mod:`wargame.classroom.terminal`) and this one drive the same :class:`Game`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import numpy as np

from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.game import Game, classroom_scenario, inject_text
from wargame.classroom.moves import WORDS, Move, ScriptedSeat, check_package, move_kind
from wargame.scenario import Announcement, Inject, Scenario

if TYPE_CHECKING:
    from agents.view import SeatView

AskKind = Literal["propose", "respond", "act"]
# the moves that answer each kind of decision
ANSWERS: dict[AskKind, tuple[str, ...]] = {
    "propose": ("propose",),
    "respond": ("accept", "reject"),
    "act": ("trigger", "pass"),
}


class NewsItem(TypedDict):
    """A piece of news a facilitator may release: its scheduled round, its text, and the event it
    fires (None: it is only read out)."""

    round: int
    text: str
    event: str | None


@dataclass(frozen=True)
class Ask:
    """The decision the game waits for: who, what (propose, respond or act), in which round, the
    offer to answer (respond) or the events it may trigger (act)."""

    actor: str
    kind: AskKind
    round: int
    number: int  # decisions people made before this one (a move names it: a replayed one is refused)
    offer: tuple[float, ...] | None = None
    events: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "kind": self.kind,
            "round": self.round,
            "number": self.number,
            "offer": None if self.offer is None else list(self.offer),
            "events": None if self.events is None else list(self.events),
        }


class Waiting(Exception):  # noqa: N818 (a pause, not an error)
    """A person's seat has no move yet: the game stops here until they make it."""

    def __init__(self, ask: Ask):
        super().__init__(f"waiting for {ask.actor} to {ask.kind}")
        self.ask = ask


class QueuedSeat(ScriptedSeat):
    """Plays the moves made so far, then raises :class:`Waiting` with the decision asked for."""

    def __init__(self, actor: str, moves: list[Move], made: list[int]):
        super().__init__(actor, moves, "the game")
        self.made = made  # shared by every seat of the game: decisions made so far

    def _ask(self, kind: AskKind, round_: int, **extra: Any) -> None:
        if self.used >= len(self.moves):
            raise Waiting(Ask(self.actor, kind, round_, self.made[0], **extra))
        self.made[0] += 1

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        self._ask("propose", round_)
        return super().propose(view, round_)

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        self._ask("respond", round_, offer=tuple(float(v) for v in offer))
        return super().respond(view, offer, round_)

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        self._ask("act", round_, events=tuple(events))
        return super().act(view, round_, events)


def scheduled_items(scenario: Scenario, humans: Sequence[str]) -> list[NewsItem]:
    """The news of the scenario as played, in one list a facilitator releases from: classroom
    announcements and the injects that fire events, each with its scheduled round."""
    played = classroom_scenario(scenario, humans)
    room = played.classroom
    assert room is not None
    items = [NewsItem(round=a.round, text=a.text, event=None) for a in room.injects]
    items += [NewsItem(round=i.round, text=inject_text(i), event=i.event) for i in played.injects]
    return items


def as_released(scenario: Scenario, humans: Sequence[str], released: Mapping[int, int] | None) -> Scenario:
    """The scenario as played, its news firing on schedule (``released`` None) or only the items
    a facilitator released (item index -> the round it takes effect)."""
    played = classroom_scenario(scenario, humans)
    if released is None:
        return played
    items = scheduled_items(scenario, humans)
    room = played.classroom
    assert room is not None
    announcements, injects = [], []
    for k, item in enumerate(items):
        if k not in released:
            continue
        if item["event"] is None:
            announcements.append(Announcement(round=released[k], text=item["text"]))
        else:
            injects.append(Inject(round=released[k], event=item["event"], note=item["text"]))
    return played.model_copy(
        update={"injects": injects, "classroom": room.model_copy(update={"injects": announcements})}
    )


@dataclass
class Position:
    """A game played to where it waits: the game, and what it waits for (None: it is over)."""

    game: Game
    ask: Ask | None


def play_to_ask(
    scenario: Scenario,
    humans: Sequence[str],
    seed: int,
    moves: Mapping[str, Sequence[Move]],
    reference_runs: int = REFERENCE_RUNS,
) -> Position:
    """Play ``scenario`` (as played: :func:`as_released`) from ``seed`` with the moves made so far,
    to the next decision a person must make or to the end."""
    made = [0]
    queued = {a: list(moves.get(a, [])) for a in humans}
    seats = {a: QueuedSeat(a, queued[a], made) for a in humans}
    game = Game.start(scenario, list(humans), seats, seed, reference_runs=reference_runs)
    model = game.model
    assert model is not None
    try:
        while model.running:
            model.step()
    except Waiting as waiting:
        return Position(game, waiting.ask)
    return Position(game, None)


def read_move(position: Position, actor: str, value: Any) -> tuple[Move | None, list[str]]:
    """``value`` (a move in the moves-file form, as a browser sends it) as ``actor``'s next move, or
    why it cannot be that (empty when it can)."""
    ask = position.ask
    if ask is None:
        return None, ["the game is over"]
    if ask.actor != actor:
        return None, [f"it is {ask.actor}'s turn, not {actor}'s"]
    kind = move_kind(value)
    wanted = ANSWERS[ask.kind]
    if kind not in wanted:
        return None, [f"the game asks {actor} to {ask.kind} ({' or '.join(wanted)})"]
    if kind in WORDS:
        return (
            (Move.from_wire(value), []) if isinstance(value, str) else (None, [f"send '{kind}' on its own"])
        )
    if not isinstance(value, Mapping):  # "propose" or "trigger" alone
        return None, [
            f"'{kind}' on its own says nothing: send {kind} with its "
            + ("package" if kind == "propose" else "event")
        ]
    if kind == "trigger":
        event = value["trigger"]
        if event not in (ask.events or ()):
            return None, [f"'{event}' cannot fire now (it may: {', '.join(ask.events or ())})"]
        return Move("trigger", event=event), []
    values = value["propose"]
    if not isinstance(values, dict):
        return None, ["a proposal maps each issue to a value"]
    model = position.game.model
    assert model is not None
    _, problems = check_package(model.scenario, values)
    settled = model.settled_values()
    problems += [
        f"{name}: its track is settled at {v:g}"
        for name, v in settled.items()
        if name in values and not problems and float(values[name]) != v
    ]
    return (None, problems) if problems else (Move.from_wire(value), [])


def check_move(position: Position, actor: str, value: Any) -> list[str]:
    """Why ``value`` (in the moves-file form) cannot be ``actor``'s next decision; empty if it can."""
    return read_move(position, actor, value)[1]


def worth(position: Position, actor: str, values: Any) -> tuple[float | None, list[str]]:
    """What a proposal (issue -> value) would be worth to ``actor`` now, or why it is no package."""
    model = position.game.model
    assert model is not None
    if not isinstance(values, dict):
        return None, ["a proposal maps each issue to a value"]
    package, problems = check_package(model.scenario, values)
    if package is None:
        return None, problems
    agent = next(a for a in model.agents if a.actor == actor)
    return float(agent.utility(model.settle(package))), []


def table_for(position: Position, actor: str) -> dict[str, Any]:
    """What ``actor`` is shown of the table now, as plain data: each issue's range, allowed values,
    status quo, no deal, its own ideal and what is on the table, and what that offer and walking
    away are worth to it."""
    model = position.game.model
    assert model is not None
    agent = next(a for a in model.agents if a.actor == actor)
    scenario = model.scenario
    settled = model.settled_values()
    issues = []
    for i, (name, issue) in enumerate(scenario.issues.items()):
        # the whole grid, or the options: a person may offer what a ratifier would veto (and learn
        # that it does), as the moves the server accepts allow
        values = [round(float(v), 10) for v in model.grid[i]]
        issues.append(
            {
                "name": name,
                "label": issue.label or name,
                "unit": issue.unit,
                "allowed": issue.allowed(),
                "values": values,
                "labels": [issue.label_of(v) for v in values],
                "status_quo": issue.status_quo,
                "no_deal": issue.no_deal,
                "ideal": float(agent.ideal[i]),
                "on_table": float(agent.standing_offer[i]),
                "on_table_label": issue.label_of(float(agent.standing_offer[i])),
                "settled": settled.get(name),
            }
        )
    ask = position.ask
    offer = None if ask is None or ask.offer is None else np.array(ask.offer)
    return {
        "round": len(model.history) if ask is None else ask.round,
        "rounds": model.rounds,
        "issues": issues,
        "on_table_worth": float(agent.utility(agent.standing_offer)),
        "offer_worth": None
        if offer is None or ask is None or ask.actor != actor
        else float(agent.utility(offer)),
        "walk_away": float(agent.reservation),
    }
