"""Results as tables for people: an episode round by round, a run's summary, two runs compared,
a forecast, sensitivity indices, a sweep. Each builder returns :class:`wargame.tables.Table` s,
which the CLI prints and the run directory's markdown files hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agents.strategies import DEFAULT
from wargame import timeline
from wargame.design import RANKED_BY
from wargame.tables import Styled, Table, bold, markdown, num, rate, short

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from wargame.bdm import Trajectory
    from wargame.calibration import Calibration
    from wargame.discovery import Discovery
    from wargame.episode import Episode
    from wargame.errors import WargameError
    from wargame.scenario import Scenario


def _tick(flag: bool) -> Styled:
    return Styled("yes", "green") if flag else Styled("no", "red")


def _answers(responses: Mapping[str, bool]) -> tuple[str | Styled, ...]:
    """One line per principal: "washington: yes" (coloured)."""
    parts: list[str | Styled] = []
    for i, (actor, ok) in enumerate(responses.items()):
        parts += [f"{chr(10) if i else ''}{actor}: ", _tick(ok)]
    return tuple(parts)


def _gain(x: float | None) -> Styled:
    return Styled(num(x, signed=True), "green" if (x or 0) >= 0 else "red")


def print_tables(console: Console, tables: list[Table]) -> None:
    for table in tables:
        console.print(table.rich(console.width))


def print_problems(console: Console, err: WargameError) -> None:
    """Every problem, one per line; the caller exits with status 2."""
    from rich.text import Text

    for problem in err.problems:
        console.print(Text("error: ", style="red") + Text(str(problem)), soft_wrap=True)


# --------------------------------------------------------------------------- one episode


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
        table.add_row(
            str(r.round),
            r.proposer,
            *[num(r.offer[name], 2) for name in scenario.issues],
            *([str(len(r.moves))] if with_positions else []),
            _tick(next(iter(r.responses.values()))) if one_answer else _answers(r.responses),
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
            _gain(episode.gain[aid]),
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


# --------------------------------------------------------------------------- many episodes


def summary_tables(s: Mapping[str, Any]) -> list[Table]:
    """A Monte Carlo summary (see :func:`wargame.summary.summarize`) as tables."""
    d = s["deal_rate"]
    head = Table(
        f"{s['experiment'] or s['scenario']}: {s['episodes']} episodes",
        ["deal rate", "95% interval", "deals", "rounds to a deal (mean)", "distance from Nash (mean)"],
        "rrrrr",
    )
    head.add_row(
        bold(rate(d["rate"])),
        f"{rate(d['low'])} - {rate(d['high'])}",
        f"{d['deals']:,}",
        num(s["rounds_to_deal"]["mean"], 2),
        num(s["nash_distance"]["mean"]),
    )
    issues = Table(
        "Outcome per issue",
        [
            "issue",
            "unit",
            "status quo",
            "no deal",
            "Nash p50",
            "mean",
            "sd",
            "p5",
            "p50",
            "p95",
            "at no-deal",
        ],
        "ll" + "r" * 9,
    )
    for name, i in s["issues"].items():
        issues.add_row(
            name,
            i["unit"],
            short(i["status_quo"]),
            short(i["no_deal"]),
            num(i["nash_p50"], 2),
            bold(num(i["mean"], 2)),
            *[num(i[k], 2) for k in ("sd", "p5", "p50", "p95")],
            num(i["at_no_deal"]),
        )
    actors = Table(
        "Utility and gain per actor (gain = utility - reservation)",
        ["actor", "role", "utility mean", "utility sd", "gain mean", "gain p5", "gain p50", "gain p95"],
        "ll" + "r" * 6,
    )
    for name, a in s["actors"].items():
        u, g = a["utility"], a["gain"]
        actors.add_row(
            name,
            a["role"],
            num(u["mean"]),
            num(u["sd"]),
            _gain(g["mean"]),
            *[num(g[k]) for k in ("p5", "p50", "p95")],
        )
    tables = [head, issues]
    if s.get("forecasts"):
        fc = Table(
            "Expected utility forecast (weighted median, whether or not the principals accept it)",
            ["issue", "p5", "p50", "p95", "mean", "weighted mean"],
        )
        for name, f in s["forecasts"].items():
            m = f["median"]
            fc.add_row(
                name,
                num(m["p5"], 2),
                bold(num(m["p50"], 2)),
                num(m["p95"], 2),
                num(m["mean"], 2),
                num(f["mean"]["mean"], 2),
            )
        tables.append(fc)
    tables.append(actors)
    if s["events"]:
        events = Table("Events", ["event", "actor", "fires per episode", "share of episodes"], "llrr")
        for name, e in s["events"].items():
            events.add_row(name, e["actor"], num(e["mean"]), num(e["share"]))
        tables.append(events)
    options = [(name, i["options"]) for name, i in s["issues"].items() if i.get("options")]
    if options:
        chosen = Table(
            "Issues decided among options: share of episodes on each", ["issue", "option", "share"], "llr"
        )
        for name, shares in options:
            for label, share in shares.items():
                chosen.add_row(name, label, rate(share))
        tables.append(chosen)
    tables += _talks_tables(s)
    by_round = s["rounds_to_deal"]["by_round"]
    if by_round:
        rounds = Table(
            "When deals were made: share of all episodes, by round (the first round is round 0)",
            [f"r{r}" for r in by_round],
            "r" * len(by_round),
        )
        rounds.add_row(*[rate(v) for v in by_round.values()])
        tables.append(rounds)
    return tables


def _talks_tables(s: Mapping[str, Any]) -> list[Table]:
    """How the talks ended, each track, when deals were made, concessions and movement."""
    tables = []
    if s.get("endings"):
        ended = Table(
            "How the talks ended (share of all episodes)",
            ["ending", "share", "95% interval", "episodes"],
            "lrrr",
        )
        for kind, e in s["endings"].items():
            ended.add_row(
                kind, bold(rate(e["rate"])), f"{rate(e['low'])} - {rate(e['high'])}", f"{e['count']:,}"
            )
        tables.append(ended)
    if s.get("tracks"):
        tracks = Table("Tracks agreed (share of all episodes)", ["track", "agreed", "95% interval"], "lrr")
        for name, t in s["tracks"].items():
            tracks.add_row(name, bold(rate(t["rate"])), f"{rate(t['low'])} - {rate(t['high'])}")
        tables.append(tracks)
    timing = s.get("timing")
    if timing and timing["deal_day"]["n"]:
        when = Table(
            "When deals were made: share of all episodes by phase of the calendar",
            [*timing["by_phase"], "deal day p5 / p50 / p95"],
            "r" * (len(timing["by_phase"]) + 1),
        )
        d = timing["deal_day"]
        days = f"{num(d['p5'], 0)} / {num(d['p50'], 0)} / {num(d['p95'], 0)}"
        if timing["dates"]:
            days += " (" + " / ".join(timing["dates"][k] for k in ("p5", "p50", "p95")) + ")"
        when.add_row(*[rate(v["rate"]) for v in timing["by_phase"].values()], days)
        tables.append(when)
    measures = (
        (
            "concession",
            "actor",
            3,
            "Concession per actor: salience-weighted distance of the outcome from its ideal (0-1)",
        ),
        (
            "movement",
            "issue",
            2,
            "Movement from the status quo per issue (share of the issue's range; + is up)",
        ),
    )
    for key, what, digits, title in measures:
        if s.get(key):
            table = Table(title, [what, "mean", "p5", "p50", "p95"], "lrrrr")
            for name, d in s[key].items():
                table.add_row(
                    name, bold(num(d["mean"], digits)), *[num(d[k], digits) for k in ("p5", "p50", "p95")]
                )
            tables.append(table)
    return tables


def summary_markdown(s: Mapping[str, Any]) -> str:
    """The summary as a markdown report (``summary.md``)."""
    d, r, nd = s["deal_rate"], s["rounds_to_deal"], s["nash_distance"]
    lines = [
        f"# {s['experiment'] or s['scenario']}: {s['episodes']} episodes",
        "",
        f"Deal rate **{rate(d['rate'])}** (95% interval {rate(d['low'])} - {rate(d['high'])}; "
        f"{d['deals']:,} deals in {s['episodes']:,} episodes).",
        "",
        f"Rounds it took to reach a deal (deals only; a deal in the first round took 1): "
        f"mean {num(r['mean'], 2)}, p5 {num(r['p5'], 0)}, "
        f"p50 {num(r['p50'], 0)}, p95 {num(r['p95'], 0)}. Distance from the Nash point (0 = same "
        f"package, 1 = opposite corners): mean {num(nd['mean'])}, p5 {num(nd['p5'])}, p95 {num(nd['p95'])}.",
        "",
    ]
    text = "\n".join(lines) + markdown(summary_tables(s)[1:])
    if s.get("warnings"):
        text += "\n## Warnings\n\n" + "".join(f"- {w}\n" for w in s["warnings"])
    return text


PROTOCOL_NOTE = (
    "forecast.*: under alternating_offers the outcome (the no-deal value when talks fail); under "
    "expected_utility the final weighted median, whether or not the principals accepted it. "
    "deal_round under expected_utility is always the last round (a forecast is judged at the end)."
)


def differences_table(differences: list[tuple[str, Any, Any]]) -> Table:
    """What two runs' configurations differ in (from :meth:`wargame.experiment.Plan.differences`)."""
    settings = [d for d in differences if d[0] not in ("experiment.name", "experiment.description")]
    if not settings:
        title = "The two runs have the same configuration, seed included: they are the same episodes"
    elif [path for path, _, _ in settings] == ["experiment.seed"]:
        title = "The two runs differ only in their seed: any difference below is sampling noise"
    else:
        title = f"The two runs' configurations differ in {len(settings)} setting(s)"
    table = Table(title, ["setting", "A", "B"], "lll")
    for path, in_a, in_b in settings:
        table.add_row(path, "-" if in_a is None else str(in_a), "-" if in_b is None else str(in_b))
    return table


