"""Scenario discovery on a run directory: which combinations of the sampled assumptions make a
target (a boolean expression over episode columns) happen? PRIM (:mod:`wargame.prim`) over the
run's ``param.*`` columns; the results land in ``RUN_DIR/discover/<target>-<hash>/`` (the target
made readable, operators spelled as words, and a short hash of its text: one folder per target).

Read it as the EMA Workbench's scenario discovery: the peeling trajectory trades coverage (the
share of all target episodes the box catches) against density (the share of the box's episodes
that hit the target); the chosen box's restrictions, with their quasi-p-values, are the story.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import keyword
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wargame import prim, rundir
from wargame.errors import Problem, WargameError
from wargame.results import load_run

PARAM = "param."
# a number (2.6e1, .5) or a name (dots allowed): numbers are matched first so that the exponent of
# a number is never read as a column
TOKEN = re.compile(r"(?P<number>(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)")
WORDS = {"and", "or", "not", "True", "False", "in", "is"}
QUOTED = re.compile(r"""('[^']*'|"[^"]*")""")
# operators as words in folder names (the longest first: '>=' is not '>' then '='), so that
# 'x >= 3.8' and 'x < 3.8' are told apart by eye too
SPELLED = (
    (">=", "ge"),
    ("<=", "le"),
    ("==", "eq"),
    ("!=", "ne"),
    (">", "gt"),
    ("<", "lt"),
    ("~", "not"),
    ("&", "and"),
    ("|", "or"),
)
FEW = 12  # a numeric parameter with at most this many values is drawn value by value
TARGET_FILE = "target.txt"
SUMMARY = "summary.md"
WRITTEN = "Written "  # summary.md's line saying when: what a rerun reports it replaces


def _bad(message: str) -> WargameError:
    return WargameError(Problem("--target", "", message))


def target_mask(episodes: pd.DataFrame, expression: str) -> np.ndarray:
    """``expression`` (e.g. ``deal == False``, ``outcome.troop_level < 26 and not deal``) evaluated
    over the episode columns: ``(n,)`` bool. Column names may contain dots; an unknown name, an
    expression that is not boolean, or one no episode (or every episode) satisfies is an error."""
    text = expression.strip()
    if not text:
        raise _bad(
            "the target is empty: give a boolean expression over episode columns, e.g. 'deal == False'"
        )
    columns = list(episodes.columns)
    alias = {name: f"_c{k}" for k, name in enumerate(columns)}

    def replace(match: re.Match[str]) -> str:
        if match.group("number") is not None:
            return match.group(0)
        name = match.group("name")
        if name in alias:
            return alias[name]
        if name in WORDS or keyword.iskeyword(name):
            return name
        close = difflib.get_close_matches(name, columns, n=3, cutoff=0.6)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else f" (columns include: {', '.join(columns[:8])}, ...)"
        )
        raise _bad(f"unknown column '{name}'{hint}")

    # names inside quotes are text, not columns
    parts = re.split(r"""('[^']*'|"[^"]*")""", text)
    rewritten = "".join(p if p[:1] in "'\"" else TOKEN.sub(replace, p) for p in parts)
    frame = episodes.rename(columns=alias)
    try:
        value = frame.eval(rewritten, engine="python")
    except Exception as err:  # pandas raises many kinds for a malformed expression
        raise _bad(f"cannot evaluate '{expression}': {err}") from None
    if not isinstance(value, pd.Series) or value.dtype != bool:
        kind = value.dtype if isinstance(value, pd.Series) else type(value).__name__
        raise _bad(
            f"'{expression}' is not a boolean expression (it gives {kind}); compare, e.g. 'deal == False'"
        )
    mask = value.to_numpy(dtype=bool)
    if not mask.any():
        raise _bad(f"no episode satisfies '{expression}': nothing to explain")
    if mask.all():
        raise _bad(f"every episode satisfies '{expression}': nothing to tell it from")
    return mask


def _outside_quotes(text: str, change: Callable[[str], str]) -> str:
    return "".join(p if p[:1] in "'\"" else change(p) for p in QUOTED.split(text))


def normalised(target: str) -> str:
    """``target`` with its whitespace made canonical outside quotes (runs of it one space, none
    beside an operator or bracket): ``x>=3.8`` and ``x >= 3.8`` are one target, one folder."""

    def squeeze(part: str) -> str:
        return re.sub(r" ?([^\w\s.]) ?", r"\1", re.sub(r"\s+", " ", part))

    return _outside_quotes(target.strip(), squeeze)


