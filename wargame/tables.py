"""The one place that formats numbers and lays out tables, for the terminal and for markdown files.

A :class:`Table` is plain data (title, columns, rows of text); :meth:`Table.rich` renders it for
the terminal and :meth:`Table.markdown` for ``summary.md``, debriefs and handouts, so a summary
reads the same in both. Cell text is never read as rich markup: a name like ``[wire]`` prints as
written. Long cells wrap rather than being cut off.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import rich.table


def num(x: Any, digits: int = 3, signed: bool = False) -> str:
    """``x`` to ``digits`` decimals (with a sign if ``signed``); "-" when there is no number."""
    if x is None or isinstance(x, bool):
        return "-" if x is None else str(x)
    value = float(x)
    if math.isnan(value):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def short(x: Any) -> str:
    """``x`` in the fewest digits that show it (``%g``); "-" when there is no number."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{float(x):g}"


@dataclass(frozen=True)
class Styled:
    """Cell text with a rich style ("bold", "green", "dim", ...); markdown shows bold only."""

    text: str
    style: str

    def __str__(self) -> str:
        return self.text


Cell = str | Styled | tuple[str | Styled, ...]  # a tuple: parts of one cell, each with its style


def bold(text: str) -> Styled:
    return Styled(text, "bold")


@dataclass
class Table:
    """A titled table of text cells. ``align`` has one letter per column, "l" or "r" (default: the
    first column left, the others right)."""

    title: str
    columns: Sequence[str]
    align: str = ""
    caption: str = ""
    compact: bool = False  # no vertical rules and no wrapping: numbers in many narrow columns
    rows: list[tuple[list[Cell], str | None]] = field(default_factory=list)
    sections: set[int] = field(default_factory=set)  # a rule goes before these rows

    def __post_init__(self) -> None:
        if not self.align:
            self.align = "l" + "r" * (len(self.columns) - 1)
        if len(self.align) != len(self.columns):
            raise ValueError(f"align {self.align!r} does not fit {len(self.columns)} columns")

    def add_row(self, *cells: Cell, style: str | None = None) -> None:
        """One row (``style`` applies to all of it, e.g. "dim")."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append((list(cells), style))

    def add_section(self) -> None:
        self.sections.add(len(self.rows))

    def rich(self) -> rich.table.Table:
        from rich import box
        from rich.table import Table as RichTable

        table = RichTable(
            title=self.title or None,
            title_justify="left",
            caption=self.caption or None,
            box=box.SIMPLE_HEAD if self.compact else box.HEAVY_HEAD,
        )
        for name, a in zip(self.columns, self.align, strict=True):
            table.add_column(
                name, justify="left" if a == "l" else "right", overflow="fold", no_wrap=self.compact
            )
        for i, (cells, style) in enumerate(self.rows):
            if i in self.sections:
                table.add_section()
            table.add_row(*[_text(c) for c in cells], style=style)
        return table

    def markdown(self, level: int = 2) -> str:
        """The table in markdown, under a heading of ``level`` (0: no heading)."""
        out = [f"{'#' * level} {self.title}", ""] if level and self.title else []
        out.append("| " + " | ".join(_md(c) for c in self.columns) + " |")
        out.append("|" + "".join("---|" if a == "l" else "--:|" for a in self.align))
        for cells, style in self.rows:
            dim = style is not None and "dim" in style  # shown in italics
            out.append("| " + " | ".join(_md(c, dim) for c in cells) + " |")
        if self.caption:
            out += ["", self.caption]
        return "\n".join(out) + "\n"


def _text(cell: Cell) -> Any:
    from rich.text import Text

    if isinstance(cell, tuple):
        return Text.assemble(*[(p.text, p.style) if isinstance(p, Styled) else p for p in cell])
    return Text(cell.text, style=cell.style) if isinstance(cell, Styled) else Text(cell)


def _md(cell: Cell, italic: bool = False) -> str:
    parts = cell if isinstance(cell, tuple) else (cell,)
    text = "".join(str(p) for p in parts).replace("|", "\\|").replace("\n", "<br>")
    if not text.strip():
        return text
    if any(isinstance(p, Styled) and "bold" in p.style for p in parts):
        text = f"**{text}**"
    return f"*{text}*" if italic else text


def markdown(tables: Iterable[Table], level: int = 2) -> str:
    """Several tables as one markdown text."""
    return "\n".join(t.markdown(level) for t in tables)
