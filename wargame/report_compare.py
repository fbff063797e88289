"""Two runs compared (:func:`wargame.summary.compare`) as tables for people (``wargame compare``):
what their configurations differ in, and every metric's difference against the sampling noise.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from wargame import params
from wargame.tables import Styled, Table, num

if TYPE_CHECKING:
    import pandas as pd


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
        key = (params.family(dropped)[0], params.family(kept)[0])
        families.setdefault(key, []).append((dropped, kept))
    parts = []
    for (kind, like), members in families.items():
        family = [n for n in names if params.family(n)[0] == kind and params.family(n)[1]]
        alike = all(params.family(d)[1] and params.family(d)[1] == params.family(k)[1] for d, k in members)
        if alike and len(members) > 1 and len(members) == len(family):
            parts.append(f"{kind}.* equals {like}.* ({len(members)} metrics)")
        else:
            parts += [f"{d} equals {k}" for d, k in members]
    noun = "metric" if len(pairs) == 1 else "metrics"
    return f"{len(pairs)} {noun} equal to one listed {where}, not repeated: {', '.join(parts)}"