def compare_table(frame: pd.DataFrame, name_a: str, name_b: str, note: str = "") -> Table:
    """Run B against run A: means, difference, 95% interval, and a flag beyond sampling noise. A
    metric equal in every episode of both runs to one listed before it (``same_as``) is left out,
    and the caption says which."""
    table = Table(
        f"B ({name_b}) against A ({name_a})", ["metric", "A", "B", "B - A", "95% interval", "beyond noise"]
    )
    records = frame.to_dict("records")
    shown = [r for r in records if not r.get("same_as")]
    tested = sum(not math.isnan(float(r["low"])) for r in shown)
    notes = [
        f"95% intervals per metric, uncorrected for testing {tested} metrics: expect about "
        f"{tested / 20:.1g} 'yes' by chance when the runs truly agree"
    ]
    repeated = same_as_note(
        [(str(r["metric"]), str(r["same_as"])) for r in records if r.get("same_as")],
        [str(r["metric"]) for r in records],
    )
    notes += [repeated] if repeated else []
    table.caption = "; ".join(notes) + (f". {note}" if note else "")
    for row in shown:
        flag = Styled("yes", "bold yellow") if row["significant"] else "no"
        low, high = float(row["low"]), float(row["high"])
        interval = "-" if math.isnan(low) else f"{low:+.3f} .. {high:+.3f}"
        table.add_row(
            str(row["metric"]), num(row["a"]), num(row["b"]), num(row["diff"], signed=True), interval, flag
        )
    return table


