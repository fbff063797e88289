"""The pages (facilitator, player, debrief, explorer) and their static files. A page holds no
secret: it reads its key or token from the link's ``#fragment`` and sends it with every API call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = {
    "/": "facilitator.html",
    "/play": "player.html",
    "/debrief": "debrief.html",
    "/explore": "explorer.html",
}

router = APIRouter()


def _page(file: str) -> Callable[[], FileResponse]:
    """A route serving page ``file``: it takes no parameter (nothing a request sends names a file)."""

    def serve() -> FileResponse:
        return FileResponse(STATIC / file, media_type="text/html")

    return serve


for _path, _file in PAGES.items():
    router.add_api_route(_path, _page(_file), methods=["GET"], include_in_schema=False)


def static_files() -> StaticFiles:
    """The pages' scripts and style sheet, mounted at ``/static``."""
    return StaticFiles(directory=STATIC)
