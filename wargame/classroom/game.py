"""One classroom game: the scenario as played, who plays what, and every decision they made.

People play some governments through seats (any :class:`agents.human.Seat`: the keyboard, a moves
file, a browser); the agents play the rest. A :class:`Game` wraps each seat so that every decision
lands in :attr:`Game.decisions` (typed: :class:`~wargame.classroom.moves.Decision`), which the
transcript and the debrief read. How the game is shown and driven (a terminal loop, a web page) is
up to the caller: see :mod:`wargame.classroom.terminal`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame import rundir
from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.moves import Decision, Move, ScriptedSeat
from wargame.errors import Problem, WargameError
from wargame.model import NegotiationModel
from wargame.protocols import PROTOCOLS
from wargame.scenario import Announcement, Classroom, Inject, Scenario

if TYPE_CHECKING:
    import numpy as np

    from agents.human import Seat
    from agents.view import SeatView


def check_players(scenario: Scenario, humans: list[str]) -> None:
    """People may play these governments in this scenario, or a :class:`WargameError` says why not."""
    problems = [
        Problem("--as", "", f"no actor '{a}' in {scenario.name} (actors: {', '.join(scenario.actors)})")
        for a in humans
        if a not in scenario.actors
    ]
    if len(set(humans)) != len(humans):
        problems.append(Problem("--as", "", "an actor is named twice"))
    if not humans:
        problems.append(Problem("--as", "", "name the government(s) people play: --as ACTOR"))
    if not PROTOCOLS[scenario.protocol].playable:
        playable = ", ".join(n for n, p in PROTOCOLS.items() if p.playable)
        problems.append(
            Problem("protocol", "", f"people play {playable}; this scenario uses {scenario.protocol}")
        )
    for a in humans:
        spec = scenario.actors.get(a)
        if (
            spec is not None
            and spec.role == "stakeholder"
            and not any(e.actor == a for e in scenario.events.values())
        ):
            problems.append(
                Problem("--as", "", f"{a} has no events to trigger: a person would have nothing to do")
            )
    if problems:
        raise WargameError(problems)


def classroom_scenario(scenario: Scenario, humans: Sequence[str] = ()) -> Scenario:
    """The scenario as played in class: the classroom injects that fire events join its injects.

    An inject of an event that belongs to a government a person plays is only announced, never
    fired for them: deciding when their government acts is theirs. A scheduled inject whose note
    a classroom text of the same round already tells (:func:`tells`) is one piece of news, read
    out once in the classroom's words.
    """
    classroom = scenario.classroom
    texts = list(classroom.injects) if classroom else []
    injects: list[Inject] = []
    expected: list[Announcement] = []  # the people's own scheduled events: announced, not fired
    for inject in scenario.injects:
        teller = next(
            (a for a in texts if a.event is None and a.round == inject.round and tells(a.text, inject.note)),
            None,
        )
        note = inject.note
        if teller is not None:  # the classroom retells this inject: its text is the news, read once
            texts.remove(teller)
            note = teller.text
        if scenario.events[inject.event].actor in humans:
            expected.append(Announcement(round=inject.round, text=note or f"{inject.event} is expected."))
        else:
            injects.append(inject.model_copy(update={"note": note}))
    items = []
    for a in texts:
        if a.event is not None and scenario.events[a.event].actor not in humans:
            injects.append(Inject(round=a.round, event=a.event, note=a.text))
        else:
            items.append(Announcement(round=a.round, text=a.text))
    items += expected
    room = (classroom or Classroom(situation=scenario.description or scenario.name)).model_copy(
        update={"injects": items}
    )
    return scenario.model_copy(update={"injects": injects, "classroom": room})


def tells(text: str, note: str) -> bool:
    """Whether ``text`` says everything ``note`` says: every word of the note is in it (then the
    two are one piece of news, and reading both out would announce it twice)."""
    said = set(re.findall(r"\w+", note.lower()))
    return bool(said) and said <= set(re.findall(r"\w+", text.lower()))


def inject_text(inject: Inject) -> str:
    """What is read out when an inject fires: its note, or that its event happens."""
    return inject.note or f"{inject.event} happens."


@dataclass
class Game:
    """One classroom game. ``scenario`` is the scenario as played (:func:`classroom_scenario`)."""

    scenario: Scenario
    humans: list[str]
    seed: int
    model: NegotiationModel | None = None
    decisions: list[Decision] = field(default_factory=list)
    started: str = field(default_factory=rundir.utc_now)
    reference_runs: int = REFERENCE_RUNS  # agent-played runs the debrief compares with
    on_decision: Callable[[], None] | None = field(default=None, repr=False)  # e.g. save the game
    _ending: dict[str, Any] | None = field(default=None, init=False, repr=False)

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        humans: list[str],
        seats: Mapping[str, Seat],
        seed: int = 0,
        reference_runs: int = REFERENCE_RUNS,
    ) -> Game:
        """A game of ``scenario`` (as written: the classroom injects are merged here) with a model
        whose human governments decide through ``seats``."""
        played = classroom_scenario(scenario, humans)
        game = cls(played, list(humans), seed, reference_runs=reference_runs)
        recording = {a: _Recording(seat, a, game) for a, seat in seats.items()}
        game.model = NegotiationModel(played, seed=seed, humans=recording)
        return game

    @classmethod
    def replay(cls, transcript: Mapping[str, Any]) -> Game:
        """The game a transcript records, played again to where it stopped: the same scenario,
        seed and decisions give the same game (the agents' luck comes from the seed)."""
        from wargame.scenario import validate_scenario

        scenario = validate_scenario(transcript["scenario_data"], "transcript.yaml: scenario_data")
        humans = list(transcript["humans"])
        moves: dict[str, list[Move]] = {a: [] for a in humans}
        for data in transcript["decisions"]:
            decision = Decision.from_json(data)
            moves[decision.actor].append(decision.move)
        seats = {a: ScriptedSeat(a, moves[a], "transcript.yaml") for a in humans}
        runs = int(transcript.get("reference_runs", REFERENCE_RUNS))
        game = cls.start(scenario, humans, seats, int(transcript["seed"]), reference_runs=runs)
        game.started = str(transcript.get("started", game.started))
        model = game.model
        assert model is not None
        while model.running and len(model.history) < len(transcript["rounds"]):
            model.step()
        return game

    def decided(self, decision: Decision) -> None:
        self.decisions.append(decision)
        if self.on_decision is not None:
            self.on_decision()

    def announcements(self, round_: int) -> list[str]:
        """What is read out at the start of ``round_``: classroom texts and scheduled injects."""
        texts = []
        if self.scenario.classroom is not None:
            texts += [a.text for a in self.scenario.classroom.injects if a.round == round_]
        texts += [inject_text(i) for i in self.scenario.injects if i.round == round_]
        return texts

    def ending(self) -> dict[str, Any] | None:
        """How the game ended, as plain data (None while it goes on): how (``agreement``,
        ``deadline`` or ``breakdown``), whether in a deal, the last round played, the outcome, each
        track's fate, the breakdown's cause and why (its description, and the events that raised
        its chance), and the verdict line ``wargame run`` prints for the same episode."""
        model = self.model
        if model is None or model.running:
            return None
        if self._ending is None:  # a finished game never changes: worked out once
            from wargame.report_episode import verdict

            episode = model.episode()
            cause = None
            if episode.breakdown is not None:
                spec = self.scenario.breakdown[episode.breakdown]
                counts = model.event_counts()
                cause = {
                    "name": episode.breakdown,
                    "description": " ".join(spec.description.split()),
                    # the events whose firing raised its chance each round, and how often they fired
                    "events": {e: counts[e] for e in spec.per_fire if counts.get(e)},
                }
            self._ending = {
                "ended": episode.ended,
                "deal": episode.deal,
                "round": episode.rounds_played - 1,
                "outcome": episode.outcome,
                "tracks": {n: {"agreed": ok, "round": at} for n, (ok, at) in episode.tracks.items()},
                "breakdown": cause,
                "verdict": verdict(episode, self.scenario),
            }
        return self._ending

    def opening(self, actor: str) -> dict[str, float] | None:
        """The first package ``actor`` proposed, if it proposed."""
        return next(
            (dict(d.move.package) for d in self.decisions if d.actor == actor and d.move.package is not None),
            None,
        )

    def triggered_by(self, actor: str) -> list[str]:
        """The events ``actor``'s players chose to trigger, in order."""
        return [d.move.event for d in self.decisions if d.actor == actor and d.move.event]


class _Recording:
    """Wraps a seat to record each decision in the game."""

    def __init__(self, seat: Seat, actor: str, game: Game):
        self.seat, self.actor, self.game = seat, actor, game

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        package = self.seat.propose(view, round_)
        values = dict(zip(view.scenario.issues, map(float, package), strict=True))
        self.game.decided(Decision(round_, self.actor, Move("propose", package=values)))
        return package

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        ok = bool(self.seat.respond(view, offer, round_))
        self.game.decided(Decision(round_, self.actor, Move("accept" if ok else "reject")))
        return ok

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        choice = self.seat.act(view, round_, events)
        move = Move("pass") if choice is None else Move("trigger", event=choice)
        self.game.decided(Decision(round_, self.actor, move))
        return choice