def same_as_note(
    pairs: list[tuple[str, str]], names: list[str], where: str = "in every episode of both runs"
) -> str:
    """What was left out of a table as equal to a metric listed (``(left out, listed)`` pairs, of
    ``names``, every metric there was), in a clause: "... equal to one listed in every episode of
    both runs, not repeated: forecast.* equals outcome.* (3 metrics)" ("" if nothing was). A whole
    family is named "forecast.*" only when every forecast.X equals its outcome.X."""
    if not pairs:
        return ""
    families: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for dropped, kept in pairs:
        key = (dropped.split(".", 1)[0], kept.split(".", 1)[0])
        families.setdefault(key, []).append((dropped, kept))
    parts = []
    for (kind, like), members in families.items():
        family = [n for n in names if n.split(".", 1)[0] == kind and "." in n]
        alike = all("." in d and d.split(".", 1)[1] == k.split(".", 1)[1] for d, k in members)
        if alike and len(members) > 1 and len(members) == len(family):
            parts.append(f"{kind}.* equals {like}.* ({len(members)} metrics)")
        else:
            parts += [f"{d} equals {k}" for d, k in members]
    noun = "metric" if len(pairs) == 1 else "metrics"
    return f"{len(pairs)} {noun} equal to one listed {where}, not repeated: {', '.join(parts)}"


