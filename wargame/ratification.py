"""Ratification: bodies whose approval a principal's agreement needs (a legislature), as ranges.

A ratifier approves an agreement whose value on each issue it names lies inside its range
(``low``/``high``, either open). Its ranges are public (a law, a stated red line), so the principals
anticipate them: the table holds only the values every ratifier approves on each issue
(:func:`restrict`), the efficient packages and the bargaining solutions are found among them, and
a tighter range can only shrink the zone of agreement. What a person proposes in a classroom is not
bound by that: an agreement outside a range is vetoed (:func:`vetoes`) and the talks go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

# issue column -> (low, high); None: open on that side
Ranges = Mapping[int, tuple[float | None, float | None]]

TOL = 1e-9  # a value on a bound is inside it (grid values carry float error)


def inside(values: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """Which of ``values`` lie inside ``[low, high]`` (an open side admits everything)."""
    ok = np.ones(np.shape(values), dtype=bool)
    if low is not None:
        ok &= values >= low - TOL
    if high is not None:
        ok &= values <= high + TOL
    return ok


def restrict(axes: Sequence[np.ndarray], ranges: Sequence[Ranges]) -> tuple[np.ndarray, ...]:
    """Each issue's admissible values that every ratifier approves (the scenario's checks make sure
    at least one is left on every issue)."""
    out = list(axes)
    for ranges_of_one in ranges:
        for column, (low, high) in ranges_of_one.items():
            kept = out[column][inside(out[column], low, high)]
            kept.setflags(write=False)
            out[column] = kept
    return tuple(out)


def vetoes(
    package: np.ndarray, ranges: Mapping[str, Ranges], columns: Sequence[int] | None = None
) -> list[str]:
    """The ratifiers that veto ``package`` (only its ``columns``, when given: a track's terms)."""
    asked = None if columns is None else set(columns)
    return [
        name
        for name, ranges_of_one in ranges.items()
        if any(
            not inside(np.asarray(package[c]), low, high)
            for c, (low, high) in ranges_of_one.items()
            if asked is None or c in asked
        )
    ]
