"""Commands on one scenario or one table of actors: ``validate``, ``run``, ``forecast``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from wargame.cli.common import err, out, overrides, user_errors
from wargame.errors import Problem, WargameError
from wargame.protocols import ExpectedUtility
from wargame.tables import to_json


@user_errors
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario, experiment or observed-outcome YAML files to check.")
    ],
) -> None:
    """Check scenario, experiment and observed-outcome files: print 'ok' or every problem
    (file:line: key.path: message)."""
    from wargame.calibration import load_observed
    from wargame.experiment import load_experiment
    from wargame.report import print_problems
    from wargame.scenario import load_scenario
    from wargame.schema import file_kind, read_yaml

    failed = False
    for path in files:
        try:
            data, _ = read_yaml(path)
            kind = file_kind(data)
            if kind == "experiment":
                load_experiment(path)
            elif kind == "observed":
                load_observed(path)
            else:
                load_scenario(path)
        except WargameError as e:
            failed = True
            print_problems(err, e)
        else:
            out.print(f"{path}: [green]ok[/]")
    if failed:
        raise typer.Exit(2)


@user_errors
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int, typer.Option(min=0, help="Seed: fixes every random draw of the episode.")] = 0,
    rounds: Annotated[int | None, typer.Option(min=1, help="Override the scenario's rounds.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override any value: PATH=VALUE, e.g. actors.seoul.salience.tariff=0.6."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the episode as JSON.")] = False,
) -> None:
    """Play one episode and show it round by round."""
    from wargame.model import NegotiationModel
    from wargame.report_episode import print_episode
    from wargame.scenario import load_scenario

    values = overrides(set_)
    if rounds is not None:
        values["rounds"] = rounds
    spec = load_scenario(scenario, values)
    episode = NegotiationModel(spec, seed=seed).run()
    if as_json:
        sys.stdout.write(to_json(episode.to_dict()) + "\n")
        return
    out.print(f"[bold]{spec.name}[/] - seed {seed}, {spec.rounds} rounds, protocol {spec.protocol}")
    print_episode(out, episode, spec)


VARIANTS = ExpectedUtility.variants


@user_errors
def forecast(
    actors: Annotated[Path, typer.Argument(help="CSV with columns actor,capability,position,salience.")],
    rounds: Annotated[int, typer.Option(min=1, max=1000, help="Rounds to play.")] = 10,
    variant: Annotated[
        str, typer.Option(help=f"Model variant: {' or '.join(VARIANTS)} (see docs/models.md).")
    ] = VARIANTS[0],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Bueno de Mesquita's expected utility model on one issue: positions and forecast per round."""
    problems: list[Problem] = []
    if variant not in VARIANTS:
        problems.append(
            Problem("--variant", "", f"unknown variant '{variant}' (known: {', '.join(VARIANTS)})")
        )
    if fmt not in ("table", "csv", "json"):
        problems.append(Problem("--format", "", f"unknown format '{fmt}' (known: table, csv, json)"))
    if problems:
        raise WargameError(problems)
    from wargame.actors_csv import load_actors_csv
    from wargame.bdm import simulate
    from wargame.report import print_tables
    from wargame.report_episode import forecast_frame, forecast_tables, moves_table

    table = load_actors_csv(actors)
    trajectory = simulate(table.capability, table.position, table.salience, rounds, variant)
    if fmt == "csv":
        frame = forecast_frame(trajectory, table.names)
        sys.stdout.write(frame.to_csv(index=False, float_format="%.6g"))
    elif fmt == "json":
        data = {"variant": variant, **trajectory.as_dict(table.names)}
        sys.stdout.write(to_json(data) + "\n")
    else:
        title = f"{actors.name}: expected utility model ({variant}), {rounds} rounds"
        print_tables(out, forecast_tables(trajectory, table.names, title, out.width))
        print_tables(out, [moves_table(trajectory, table.names)])
        out.print(
            f"Forecast after round {rounds}: [bold]{trajectory.median[-1]:.2f}[/] (weighted median), "
            f"weighted mean {trajectory.mean[-1]:.2f}"
        )