# --------------------------------------------------------------------------- forecasts


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


# --------------------------------------------------------------------------- sensitivity and sweeps

_SENSITIVITY_COLUMNS = {
    "sobol": [
        ("ST", "ST"),
        ("ST_conf", "+-"),
        ("S1", "S1"),
        ("S1_conf", "+-"),
        ("ST_quarter", "ST at N/4"),
        ("ST_half", "ST at N/2"),
    ],
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
    "sobol": (
        "ST: an estimate of the share of the output's variance that involves the parameter (alone or "
        "with others); S1: of the share it causes alone; +- 95% half-width. The shares lie in [0, 1]: "
        "an estimate above 1 (or below 0) is sampling error, and more samples narrow it"
    ),
    "morris": "mu*: mean absolute effect over the parameter's range; sigma: interactions; +- 95% half-width",
    "oat": "the output with the parameter at low / base / high, the others at base; swing = high - low",
}


_SHARES = {"sobol": ("ST", "S1", "ST_quarter", "ST_half"), "morris": (), "oat": ()}  # at most 1
_ABOVE_ONE = "†"  # one character: a wider column could turn the whole table


def _index(x: Any, share: bool) -> str:
    """A sensitivity index to three decimals; a share of variance above 1 (sampling error) marked."""
    text = num(x)
    above = share and x is not None and not (isinstance(x, float) and math.isnan(x)) and float(x) > 1
    return text + _ABOVE_ONE if above else text


def sensitivity_tables(indices: pd.DataFrame, method: str, short_paths: bool = True) -> list[Table]:
    """One table per output, parameters ranked by importance; unresolved ones (interval includes 0)
    dim. ``short_paths`` drops the "actors." every path starts with (narrow terminals)."""
    tables = []
    key, conf = RANKED_BY[method]
    for output, frame in indices.groupby("output", sort=False):
        frame = frame[~frame["parameter"].str.contains(" x ")]
        table = Table(
            f"{output}: {method} sensitivity",
            ["#", "parameter", *(label for _, label in _SENSITIVITY_COLUMNS[method])],
            "rl" + "r" * len(_SENSITIVITY_COLUMNS[method]),
        )
        above = False
        for _, row in frame.iterrows():
            unsure = not abs(row[key]) - row[conf] > 0
            name = row["parameter"].removeprefix("actors.") if short_paths else row["parameter"]
            cells = [_index(row.get(c), c in _SHARES[method]) for c, _ in _SENSITIVITY_COLUMNS[method]]
            above = above or any(c.endswith(_ABOVE_ONE) for c in cells)
            table.add_row(str(int(row["rank"])), name, *cells, style="dim" if unsure else None)
        table.caption = _SENSITIVITY_NOTES[method] + "; dim (in files: italic): the interval includes 0"
        if above:
            table.caption += (
                f"; {_ABOVE_ONE}: an estimate above 1, shown as computed: sampling error (the share is "
                "at most 1)"
            )
        if "ST_half" in frame and frame["ST_half"].notna().any():
            table.caption += (
                "; ST at N/4 and N/2: the same index from the first quarter and half of the design"
            )
        tables.append(table)
        pairs = indices[(indices["output"] == output) & indices["parameter"].str.contains(" x ")]
        if "S2" in pairs and len(pairs):
            pairs = pairs.reindex(pairs["S2"].abs().sort_values(ascending=False).index).head(10)
            second = Table(
                f"{output}: second-order interactions (S2), the 10 largest", ["pair", "S2", "+-"], "lrr"
            )
            for _, row in pairs.iterrows():
                unsure = not abs(row["S2"]) - row["S2_conf"] > 0
                name = row["parameter"].replace("actors.", "") if short_paths else row["parameter"]
                second.add_row(name, num(row["S2"]), num(row["S2_conf"]), style="dim" if unsure else None)
            tables.append(second)
    return tables


