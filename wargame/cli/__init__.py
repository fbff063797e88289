"""The ``wargame`` command (Typer). Bad input of any kind: a clear message and exit status 2.

Each command lives in the module of its kind (:mod:`.episodes`, :mod:`.runs`, :mod:`.analysis`,
:mod:`.classroom`) and imports the engine only when it runs, so ``wargame --help`` is quick.
"""

from __future__ import annotations

from typing import Annotated

import typer

from agents.strategies import strategy_names
from wargame import __version__
from wargame.cli import analysis, classroom, episodes, runs
from wargame.cli.common import out, show_engine_notes
from wargame.protocols import PROTOCOLS


def names() -> str:
    """What a scenario may name, from the registries (the schema checks against the same ones)."""
    return (
        f"Protocols (protocol: ...): {', '.join(PROTOCOLS)}. "
        f"Strategies (actors.ACTOR.strategy: {{name: ...}}): {', '.join(strategy_names())}."
    )


def _version(value: bool) -> None:
    if value:
        out.print(f"wargame {__version__}")
        raise typer.Exit()


def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit."""
    show_engine_notes()


def build() -> typer.Typer:
    """The ``wargame`` command, with help that lists what is registered now."""
    app = typer.Typer(
        name="wargame",
        help="Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(main)
    app.command()(episodes.validate)
    app.command(epilog=names())(episodes.run)
    app.command()(episodes.forecast)
    app.command(epilog=names())(runs.batch)
    app.command()(analysis.sensitivity)
    app.command()(analysis.sweep)
    app.command()(analysis.discover)
    app.command()(analysis.calibrate)
    app.command()(classroom.brief)
    app.command()(classroom.play)
    app.command()(classroom.debrief)
    app.command()(classroom.serve)
    app.command()(runs.report)
    app.command()(runs.compare)
    return app


app = build()
