"""A finished game's debrief (its data, its figure) and its transcript: the facilitator's for any
session (``?session=ID``), or a seat's for its own session once the game is over."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from wargame import rundir
from wargame.web.refused import Refused
from wargame.web.server import SessionDep
from wargame.web.sessions import Session

router = APIRouter(prefix="/api")


@router.get("/debrief")
def debrief(session: SessionDep) -> dict[str, Any]:
    return debrief_state(session)


@router.get("/debrief.png")
def debrief_png(session: SessionDep) -> Response:
    """The debrief's figure, drawn once per session (matplotlib is loaded only when first asked)."""
    from wargame.classroom.figures import debrief_png as figure

    with session.lock:
        if session.figure is None:
            if session.debrief_data is None:
                raise Refused(409, "the debrief is not ready")
            transcript = rundir.read_yaml_mapping(session.folder / "transcript.yaml", "transcript.yaml")
            session.figure = figure(transcript)
        return Response(session.figure, media_type="image/png")


@router.get("/transcript")
def transcript(session: SessionDep) -> PlainTextResponse:
    text = (session.folder / "transcript.yaml").read_text(encoding="utf-8")
    return PlainTextResponse(
        text,
        media_type="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="{session.id}-transcript.yaml"'},
    )


def debrief_state(session: Session) -> dict[str, Any]:
    """The debrief page's data: the game's status, the debrief's state and the transcript."""
    from wargame.classroom.transcript import debrief_markdown

    transcript = rundir.read_yaml_mapping(session.folder / "transcript.yaml", "transcript.yaml")
    return {
        "session": session.id,
        "status": session.status.value,
        "debrief": session.debrief_shown,
        "markdown": debrief_markdown(transcript),
        "transcript": transcript,
    }
