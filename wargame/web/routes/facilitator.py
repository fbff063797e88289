"""The facilitator's API: the scenarios on offer, uploads, sessions (create, list, inspect, start,
pause, resume, end, release news) and each seat's join link as a QR code. Every route needs the
facilitator's key (the router's dependency checks it before anything else)."""

from __future__ import annotations

import io
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from wargame import rundir
from wargame.web.inputs import read_body, read_choice, read_seed
from wargame.web.refused import Refused
from wargame.web.server import Facilitator, Server, ServerDep
from wargame.web.state import SessionStatus
from wargame.web.views import facilitator_state

router = APIRouter(prefix="/api", dependencies=[Facilitator])

# what each control turns the game into
CONTROLS = {
    "start": SessionStatus.PLAYING,
    "pause": SessionStatus.PAUSED,
    "resume": SessionStatus.PLAYING,
    "end": SessionStatus.ENDED,
}


@router.get("/scenarios")
def scenarios(server: ServerDep) -> list[dict[str, Any]]:
    """Every scenario file on offer, described, or the reason it cannot be played."""
    out = []
    for name in server.scenarios.files():
        try:
            out.append(server.scenarios.describe(server.scenarios.named(name), name))
        except Refused as err:
            out.append({"file": name, "error": err.message})
    return out


@router.post("/upload")
async def check_upload(request: Request, server: ServerDep) -> dict[str, Any]:
    """Validate an uploaded scenario (the facilitator then creates a session from it)."""
    upload = (await read_body(request)).get("upload")
    scenario, source = await run_in_threadpool(server.scenarios.uploaded, upload)
    return server.scenarios.describe(scenario, source)


@router.get("/sessions")
def sessions(server: ServerDep) -> dict[str, Any]:
    store = server.store
    return {
        "sessions": store.summary(),
        "limits": {
            "max_sessions": store.max_sessions,
            "max_players": store.max_players,
            "players": store.open_players(),
        },
    }


@router.post("/sessions")
async def create(request: Request, server: ServerDep) -> dict[str, Any]:
    body = await read_body(request)
    return await run_in_threadpool(create_session, server, body)


def create_session(server: Server, body: dict[str, Any]) -> dict[str, Any]:
    """A new session of a named or uploaded scenario (an upload is kept as the session folder's
    ``scenario.yaml``)."""
    if "upload" in body:
        scenario, source = server.scenarios.uploaded(body["upload"])
    else:
        scenario, source = server.scenarios.named(body.get("scenario")), str(body.get("scenario"))
    humans = read_choice(body, "humans", list)
    if not all(isinstance(a, str) for a in humans):
        raise Refused(400, "humans: expected a list of government names")
    seed = read_seed(body, secrets.randbelow(10**6))
    schedule = body.get("schedule", "auto")
    session = server.store.create(scenario, source, humans, seed, schedule)
    if source.startswith("upload:"):
        rundir.write_text(session.folder / "scenario.yaml", body["upload"]["text"])
    return {"id": session.id}


@router.get("/sessions/{session_id}")
def session_state(session_id: str, server: ServerDep) -> dict[str, Any]:
    session = server.store.get(session_id)
    state = facilitator_state(session)
    state["links"] = {a: f"/play#t={t}" for a, t in session.tokens.items()}
    return state


@router.post("/sessions/{session_id}/{action}")
async def control(session_id: str, action: str, request: Request, server: ServerDep) -> dict[str, Any]:
    """Release a news item, or start, pause, resume or end the game."""
    session = server.store.get(session_id)
    if action == "release":
        item = read_choice(await read_body(request), "item", int)
        return {"round": await run_in_threadpool(session.release, item)}
    target = CONTROLS.get(action)
    if target is None:
        raise Refused(404, f"no action '{action}'")
    await run_in_threadpool(session.set_status, target)
    if session.status is SessionStatus.COMPLETE:
        server.store.start_debrief(session)
    return {"status": session.status.value}


@router.get("/sessions/{session_id}/qr/{actor}.svg")
def qr(session_id: str, actor: str, request: Request, server: ServerDep) -> Response:
    """A seat's join link as a QR code (students scan it from the facilitator's screen)."""
    session = server.store.get(session_id)
    if actor not in session.tokens:
        raise Refused(404, "no such seat")
    return Response(qr_svg(f"{request.base_url}play#t={session.tokens[actor]}"), media_type="image/svg+xml")


def qr_svg(text: str) -> bytes:
    """``text`` as a QR code, SVG (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
