"""The classroom server (``wargame serve``): a facilitator's page, one page per government, a
debrief and an explorer, over a JSON API that checks everything a browser sends.

Who may do what:

* the facilitator holds the server's key (printed when the server starts, or set with
  ``WARGAME_FACILITATOR_KEY``): creates sessions, starts, pauses and ends them, releases news
  (:mod:`~wargame.web.routes.facilitator`);
* a seat's token (one per government a person plays, per session) lets its holder read its own
  government's page and make its own government's decisions, when the game asks for them
  (:mod:`~wargame.web.routes.seats`); once the game is over, its debrief and transcript too
  (:mod:`~wargame.web.routes.debrief`);
* the explorer needs the facilitator's key too (its sliders show every principal's payoffs, which
  the role cards keep from the other side), and runs one request at a time
  (:mod:`~wargame.web.routes.explore`).

Keys and tokens travel in the ``Authorization`` header, read by the pages from the link's
``#fragment`` (which browsers never send to a server): they never appear in a URL the server logs.
Scenario files are named by their file name within the configs folder, chosen from a list the
server made; an upload is text (size-limited) validated as a file is, and stored under a fixed name.

This module wires the pieces: :class:`~wargame.web.server.Server` (the state routes share),
:mod:`~wargame.web.guard` (limits, errors, security headers) and the routers.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from wargame.errors import Problem, WargameError
from wargame.web import explorer, guard
from wargame.web.guard import BODY_LIMIT, BodyLimit
from wargame.web.routes import debrief, explore, facilitator, pages, seats
from wargame.web.scenarios import UPLOAD_LIMIT
from wargame.web.server import Server
from wargame.web.store import MAX_PLAYERS, MAX_SESSIONS

# what the tests and the CLI import from here
__all__ = ["BODY_LIMIT", "UPLOAD_LIMIT", "BodyLimit", "Server", "create_app", "serve"]


def create_app(server: Server) -> FastAPI:
    """The web app of ``server``: its routers, its guards, and the explorer's pool started with
    the app and shut down with it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server.explore_pool().submit(explorer.ready)  # start the workers now, not at the first slider
        yield
        server.shutdown()

    app = FastAPI(
        title="Peninsula wargame classroom",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.server = server  # what the routes' dependencies read (wargame.web.server.server_of)
    guard.install(app)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files(), name="static")
    for router in (facilitator.router, seats.router, debrief.router, explore.router):
        app.include_router(router)
    return app


def serve(
    host: str,
    port: int,
    out: Path,
    configs: Path,
    key: str | None = None,
    *,
    max_sessions: int = MAX_SESSIONS,
    max_players: int = MAX_PLAYERS,
    reference_runs: int | None = None,
    workers: int = 2,
    announce: Callable[[str], object] = print,
) -> None:
    """Run the classroom server until interrupted (``wargame serve``)."""
    import uvicorn

    try:  # a clear refusal before anything starts, rather than uvicorn's exit after start-up
        with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
            pass
    except OSError as err:
        raise WargameError(
            Problem("--port", "", f"cannot listen on {host}:{port}: {err.strerror or err}")
        ) from None
    key = key or secrets.token_urlsafe(24)
    server = Server(
        out,
        configs,
        key,
        max_sessions=max_sessions,
        max_players=max_players,
        reference_runs=reference_runs,
        workers=workers,
    )
    app = BodyLimit(create_app(server), BODY_LIMIT)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    announce(f"Facilitator: http://{shown}:{port}/#key={key}")
    announce("The explorer is linked from the facilitator's page (it needs the same key).")
    if shown != host:
        announce(
            f"Listening on every network interface: students join at http://<this machine's address>:{port}. "
            "Open the facilitator's page at that address too, so the join links and QR codes carry it."
        )
    announce(
        f"{len(server.store.sessions)} session(s) reloaded from {out}/classroom; "
        f"limits: {max_sessions} open sessions, {max_players} players."
    )
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=2)
