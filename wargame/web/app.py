"""The classroom server (``wargame serve``): a facilitator's page, one page per government, a
debrief and an explorer, over a JSON API that checks everything a browser sends.

Who may do what:

* the facilitator holds the server's key (printed when the server starts, or set with
  ``WARGAME_FACILITATOR_KEY``): creates sessions, starts, pauses and ends them, releases news;
* a seat's token (one per government a person plays, per session) lets its holder read its own
  government's page and make its own government's decisions, when the game asks for them;
* the explorer needs the facilitator's key too (its sliders show every principal's payoffs, which
  the role cards keep from the other side), and runs one request at a time.

Keys and tokens travel in the ``Authorization`` header, read by the pages from the link's
``#fragment`` (which browsers never send to a server): they never appear in a URL the server logs.
Scenario files are named by their file name within the configs folder, chosen from a list the
server made; an upload is text (size-limited) validated as a file is, and stored under a fixed name.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import socket
import threading
from collections.abc import Mapping
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wargame import rundir
from wargame.errors import Problem, WargameError
from wargame.executors import process_pool
from wargame.scenario import Scenario, load_scenario, validate_scenario
from wargame.schema import load_yaml_text
from wargame.web import explorer
from wargame.web.sessions import MAX_PLAYERS, MAX_SESSIONS, Refused, Session, SessionStore

log = logging.getLogger("wargame.web")

STATIC = Path(__file__).parent / "static"
UPLOAD_LIMIT = 256 * 1024  # bytes of an uploaded scenario
BODY_LIMIT = UPLOAD_LIMIT + 64 * 1024  # any request body (an upload travels as JSON text)
PAGES = {
    "/": "facilitator.html",
    "/play": "player.html",
    "/debrief": "debrief.html",
    "/explore": "explorer.html",
}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class BodyLimit:
    """Refuses a request body over ``limit`` bytes (declared or streamed) with 413, before any
    handler reads it."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise Refused(413, f"request body over {self.limit // 1024} KB")
            return message

        try:
            await self.app(scope, counted, send)
        except Refused as refused:
            await _error(refused)(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    return _error(
        Refused(413, f"request body over {limit // 1024} KB (uploads: at most {UPLOAD_LIMIT // 1024} KB)")
    )


def _error(refused: Refused) -> JSONResponse:
    return JSONResponse({"error": refused.message}, status_code=refused.status, headers=HEADERS)


class Server:
    """What the routes share: the sessions, the scenario files on offer, the facilitator's key and
    the explorer's worker pool."""

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
        self.configs = Path(configs)
        self.key = key
        self.workers = workers
        extra = {} if reference_runs is None else {"reference_runs": reference_runs}
        self.store = SessionStore(
            Path(out), max_sessions=max_sessions, max_players=max_players, workers=workers, **extra
        )
        self.pool: Executor | None = None
        self.explore_lock = threading.Lock()

    # -- who is asking -------------------------------------------------------------------------

    @staticmethod
    def bearer(request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            raise Refused(401, "no key or token: open the page from its link")
        return value.strip()

    def facilitator(self, request: Request) -> None:
        if not secrets.compare_digest(self.bearer(request).encode(), self.key.encode()):
            raise Refused(403, "only the facilitator may do this (open the facilitator's link)")

    def seat(self, request: Request) -> tuple[Session, str]:
        return self.store.seat(self.bearer(request))

    def session_for(self, request: Request, session_id: str | None) -> Session:
        """The facilitator's chosen session, or the session of the seat whose token this is, once
        its game is over (the transcript holds every government's briefing and payoffs)."""
        if session_id is not None:
            self.facilitator(request)
            return self.store.get(session_id)
        session = self.seat(request)[0]
        if session.status not in ("complete", "ended"):
            raise Refused(409, "the debrief and the transcript open when the game is over")
        return session

    # -- scenarios -----------------------------------------------------------------------------

    def scenario_files(self) -> dict[str, Path]:
        """name -> file for every scenario under the configs folder (names are the only thing a
        browser sends: never a path)."""
        folder = self.configs / "scenarios"
        return {p.name: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}

    def scenario_named(self, name: Any) -> Scenario:
        files = self.scenario_files()
        if not isinstance(name, str) or name not in files:
            raise Refused(400, f"scenario: '{name}' is not one of {', '.join(files) or 'none'}")
        try:
            return load_scenario(files[name])
        except WargameError as err:
            raise Refused(400, str(err)) from None

    @staticmethod
    def scenario_uploaded(upload: Any) -> tuple[Scenario, str]:
        if not isinstance(upload, dict) or not isinstance(upload.get("text"), str):
            raise Refused(400, "upload: expected {filename, text}")
        text = upload["text"]
        if len(text.encode()) > UPLOAD_LIMIT:
            raise Refused(413, f"upload: over {UPLOAD_LIMIT // 1024} KB")
        # the file name is only a label: it never becomes a path
        label = rundir.folder_name(str(upload.get("filename") or ""), "upload.yaml")
        source = f"upload:{label}"
        try:
            return validate_scenario(load_yaml_text(text, label), label, text), source
        except WargameError as err:
            raise Refused(400, str(err)) from None

    def describe(self, scenario: Scenario, name: str) -> dict[str, Any]:
        playable = []
        for actor, spec in scenario.actors.items():
            has_events = any(e.actor == actor for e in scenario.events.values())
            playable.append(
                {
                    "id": actor,
                    "name": spec.name or actor,
                    "role": spec.role,
                    "playable": spec.role == "principal" or has_events,
                }
            )
        return {"file": name, "name": scenario.name, "description": scenario.description, "actors": playable}

    def explore_pool(self) -> Executor:
        if self.pool is None:
            # spawn: workers start clean whatever threads the server runs
            self.pool = process_pool(self.workers)  # its workers exit if the server is killed
        return self.pool


def create_app(server: Server) -> FastAPI:
    """The web app of ``server`` (its routes; see the module docstring for who may call what)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        server.explore_pool().submit(explorer.ready)  # start the workers now, not at the first slider
        yield
        if server.pool is not None:
            server.pool.shutdown(cancel_futures=True)

    app = FastAPI(
        title="Peninsula wargame classroom",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(Refused)
    async def refused(request: Request, err: Refused) -> JSONResponse:
        return _error(err)

    @app.exception_handler(WargameError)
    async def bad_input(request: Request, err: WargameError) -> JSONResponse:
        return _error(Refused(400, str(err)))

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def page(file: str) -> Any:
        def serve() -> FileResponse:
            return FileResponse(STATIC / file, media_type="text/html")

        return serve

    for path, file in PAGES.items():
        app.get(path, include_in_schema=False)(page(file))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- the facilitator -------------------------------------------------------------------------

    @app.get("/api/scenarios")
    def scenarios(request: Request) -> list[dict[str, Any]]:
        server.facilitator(request)
        out = []
        for name in server.scenario_files():
            try:
                out.append(server.describe(server.scenario_named(name), name))
            except Refused as err:
                out.append({"file": name, "error": err.message})
        return out

    @app.post("/api/upload")
    async def check_upload(request: Request) -> dict[str, Any]:
        """Validate an uploaded scenario (the facilitator then creates a session from it)."""
        server.facilitator(request)
        upload = (await _json(request)).get("upload")
        scenario, source = await run_in_threadpool(server.scenario_uploaded, upload)
        return server.describe(scenario, source)

    @app.get("/api/sessions")
    def sessions(request: Request) -> dict[str, Any]:
        server.facilitator(request)
        store = server.store
        return {
            "sessions": store.summary(),
            "limits": {
                "max_sessions": store.max_sessions,
                "max_players": store.max_players,
                "players": store.open_players(),
            },
        }

    @app.post("/api/sessions")
    async def create(request: Request) -> dict[str, Any]:
        server.facilitator(request)
        body = await _json(request)
        return await run_in_threadpool(create_session, body)

    def create_session(body: dict[str, Any]) -> dict[str, Any]:
        if "upload" in body:
            scenario, source = server.scenario_uploaded(body["upload"])
        else:
            scenario, source = server.scenario_named(body.get("scenario")), str(body.get("scenario"))
        humans = read_choice(body, "humans", list)
        if not all(isinstance(a, str) for a in humans):
            raise Refused(400, "humans: expected a list of government names")
        seed = read_seed(body, secrets.randbelow(10**6))
        schedule = body.get("schedule", "auto")
        session = server.store.create(scenario, source, humans, seed, schedule)
        if source.startswith("upload:"):
            rundir.write_text(session.folder / "scenario.yaml", body["upload"]["text"])
        return {"id": session.id}

    @app.get("/api/sessions/{session_id}")
    def session_state(session_id: str, request: Request) -> dict[str, Any]:
        server.facilitator(request)
        session = server.store.get(session_id)
        state = session.facilitator_state()
        state["links"] = {a: f"/play#t={t}" for a, t in session.tokens.items()}
        return state

    @app.post("/api/sessions/{session_id}/{action}")
    async def control(session_id: str, action: str, request: Request) -> dict[str, Any]:
        server.facilitator(request)
        session = server.store.get(session_id)
        if action == "release":
            item = read_choice(await _json(request), "item", int)
            return {"round": await run_in_threadpool(session.release, item)}
        target = {"start": "playing", "pause": "paused", "resume": "playing", "end": "ended"}.get(action)
        if target is None:
            raise Refused(404, f"no action '{action}'")
        await run_in_threadpool(session.set_status, target)
        if session.status == "complete":
            server.store.start_debrief(session)
        return {"status": session.status}

    @app.get("/api/sessions/{session_id}/qr/{actor}.svg")
    def qr(session_id: str, actor: str, request: Request) -> Response:
        server.facilitator(request)
        session = server.store.get(session_id)
        if actor not in session.tokens:
            raise Refused(404, "no such seat")
        return Response(
            qr_svg(f"{request.base_url}play#t={session.tokens[actor]}"), media_type="image/svg+xml"
        )

    # -- a seat --------------------------------------------------------------------------------

    @app.get("/api/seat")
    def seat(request: Request) -> dict[str, Any]:
        session, actor = server.seat(request)
        return session.seat_state(actor)

    @app.post("/api/seat/join")
    def join(request: Request) -> dict[str, Any]:
        session, actor = server.store.join(server.bearer(request))
        return {"session": session.id, "actor": actor}

    @app.post("/api/seat/move")
    async def move(request: Request) -> dict[str, Any]:
        session, actor = server.seat(request)
        body = await _json(request)
        number = read_choice(body, "number", int)
        if "move" not in body:
            raise Refused(400, "move: missing")
        if "actor" in body and body["actor"] != actor:
            raise Refused(403, f"this link plays {actor} only")
        # the game is played again to the next decision and saved: off the event loop
        await run_in_threadpool(session.move, actor, number, body["move"])
        if session.status == "complete":
            server.store.start_debrief(session)
        return await run_in_threadpool(session.seat_state, actor)

    @app.post("/api/seat/worth")
    async def seat_worth(request: Request) -> dict[str, Any]:
        """What a package would be worth to the seat's government (the proposal form's preview)."""
        session, actor = server.seat(request)
        values = (await _json(request)).get("propose")
        return {"worth": await run_in_threadpool(session.worth, actor, values)}

    # -- the debrief and the transcript (the facilitator's, or any seat's of the session) -------

    @app.get("/api/debrief")
    def debrief(request: Request, session: str | None = None) -> dict[str, Any]:
        return debrief_state(server.session_for(request, session))

    @app.get("/api/debrief.png")
    def debrief_png(request: Request, session: str | None = None) -> Response:
        from wargame.classroom.figures import debrief_png as figure

        s = server.session_for(request, session)
        with s.lock:
            if s.figure is None:
                if s.debrief_data is None:
                    raise Refused(409, "the debrief is not ready")
                transcript = rundir.read_yaml_mapping(s.folder / "transcript.yaml", "transcript.yaml")
                s.figure = figure(transcript)
            return Response(s.figure, media_type="image/png")

    @app.get("/api/transcript")
    def transcript(request: Request, session: str | None = None) -> PlainTextResponse:
        s = server.session_for(request, session)
        text = (s.folder / "transcript.yaml").read_text(encoding="utf-8")
        return PlainTextResponse(
            text,
            media_type="application/x-yaml",
            headers={"Content-Disposition": f'attachment; filename="{s.id}-transcript.yaml"'},
        )

    # -- the explorer --------------------------------------------------------------------------

    # the facilitator's: its knobs show every principal's payoffs, which role cards keep private
    @app.get("/api/explore")
    def explore_knobs(request: Request, scenario: str = "summit_2025_package.yaml") -> dict[str, Any]:
        server.facilitator(request)
        chosen = server.scenario_named(scenario)
        return {
            "scenarios": list(server.scenario_files()),
            "scenario": scenario,
            "knobs": explorer.knobs(chosen),
            "episodes": explorer.EPISODES,
        }

    @app.post("/api/explore")
    async def explore(request: Request) -> dict[str, Any]:
        server.facilitator(request)
        body = await _json(request)
        chosen = server.scenario_named(body.get("scenario"))
        values = body.get("values", {})
        if not isinstance(values, dict):
            raise Refused(400, "values: expected path: value pairs")
        episodes = read_choice(body, "episodes", int) if "episodes" in body else explorer.EPISODES
        seed = read_seed(body, 0)
        if not server.explore_lock.acquire(blocking=False):
            raise Refused(429, "the explorer is busy with another request: try again in a moment")
        try:
            return await run_in_threadpool(
                explorer.explore, chosen, values, episodes, seed, server.explore_pool()
            )
        except (explorer.BadKnob, WargameError) as err:
            raise Refused(400, str(err)) from None
        finally:
            server.explore_lock.release()

    return app


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise Refused(400, "expected a JSON object") from None
    if not isinstance(body, dict):
        raise Refused(400, "expected a JSON object")
    try:  # a lone surrogate ("\ud800") is valid JSON but no text: refuse it here, not when echoed
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(400, "the request holds text that is not valid Unicode") from None
    return body


def read_choice(values: Mapping[str, Any], key: str, kind: type) -> Any:
    """One field of a request body, of the type it must have, or a 400 that names it."""
    if key not in values:
        raise Refused(400, f"{key}: missing")
    value = values[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise Refused(400, f"{key}: expected a whole number")
    if not isinstance(value, kind):
        raise Refused(400, f"{key}: expected {kind.__name__}")
    return value


def read_seed(values: Mapping[str, Any], default: int) -> int:
    """The request's seed (0 to 2^31 - 1), or ``default`` when it gives none."""
    seed = read_choice(values, "seed", int) if "seed" in values else default
    if not 0 <= seed < 2**31:
        raise Refused(400, "seed: between 0 and 2^31 - 1")
    return int(seed)


def debrief_state(session: Session) -> dict[str, Any]:
    """The debrief page's data: the game's status, the debrief's state and the transcript."""
    transcript = rundir.read_yaml_mapping(session.folder / "transcript.yaml", "transcript.yaml")
    from wargame.classroom.transcript import debrief_markdown

    return {
        "session": session.id,
        "status": session.status,
        "debrief": session.debrief,
        "markdown": debrief_markdown(transcript),
        "transcript": transcript,
    }


def qr_svg(text: str) -> bytes:
    """``text`` as a QR code, SVG (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


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
    announce: Any = print,
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
