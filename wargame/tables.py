"""The one place that formats numbers and lays out tables, for the terminal and for markdown files.

A :class:`Table` is plain data (title, columns, rows of text); :meth:`Table.rich` renders it for
the terminal and :meth:`Table.markdown` for ``summary.md``, debriefs and handouts, so a summary
reads the same in both. Cell text is never read as rich markup: a name like ``[wire]`` prints as
written. Long cells wrap rather than being cut off.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import rich.table


def to_json(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON that every parser accepts: NaN and infinities (which JSON has no words for)
    become null, and anything else JSON cannot hold becomes its text."""

    def plain(x: Any) -> Any:
        if isinstance(x, float):
            return x if math.isfinite(x) else None
        if isinstance(x, dict):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [plain(v) for v in x]
        if x is None or isinstance(x, bool | int | str):
            return x
        return plain(x.item()) if hasattr(x, "item") else str(x)

    return json.dumps(plain(data), indent=indent, allow_nan=False)


def num(x: Any, digits: int = 3, signed: bool = False) -> str:
    """``x`` to ``digits`` decimals (with a sign if ``signed``); "-" when there is no number."""
    if x is None or isinstance(x, bool):
        return "-" if x is None else str(x)
    value = float(x)
    if math.isnan(value):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def rate(x: Any, digits: int = 3) -> str:
    """A share in [0, 1] to ``digits`` decimals, or more where fewer would show a share that is not
    0 or 1 as 0 or 1 (1,999 deals in 2,000 is 0.9995, not 1.000)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    value = float(x)
    text = f"{value:.{digits}f}"
    while 0 < value < 1 and float(text) in (0.0, 1.0) and digits < 9:
        digits += 1
        text = f"{value:.{digits}f}"
    return text


def short(x: Any) -> str:
    """``x`` in the fewest digits that show it (``%g``); "-" when there is no number."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{float(x):g}"


def line(*parts: str | tuple[str, str]) -> Any:
    """A line for the terminal from plain strings and ``(text, style)`` pairs. Nothing in it is read
    as markup: a scenario's "[wire, cfr]" or a player's "[/x]" prints as written."""
    from rich.text import Text

    return Text.assemble(*parts)


def echo(text: str, most: int = 40) -> str:
    """What a person typed, to show back: at most ``most`` characters (a pasted novel is not)."""
    text = text.replace("\n", " ")
    return text if len(text) <= most else text[: most - 1] + "…"


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

    def rich(self, width: int | None = None) -> rich.table.Table:
        """The table for a terminal ``width`` characters wide: columns are as wide as their longest
        word where they fit (names and paths wrap between words), and the longest words are folded
        first where they do not."""
        from rich import box
        from rich.table import Table as RichTable

        table = RichTable(
            title=self.title or None,
            title_justify="left",
            caption=self.caption or None,
            box=box.SIMPLE_HEAD if self.compact else box.HEAVY_HEAD,
        )
        widths = self._widths(width)
        for name, a, w in zip(self.columns, self.align, widths, strict=True):
            table.add_column(
                name, justify="left" if a == "l" else "right", overflow="fold", no_wrap=self.compact, width=w
            )
        for i, (cells, style) in enumerate(self.rows):
            if i in self.sections:
                table.add_section()
            table.add_row(*[_text(c) for c in cells], style=style)
        return table

    def _widths(self, width: int | None) -> list[int | None]:
        """Column widths for a terminal ``width`` wide: every column as wide as its longest line if
        that fits; else columns wrap between words, those with the most to spare first; only when
        that is not enough are the longest words folded."""
        if width is None or self.compact:
            return [None] * len(self.columns)
        texts = [[name, *(_plain(cells[i]) for cells, _ in self.rows)] for i, name in enumerate(self.columns)]
        natural = [max(len(line) for t in col for line in t.split("\n")) for col in texts]
        words = [max((len(w) for t in col for w in t.split()), default=1) for col in texts]
        fixed = list(natural)
        budget = max(width - 3 * len(fixed) - 1, len(fixed))  # rules and padding
        while sum(fixed) > budget:
            spare = [w - least for w, least in zip(fixed, words, strict=True)]
            if max(spare) > 0:
                fixed[spare.index(max(spare))] -= 1  # wrap between words
            else:
                fixed[fixed.index(max(fixed))] -= 1  # fold the longest words
                words = [min(w, least) for w, least in zip(fixed, words, strict=True)]
        return list[int | None](fixed)

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


def _plain(cell: Cell) -> str:
    return "".join(str(p) for p in cell) if isinstance(cell, tuple) else str(cell)


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
