"""Rich tables for people: an episode's transcript, outcome and payoffs; problem lists."""

from __future__ import annotations

import math

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from wargame.bdm import Trajectory
from wargame.design import RANKED_BY
from wargame.episode import Episode
from wargame.errors import WargameError
from wargame.scenario import Scenario


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _tick(flag: bool) -> str:
    return "[green]yes[/]" if flag else "[red]no[/]"


def transcript_table(episode: Episode, scenario: Scenario) -> Table:
    """Round by round: who proposed what, who accepted, what stakeholders said, what fired."""
    table = Table(title=f"{scenario.name}: round by round", title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("proposer")
    for name in scenario.issues:
        table.add_column(name, justify="right")
    with_positions = any(r.positions for r in episode.rounds)  # expected_utility rounds
    if with_positions:
        table.add_column("moves", justify="right")
    table.add_column("principals")
    table.add_column("backed by")
    table.add_column("events")
    table.caption = "units: " + "; ".join(f"{n} {i.unit}" for n, i in scenario.issues.items())
    for r in episode.rounds:
        table.add_row(
            str(r.round),
            r.proposer,
            *[_fmt(r.offer[name]) for name in scenario.issues],
            *([str(len(r.moves))] if with_positions else []),
            "\n".join(f"{a}: {_tick(ok)}" for a, ok in r.responses.items()),
            ", ".join(a for a, ok in r.support.items() if ok) or "-",
            "\n".join(r.events),
        )
    return table


def outcome_table(episode: Episode, scenario: Scenario) -> Table:
    """Each issue's outcome against status quo, no-deal value and the Nash point."""
    verdict = (
        f"deal in round {episode.deal_round} (offer by {episode.proposer})"
        if episode.deal
        else "no deal: every issue takes its no-deal value"
    )
    table = Table(title=f"Outcome: {verdict}", title_justify="left")
    for col in ("issue", "unit", "status quo", "no deal", "Nash point", "outcome"):
        table.add_column(col, justify="left" if col in ("issue", "unit") else "right")
    for name, issue in scenario.issues.items():
        nash = episode.nash[name] if episode.nash else None
        table.add_row(
            issue.label or name,
            issue.unit,
            _fmt(issue.status_quo),
            _fmt(issue.no_deal),
            _fmt(nash),
            f"[bold]{_fmt(episode.outcome[name])}[/]",
        )
    return table


def actors_table(episode: Episode, scenario: Scenario) -> Table:
    """Each actor's utility of the outcome, its reservation value and its gain."""
    table = Table(title="Payoffs (utility in [0, 1]; gain = utility - reservation)", title_justify="left")
    for col in ("actor", "role", "strategy", "utility", "reservation", "gain"):
        table.add_column(col, justify="left" if col in ("actor", "role", "strategy") else "right")
    for aid, actor in scenario.actors.items():
        gain = episode.gain[aid]
        strategy = actor.strategy.name if actor.strategy else ("linear" if actor.role == "principal" else "-")
        table.add_row(
            actor.name or aid,
            actor.role,
            strategy,
            _fmt(episode.utility[aid], 3),
            _fmt(episode.reservation[aid], 3),
            f"[{'green' if gain >= 0 else 'red'}]{gain:+.3f}[/]",
        )
    return table


def events_table(episode: Episode) -> Table:
    """Every event that fired, with what it changed."""
    table = Table(title="Events", title_justify="left")
    for col in ("round", "event", "actor", "cause", "changes"):
        table.add_column(col)
    for e in episode.events:
        cause = e.cause if e.probability is None else f"{e.cause} (p={e.probability:.2f})"
        changes = "\n".join(f"{c.path}: {c.old:.3g} -> {c.new:.3g}" for c in e.changes)
        table.add_row(str(e.round), e.event, e.actor, cause, changes)
    return table


def positions_table(episode: Episode, scenario: Scenario) -> Table:
    """Expected utility protocol: each actor's position per issue, start -> end, and the forecast."""
    last = episode.rounds[-1]
    verdict = "accepted by every principal" if episode.deal else "rejected: no deal"
    table = Table(title=f"Positions, ideal -> final; forecast {verdict}", title_justify="left")
    table.add_column("actor")
    for name in scenario.issues:
        table.add_column(name, justify="right")
    for actor, spec in scenario.actors.items():
        table.add_row(
            actor,
            *[f"{spec.ideal[i]:.2f} -> {last.positions[actor][i]:.2f}" for i in scenario.issues],
        )
    table.add_section()
    table.add_row(
        "[bold]forecast (median)[/]", *[f"[bold]{episode.forecast[i]:.2f}[/]" for i in scenario.issues]
    )
    table.add_row("weighted mean", *[f"{(episode.forecast_mean or {})[i]:.2f}" for i in scenario.issues])
    table.caption = f"{sum(len(r.moves) for r in episode.rounds)} moves in {len(episode.rounds)} rounds"
    return table


def print_episode(console: Console, episode: Episode, scenario: Scenario) -> None:
    console.print(transcript_table(episode, scenario))
    if episode.events:
        console.print(events_table(episode))
    if episode.forecast_mean is not None:
        console.print(positions_table(episode, scenario))
    console.print(outcome_table(episode, scenario))
    console.print(actors_table(episode, scenario))
    if episode.nash_distance is not None:
        console.print(
            f"Distance from the Nash point: {episode.nash_distance:.3f} "
            "(0 = the same package, 1 = opposite corners of the issue space)"
        )


def print_problems(console: Console, err: WargameError) -> None:
    """Every problem, one per line, in red; the caller exits with status 2."""
    for problem in err.problems:
        console.print(f"[red]error:[/] {problem}", markup=True, highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- many episodes


def _f3(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def summary_tables(s: dict) -> list[Table]:
    """A Monte Carlo summary (see :func:`wargame.summary.summarize`) as rich tables."""
    d = s["deal_rate"]
    head = Table(title=f"{s['experiment'] or s['scenario']}: {s['episodes']} episodes", title_justify="left")
    for col in ("deal rate", "95% interval", "deals", "rounds to deal (p50)", "distance from Nash (mean)"):
        head.add_column(col, justify="right")
    head.add_row(
        f"[bold]{_f3(d['rate'])}[/]",
        f"{_f3(d['low'])} - {_f3(d['high'])}",
        str(d["deals"]),
        _f3(s["rounds_to_deal"]["p50"], 0),
        _f3(s["nash_distance"]["mean"]),
    )
    issues = Table(title="Outcome per issue", title_justify="left")
    for col in ("issue", "status quo", "no deal", "Nash p50", "mean", "sd", "p5", "p50", "p95", "at no-deal"):
        issues.add_column(col, justify="left" if col == "issue" else "right")
    for name, i in s["issues"].items():
        issues.add_row(
            name,
            f"{i['status_quo']:g}",
            f"{i['no_deal']:g}",
            _f3(i["nash_p50"], 2),
            f"[bold]{_f3(i['mean'], 2)}[/]",
            _f3(i["sd"], 2),
            _f3(i["p5"], 2),
            _f3(i["p50"], 2),
            _f3(i["p95"], 2),
            _f3(i["at_no_deal"]),
        )
    issues.caption = "units: " + "; ".join(f"{n} {i['unit']}" for n, i in s["issues"].items())
    actors = Table(title="Utility and gain per actor (gain = utility - reservation)", title_justify="left")
    for col in (
        "actor",
        "role",
        "utility mean",
        "utility sd",
        "gain mean",
        "gain p5",
        "gain p50",
        "gain p95",
    ):
        actors.add_column(col, justify="left" if col in ("actor", "role") else "right")
    for name, a in s["actors"].items():
        u, g = a["utility"], a["gain"]
        colour = "green" if (g["mean"] or 0) >= 0 else "red"
        actors.add_row(
            name,
            a["role"],
            _f3(u["mean"]),
            _f3(u["sd"]),
            f"[{colour}]{_f3(g['mean'])}[/]",
            _f3(g["p5"]),
            _f3(g["p50"]),
            _f3(g["p95"]),
        )
    tables = [head, issues]
    if s.get("forecasts"):
        fc = Table(
            title="Expected utility forecast (weighted median, whether or not the principals accept it)",
            title_justify="left",
        )
        for col in ("issue", "p5", "p50", "p95", "mean", "weighted mean"):
            fc.add_column(col, justify="left" if col == "issue" else "right")
        for name, f in s["forecasts"].items():
            m = f["median"]
            fc.add_row(
                name,
                _f3(m["p5"], 2),
                f"[bold]{_f3(m['p50'], 2)}[/]",
                _f3(m["p95"], 2),
                _f3(m["mean"], 2),
                _f3(f["mean"]["mean"], 2),
            )
        tables.append(fc)
    tables.append(actors)
    if s["events"]:
        events = Table(title="Events", title_justify="left")
        for col in ("event", "actor", "fires per episode", "share of episodes"):
            events.add_column(col, justify="left" if col in ("event", "actor") else "right")
        for name, e in s["events"].items():
            events.add_row(name, e["actor"], _f3(e["mean"]), _f3(e["share"]))
        tables.append(events)
    by_round = s["rounds_to_deal"]["by_round"]
    if by_round:
        rounds = Table(title="When deals were made (share of all episodes)", title_justify="left")
        for r in by_round:
            rounds.add_column(f"r{r}", justify="right")
        rounds.add_row(*[_f3(v, 3) for v in by_round.values()])
        tables.append(rounds)
    return tables


def print_summary(console: Console, summary: dict) -> None:
    for table in summary_tables(summary):
        console.print(table)


PROTOCOL_NOTE = (
    "forecast.*: under alternating_offers the outcome (the no-deal value when talks fail); under "
    "expected_utility the final weighted median, whether or not the principals accepted it. "
    "deal_round under expected_utility is always the last round (a forecast is judged at the end)."
)


def compare_table(frame: pd.DataFrame, name_a: str, name_b: str, note: str = "") -> Table:
    """Run B against run A: means, difference, 95% interval, and a flag beyond sampling noise."""
    table = Table(title=f"B ({name_b}) against A ({name_a})", title_justify="left")
    for col in ("metric", "A", "B", "B - A", "95% interval", "beyond noise"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    table.caption = (
        "95% intervals per metric, uncorrected for testing many metrics: among ~20, expect about one "
        "'yes' by chance" + (f". {note}" if note else "")
    )
    for row in frame.itertuples(index=False):
        flag = "[bold yellow]yes[/]" if row.significant else "no"
        interval = "-" if math.isnan(row.low) else f"{row.low:+.3f} .. {row.high:+.3f}"
        diff = "-" if math.isnan(row.diff) else f"{row.diff:+.3f}"
        table.add_row(row.metric, _f3(row.a), _f3(row.b), diff, interval, flag)
    return table


def forecast_frame(trajectory: Trajectory, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per round (0 = the start): each actor's position, the weighted median and mean."""
    frame = pd.DataFrame(trajectory.positions, columns=list(names))
    frame.insert(0, "round", range(len(frame)))
    frame["median"] = trajectory.median
    frame["mean"] = trajectory.mean
    return frame


def forecast_tables(
    trajectory: Trajectory, names: tuple[str, ...], title: str, width: int = 80
) -> list[Table]:
    """Each actor's position per round (columns; 0 = the start), then the weighted median and mean.

    Rounds are split over several tables when they do not fit the console's width.
    """
    label = max(len(n) for n in (*names, "median"))
    per_table = max(1, (width - label - 4) // 8)  # a column: 5 digits, padding and rule
    rounds = range(len(trajectory.positions))
    tables = []
    for first in range(0, len(rounds), per_table):
        cols = rounds[first : first + per_table]
        table = Table(title=title if first == 0 else None, title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("actor", no_wrap=True, min_width=label)
        for t in cols:
            table.add_column(str(t), justify="right", no_wrap=True, min_width=5)
        for a, name in enumerate(names):
            table.add_row(name, *[f"{trajectory.positions[t, a]:.2f}" for t in cols])
        table.add_section()
        table.add_row("[bold]median[/]", *[f"[bold]{trajectory.median[t]:.2f}[/]" for t in cols])
        table.add_row("mean", *[f"{trajectory.mean[t]:.2f}" for t in cols])
        table.add_row("moves", *[str(len(trajectory.moves[t - 1])) if t else "" for t in cols])
        tables.append(table)
    tables[-1].caption = "columns: rounds (0 = start); median = the forecast (capability x salience weighted)"
    return tables


def moves_table(trajectory: Trajectory, names: tuple[str, ...]) -> Table:
    """Who gave way to whom in each round, and how."""
    table = Table(title="Challenges that moved somebody", title_justify="left")
    for col in ("round", "actor", "gave way to", "how", "from", "to"):
        table.add_column(col, justify="right" if col in ("round", "from", "to") else "left")
    for t, moves in enumerate(trajectory.moves, start=1):
        for m in moves:
            table.add_row(
                str(t), names[m.mover], names[m.toward], m.kind, f"{m.before:.2f}", f"{m.after:.2f}"
            )
    return table


_SENSITIVITY_COLUMNS = {
    "sobol": [("ST", "ST"), ("ST_conf", "+-"), ("S1", "S1"), ("S1_conf", "+-")],
    "morris": [("mu_star", "mu*"), ("mu_star_conf", "+-"), ("mu", "mu"), ("sigma", "sigma")],
    "oat": [
        ("at_low", "at low"),
        ("at_base", "base"),
        ("at_high", "at high"),
        ("swing", "swing"),
        ("swing_conf", "+-"),
    ],
}
_SENSITIVITY_NOTES = {
    "sobol": "ST: share of the output's variance the parameter takes part in; S1: alone; +- 95% half-width",
    "morris": "mu*: mean absolute effect over the parameter's range; sigma: interactions; +- 95% half-width",
    "oat": "the output with the parameter at low / base / high, the others at base; swing = high - low",
}


def sensitivity_tables(indices: pd.DataFrame, method: str) -> list[Table]:
    """One table per output, parameters ranked by importance; unresolved ones (interval includes 0) dim."""
    tables = []
    key, conf = RANKED_BY[method]
    for output, frame in indices.groupby("output", sort=False):
        frame = frame[~frame["parameter"].str.contains(" x ")]
        table = Table(title=f"{output}: {method} sensitivity", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("parameter", no_wrap=True)
        for _, label in _SENSITIVITY_COLUMNS[method]:
            table.add_column(label, justify="right", no_wrap=True)
        for _, row in frame.iterrows():
            unsure = not abs(row[key]) - row[conf] > 0
            cells = [_f3(row[c]) for c, _ in _SENSITIVITY_COLUMNS[method]]
            style = "dim" if unsure else None
            name = row["parameter"].removeprefix("actors.")  # the paths are long; "actors." adds nothing
            table.add_row(str(int(row["rank"])), name, *cells, style=style)
        table.caption = _SENSITIVITY_NOTES[method] + "; dim: interval includes 0"
        tables.append(table)
    return tables


def sweep_table(frame: pd.DataFrame, param: str, scenario: Scenario) -> Table:
    """Per value of the swept parameter: deal rate with its interval, each issue's outcome, gains."""
    table = Table(title=f"{scenario.name}: sweeping {param}", title_justify="left")
    table.add_column(param.rsplit(".", 1)[-1], justify="right")
    table.add_column("deal rate", justify="right")
    table.add_column("95% interval", justify="right")
    for issue in scenario.issues:
        table.add_column(f"{issue} mean (p5-p95)", justify="right")
    principals = scenario.principals
    for actor in principals:
        table.add_column(f"gain {actor}", justify="right")
    for _, row in frame.iterrows():
        table.add_row(
            f"{row['value']:g}",
            f"[bold]{row['deal_rate']:.3f}[/]",
            f"{row['deal_low']:.2f}-{row['deal_high']:.2f}",
            *[
                f"{row[f'{i}.mean']:.2f} ({row[f'{i}.p5']:.1f}-{row[f'{i}.p95']:.1f})"
                for i in scenario.issues
            ],
            *[f"{row[f'gain.{a}']:+.3f}" for a in principals],
        )
    table.caption = f"{int(frame['episodes'].iloc[0])} episodes per value, the same seeds at every value"
    return table
