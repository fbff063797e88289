"""Actor tables for one-issue forecasts: ``actor,capability,position,salience`` CSV files.

The format of Bueno de Mesquita's published examples. Salience may be on 0-1 or 0-100 (a file
whose saliences exceed 1 is read as 0-100 and divided by 100). Every problem is reported with
the file, the row's line and the column, and the CLI turns them into exit status 2.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wargame.errors import Problem, WargameError
from wargame.schema import check_magnitude

COLUMNS = ("actor", "capability", "position", "salience")
MAX_BYTES = 10 * 2**20  # a table of a thousand actors is a few dozen KB
MAX_ACTORS = 1000  # the model's work grows with actors cubed: 1,000 take about a minute for 10 rounds


@dataclass(frozen=True)
class ActorTable:
    """Actors on one issue: names and ``(A,)`` arrays; salience on 0-1."""

    names: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray


def load_actors_csv(path: str | Path) -> ActorTable:
    """Read and check an actor table; raise :class:`WargameError` listing every problem."""
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise WargameError(
                Problem(source, "", f"is larger than {MAX_BYTES // 2**20} MB: not an actor table")
            )
        text = raw.decode("utf-8-sig")  # tolerate the BOM spreadsheets write
    except FileNotFoundError:
        raise WargameError(Problem(source, "", "no such file")) from None
    except IsADirectoryError:
        raise WargameError(Problem(source, "", "is a directory, not a CSV file")) from None
    except UnicodeDecodeError:
        raise WargameError(Problem(source, "", "is not a text file (expected UTF-8 CSV)")) from None
    except OSError as e:
        raise WargameError(Problem(source, "", f"cannot be read: {e.strerror or e}")) from None

    # parse first, then drop blank and comment rows: a quoted field may span lines
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    parsed_rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for row in reader:
            if any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#"):
                parsed_rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        message = f"is not valid CSV near line {reader.line_num}: {e}"
        raise WargameError(Problem(source, "", message)) from None
    if not parsed_rows:
        raise WargameError(Problem(source, "", "the file is empty; expected a header " + ",".join(COLUMNS)))
    problems: list[Problem] = []

    def bad(key: str, message: str, line: int | None = None) -> None:
        problems.append(Problem(source, key, message, line))

    first, header_row = parsed_rows[0]
    header = [h.strip().lower() for h in header_row]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing:
        bad("header", f"missing column(s) {', '.join(missing)}; found {', '.join(header)}", first)
    elif unknown:
        bad("header", f"unknown column(s) {', '.join(unknown)}; expected {','.join(COLUMNS)}", first)
    if len(set(header)) != len(header):
        bad("header", "a column appears twice", first)
    if problems:
        raise WargameError(problems)

    col = {name: header.index(name) for name in COLUMNS}
    names: list[str] = []
    values: dict[str, list[float]] = {c: [] for c in COLUMNS[1:]}
    for line_no, row in parsed_rows[1:]:
        if len(row) != len(header):
            bad("", f"expected {len(header)} fields, found {len(row)}", line_no)
            continue
        name = row[col["actor"]].strip()
        if not name:
            bad("actor", "empty actor name", line_no)
        elif any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in name):
            bad("actor", f"the name {name!r} holds control characters", line_no)
            continue
        elif name in names:
            bad(f"{name}.actor", f"actor '{name}' appears twice", line_no)
        parsed: dict[str, float] = {}
        for c in COLUMNS[1:]:
            cell = row[col[c]].strip()
            try:
                v = float(cell)
            except ValueError:
                bad(f"{name}.{c}", f"'{cell}' is not a number", line_no)
                continue
            if not math.isfinite(v):
                bad(f"{name}.{c}", f"{cell} is not a finite number", line_no)
                continue
            try:
                check_magnitude(v)
            except ValueError as err:
                bad(f"{name}.{c}", str(err), line_no)
                continue
            parsed[c] = v
        if parsed.get("capability", 1.0) <= 0:
            bad(f"{name}.capability", f"capability must be > 0 (got {parsed['capability']:g})", line_no)
        if not 0 <= parsed.get("salience", 0.0) <= 100:
            bad(f"{name}.salience", f"salience must be on 0-1 or 0-100 (got {parsed['salience']:g})", line_no)
        names.append(name)
        for c in COLUMNS[1:]:
            values[c].append(parsed.get(c, math.nan))
    if problems:
        raise WargameError(problems)
    if len(names) < 2:
        raise WargameError(
            Problem(source, "", f"{len(names)} actor(s): a collective decision needs two or more")
        )
    if len(names) > MAX_ACTORS:
        raise WargameError(
            Problem(
                source,
                "",
                f"{len(names):,} actors: at most {MAX_ACTORS:,} (the model's work grows with actors cubed)",
            )
        )

    salience = np.array(values["salience"])
    if salience.max() > 1:  # a 0-100 file
        fractions = [n for n, v in zip(names, salience, strict=True) if 0 < v < 1]
        if fractions:
            raise WargameError(
                Problem(
                    source,
                    "salience",
                    f"mixes scales: {', '.join(fractions)} below 1 and others above 1; "
                    "use 0-1 or 0-100 throughout",
                )
            )
        salience = salience / 100.0
    position = np.array(values["position"])
    if np.ptp(position) == 0:
        raise WargameError(
            Problem(source, "position", "every actor holds the same position: nothing to decide")
        )
    if not (salience > 0).any():
        raise WargameError(
            Problem(source, "salience", "every salience is zero: nobody cares about the issue")
        )
    return ActorTable(tuple(names), np.array(values["capability"]), position, salience)