def sensitivity_markdown(summary: Mapping[str, Any], indices: pd.DataFrame) -> str:
    """The analysis as a markdown report (``summary.md`` of a sensitivity run)."""
    params = Table("Parameters", ["parameter", "low", "base", "high"])
    for p in summary["parameters"]:
        params.add_row(p["path"], short(p["low"]), short(p["base"]), short(p["high"]))
    lines = [
        f"# {summary['experiment']}: {summary['method']} sensitivity analysis",
        "",
        f"{len(summary['parameters'])} parameters, {summary['points']:,} points x {summary['per_point']} "
        f"episode(s) = {summary['episodes']:,} episodes (samples = {summary['samples']}). "
        "`+-` columns are 95% confidence half-widths.",
        "",
        params.markdown(),
        markdown(sensitivity_tables(indices, summary["method"], short_paths=False)),
    ]
    if summary["warnings"]:
        lines += ["## Warnings", "", *[f"- {w}" for w in summary["warnings"]], ""]
    return "\n".join(lines)


def sweep_table(frame: pd.DataFrame, param: str, scenario: Scenario) -> Table:
    """Per value of the swept parameter: deal rate with its interval, each issue's outcome, gains."""
    principals = scenario.principals
    table = Table(
        f"{scenario.name}: sweeping {param}",
        [
            param.rsplit(".", 1)[-1],
            "deal rate",
            "95% interval",
            *[f"{issue} mean (p5-p95)" for issue in scenario.issues],
            *[f"gain {actor}" for actor in principals],
        ],
        "r" * (3 + len(scenario.issues) + len(principals)),
    )
    for _, row in frame.iterrows():
        table.add_row(
            short(row["value"]),
            bold(num(row["deal_rate"])),
            f"{num(row['deal_low'], 2)}-{num(row['deal_high'], 2)}",
            *[
                f"{num(row[f'{i}.mean'], 2)} ({num(row[f'{i}.p5'], 1)}-{num(row[f'{i}.p95'], 1)})"
                for i in scenario.issues
            ],
            *[num(row[f"gain.{a}"], signed=True) for a in principals],
        )
    table.caption = f"{int(frame['episodes'].iloc[0])} episodes per value, the same seeds at every value"
    return table


