"""One episode as tables for people: round by round, the outcome against the reference points,
each actor's payoff, the events, and (expected_utility) the positions; and one forecast of the
expected utility model (``wargame forecast``) round by round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from agents.strategies import DEFAULT
from wargame import timeline
from wargame.report import gain, print_tables, tick
from wargame.tables import Styled, Table, bold, num

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from wargame.bdm import Trajectory
    from wargame.episode import Episode
    from wargame.scenario import Scenario


def _answers(responses: Mapping[str, bool]) -> tuple[str | Styled, ...]:
    """One line per principal: "washington: yes" (coloured)."""
    parts: list[str | Styled] = []
    for i, (actor, ok) in enumerate(responses.items()):
        parts += [f"{chr(10) if i else ''}{actor}: ", tick(ok)]
    return tuple(parts)


def transcript_table(episode: Episode, scenario: Scenario) -> Table:
    """Round by round: who proposed what, how the others answered, which stakeholders backed it
    (the events of each round are in :func:`events_table`)."""
    with_positions = any(r.positions for r in episode.rounds)  # expected_utility rounds
    one_answer = all(len(r.responses) == 1 for r in episode.rounds)
    labels = [issue.label or name for name, issue in scenario.issues.items()]
    columns = ["round", "proposer", *labels, *(["moves"] if with_positions else [])]
    columns += ["answer" if one_answer else "answers", "backed by"]
    align = "rl" + "r" * len(labels) + ("r" if with_positions else "") + "ll"
    table = Table(f"{scenario.name}: round by round", columns, align)
    table.caption = "units: " + "; ".join(f"{i.label or n} {i.unit}" for n, i in scenario.issues.items())
    for r in episode.rounds:
        answer = tick(next(iter(r.responses.values()))) if one_answer else _answers(r.responses)
        if r.vetoed_by:  # accepted at the table, refused by a ratifier: say so, or "yes" misleads
            answer = (
                *(answer if isinstance(answer, tuple) else (answer,)),
                f" (vetoed by {', '.join(r.vetoed_by)})",
            )
        table.add_row(
            str(r.round),
            r.proposer,
            *[num(r.offer[name], 2) for name in scenario.issues],
            *([str(len(r.moves))] if with_positions else []),
            answer,
            ", ".join(a for a, ok in r.support.items() if ok) or "-",
        )
    return table


def outcome_table(episode: Episode, scenario: Scenario) -> Table:
    """Each issue's outcome against status quo, no-deal value and the Nash point."""
    table = Table(
        f"Outcome: {verdict(episode, scenario)}",
        ["issue", "unit", "status quo", "no deal", "Nash point", "outcome", "moved"],
        "llrrrrr",
    )
    for name, issue in scenario.issues.items():
        nash = episode.nash[name] if episode.nash else None
        table.add_row(
            issue.label or name,
            issue.unit,
            num(issue.status_quo, 2),
            num(issue.no_deal, 2),
            num(nash, 2),
            bold(num(episode.outcome[name], 2)),
            num(episode.movement.get(name), 2),
        )
    options = [
        f"{issue.label or name}: " + ", ".join(f"{o.value:g} {o.label}" for o in issue.options)
        for name, issue in scenario.issues.items()
        if issue.options is not None
    ]
    notes = ["moved: change from the status quo as a share of the issue's range", *options]
    table.caption = "; ".join(notes)
    return table


def verdict(episode: Episode, scenario: Scenario) -> str:
    """How the talks ended, in a line: the deal and when, or why not; and each track."""
    plan = timeline.schedule(scenario)
    if episode.deal and episode.deal_round is not None:
        if episode.proposer:
            by = f" (offer by {episode.proposer})"
        elif episode.ended == "deadline":
            by = " (track by track, at their deadlines)"
        else:
            by = " (the principals accept the forecast)"
        when = f"round {episode.deal_round}{by}"
        if scenario.calendar is not None:
            date = plan.date(episode.deal_round)
            when += f", day {episode.deal_day:g}" + (
                f" ({date}, {plan.phase[episode.deal_round]})" if date else ""
            )
        text = f"deal in {when}"
    elif episode.ended == "breakdown":
        text = f"no deal: the talks broke down after round {episode.rounds_played - 1} ({episode.breakdown})"
    elif episode.ended == "agreement":
        text = (
            f"agreement on what was still open in round {episode.rounds_played - 1}, but not on every track"
        )
    else:
        text = "no deal at the deadline"
    if episode.tracks:
        parts = [
            f"{name} {'agreed' if ok else 'failed'} in round {at}"
            for name, (ok, at) in episode.tracks.items()
        ]
        text += "; " + ", ".join(parts)
    elif not episode.deal:
        text += ": every issue takes its no-deal value"
    return text


