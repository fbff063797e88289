"""The one place that formats numbers and lays out tables, for the terminal and for markdown files.

A :class:`Table` is plain data (title, columns, rows of text); :meth:`Table.rich` renders it for
the terminal and :meth:`Table.markdown` for ``summary.md``, debriefs and handouts, so a summary
reads the same in both; :func:`document` gives them as md, csv or json. Cell text is never read as
rich markup: a name like ``[wire]`` prints as written. At any width a number is never split across
lines and no cell is cut short: long cells wrap between words, headings also after "_" and ".",
and a table too wide for that is turned (:meth:`Table.layout`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

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


FORMATS = ("table", "md", "csv", "json")  # what ``--format`` offers where a command prints tables

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


def _count_lines(text: str, width: int, name: bool) -> int:
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
class _Row:
    cells: list[Cell]
    style: str | None = None
    justify: str | None = None  # the cells after the first (a transposed table: the original column's)
    first: str | None = None  # the first cell's style (a record's label)


@dataclass
class _Sheet:
    """What is drawn: headings and rows, and for each column whether its text breaks like a name
    (headings, field names) or like a cell (between words, never inside a number)."""

    form: str
    headings: list[Cell]
    heading_names: list[bool]
    names: list[bool]  # per column: its cells break like names
    justify: list[str]
    rows: list[_Row]
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
            texts = [(_plain(heading), self.heading_names[i])]
            texts += [(_plain(r.cells[i]), self.names[i]) for r in self.rows]
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
            [(_plain(self.headings[i]), self.heading_names[i])]
            + [(_plain(r.cells[i]), self.names[i]) for r in self.rows]
            for i in range(len(widths))
        ]
        cache: dict[tuple[int, int], list[int]] = {}

        def lines(i: int, w: int) -> list[int]:
            if (i, w) not in cache:
                cache[i, w] = [_count_lines(t, w, name) for t, name in texts[i]]
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
                text = wrap_name(_plain(heading), w)
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
                    cell = wrap_name(_plain(cell), widths[i])
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

    def _sheet(self, form: str = "rows") -> _Sheet:
        n = len(self.columns)
        return _Sheet(
            form,
            list(self.columns),
            [True] * n,
            [False] * n,
            list(self.align),
            [_Row(cells, style) for cells, style in self.rows],
            set(self.sections),
        )

    def _transposed(self) -> _Sheet:
        """Rows as columns: the first column's cells head them, the other columns' names label the
        rows. A row keeps its style as its column's; each cell keeps its column's alignment."""
        right = all(a == "r" for a in self.align[1:])
        return _Sheet(
            "transposed",
            [self.columns[0], *(cells[0] for cells, _ in self.rows)],
            [True] + [False] * len(self.rows),
            [True] + [False] * len(self.rows),
            ["l"] + ["r" if right else "l"] * len(self.rows),
            [
                _Row([name, *(cells[j] for cells, _ in self.rows)], justify="left" if a == "l" else "right")
                for j, (name, a) in enumerate(zip(self.columns, self.align, strict=True))
                if j > 0
            ],
            styles=[None, *(style for _, style in self.rows)],
        )

    def _records(self) -> _Sheet:
        """One block per row: a line per column, its name then its cell; the row's label in bold."""
        rows: list[_Row] = []
        sections: set[int] = set()
        for cells, style in self.rows:
            if rows:
                sections.add(len(rows))
            for j, (name, cell) in enumerate(zip(self.columns, cells, strict=True)):
                rows.append(_Row([name, cell], style, first="bold" if j == 0 else None))
        return _Sheet("records", ["", ""], [True, False], [True, False], ["l", "l"], rows, sections)

    def as_dict(self) -> dict[str, Any]:
        """The table as plain data: title, columns, rows (each cell's text, as shown) and caption."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[_plain(c) for c in cells] for cells, _ in self.rows],
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
        plain = csv.writer(buffer, lineterminator="\n")
        quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for cells in [list(self.columns), *([_plain(c) for c in cells] for cells, _ in self.rows)]:
            (quoted if cells and cells[0].startswith("#") else plain).writerow(cells)
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


def _plain(cell: Cell) -> str:
    return "".join(str(p) for p in cell) if isinstance(cell, tuple) else str(cell)


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
    plain = text.plain
    if plain and any(s.start == 0 and s.end >= len(plain) for s in text.spans):
        style = next(s.style for s in text.spans if s.start == 0 and s.end >= len(plain))
        return Styled(plain, str(style))
    return plain
