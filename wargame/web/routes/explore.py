"""The explorer's API (the facilitator's: its knobs show every principal's payoffs, which the role
cards keep from the other side). It plays a few hundred episodes per request in the server's
worker pool, one request at a time."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from wargame.errors import WargameError
from wargame.web import explorer
from wargame.web.inputs import read_body, read_choice, read_seed
from wargame.web.refused import Refused
from wargame.web.server import Facilitator, ServerDep

router = APIRouter(prefix="/api", dependencies=[Facilitator])


@router.get("/explore")
def knobs(server: ServerDep, scenario: str = "summit_2025_package.yaml") -> dict[str, Any]:
    """The scenarios on offer, and the knobs of the one chosen."""
    chosen = server.scenarios.named(scenario)
    return {
        "scenarios": list(server.scenarios.files()),
        "scenario": scenario,
        "knobs": explorer.knobs(chosen),
        "episodes": explorer.EPISODES,
    }


@router.post("/explore")
async def explore(request: Request, server: ServerDep) -> dict[str, Any]:
    """The distributions and one episode for the knob values sent (429 while another runs)."""
    body = await read_body(request)
    chosen = server.scenarios.named(body.get("scenario"))
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