def actors_table(episode: Episode, scenario: Scenario) -> Table:
    """Each actor's utility of the outcome, its reservation value and its gain."""
    table = Table(
        "Payoffs (utility in [0, 1]; gain = utility - reservation; concession: salience-weighted "
        "distance of the outcome from the actor's ideal, 0-1)",
        ["actor", "role", "strategy", "utility", "reservation", "gain", "concession"],
        "lllrrrr",
    )
    for aid, actor in scenario.actors.items():
        strategy = actor.strategy.name if actor.strategy else (DEFAULT if actor.role == "principal" else "-")
        table.add_row(
            actor.name or aid,
            actor.role,
            strategy,
            num(episode.utility[aid]),
            num(episode.reservation[aid]),
            gain(episode.gain[aid]),
            num(episode.concession.get(aid)),
        )
    return table


def events_table(episode: Episode) -> Table:
    """Every event that fired, with what it changed."""
    table = Table("Events", ["round", "event", "actor", "cause", "changes"], "rllll")
    for e in episode.events:
        cause = e.cause if e.probability is None else f"{e.cause} (p={e.probability:.2f})"
        changes = "\n".join(f"{c.path}: {c.old:.3g} -> {c.new:.3g}" for c in e.changes)
        table.add_row(str(e.round), e.event, e.actor, cause, changes)
    return table


def positions_table(episode: Episode, scenario: Scenario) -> Table:
    """Expected utility protocol: each actor's position per issue, start -> end, and the forecast."""
    last = episode.rounds[-1]
    verdict = "accepted by every principal" if episode.deal else "rejected: no deal"
    table = Table(f"Positions, ideal -> final; forecast {verdict}", ["actor", *scenario.issues])
    for actor, spec in scenario.actors.items():
        table.add_row(
            actor, *[f"{spec.ideal[i]:.2f} -> {last.positions[actor][i]:.2f}" for i in scenario.issues]
        )
    table.add_section()
    table.add_row(bold("forecast (median)"), *[bold(num(episode.forecast[i], 2)) for i in scenario.issues])
    mean = episode.forecast_mean or {}
    table.add_row("weighted mean", *[num(mean.get(i), 2) for i in scenario.issues])
    table.caption = f"{sum(len(r.moves) for r in episode.rounds)} moves in {len(episode.rounds)} rounds"
    return table


def episode_tables(episode: Episode, scenario: Scenario) -> list[Table]:
    tables = [transcript_table(episode, scenario)]
    if episode.events:
        tables.append(events_table(episode))
    if episode.forecast_mean is not None:
        tables.append(positions_table(episode, scenario))
    return [*tables, outcome_table(episode, scenario), actors_table(episode, scenario)]


def print_episode(console: Console, episode: Episode, scenario: Scenario) -> None:
    print_tables(console, episode_tables(episode, scenario))
    if episode.nash_distance is not None:
        console.print(
            f"Distance from the Nash point: {episode.nash_distance:.3f} "
            "(0 = the same package, 1 = opposite corners of the issue space)"
        )


# --------------------------------------------------------------------------- a forecast


def forecast_frame(trajectory: Trajectory, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per round (0 = the start): each actor's position, the weighted median and mean."""
    import pandas as pd

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
        table = Table(title if first == 0 else "", ["actor", *map(str, cols)], compact=True)
        for a, name in enumerate(names):
            table.add_row(name, *[num(trajectory.positions[t, a], 2) for t in cols])
        table.add_section()
        table.add_row(bold("median"), *[bold(num(trajectory.median[t], 2)) for t in cols])
        table.add_row("mean", *[num(trajectory.mean[t], 2) for t in cols])
        table.add_row("moves", *[str(len(trajectory.moves[t - 1])) if t else "" for t in cols])
        tables.append(table)
    tables[-1].caption = "columns: rounds (0 = start); median = the forecast (capability x salience weighted)"
    return tables


def moves_table(trajectory: Trajectory, names: tuple[str, ...]) -> Table:
    """Who gave way to whom in each round, and how."""
    table = Table(
        "Challenges that moved somebody", ["round", "actor", "gave way to", "how", "from", "to"], "rlllrr"
    )
    for t, moves in enumerate(trajectory.moves, start=1):
        for m in moves:
            table.add_row(str(t), names[m.mover], names[m.toward], m.kind, num(m.before, 2), num(m.after, 2))
    return table
