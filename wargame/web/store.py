"""The sessions of one server: created here within the server's limits, found by id or by a seat's
token, reloaded from ``<out>/classroom/*/session.json`` at start-up, and debriefed in the
background when their game is over.

Every request names its seat by token only: the server, never the browser, decides which
government a request acts for.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from pathlib import Path
from typing import Any

from wargame import rundir
from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.game import check_players
from wargame.errors import WargameError
from wargame.scenario import Scenario
from wargame.web.refused import Refused
from wargame.web.sessions import SESSION_FILE, Session
from wargame.web.state import DebriefState, SessionStatus

log = logging.getLogger("wargame.web")

MAX_SESSIONS = 20  # open sessions (not over) at once
MAX_PLAYERS = 60  # seats across the open sessions


def token_key(token: str) -> str:
    """What the server indexes a token by (a digest: lookups never compare the secret itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """The sessions of one server, limited in number."""

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
            # a debrief that was missing, computing or failed when the server stopped: try again
            if session.status is SessionStatus.COMPLETE and session.debrief is not DebriefState.READY:
                self.start_debrief(session)

    def _add(self, session: Session) -> None:
        self.sessions[session.id] = session
        for actor, token in session.tokens.items():
            self.by_token[token_key(token)] = (session.id, actor)

    def open_players(self) -> int:
        return sum(len(s.humans) for s in list(self.sessions.values()) if s.status.is_open)

    def create(self, scenario: Scenario, source: str, humans: list[str], seed: int, schedule: str) -> Session:
        """A new session in the lobby, with one token per human seat; refused past the limits."""
        if schedule not in ("auto", "manual"):
            raise Refused(400, f"schedule: '{schedule}' is not auto or manual")
        try:
            check_players(scenario, humans)
        except WargameError as err:
            raise Refused(400, str(err).replace("--as", "governments")) from None
        with self.lock:
            open_sessions = sum(s.status.is_open for s in list(self.sessions.values()))
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
            if session.debrief in (DebriefState.COMPUTING, DebriefState.READY):
                return
            session.debrief, session.debrief_reason = DebriefState.COMPUTING, None
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
                session.save()  # the transcript holds the debrief before anyone is told it is ready
                session.debrief = DebriefState.READY
                session.save_state()
        except Exception as err:  # shown on the debrief page; the game itself is saved
            log.exception("debrief of %s failed", session.id)
            session.debrief_failed(str(err) or type(err).__name__)

    def summary(self) -> list[dict[str, Any]]:
        """The facilitator's list of sessions, newest first."""
        return [
            {
                "id": s.id,
                "scenario": s.scenario.name,
                "humans": s.humans,
                "status": s.status.value,
                "created": s.created,
            }
            for s in sorted(list(self.sessions.values()), key=lambda s: s.created, reverse=True)
        ]