def target_folder(target: str) -> str:
    """The folder name of ``target``'s results: readable (operators spelled: ``ge``, ``lt``, ``eq``,
    ``ne``, ``not``, ``and``, ``or``; sanitised by :func:`wargame.rundir.folder_name`) and then the
    first 8 hex digits of the SHA-256 of its normalised text, so that two different targets never
    share a folder, however the readable part was cut."""
    text = normalised(target)

    def spell(part: str) -> str:
        for operator, word in SPELLED:
            part = part.replace(operator, f" {word} ")
        return part

    # a leading '.' would hide the folder, a leading '-' reads as an option in a shell
    readable = rundir.folder_name(_outside_quotes(text, spell), "target", 51).lstrip(".-") or "target"
    return f"{readable}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _earlier(folder: Path, target: str) -> str | None:
    """What writing ``target``'s results into ``folder`` replaces, in words (None: nothing yet)."""
    summary = folder / SUMMARY
    try:
        text = summary.read_text(encoding="utf-8")
        modified = summary.stat().st_mtime
    except FileNotFoundError:
        return None
    except OSError:  # there but unreadable: still replaced, when unknown
        return "replaces an earlier discovery of this target (its summary is unreadable)"
    line = next((x for x in text.splitlines() if x.startswith(WRITTEN)), None)
    if line is not None:
        when = line.removeprefix(WRITTEN).split()[0]
    else:  # a summary written before it said when
        stamp = dt.datetime.fromtimestamp(modified, dt.UTC)
        when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        before = (folder / TARGET_FILE).read_text(encoding="utf-8").rstrip("\n")
    except OSError:
        before = target
    # the same normalised text, perhaps spaced differently: say so, not to surprise
    written = f" (written as '{before}')" if before != target else ""
    return f"replaces the discovery written {when}{written}"


@dataclass
class Discovery:
    """What PRIM found for one target in one run."""

    target: str
    run_dir: Path
    trajectory: pd.DataFrame  # one row per box: coverage, density, mass, restricted
    box: pd.DataFrame  # the chosen box: one row per restricted parameter, with its quasi-p-value
    chosen: int  # the trajectory row of the chosen box (before pruning)
    coverage: float  # of the chosen box after pruning
    density: float
    mass: float
    folder: Path
    replaced: str | None = None  # what writing the results replaced (a rerun), in words
    # every sampled parameter's limits in the chosen box (after pruning) and over the whole run,
    # by name without "param.": what box.png draws each restriction against
    limits: dict[str, prim.Limit] = field(default_factory=dict)
    full_limits: dict[str, prim.Limit] = field(default_factory=dict)
    # the sampled values of each numeric parameter with few (a choice of numbers): box.png draws
    # them as cells, since a box of one value of two has no width on a continuous scale
    levels: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def summarise(self) -> str:
        """A few lines of plain text: the box and how good it is."""
        lines = [
            f"{self.target}: {len(self.trajectory)} boxes peeled; chosen box {self.chosen} "
            f"(coverage {self.coverage:.2f}, density {self.density:.2f}, mass {self.mass:.2f})"
        ]
        for _, row in self.box.iterrows():
            lines.append(f"  {row['parameter']}: {row['restriction']} (quasi-p {row['quasi_p']:.2g})")
        return "\n".join(lines)


def _describe(limit: prim.Limit, whole: prim.Limit) -> str:
    if isinstance(limit, frozenset):
        return "one of " + ", ".join(sorted(map(str, limit)))
    assert isinstance(whole, tuple)
    low, high = limit
    if low > whole[0] and high < whole[1]:
        return f"{low:.4g} to {high:.4g}"
    return f">= {low:.4g}" if low > whole[0] else f"<= {high:.4g}"


