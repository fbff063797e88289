"""The one place that formats numbers and builds tables, for the terminal and for markdown files.

A :class:`Table` is plain data (title, columns, rows of cells, :mod:`wargame.cells`);
:meth:`Table.rich` draws it for the terminal (laid out by :mod:`wargame.table_layout`) and
:meth:`Table.markdown` for ``summary.md``, debriefs and handouts, so a summary reads the same in
both; :func:`document` gives them as md, csv or json. Cell text is never read as rich markup: a
name like ``[wire]`` prints as written. At any width a number is never split across lines and no
cell is cut short.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from wargame.cells import Cell, Styled, cell_text
from wargame.table_layout import Layout, Row, Sheet

if TYPE_CHECKING:
    import rich.table


def to_json(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON that every parser accepts: NaN and infinities (which JSON has no words for)
    become null, and anything else JSON cannot hold becomes its text."""

    def jsonable(x: Any) -> Any:
        if isinstance(x, float):
            return x if math.isfinite(x) else None
        if isinstance(x, dict):
            return {str(k): jsonable(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [jsonable(v) for v in x]
        if x is None or isinstance(x, bool | int | str):
            return x
        return jsonable(x.item()) if hasattr(x, "item") else str(x)

    return json.dumps(jsonable(data), indent=indent, allow_nan=False)


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


def bold(text: str) -> Styled:
    """``text`` in bold (markdown's ``**text**``)."""
    return Styled(text, "bold")


FORMATS = ("table", "md", "csv", "json")  # what ``--format`` offers where a command prints tables


@dataclass
class Table:
    """A titled table of text cells. ``align`` has one letter per column, "l" or "r" (default: the
    first column left, the others right)."""

    title: str
    columns: Sequence[str]
    align: str = ""
    caption: str = ""
    compact: bool = False  # no vertical rules: numbers in many narrow columns
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

    def layout(self, width: int) -> Layout:
        """How the table is drawn ``width`` characters wide. As written if every column gets at
        least its longest number or word (headings may break between words or after "_" and
        "."), in a frame or else without one; else transposed if that fits; else one block of
        field/value lines per row. A number is never split and no cell is cut short."""
        wide = self._sheet()
        widths = wide.fit(width)
        if widths is not None:
            return Layout("wide", "rows", tuple(widths))
        widths = self._sheet("unframed").fit(width)
        if widths is not None:
            return Layout("wide", "unframed", tuple(widths))
        if not self.rows:
            return Layout("wide", "rows", tuple(wide.squeeze(width)), folded=True)
        if len(self.columns) > 1:
            widths = self._transposed().fit(width)
            if widths is not None:
                return Layout("narrow", "transposed", tuple(widths))
        records = self._records()
        widths = records.fit(width)
        if widths is not None:
            return Layout("narrow", "records", tuple(widths))
        return Layout("narrow", "records", tuple(records.squeeze(width)), folded=True)

    def rich(self, width: int | None = None) -> rich.table.Table:
        """The table for a terminal ``width`` characters wide, laid out by :meth:`layout` (``None``:
        as written, at rich's natural widths)."""
        if width is None:
            return self._sheet().render(None, self.title, self.caption, self.compact)
        chosen = self.layout(width)
        if chosen.form in ("rows", "unframed"):
            sheet = self._sheet(chosen.form)
        else:
            sheet = self._transposed() if chosen.form == "transposed" else self._records()
        return sheet.render(chosen.widths, self.title, self.caption, self.compact)

    def _sheet(self, form: str = "rows") -> Sheet:
        n = len(self.columns)
        return Sheet(
            form,
            list(self.columns),
            [True] * n,
            [False] * n,
            list(self.align),
            [Row(cells, style) for cells, style in self.rows],
            set(self.sections),
        )

    def _transposed(self) -> Sheet:
        """Rows as columns: the first column's cells head them, the other columns' names label the
        rows. A row keeps its style as its column's; each cell keeps its column's alignment."""
        right = all(a == "r" for a in self.align[1:])
        return Sheet(
            "transposed",
            [self.columns[0], *(cells[0] for cells, _ in self.rows)],
            [True] + [False] * len(self.rows),
            [True] + [False] * len(self.rows),
            ["l"] + ["r" if right else "l"] * len(self.rows),
            [
                Row([name, *(cells[j] for cells, _ in self.rows)], justify="left" if a == "l" else "right")
                for j, (name, a) in enumerate(zip(self.columns, self.align, strict=True))
                if j > 0
            ],
            styles=[None, *(style for _, style in self.rows)],
        )

    def _records(self) -> Sheet:
        """One block per row: a line per column, its name then its cell; the row's label in bold."""
        rows: list[Row] = []
        sections: set[int] = set()
        for cells, style in self.rows:
            if rows:
                sections.add(len(rows))
            for j, (name, cell) in enumerate(zip(self.columns, cells, strict=True)):
                rows.append(Row([name, cell], style, first="bold" if j == 0 else None))
        return Sheet("records", ["", ""], [True, False], [True, False], ["l", "l"], rows, sections)

    def as_dict(self) -> dict[str, Any]:
        """The table as plain data: title, columns, rows (each cell's text, as shown) and caption."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[cell_text(c) for c in cells] for cells, _ in self.rows],
            "caption": self.caption,
        }

    def csv(self) -> str:
        """The table as CSV after a "# TITLE" line (and a "# CAPTION" line when it has one). A row
        whose first cell starts with "#" is quoted, so that only those lines read as comments."""
        import csv
        import io

        buffer = io.StringIO()
        for note in (self.title, self.caption):
            if note:
                buffer.write("# " + " ".join(note.split()) + "\n")
        unquoted = csv.writer(buffer, lineterminator="\n")
        quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for cells in [list(self.columns), *([cell_text(c) for c in cells] for cells, _ in self.rows)]:
            (quoted if cells and cells[0].startswith("#") else unquoted).writerow(cells)
        return buffer.getvalue()

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


def document(tables: Sequence[Table], fmt: str) -> str:
    """Tables as one document in ``fmt`` (see :data:`FORMATS`, but "table", which is drawn): "md"
    markdown; "csv" each table's CSV after its "# TITLE" line, a blank line between tables; "json"
    a list of ``{title, columns, rows, caption}``, cells as text as shown."""
    if fmt == "md":
        return markdown(tables)
    if fmt == "csv":
        return "\n".join(t.csv() for t in tables)
    if fmt == "json":
        return to_json([t.as_dict() for t in tables]) + "\n"
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS[1:])})")


def terminal_markdown(text: str) -> Any:
    """Markdown to print in a terminal, its tables laid out as :meth:`Table.rich` lays them out:
    rich's own markdown tables cut a cell that does not fit short with "…" (a debrief's issue
    names became "defense_s…", rows that could not be told apart)."""
    from rich.markdown import Markdown, TableElement

    class Tables(TableElement):
        def __rich_console__(self, console: Any, options: Any) -> Any:
            head = self.header.row.cells if self.header and self.header.row else []
            table = Table("", [c.content.plain for c in head], "".join(_align(c.justify) for c in head))
            for row in self.body.rows if self.body else []:
                table.add_row(*[_cell(c.content) for c in row.cells])
            yield table.rich(options.max_width)

    class TerminalMarkdown(Markdown):
        elements: ClassVar = {**Markdown.elements, "table_open": Tables}

    return TerminalMarkdown(text)


def _align(justify: str) -> str:
    return "r" if justify == "right" else "l"


def _cell(text: Any) -> Cell:
    """A rich Text as a cell: its style kept where one style covers all of it (markdown's **bold**)."""
    words = text.plain
    if words and any(s.start == 0 and s.end >= len(words) for s in text.spans):
        style = next(s.style for s in text.spans if s.start == 0 and s.end >= len(words))
        return Styled(words, str(style))
    return words