def discovery_tables(found: Discovery) -> list[Table]:
    """Scenario discovery: the chosen box's restrictions, and the peeling trajectory around it."""
    head = Table(
        f"{found.target}: chosen box {found.chosen} of {len(found.trajectory)} "
        f"(coverage {found.coverage:.2f}, density {found.density:.2f}, mass {found.mass:.2f})",
        ["parameter", "restriction", "quasi-p"],
        "llr",
    )
    for r in found.box.to_dict("records"):
        head.add_row(str(r["parameter"]), str(r["restriction"]), f"{r['quasi_p']:.2g}")
    head.caption = (
        "coverage: share of the target's episodes inside the box; density: share of the box's "
        "episodes on target; restrictions whose quasi-p-value is above 0.05 are lifted"
    )
    trajectory = Table(
        "Peeling trajectory (every 5th box, the chosen one and the last)",
        ["box", "coverage", "density", "mass", "restricted"],
        "rrrrr",
    )
    last = len(found.trajectory) - 1
    for r in found.trajectory.to_dict("records"):
        k = int(r["box"])
        if k % 5 == 0 or k in (found.chosen, last):
            label = bold(str(k)) if k == found.chosen else str(k)
            trajectory.add_row(
                label, num(r["coverage"]), num(r["density"]), num(r["mass"]), str(r["restricted"])
            )
    return [head, trajectory]


def calibration_tables(result: Calibration) -> list[Table]:
    """Calibration: each parameter's posterior against its prior; the posterior predictive."""
    params = Table(
        f"Posterior against prior: {result.accepted:,} of {result.simulated:,} episodes accepted "
        f"({result.acceptance_rate:.1%}), effective sample size {result.ess:.0f}",
        ["parameter", "prior p5-p95", "posterior p5", "p50", "p95", "narrowed to"],
        "lrrrrr",
    )
    for r in result.parameters.to_dict("records"):
        width = r["prior_p95"] - r["prior_p5"]
        narrowed = (r["post_p95"] - r["post_p5"]) / width if width > 0 else float("nan")
        params.add_row(
            str(r["parameter"]),
            f"{r['prior_p5']:.4g}-{r['prior_p95']:.4g}",
            num(r["post_p5"], 4),
            bold(num(r["post_p50"], 4)),
            num(r["post_p95"], 4),
            rate(narrowed),
        )
    params.caption = "narrowed to: the posterior's 90% interval as a share of the prior's"
    pred = Table(
        "Predictive: observed columns and the rest (prior -> posterior)",
        ["column", "observed", "prior p5-p95", "posterior p5", "p50", "p95"],
        "lrrrrr",
    )
    records = result.predictive.to_dict("records")
    same = _repeated_columns(records, result.posterior)
    for r in records:
        if r["column"] in same:
            continue
        pred.add_row(
            str(r["column"]),
            num(r["observed"], 4),
            f"{r['prior_p5']:.4g}-{r['prior_p95']:.4g}",
            num(r["post_p5"], 4),
            bold(num(r["post_p50"], 4)),
            num(r["post_p95"], 4),
        )
    columns = [str(r["column"]) for r in records]
    pred.caption = same_as_note(list(same.items()), columns, "in every accepted episode and in the prior")
    return [params, pred]


def _repeated_columns(records: list[dict[Any, Any]], posterior: pd.DataFrame) -> dict[str, str]:
    """Predictive rows that repeat an earlier one (``discounted.*`` is ``utility.*`` for an actor
    that does not discount, ``forecast.*`` is ``outcome.*`` under alternating offers): the same
    observed value, prior and posterior summaries, and the same values in every accepted episode.
    Maps each such column to the one listed first."""
    import numpy as np

    def numbers(r: dict[Any, Any]) -> np.ndarray:
        return np.array([v for k, v in r.items() if k != "column"], dtype=float)

    kept: list[dict[Any, Any]] = []
    same: dict[str, str] = {}
    for r in records:
        for first in kept:
            if not np.array_equal(numbers(r), numbers(first), equal_nan=True):
                continue
            a, b = str(r["column"]), str(first["column"])
            if a in posterior and b in posterior:
                x = posterior[a].to_numpy(dtype=float, na_value=np.nan)
                y = posterior[b].to_numpy(dtype=float, na_value=np.nan)
                if not np.array_equal(x, y, equal_nan=True):
                    continue
            elif len(posterior):
                continue  # an accepted episode to compare on, but not these columns: keep both
            same[a] = b
            break
        else:
            kept.append(r)
    return same
