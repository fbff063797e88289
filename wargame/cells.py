"""What a table's cell holds: plain text, text with a rich style, or a tuple of such parts.

The lowest of the table modules (:mod:`wargame.tables` builds tables of cells,
:mod:`wargame.table_layout` lays them out and draws them): both read cells, neither through the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Styled:
    """Cell text with a rich style ("bold", "green", "dim", ...); markdown shows bold only."""

    text: str
    style: str

    def __str__(self) -> str:
        return self.text


Cell = str | Styled | tuple[str | Styled, ...]  # a tuple: parts of one cell, each with its style


def cell_text(cell: Cell) -> str:
    """A cell's text without its styles."""
    return "".join(str(p) for p in cell) if isinstance(cell, tuple) else str(cell)
