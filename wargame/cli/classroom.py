"""Classroom commands: ``brief`` (a role card), ``play`` (a game at the keyboard), ``debrief``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from wargame.classroom import REFERENCE_RUNS
from wargame.cli.common import err, out, say, user_errors
from wargame.tables import terminal_markdown


@user_errors
def brief(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_: Annotated[str, typer.Option("--as", help="The government whose role card to print.")],
    fmt: Annotated[str, typer.Option("--format", help="text, or md for printing as handouts.")] = "text",
) -> None:
    """A government's role card: the situation, its goals, priorities and bottom line, the others."""
    from wargame.classroom.rolecard import brief as role_card
    from wargame.scenario import load_scenario

    sys.stdout.write(role_card(load_scenario(scenario), as_, fmt))


@user_errors
def play(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_: Annotated[
        list[str], typer.Option("--as", help="A government you play (repeat for a hot-seat game).")
    ],
    seed: Annotated[int, typer.Option(min=0, help="Seed: the same seed gives the agents the same luck.")] = 0,
    moves: Annotated[
        Path | None, typer.Option(help="Play the human side from a YAML moves file instead of the keyboard.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Base folder: games go to OUT/classroom/.")] = Path(
        "runs"
    ),
    reference_runs: Annotated[
        int, typer.Option(min=20, help="Agent-played runs the debrief compares you with (cached).")
    ] = REFERENCE_RUNS,
    workers: Annotated[int | None, typer.Option(help="Processes for the reference runs.")] = None,
) -> None:
    """Play governments against the agents in the terminal; a transcript and a debrief at the end."""
    from wargame.classroom.terminal import play as play_game
    from wargame.classroom.transcript import debrief_markdown
    from wargame.scenario import load_scenario

    result = play_game(
        load_scenario(scenario),
        as_,
        seed=seed,
        moves=moves,
        console=out,
        out=out_dir,
        reference_runs=reference_runs,
        workers=workers,
    )
    if result.status == "complete":
        # its tables laid out as every table is: rich's own markdown tables cut long cells with "…"
        out.print(terminal_markdown(debrief_markdown(result.transcript)))
    else:
        why = "interrupted" if result.status == "interrupted" else "input ended"
        err.print(f"[yellow]{why}[/]: the game so far is saved")
    files = ", ".join(sorted(p.name for p in result.folder.iterdir()))
    say("Transcript: ", result.folder, f" ({files})")
    if result.status == "interrupted":
        raise typer.Exit(130)


@user_errors
def debrief(
    transcript: Annotated[Path, typer.Argument(help="A game's transcript.yaml, or its folder.")],
    workers: Annotated[
        int | None, typer.Option(help="Processes for the reference runs, if they are made now.")
    ] = None,
) -> None:
    """Show a saved game's debrief (computing it first if the game ended before it was made)."""
    from wargame.classroom.scoring import complete_debrief
    from wargame.classroom.transcript import debrief_markdown, load_transcript

    path = transcript if transcript.is_dir() else transcript.parent
    data = complete_debrief(path, load_transcript(transcript), workers)
    out.print(terminal_markdown(debrief_markdown(data)))


@user_errors
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (the network)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    out_dir: Annotated[Path, typer.Option("--out", help="Base folder: games go to OUT/classroom/.")] = Path(
        "runs"
    ),
    configs: Annotated[
        Path, typer.Option(help="Folder whose scenarios/*.yaml the facilitator may pick.")
    ] = Path("configs"),
    max_sessions: Annotated[int, typer.Option(min=1, help="Open sessions at once.")] = 20,
    max_players: Annotated[
        int, typer.Option(min=1, help="Players seated at once, over all open sessions.")
    ] = 60,
    reference_runs: Annotated[
        int, typer.Option(min=20, help="Agent-played runs a debrief compares players with (cached).")
    ] = REFERENCE_RUNS,
    workers: Annotated[int, typer.Option(min=1, help="Processes for the explorer and the debriefs.")] = 2,
) -> None:
    """The classroom in the browser: a facilitator's page, one page per government, a debrief and an
    explorer. The facilitator's link is printed here (WARGAME_FACILITATOR_KEY fixes its key)."""
    import os

    from wargame.errors import Problem, WargameError
    from wargame.web.app import serve as run_server

    if not (configs / "scenarios").is_dir():
        raise WargameError(Problem("--configs", "", f"{configs} has no scenarios/ folder"))
    run_server(
        host,
        port,
        out_dir,
        configs,
        os.environ.get("WARGAME_FACILITATOR_KEY") or None,
        max_sessions=max_sessions,
        max_players=max_players,
        reference_runs=reference_runs,
        workers=workers,
        announce=out.print,
    )
