"""The analyses of many runs as tables for people: sensitivity indices (and ``summary.md`` of a
sensitivity run), a sweep, scenario discovery's boxes, a calibration's posterior.

In the layer of :mod:`wargame.discovery` and :mod:`wargame.calibration`, whose results it reads
(a lower module could not name their types without a cycle of concepts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wargame import params
from wargame.design import RANKED_BY
from wargame.report_compare import same_as_note
from wargame.tables import Table, bold, markdown, num, rate, short

if TYPE_CHECKING:
    import pandas as pd

    from wargame.calibration import Calibration
    from wargame.discovery import Discovery
    from wargame.scenario import Scenario


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
    varied = Table("Parameters", ["parameter", "low", "base", "high"])
    for p in summary["parameters"]:
        varied.add_row(p["path"], short(p["low"]), short(p["base"]), short(p["high"]))
    lines = [
        f"# {summary['experiment']}: {summary['method']} sensitivity analysis",
        "",
        f"{len(summary['parameters'])} parameters, {summary['points']:,} points x {summary['per_point']} "
        f"episode(s) = {summary['episodes']:,} episodes (samples = {summary['samples']}). "
        "`+-` columns are 95% confidence half-widths.",
        "",
        varied.markdown(),
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
            params.leaf(param),
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
    posterior = Table(
        f"Posterior against prior: {result.accepted:,} of {result.simulated:,} episodes accepted "
        f"({result.acceptance_rate:.1%}), effective sample size {result.ess:.0f}",
        ["parameter", "prior p5-p95", "posterior p5", "p50", "p95", "narrowed to"],
        "lrrrrr",
    )
    for r in result.parameters.to_dict("records"):
        width = r["prior_p95"] - r["prior_p5"]
        narrowed = (r["post_p95"] - r["post_p5"]) / width if width > 0 else float("nan")
        posterior.add_row(
            str(r["parameter"]),
            f"{r['prior_p5']:.4g}-{r['prior_p95']:.4g}",
            num(r["post_p5"], 4),
            bold(num(r["post_p50"], 4)),
            num(r["post_p95"], 4),
            rate(narrowed),
        )
    posterior.caption = "narrowed to: the posterior's 90% interval as a share of the prior's"
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
    return [posterior, pred]


def _repeated_columns(records: list[dict[Any, Any]], posterior: pd.DataFrame) -> dict[str, str]:
    """Predictive rows that repeat an earlier one (``discounted.*`` is ``utility.*`` for an actor
    that does not discount, ``forecast.*`` is ``outcome.*`` under alternating offers): the same
    observed value, prior and posterior summaries, and the same values in every accepted episode
    (a column missing from the accepted episodes, when there are some, is compared with none).
    Maps each such column to the one listed first."""
    from wargame.comparison import repeats  # here: importing the tables need not load pandas

    def values(r: dict[Any, Any]) -> list[Any] | None:
        numbers = [v for k, v in r.items() if k != "column"]
        if not len(posterior):
            return [numbers]
        column = str(r["column"])
        return [numbers, posterior[column]] if column in posterior else None

    return repeats((str(r["column"]), values(r)) for r in records)
