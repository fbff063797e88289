"""Classroom sessions played in browsers (``wargame serve``): who plays which government, their
tokens, the moves made so far, and what the facilitator released.

A session lives in its own game folder, ``<out>/classroom/<UTC time>-web-<actors>/``: the same
``transcript.yaml`` / ``transcript.md`` / ``debrief.md`` the terminal game writes (so ``wargame
debrief`` reads it), plus ``session.json``, the state the server reloads when it starts again. Both
are written atomically after every change; ``session.json`` holds the seats' tokens and is readable
by its owner only.

Every request names its seat by token only: the server, never the browser, decides which
government a request acts for, and every move is checked against the decision the game waits for
(:func:`wargame.classroom.turns.check_move`) before it is played.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from wargame import rundir
from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.game import check_players
from wargame.classroom.rolecard import brief
from wargame.classroom.transcript import breakdown_text, save, verdict_text
from wargame.classroom.turns import (
    Position,
    as_released,
    check_move,
    play_to_ask,
    scheduled_items,
    table_for,
    worth,
)
from wargame.errors import WargameError
from wargame.scenario import Scenario, validate_scenario

log = logging.getLogger("wargame.web")

SESSION_FILE = "session.json"
MAX_SESSIONS = 20  # open sessions (not over) at once
MAX_PLAYERS = 60  # seats across the open sessions
OPEN = ("lobby", "playing", "paused")


class Refused(Exception):  # noqa: N818 (an answer to a request, not a fault)
    """A request the server refuses: the HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def token_key(token: str) -> str:
    """What the server indexes a token by (a digest: lookups never compare the secret itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    moves: dict[str, list[Any]] = field(default_factory=dict)
    status: str = "lobby"  # lobby, playing, paused, complete (the game ended) or ended (stopped)
    joined: dict[str, str] = field(default_factory=dict)  # actor -> when its seat first opened
    created: str = field(default_factory=rundir.utc_now)
    reference_runs: int = REFERENCE_RUNS
    debrief: str = "none"  # none, computing, ready, or failed: why
    debrief_data: dict[str, Any] | None = field(default=None, repr=False)
    figure: bytes | None = field(default=None, repr=False)  # the debrief's plot, drawn once
    position: Position | None = field(default=None, repr=False)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- the game ----------------------------------------------------------------------------

    @cached_property
    def news_items(self) -> list[dict[str, Any]]:
        """The news a facilitator may release (fixed by the scenario and who plays)."""
        return scheduled_items(self.scenario, self.humans)

    def replay(self) -> Position:
        """Play the game again from its seed and moves to the decision it waits for."""
        self.position = self.replayed(self.moves, self.released)
        return self.position

    def replayed(self, moves: Mapping[str, list[Any]], released: Mapping[int, int]) -> Position:
        """The game played from its seed with ``moves`` and news ``released``; the session unchanged."""
        played = as_released(self.scenario, self.humans, released if self.schedule == "manual" else None)
        position = play_to_ask(played, self.humans, self.seed, moves, self.reference_runs)
        position.game.started = self.created  # the game began when the session was made, not now
        return position

    def _change(self, moves: Mapping[str, list[Any]], released: Mapping[int, int]) -> Position:
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

    def move(self, actor: str, number: int, move: Any) -> Position:
        """Play ``actor``'s decision number ``number`` (the one the game waits for)."""
        with self.lock:
            if self.status == "lobby":
                raise Refused(409, "the game has not started yet: wait for the facilitator")
            if self.status == "paused":
                raise Refused(409, "the facilitator paused the game: wait until it resumes")
            if self.status not in OPEN:
                raise Refused(409, "the game is over")
            position = self.current()
            ask = position.ask
            if ask is not None and ask.actor == actor and number != ask.number:
                raise Refused(
                    409, f"that decision was already made (the game now waits for decision {ask.number})"
                )
            problems = check_move(position, actor, move)
            if problems:
                status = 409 if ask is None or ask.actor != actor else 400
                raise Refused(status, "; ".join(problems))
            moves = {a: list(m) for a, m in self.moves.items()}
            moves.setdefault(actor, []).append(move)
            position = self._change(moves, self.released)
            if position.ask is None:
                self.status = "complete"
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
            if self.status not in OPEN:
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
            if self.status == "lobby":
                at = 0
            if at >= model.rounds:
                raise Refused(409, f"too late: the last round ({model.rounds - 1}) is under way")
            self._change(self.moves, {**self.released, item: at})
            self.save()
            return at

    def set_status(self, status: str) -> None:
        with self.lock:
            allowed = {
                "playing": ("lobby", "paused"),
                "paused": ("playing",),
                "ended": OPEN,
            }[status]
            if self.status not in allowed:
                raise Refused(409, f"the game is {self.status}: it cannot become {status}")
            if status == "playing" and self.status == "lobby" and self.current().ask is None:
                self.status = "complete"
            else:
                self.status = status
            self.save()

    # -- what each side sees -------------------------------------------------------------------

    def seat_state(self, actor: str) -> dict[str, Any]:
        """All a seat's page shows: the public situation, this government's briefing only, the
        table as it sees it, the decision asked of it (if any), the news and the history."""
        with self.lock:
            position = self.current()
            state = self._common(position)
            state.update(
                actor=actor,
                name=self.scenario.actors[actor].name or actor,
                role=self.scenario.actors[actor].role,
                briefing=brief(self.scenario, actor, "md"),
                table=table_for(position, actor),
                ask=(position.ask.to_dict() if position.ask and position.ask.actor == actor else None),
                event_notes={
                    e: " ".join(self.scenario.events[e].description.split())
                    for e in (position.ask.events or ())
                }
                if position.ask and position.ask.actor == actor
                else {},
            )
            return state

    def facilitator_state(self) -> dict[str, Any]:
        with self.lock:
            position = self.current()
            state = self._common(position)
            items = self.news_items
            state.update(
                seats={a: {"joined": self.joined.get(a)} for a in self.humans},
                agents=[a for a in self.scenario.actors if a not in self.humans],
                schedule=self.schedule,
                news_items=[
                    {**item, "index": k, "released": self.released.get(k)} for k, item in enumerate(items)
                ],
                folder=str(self.folder),
                seed=self.seed,
            )
            return state

    def _common(self, position: Position) -> dict[str, Any]:
        game = position.game
        model = game.model
        assert model is not None
        played = game.scenario
        now = position.ask.round if position.ask is not None else len(model.history)
        ending = game.ending()
        return {
            "session": self.id,
            "scenario": self.scenario.name,
            "source": self.source,
            "status": self.status,
            "debrief": self.debrief,
            "humans": self.humans,
            "situation": played.classroom.situation if played.classroom else played.description,
            "round": now,
            "rounds": model.rounds,
            "waiting_for": None if position.ask is None else position.ask.actor,
            # the news of every round begun (the round under way included; after the end, none more)
            "news": [
                {"round": t, "text": text}
                for t in range(now + (position.ask is not None))
                for text in game.announcements(t)
            ],
            "events": [
                {"round": e.round, "event": e.event, "actor": e.actor, "cause": e.cause} for e in model.fired
            ],
            "history": [
                {
                    "round": r.round,
                    "proposer": r.proposer,
                    "offer": r.offer,
                    "responses": r.responses,
                    "events": r.events,
                    "deal": r.deal,
                }
                for r in model.history
            ],
            # how the game ended: the deal or why not (a breakdown: its round, cause and why), as
            # the terminal game and `wargame run` say it
            "outcome": None
            if ending is None
            else {
                "deal": ending["deal"],
                "outcome": ending["outcome"],
                "ended": ending["ended"],
                "round": ending["round"],
                "breakdown": None if ending["breakdown"] is None else ending["breakdown"]["name"],
                "verdict": verdict_text(ending),
                "why": breakdown_text(ending),
            },
        }

    # -- saving ------------------------------------------------------------------------------

    def transcript_status(self) -> str:
        return {"complete": "complete", "ended": "ended"}.get(self.status, "playing")

    def data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "humans": self.humans,
            "seed": self.seed,
            "schedule": self.schedule,
            "released": {str(k): v for k, v in self.released.items()},
            "moves": self.moves,
            "status": self.status,
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
        data = rundir.read_json(folder / SESSION_FILE, SESSION_FILE)
        try:
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
                moves={a: list(m) for a, m in data["moves"].items()},
                status=str(data["status"]),
                joined=dict(data["joined"]),
                created=str(data["created"]),
                reference_runs=int(data["reference_runs"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise WargameError(f"{folder / SESSION_FILE}: damaged session file ({err!r})") from None
        session.replay()
        transcript = folder / "transcript.yaml"
        if transcript.exists():
            session.debrief_data = rundir.read_yaml_mapping(transcript, "transcript.yaml").get("debrief")
            session.debrief = "ready" if session.debrief_data is not None else "none"
        return session


class SessionStore:
    """The sessions of one server: created here, found by id or by a seat's token, reloaded from
    ``<out>/classroom/*/session.json`` at start-up, limited in number."""

    def __init__(
        self,
        out: Path,
        *,
        max_sessions: int = MAX_SESSIONS,
        max_players: int = MAX_PLAYERS,
        reference_runs: int = REFERENCE_RUNS,
        workers: int | None = None,
    ):
        self.out = Path(out)
        self.max_sessions = max_sessions
        self.max_players = max_players
        self.reference_runs = reference_runs
        self.workers = workers
        self.sessions: dict[str, Session] = {}
        self.by_token: dict[str, tuple[str, str]] = {}  # token digest -> (session id, actor)
        self.lock = threading.Lock()
        self.debrief_lock = threading.Lock()  # one debrief's reference runs at a time (then cached)
        self.reload()

    def reload(self) -> None:
        for path in sorted((self.out / "classroom").glob(f"*/{SESSION_FILE}")):
            try:
                session = Session.load(path.parent)
            except Exception as err:  # one damaged session must not keep the others from class
                log.warning("not reloaded: %s: %s", path.parent.name, err)
                continue
            self._add(session)
            if session.status == "complete" and session.debrief != "ready":
                self.start_debrief(session)

    def _add(self, session: Session) -> None:
        self.sessions[session.id] = session
        for actor, token in session.tokens.items():
            self.by_token[token_key(token)] = (session.id, actor)

    def open_players(self) -> int:
        return sum(len(s.humans) for s in list(self.sessions.values()) if s.status in OPEN)

    def create(self, scenario: Scenario, source: str, humans: list[str], seed: int, schedule: str) -> Session:
        """A new session in the lobby, with one token per human seat; refused past the limits."""
        if schedule not in ("auto", "manual"):
            raise Refused(400, f"schedule: '{schedule}' is not auto or manual")
        try:
            check_players(scenario, humans)
        except WargameError as err:
            raise Refused(400, str(err).replace("--as", "governments")) from None
        with self.lock:
            open_sessions = sum(s.status in OPEN for s in list(self.sessions.values()))
            if open_sessions >= self.max_sessions:
                raise Refused(
                    429,
                    f"this server runs at most {self.max_sessions} open sessions at once: "
                    "end one (or start the server with a higher --max-sessions)",
                )
            if self.open_players() + len(humans) > self.max_players:
                raise Refused(
                    429,
                    f"this server seats at most {self.max_players} players at once "
                    f"({self.open_players()} seated): end a session (or raise --max-players)",
                )
            label = ("web-" + "+".join(rundir.folder_name(a, "actor", 20) for a in humans))[:60]
            folder = rundir.create(self.out, "classroom", label=label)
            session = Session(
                id=folder.name,
                folder=folder,
                scenario=scenario,
                source=source,
                humans=list(humans),
                seed=seed,
                tokens={a: secrets.token_urlsafe(24) for a in humans},
                schedule=schedule,
                reference_runs=self.reference_runs,
            )
            session.replay()
            session.save()
            self._add(session)
            return session

    def get(self, session_id: str) -> Session:
        session = self.sessions.get(session_id)
        if session is None:
            raise Refused(404, "no such session")
        return session

    def seat(self, token: str) -> tuple[Session, str]:
        """The session and government a token acts for."""
        found = self.by_token.get(token_key(token))
        if found is None:
            raise Refused(401, "this link is not valid on this server (ask the facilitator for yours)")
        return self.sessions[found[0]], found[1]

    def join(self, token: str) -> tuple[Session, str]:
        session, actor = self.seat(token)
        with session.lock:
            if actor not in session.joined:
                session.joined[actor] = rundir.utc_now()
                session.save_state()  # the game is unchanged: its transcript stays as it was
        return session, actor

    def start_debrief(self, session: Session) -> None:
        """Compute the debrief of a finished game in the background (the agents' reference runs
        take seconds the first time; they are cached for the next game of the same scenario)."""
        with session.lock:
            if session.debrief in ("computing", "ready"):
                return
            session.debrief = "computing"
        threading.Thread(target=self._debrief, args=(session,), daemon=True).start()

    def _debrief(self, session: Session) -> None:
        from wargame.classroom.scoring import debrief

        try:
            with session.lock:  # a copy of its own: pages keep reading the session's game meanwhile
                game = session.replayed(session.moves, session.released).game
            with self.debrief_lock:
                data = debrief(game, self.out, session.reference_runs, self.workers)
            with session.lock:
                session.debrief_data = data
                session.save()
                session.debrief = "ready"
        except Exception as err:  # shown on the debrief page; the game itself is saved
            log.exception("debrief of %s failed", session.id)
            session.debrief = f"failed: {err}"

    def summary(self) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "scenario": s.scenario.name,
                "humans": s.humans,
                "status": s.status,
                "created": s.created,
            }
            for s in sorted(list(self.sessions.values()), key=lambda s: s.created, reverse=True)
        ]
