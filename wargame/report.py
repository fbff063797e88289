"""Results as tables for people, one module per job, each returning :class:`wargame.tables.Table` s
that the CLI prints and the run directory's markdown files hold:

* :mod:`wargame.report_episode`: one episode round by round, and one expected utility forecast;
* :mod:`wargame.report_summary`: a run's summary (``summary.json``) as tables and ``summary.md``;
* :mod:`wargame.report_compare`: two runs compared;
* :mod:`wargame.report_analysis`: sensitivity indices, a sweep, scenario discovery, calibration.

Here is what they share: printing tables and problems to a console, and the coloured cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.tables import Styled, Table, num

if TYPE_CHECKING:
    from rich.console import Console

    from wargame.errors import WargameError


def tick(flag: bool) -> Styled:
    """A yes (green) or no (red)."""
    return Styled("yes", "green") if flag else Styled("no", "red")


def gain(x: float | None) -> Styled:
    """A gain, signed: green when not below zero, red when below."""
    return Styled(num(x, signed=True), "green" if (x or 0) >= 0 else "red")


def print_tables(console: Console, tables: list[Table]) -> None:
    """Each table drawn for the console's width (turned when it does not fit)."""
    for table in tables:
        console.print(table.rich(console.width))


def print_problems(console: Console, err: WargameError) -> None:
    """Every problem, one per line; the caller exits with status 2."""
    from rich.text import Text

    for problem in err.problems:
        console.print(Text("error: ", style="red") + Text(str(problem)), soft_wrap=True)
