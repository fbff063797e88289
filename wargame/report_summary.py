"""A run's summary (:class:`wargame.summary.Summary`, what ``summary.json`` holds) as tables for
people: ``wargame batch`` and ``wargame report`` print them, ``summary.md`` holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.report import gain
from wargame.tables import Table, bold, markdown, num, rate, short

if TYPE_CHECKING:  # the type only: importing a run's results need not load pandas
    from wargame.summary import Summary


def summary_tables(s: Summary) -> list[Table]:
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
            gain(g["mean"]),
            *[num(g[k]) for k in ("p5", "p50", "p95")],
        )
    tables = [head, issues, *_baseline_tables(s)]
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


def _baseline_tables(s: Summary) -> list[Table]:
    """The model's median outcome per issue beside the naive forecasts' medians (none for a run
    made before the episodes recorded them)."""
    if not s.get("baselines"):
        return []
    table = Table(
        "Forecast beside naive baselines (medians over the episodes)",
        # no unit: the table above gives it, and without it the table fits 80 columns as it is
        ["issue", "model", "Nash point", "status quo", "split the difference", "weighted compromise"],
        caption="split the difference: the principals' mean ideal; weighted compromise: every actor's "
        "ideal weighted by capability x salience (Thomson et al., The European Union Decides, 2006); "
        "each from an episode's parameters as its talks started, on the issue's grid",
    )
    for name, b in s["baselines"].items():
        i = s["issues"][name]
        table.add_row(
            name,
            bold(num(i["p50"], 2)),
            num(i["nash_p50"], 2),
            *[num(b[k]["p50"], 2) for k in ("status_quo", "split", "compromise")],
        )
    return [table]


def _talks_tables(s: Summary) -> list[Table]:
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
            s["concession"],
            "actor",
            3,
            "Concession per actor: salience-weighted distance of the outcome from its ideal (0-1)",
        ),
        (
            s["movement"],
            "issue",
            2,
            "Movement from the status quo per issue (share of the issue's range; + is up)",
        ),
    )
    for stats, what, digits, title in measures:
        if stats:
            table = Table(title, [what, "mean", "p5", "p50", "p95"], "lrrrr")
            for name, d in stats.items():
                table.add_row(
                    name, bold(num(d["mean"], digits)), *[num(d[k], digits) for k in ("p5", "p50", "p95")]
                )
            tables.append(table)
    return tables


def summary_markdown(s: Summary) -> str:
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
