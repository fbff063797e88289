"""The ``wargame`` command. Bad input of any kind: a clear message and exit status 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from wargame import __version__
from wargame.errors import Problem, WargameError
from wargame.model import NegotiationModel
from wargame.params import parse_assignment
from wargame.report import print_episode, print_problems
from wargame.scenario import load_scenario

app = typer.Typer(
    name="wargame",
    help="Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def _user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`WargameError` into its message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as e:
            print_problems(err, e)
            raise typer.Exit(2) from None

    return wrapper


def _overrides(assignments: list[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    problems = []
    for text in assignments or []:
        try:
            path, value = parse_assignment(text)
        except ValueError as e:
            problems.append(Problem("--set", "", str(e)))
            continue
        values[path] = value
    if problems:
        raise WargameError(problems)
    return values


def _version(value: bool) -> None:
    if value:
        out.print(f"wargame {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit."""


@app.command()
@_user_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files to check.")],
) -> None:
    """Check scenario files: print 'ok' or every problem found (file:line: key.path: message)."""
    failed = False
    for path in files:
        try:
            load_scenario(path)
        except WargameError as e:
            failed = True
            print_problems(err, e)
        else:
            out.print(f"{path}: [green]ok[/]")
    if failed:
        raise typer.Exit(2)


@app.command()
@_user_errors
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int, typer.Option(help="Seed: fixes every random draw of the episode.")] = 0,
    rounds: Annotated[int | None, typer.Option(min=1, help="Override the scenario's rounds.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override any value: PATH=VALUE, e.g. actors.seoul.salience.tariff=0.6."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the episode as JSON.")] = False,
) -> None:
    """Play one episode and show it round by round."""
    overrides = _overrides(set_)
    if rounds is not None:
        overrides["rounds"] = rounds
    spec = load_scenario(scenario, overrides)
    episode = NegotiationModel(spec, seed=seed).run()
    if as_json:
        sys.stdout.write(json.dumps(episode.to_dict(), indent=2) + "\n")
        return
    out.print(f"[bold]{spec.name}[/] - seed {seed}, {spec.rounds} rounds, protocol {spec.protocol}")
    print_episode(out, episode, spec)
