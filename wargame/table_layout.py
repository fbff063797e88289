"""Laying a table out at a terminal's width, and drawing it with rich.

At any width a number is never split across lines and no cell is cut short: long cells wrap
between words, headings also after "_" and "."; a table too wide for that is drawn without its
frame, then turned (its rows as columns), then as one block of "field  value" lines per row
(:class:`Layout`). A :class:`Sheet` is what is drawn; :meth:`wargame.tables.Table.layout` chooses
which. Cell text is never read as rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wargame.cells import Cell, Styled, cell_text

# A token is a number if it has a digit and no letters but an exponent or a unit: "0.98-1.00",
# "(26.0-28.0)", "$4.58bn", "15%", "+0.248", "1e-05", "2025-08-27".
MAX_NUMBER = 40  # characters: "-1.234e+05-1.234e+05 (12.3-45.6)" and the like fit
_NUMBER = re.compile(r"[^A-Za-z]*\d[^A-Za-z]*(?:[eE][-+]?\d[^A-Za-z]*)?(?:bn|k|x|pp)?[^A-Za-z]*")
_JOINERS = frozenset({"-", "–", "—", "/", "->", "→", "..", "±", "+-", "to"})  # between two numbers
# a line of numbers up to this long stays whole ("0.972 - 0.999"); a longer one wraps between them
_WHOLE = 24
_NAME_BREAK = re.compile(r"(?<=[_.])(?=[A-Za-z])")  # "defense_spending" may break as "defense_" / "spending"


def is_number(token: str) -> bool:
    """Whether ``token`` (no spaces) is a number or a range of numbers, which a line never splits.
    A token longer than any number we print is not one (and the pattern backtracks on long text)."""
    return len(token) <= MAX_NUMBER and bool(_NUMBER.fullmatch(token))


def units(text: str, name: bool = False) -> list[str]:
    """The pieces of ``text`` that no line break may split. A ``name`` (a column's heading) breaks
    between words and after the "_" or "." of a snake_case or dotted name; a cell breaks between
    words only, and not at all in a line of numbers ("0.972 - 0.999", "27.2 (25.5-28.5)")."""
    pieces: list[str] = []
    for text_line in text.split("\n"):
        words = text_line.split()
        if name:
            pieces += [p for w in words for p in _NAME_BREAK.split(w)]
        elif (
            len(text_line.strip()) <= _WHOLE
            and any(is_number(w) for w in words)
            and all(is_number(w) or w in _JOINERS for w in words)
        ):
            pieces.append(text_line.strip())
        else:
            pieces += words
    return pieces


def count_lines(text: str, width: int, name: bool) -> int:
    """How many lines ``text`` takes ``width`` wide, wrapped as rich wraps it (or as :func:`wrap_name`)."""
    if name:
        return wrap_name(text, width).count("\n") + 1
    count = 0
    for text_line in text.split("\n"):
        count += 1
        used = -1
        for unit in units(text_line):
            if used >= 0 and used + 1 + len(unit) > width:
                count += 1
                used = -1
            used += 1 + len(unit)
    return count


def wrap_name(text: str, width: int) -> str:
    """``text`` in lines at most ``width`` wide, broken only where :func:`units` allows a name to
    break (rich itself would break "defense_spending" anywhere once it is wider than its column)."""
    lines = []
    for text_line in text.split("\n"):
        current = ""
        for word in text_line.split():
            for k, piece in enumerate(_NAME_BREAK.split(word)):
                glue = " " if k == 0 and current else ""
                if current and len(current) + len(glue) + len(piece) > width:
                    lines.append(current)
                    current = piece
                else:
                    current += glue + piece
        lines.append(current)
    return "\n".join(lines)


@dataclass(frozen=True)
class Layout:
    """How a table is drawn at a width. ``wide``: as written, a row per item (cells wrap between
    words), in a frame (``rows``) or, to gain four columns, without one (``unframed``).
    ``narrow``: the table did not fit without splitting a number or a name, so it is turned:
    ``transposed`` (its rows become columns: few rows) or ``records`` (one block of "field  value"
    lines per row). ``widths`` are the drawn columns' widths; ``folded``: even one field and its
    value do not fit, and a word longer than the terminal is folded (the last resort)."""

    mode: str  # "wide" or "narrow"
    form: str  # "rows" or "unframed" (wide), "transposed" or "records" (narrow)
    widths: tuple[int, ...]
    folded: bool = False


@dataclass
class Row:
    cells: list[Cell]
    style: str | None = None
    justify: str | None = None  # the cells after the first (a transposed table: the original column's)
    first: str | None = None  # the first cell's style (a record's label)


@dataclass
class Sheet:
    """What is drawn: headings and rows, and for each column whether its text breaks like a name
    (headings, field names) or like a cell (between words, never inside a number)."""

    form: str
    headings: list[Cell]
    heading_names: list[bool]
    names: list[bool]  # per column: its cells break like names
    justify: list[str]
    rows: list[Row]
    sections: set[int] = field(default_factory=set)
    styles: list[str | None] | None = None  # per column (a transposed table's rows' styles)

    @property
    def overhead(self) -> int:
        """Rules and padding: "┃ x ┃ y ┃" in a frame, "x   y" without (four columns fewer)."""
        n = len(self.headings)
        return 3 * n + 1 if self.form == "rows" else 3 * (n - 1)

    def measure(self) -> tuple[list[int], list[int]]:
        """Per column: its natural width (its longest line) and the least it can take (its longest
        unbreakable piece)."""
        natural, least = [], []
        for i, heading in enumerate(self.headings):
            texts = [(cell_text(heading), self.heading_names[i])]
            texts += [(cell_text(r.cells[i]), self.names[i]) for r in self.rows]
            natural.append(max(len(ln) for t, _ in texts for ln in t.split("\n")))
            least.append(max((len(u) for t, name in texts for u in units(t, name)), default=1))
        least = [max(1, w) for w in least]
        return [max(n, lo) for n, lo in zip(natural, least, strict=True)], least

    def fit(self, width: int) -> list[int] | None:
        """Column widths within ``width``, or None if that needs a number or a name split. One
        character at a time, the column is narrowed that adds the fewest lines to the table (the
        first column, the rows' labels, after the others; then the one with the most to spare)."""
        natural, least = self.measure()
        budget = width - self.overhead
        if sum(least) > budget:
            return None
        widths = list(natural)
        texts = [
            [(cell_text(self.headings[i]), self.heading_names[i])]
            + [(cell_text(r.cells[i]), self.names[i]) for r in self.rows]
            for i in range(len(widths))
        ]
        cache: dict[tuple[int, int], list[int]] = {}

        def lines(i: int, w: int) -> list[int]:
            if (i, w) not in cache:
                cache[i, w] = [count_lines(t, w, name) for t, name in texts[i]]
            return cache[i, w]

        def height(narrowed: int) -> int:
            per_column = [lines(i, w - (i == narrowed)) for i, w in enumerate(widths)]
            return sum(max(row) for row in zip(*per_column, strict=True))

        while sum(widths) > budget:
            choices = [i for i, (w, lo) in enumerate(zip(widths, least, strict=True)) if w > lo]
            best = min(choices, key=lambda i: (height(i), i == 0, least[i] - widths[i]))
            widths[best] -= 1
        return widths

    def squeeze(self, width: int) -> list[int]:
        """The last resort when a single piece is wider than the terminal: fold the widest columns."""
        widths = self.measure()[1]
        budget = max(width - self.overhead, len(widths))
        while sum(widths) > budget:
            widths[widths.index(max(widths))] -= 1
        return widths

    def render(self, widths: Sequence[int] | None, title: str, caption: str, compact: bool) -> Any:
        """The rich table (``widths`` None: rich's own natural widths)."""
        from rich import box
        from rich.console import Group
        from rich.table import Table as RichTable
        from rich.text import Text

        framed = self.form == "rows"
        # a turned table or a list of records is narrow: its title and caption would wrap to its
        # width, a few words a line; they take the line's whole width instead
        apart = not framed
        table = RichTable(
            title=None if apart else title or None,
            title_justify="left",
            caption=None if apart else caption or None,
            box=box.HEAVY_HEAD if framed and not compact else box.SIMPLE_HEAD,
            show_header=self.form != "records",
            show_edge=framed,
            pad_edge=framed,
        )
        for i, heading in enumerate(self.headings):
            w = widths[i] if widths is not None else None
            text = heading
            if self.heading_names[i] and w is not None:
                text = wrap_name(cell_text(heading), w)
            table.add_column(
                _text(text),
                justify="left" if self.justify[i] == "l" else "right",
                overflow="fold",  # only ever used for a word wider than the terminal
                width=w,
                style=self.styles[i] if self.styles else None,
            )
        for k, row in enumerate(self.rows):
            if k in self.sections:
                table.add_section()
            cells = []
            for i, cell in enumerate(row.cells):
                if self.names[i] and widths is not None:
                    cell = wrap_name(cell_text(cell), widths[i])
                justify = row.justify if i > 0 else None
                cells.append(_text(cell, justify, row.first if i == 0 else None))
            table.add_row(*cells, style=row.style)
        if not apart:
            return table
        parts: list[Any] = [Text(title, style="table.title")] if title else []
        parts.append(table)
        if caption:
            parts.append(Text(caption, style="table.caption"))
        return Group(*parts)


def _text(cell: Cell, justify: str | None = None, style: str | None = None) -> Any:
    from rich.text import Text

    if isinstance(cell, tuple):
        text = Text.assemble(*[(p.text, p.style) if isinstance(p, Styled) else p for p in cell])
    else:
        text = Text(cell.text, style=cell.style) if isinstance(cell, Styled) else Text(cell)
    if style:
        text.stylize(style)
    if justify:
        text.justify = justify  # type: ignore[assignment]
    return text