def discover(
    run_dir: str | Path,
    target: str,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    box: int | None = None,
    significance: float = 0.05,
    write: bool = True,
) -> Discovery:
    """PRIM over a run's sampled parameters for ``target``; the chosen box (default: the best
    harmonic mean of coverage and density; ``box``: a trajectory row) with the restrictions that
    are not significant (quasi-p above ``significance``) lifted. Writes ``trajectory.csv``,
    ``box.csv``, ``summary.md``, ``target.txt`` and plots under ``RUN_DIR/discover/<target>-<hash>/``
    (:func:`target_folder`; a rerun of the target replaces them, and ``replaced`` says what it
    replaced) unless ``write`` is false. The folder is made and proven writable before PRIM runs."""
    if not 0 < alpha < 0.5:
        raise WargameError(Problem("--alpha", "", f"must be between 0 and 0.5 (got {alpha:g})"))
    if not 0 < min_mass < 1:
        raise WargameError(Problem("--min-mass", "", f"must be between 0 and 1 (got {min_mass:g})"))
    run = load_run(run_dir)
    episodes = run.episodes
    names = [c for c in episodes.columns if c.startswith(PARAM) and episodes[c].nunique() > 1]
    if not names:
        raise WargameError(
            Problem(
                str(run.run_dir),
                "",
                "the run sampled no parameters (no varying param.* column): nothing to search",
            )
        )
    y = target_mask(episodes, target)
    folder = run.run_dir / "discover" / target_folder(target)
    replaced, made = None, False
    if write:
        made = not folder.exists()
        rundir.output_folder(folder)  # a read-only run directory: one clear error, before any work
        replaced = _earlier(folder, target)
    categorical = np.array(
        [not pd.api.types.is_numeric_dtype(episodes[c]) or episodes[c].dtype == bool for c in names]
    )
    X = episodes[names].to_numpy(dtype=object)
    trajectory = prim.peel(X, y, categorical, alpha, min_mass)
    chosen = prim.choose(trajectory) if box is None else box
    if not 0 <= chosen < len(trajectory):
        if made:
            with suppress(OSError):
                folder.rmdir()  # a refused --box leaves no empty folder behind
        raise WargameError(
            Problem("--box", "", f"no box {chosen}: the trajectory has boxes 0 to {len(trajectory) - 1}")
        )
    picked = prim.prune(X, y, categorical, trajectory[chosen].box, significance)
    full = prim.full_box(X, categorical)
    p = prim.quasi_p_values(X, y, categorical, picked)
    inside = picked.contains(X, categorical)
    rows = [
        {
            "parameter": names[j].removeprefix(PARAM),
            "restriction": _describe(picked.limits[j], full.limits[j]),
            "low": None if categorical[j] else picked.limits[j][0],  # type: ignore[index]
            "high": None if categorical[j] else picked.limits[j][1],  # type: ignore[index]
            "quasi_p": p[j],
        }
        for j in sorted(p, key=lambda j: p[j])
    ]
    table = pd.DataFrame(
        [
            {
                "box": k,
                "coverage": s.coverage,
                "density": s.density,
                "mass": s.mass,
                "restricted": s.restricted,
            }
            for k, s in enumerate(trajectory)
        ]
    )
    found = Discovery(
        target=target,
        run_dir=run.run_dir,
        trajectory=table,
        box=pd.DataFrame(rows, columns=["parameter", "restriction", "low", "high", "quasi_p"]),
        chosen=chosen,
        coverage=float(y[inside].sum() / y.sum()),
        density=float(y[inside].mean()) if inside.any() else 0.0,
        mass=float(inside.mean()),
        folder=folder,
        replaced=replaced,
        limits={names[j].removeprefix(PARAM): limit for j, limit in enumerate(picked.limits)},
        full_limits={names[j].removeprefix(PARAM): limit for j, limit in enumerate(full.limits)},
        levels={
            name.removeprefix(PARAM): tuple(sorted(map(float, episodes[name].unique())))
            for name, kind in zip(names, categorical, strict=True)
            if not kind and episodes[name].nunique() <= FEW
        },
    )
    if write:
        _write(found)
    return found


def _write(found: Discovery) -> None:
    # matplotlib loads only when results are written
    from wargame.discovery_plots import box_bars, peeling_marks, prim_plots

    folder = found.folder
    rundir.write_text(folder / TARGET_FILE, found.target + "\n")  # the exact text: folders told apart
    rundir.write_text(folder / "trajectory.csv", found.trajectory.to_csv(index=False))
    rundir.write_text(folder / "box.csv", found.box.to_csv(index=False))
    lines = [
        f"# Scenario discovery: {found.target}",
        "",
        f"Target (exact text, also in {TARGET_FILE}): `{found.target}`",
        "",
        f"{WRITTEN}{rundir.utc_now()} by `wargame discover`; a rerun of this target replaces this folder.",
        "",
        f"PRIM over the run's sampled parameters; {len(found.trajectory)} boxes peeled. The chosen box "
        f"(trajectory row {found.chosen}, restrictions that are not significant lifted) holds "
        f"{found.mass:.1%} of the episodes, catches {found.coverage:.1%} of those that hit the target "
        f"(coverage) and {found.density:.1%} of its episodes hit it (density).",
        "",
        "| parameter | restriction | quasi-p |",
        "|---|---|--:|",
        *[
            f"| {r['parameter']} | {r['restriction']} | {r['quasi_p']:.2g} |"
            for r in found.box.to_dict("records")
        ],
        "",
    ]
    rundir.write_text(folder / SUMMARY, "\n".join(lines))
    marks = peeling_marks(found.trajectory, found.chosen, found.coverage, found.density)
    bars = box_bars(found.box, found.limits, found.full_limits, found.levels)
    prim_plots(found.trajectory, marks, bars, folder / "plots")
