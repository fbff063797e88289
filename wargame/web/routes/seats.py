"""A seat's API: its page's state, joining, making its government's decision when the game asks
for it, and previewing what a package would be worth. The seat's token decides the government:
nothing a request sends can change it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from wargame.web.inputs import read_body, read_choice
from wargame.web.refused import Refused
from wargame.web.server import SeatDep, ServerDep, bearer
from wargame.web.state import SessionStatus
from wargame.web.views import seat_state

router = APIRouter(prefix="/api")


@router.get("/seat")
def seat(found: SeatDep) -> dict[str, Any]:
    session, actor = found
    return seat_state(session, actor)


@router.post("/seat/join")
def join(request: Request, server: ServerDep) -> dict[str, Any]:
    """The seat's page opened: noted once, for the facilitator's list."""
    session, actor = server.store.join(bearer(request))
    return {"session": session.id, "actor": actor}


@router.post("/seat/move")
async def move(request: Request, found: SeatDep, server: ServerDep) -> dict[str, Any]:
    """Make the decision the game waits for (the body names its number: a replay is refused)."""
    session, actor = found
    body = await read_body(request)
    number = read_choice(body, "number", int)
    if "move" not in body:
        raise Refused(400, "move: missing")
    if "actor" in body and body["actor"] != actor:
        raise Refused(403, f"this link plays {actor} only")
    # the game is played again to the next decision and saved: off the event loop
    await run_in_threadpool(session.move, actor, number, body["move"])
    if session.status is SessionStatus.COMPLETE:
        server.store.start_debrief(session)
    return await run_in_threadpool(seat_state, session, actor)


@router.post("/seat/worth")
async def worth(request: Request, found: SeatDep) -> dict[str, Any]:
    """What a package would be worth to the seat's government (the proposal form's preview)."""
    session, actor = found
    values = (await read_body(request)).get("propose")
    return {"worth": await run_in_threadpool(session.worth, actor, values)}
