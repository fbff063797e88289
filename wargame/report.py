"""Rich tables for people: an episode's transcript, outcome and payoffs; problem lists."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

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
    table.add_column("principals")
    table.add_column("backed by")
    table.add_column("events")
    table.caption = "units: " + "; ".join(f"{n} {i.unit}" for n, i in scenario.issues.items())
    for r in episode.rounds:
        table.add_row(
            str(r.round),
            r.proposer,
            *[_fmt(r.offer[name]) for name in scenario.issues],
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


def print_episode(console: Console, episode: Episode, scenario: Scenario) -> None:
    console.print(transcript_table(episode, scenario))
    if episode.events:
        console.print(events_table(episode))
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
