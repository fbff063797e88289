"""One classroom game played in browsers (``wargame serve``): who plays which government, their
tokens, the moves made so far, what the facilitator released, and where the game stands.

A session lives in its own game folder, ``<out>/classroom/<UTC time>-web-<actors>/``: the same
``transcript.yaml`` / ``transcript.md`` / ``debrief.md`` the terminal game writes (so ``wargame
debrief`` reads it), plus ``session.json``, the state the server reloads when it starts again. Both
are written atomically after every change; ``session.json`` holds the seats' tokens and is readable
by its owner only.

Every move is checked against the decision the game waits for
(:func:`wargame.classroom.turns.read_move`) before it is played. What each side is shown of a
session is :mod:`wargame.web.views`; the sessions of a server, :mod:`wargame.web.store`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from wargame import rundir
from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.moves import BadMove, Move
from wargame.classroom.transcript import save
from wargame.classroom.turns import (
    NewsItem,
    Position,
    as_released,
    play_to_ask,
    read_move,
    scheduled_items,
    worth,
)
from wargame.errors import WargameError
from wargame.scenario import Scenario, validate_scenario
from wargame.web.refused import Refused
from wargame.web.state import DebriefState, SessionStatus, debrief_text, read_debrief

log = logging.getLogger("wargame.web")

SESSION_FILE = "session.json"
# what the facilitator may turn a game into, from which statuses
ALLOWED = {
    SessionStatus.PLAYING: (SessionStatus.LOBBY, SessionStatus.PAUSED),
    SessionStatus.PAUSED: (SessionStatus.PLAYING,),
    SessionStatus.ENDED: (SessionStatus.LOBBY, SessionStatus.PLAYING, SessionStatus.PAUSED),
}


@dataclass
class Session:
    """One classroom game played in browsers."""

    id: str
    folder: Path
    scenario: Scenario  # as written (the news as released makes the scenario as played)
    source: str
    humans: list[str]
    seed: int
    tokens: dict[str, str]  # actor -> token
    schedule: str = "auto"  # auto: news on schedule; manual: the facilitator releases it
    released: dict[int, int] = field(default_factory=dict)  # news item -> round it takes effect
    moves: dict[str, list[Move]] = field(default_factory=dict)
    status: SessionStatus = SessionStatus.LOBBY
    joined: dict[str, str] = field(default_factory=dict)  # actor -> when its seat first opened
    created: str = field(default_factory=rundir.utc_now)
    reference_runs: int = REFERENCE_RUNS
    debrief: DebriefState = DebriefState.NONE
    debrief_reason: str | None = None  # why the debrief failed
    debrief_data: dict[str, Any] | None = field(default=None, repr=False)
    figure: bytes | None = field(default=None, repr=False)  # the debrief's plot, drawn once
    position: Position | None = field(default=None, repr=False)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- the game ----------------------------------------------------------------------------

    @cached_property
    def news_items(self) -> list[NewsItem]:
        """The news a facilitator may release (fixed by the scenario and who plays)."""
        return scheduled_items(self.scenario, self.humans)

    def replay(self) -> Position:
        """Play the game again from its seed and moves to the decision it waits for."""
        self.position = self.replayed(self.moves, self.released)
        return self.position

    def replayed(self, moves: Mapping[str, list[Move]], released: Mapping[int, int]) -> Position:
        """The game played from its seed with ``moves`` and news ``released``; the session unchanged."""
        played = as_released(self.scenario, self.humans, released if self.schedule == "manual" else None)
        position = play_to_ask(played, self.humans, self.seed, moves, self.reference_runs)
        position.game.started = self.created  # the game began when the session was made, not now
        return position

    def _change(self, moves: Mapping[str, list[Move]], released: Mapping[int, int]) -> Position:
        """Play the game with changed moves or news; only if that works do they become the game's
        (and are saved): a change the engine cannot play leaves the session as it was."""
        try:
            position = self.replayed(moves, released)
        except Exception as err:
            log.exception("session %s: a change could not be played", self.id)
            raise Refused(400, f"this cannot be played: {err}") from None
        self.moves = {a: list(m) for a, m in moves.items()}
        self.released = dict(released)
        self.position = position
        return position

    def current(self) -> Position:
        return self.position if self.position is not None else self.replay()

    def move(self, actor: str, number: int, value: Any) -> Position:
        """Play ``actor``'s decision number ``number`` (the one the game waits for): ``value`` is
        the move as the browser sent it (the moves-file form)."""
        with self.lock:
            if self.status is SessionStatus.LOBBY:
                raise Refused(409, "the game has not started yet: wait for the facilitator")
            if self.status is SessionStatus.PAUSED:
                raise Refused(409, "the facilitator paused the game: wait until it resumes")
            if not self.status.is_open:
                raise Refused(409, "the game is over")
            position = self.current()
            ask = position.ask
            if ask is not None and ask.actor == actor and number != ask.number:
                raise Refused(
                    409, f"that decision was already made (the game now waits for decision {ask.number})"
                )
            move, problems = read_move(position, actor, value)
            if move is None:
                status = 409 if ask is None or ask.actor != actor else 400
                raise Refused(status, "; ".join(problems))
            moves = {a: list(m) for a, m in self.moves.items()}
            moves.setdefault(actor, []).append(move)
            position = self._change(moves, self.released)
            if position.ask is None:
                self.status = SessionStatus.COMPLETE
            self.save()
            return position

    def worth(self, actor: str, values: Any) -> float:
        """What proposing ``values`` would be worth to ``actor`` now (a preview: nothing is played)."""
        with self.lock:
            value, problems = worth(self.current(), actor, values)
            if value is None:
                raise Refused(400, "; ".join(problems))
            return value

    def release(self, item: int) -> int:
        """Release news item ``item`` (manual schedule): it takes effect at the start of the next round."""
        with self.lock:
            if self.schedule != "manual":
                raise Refused(409, "this session's news fires on schedule")
            if not self.status.is_open:
                raise Refused(409, "the game is over")
            items = self.news_items
            if not 0 <= item < len(items):
                raise Refused(400, f"no news item {item} (there are {len(items)})")
            if item in self.released:
                raise Refused(409, "that item was already released")
            position = self.current()
            model = position.game.model
            assert model is not None
            # the round under way has started: changing it would change what was already decided
            at = (position.ask.round if position.ask is not None else len(model.history)) + 1
            if self.status is SessionStatus.LOBBY:
                at = 0
            if at >= model.rounds:
                raise Refused(409, f"too late: the last round ({model.rounds - 1}) is under way")
            self._change(self.moves, {**self.released, item: at})
            self.save()
            return at

    def set_status(self, status: SessionStatus) -> None:
        """The facilitator's start, pause, resume or end; a game started with nothing for people to
        decide is complete at once."""
        with self.lock:
            if self.status not in ALLOWED[status]:
                raise Refused(409, f"the game is {self.status.value}: it cannot become {status.value}")
            if (
                status is SessionStatus.PLAYING
                and self.status is SessionStatus.LOBBY
                and self.current().ask is None
            ):
                self.status = SessionStatus.COMPLETE
            else:
                self.status = status
            self.save()

    def debrief_failed(self, reason: str) -> None:
        """The debrief could not be computed: say why (the game itself is saved)."""
        with self.lock:
            self.debrief, self.debrief_reason = DebriefState.FAILED, reason
            try:
                self.save_state()
            except Exception:  # the page shows the failure all the same; the next start retries
                log.exception("session %s: could not save the debrief's failure", self.id)

    @property
    def debrief_shown(self) -> str:
        """The debrief's state as the pages read it (``"failed: why"`` for a failure)."""
        return debrief_text(self.debrief, self.debrief_reason)

    # -- saving ------------------------------------------------------------------------------

    def transcript_status(self) -> str:
        return self.status.value if self.status.is_over else "playing"

    def data(self) -> dict[str, Any]:
        """``session.json``'s content (moves in the moves-file form, statuses as their words)."""
        return {
            "id": self.id,
            "source": self.source,
            "humans": self.humans,
            "seed": self.seed,
            "schedule": self.schedule,
            "released": {str(k): v for k, v in self.released.items()},
            "moves": {a: [m.wire() for m in moves] for a, moves in self.moves.items()},
            "status": self.status.value,
            "debrief": self.debrief_shown,
            "joined": self.joined,
            "created": self.created,
            "reference_runs": self.reference_runs,
            "tokens": self.tokens,
            "scenario_data": self.scenario.data(),
        }

    def save_state(self) -> None:
        """``session.json``, atomically; owner-only, as it holds the tokens."""
        with self.lock:
            rundir.write_text(self.folder / SESSION_FILE, rundir.json_text(self.data()), mode=0o600)

    def save(self) -> None:
        """``session.json`` and the transcript, each atomically."""
        with self.lock:
            self.save_state()
            save(self.folder, self.current().game, self.transcript_status(), self.debrief_data)

    @classmethod
    def load(cls, folder: Path) -> Session:
        """The session saved in ``folder``, played again to where it stopped. Files of every
        version load: one saved before ``debrief`` was recorded has none yet."""
        data = rundir.read_json(folder / SESSION_FILE, SESSION_FILE)
        try:
            debrief, reason = read_debrief(str(data.get("debrief", "none")))
            session = cls(
                id=str(data["id"]),
                folder=folder,
                scenario=validate_scenario(data["scenario_data"], f"{folder / SESSION_FILE}: scenario_data"),
                source=str(data["source"]),
                humans=list(data["humans"]),
                seed=int(data["seed"]),
                tokens=dict(data["tokens"]),
                schedule=str(data["schedule"]),
                released={int(k): int(v) for k, v in data["released"].items()},
                moves={a: [Move.from_wire(m) for m in moves] for a, moves in data["moves"].items()},
                status=SessionStatus(str(data["status"])),
                joined=dict(data["joined"]),
                created=str(data["created"]),
                reference_runs=int(data["reference_runs"]),
                debrief=debrief,
                debrief_reason=reason,
            )
        except (KeyError, TypeError, ValueError, AttributeError, BadMove) as err:
            raise WargameError(f"{folder / SESSION_FILE}: damaged session file ({err!r})") from None
        session.replay()
        if session.debrief is DebriefState.COMPUTING:  # the server computing it stopped
            session.debrief = DebriefState.NONE
        transcript = folder / "transcript.yaml"
        if transcript.exists():
            session.debrief_data = rundir.read_yaml_mapping(transcript, "transcript.yaml").get("debrief")
            if session.debrief_data is not None:
                session.debrief, session.debrief_reason = DebriefState.READY, None
            elif session.debrief is DebriefState.READY:  # the transcript is what holds it
                session.debrief = DebriefState.NONE
        return session
