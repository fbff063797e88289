"""What the routes share (:class:`Server`: the sessions, the scenario files on offer, the
facilitator's key, the explorer's worker pool) and who is asking: the FastAPI dependencies that
read a request's key or token and refuse it when it may not do what it asks.

Keys and tokens travel in the ``Authorization`` header (``Bearer ...``), read by the pages from
the link's ``#fragment``, which browsers never send to a server.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from wargame.executors import process_pool
from wargame.web.refused import Refused
from wargame.web.scenarios import Scenarios
from wargame.web.sessions import Session
from wargame.web.store import MAX_PLAYERS, MAX_SESSIONS, SessionStore


class Server:
    """The state of one classroom server."""

    def __init__(
        self,
        out: Path,
        configs: Path,
        key: str,
        *,
        max_sessions: int = MAX_SESSIONS,
        max_players: int = MAX_PLAYERS,
        reference_runs: int | None = None,
        workers: int = 2,
    ):
        self.scenarios = Scenarios(configs)
        self.key = key
        self.workers = workers
        extra = {} if reference_runs is None else {"reference_runs": reference_runs}
        self.store = SessionStore(
            Path(out), max_sessions=max_sessions, max_players=max_players, workers=workers, **extra
        )
        self.pool: Executor | None = None
        self.explore_lock = threading.Lock()  # the explorer runs one request at a time

    def explore_pool(self) -> Executor:
        if self.pool is None:
            # spawn: workers start clean whatever threads the server runs
            self.pool = process_pool(self.workers)  # its workers exit if the server is killed
        return self.pool

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


# -- who is asking (FastAPI dependencies) -----------------------------------------------------


def server_of(request: Request) -> Server:
    """The server whose app received ``request`` (``create_app`` puts it on the app's state)."""
    server: Server = request.app.state.server
    return server


def bearer(request: Request) -> str:
    """The key or token the request carries, or a 401."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise Refused(401, "no key or token: open the page from its link")
    return value.strip()


def require_facilitator(request: Request) -> None:
    """Refuses (403) a request that does not carry the facilitator's key."""
    key = server_of(request).key
    if not secrets.compare_digest(bearer(request).encode(), key.encode()):
        raise Refused(403, "only the facilitator may do this (open the facilitator's link)")


def seat_of(request: Request) -> tuple[Session, str]:
    """The session and government of the seat whose token the request carries, or a 401."""
    return server_of(request).store.seat(bearer(request))


def session_for(request: Request, session: str | None = None) -> Session:
    """The facilitator's chosen session (``?session=ID``), or the session of the seat whose token
    this is, once its game is over (the transcript holds every government's briefing and payoffs)."""
    if session is not None:
        require_facilitator(request)
        return server_of(request).store.get(session)
    found = seat_of(request)[0]
    if not found.status.is_over:
        raise Refused(409, "the debrief and the transcript open when the game is over")
    return found


ServerDep = Annotated[Server, Depends(server_of)]
SeatDep = Annotated[tuple[Session, str], Depends(seat_of)]
SessionDep = Annotated[Session, Depends(session_for)]
Facilitator = Depends(require_facilitator)  # a router's or a route's ``dependencies=[...]``
