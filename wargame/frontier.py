"""The efficient packages, exactly, without enumerating the grid.

Utilities are additive over *blocks*: an issue on its own, or issues tied by linkage terms (a
linkage couples two issues, so they form one joint axis). :func:`block_tables` in
:mod:`wargame.payoffs` gives every actor's utility contribution of every value of every block;
an actor's utility of a package is the sum of its block contributions.

That structure makes the Pareto frontier computable block by block (the multi-objective dynamic
programme of Nemhauser and Ullmann): a value of a block that another value of the same block
beats for every actor can never be part of an efficient package, and the efficient packages of
the first ``k + 1`` blocks are efficient packages of the first ``k`` plus one value of the next.
So the work grows with the sizes of the blocks' own fronts and of the frontier, not with the
grid's size (the baseline's seven issues: 17 million packages, a frontier of a few hundred).

Every query a negotiator asks (the best package for the others worth at least ``level`` to me;
the Nash, Kalai-Smorodinsky and utilitarian points; the subgame-perfect plan) maximizes something
that never decreases in any actor's utility, subject to lower bounds on utilities, so its answer
is on the frontier: a scan of a few hundred points replaces a scan of a sample. The brute force
over the whole grid (``tests/test_frontier.py``) is the oracle these are tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

CHUNK = 256  # points compared at once when filtering in three or more dimensions
TIE = 1e-12  # utilities closer than this are equal (sums in another order differ in the last bits)


class NoPackage(ValueError):  # noqa: N818 -- reads as what it says: no package
    """No package of the grid reaches the floor asked for."""


@dataclass(frozen=True)
class Blocks:
    """The issues grouped into blocks over which utilities add up.

    ``members[b]`` are the issues of block ``b`` (in issue order); ``index[b]`` is ``(n_b,
    len(members[b]))``: for each joint value of the block, each member's position on its axis
    (C order over the members).
    """

    members: tuple[tuple[int, ...], ...]
    index: tuple[np.ndarray, ...]
    n_issues: int

    def package_index(self, choice: np.ndarray) -> np.ndarray:
        """Axis positions ``(F, I)`` of packages given as one value per block ``(F, B)``."""
        out = np.empty((len(choice), self.n_issues), dtype=int)
        for b, members in enumerate(self.members):
            out[:, list(members)] = self.index[b][choice[:, b]]
        return out

    def packages(self, choice: np.ndarray, axes: Sequence[np.ndarray]) -> np.ndarray:
        """The values ``(F, I)`` of packages given as one value per block ``(F, B)``."""
        index = self.package_index(choice)
        return np.stack([axes[i][index[:, i]] for i in range(self.n_issues)], axis=1)


def group_issues(sizes: Sequence[int], links: Sequence[tuple[int, int]]) -> Blocks:
    """Group issues with axes of ``sizes`` into blocks: issues tied by a linkage ``(i, j)``, directly
    or through others, form one (cached: the structure is the scenario's, not the episode's)."""
    pairs = tuple(sorted({(min(i, j), max(i, j)) for i, j in links}))
    return _blocks(tuple(int(n) for n in sizes), pairs)


@lru_cache(maxsize=256)
def _blocks(sizes: tuple[int, ...], pairs: tuple[tuple[int, int], ...]) -> Blocks:
    parent = list(range(len(sizes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(sizes)):
        groups.setdefault(root(i), []).append(i)
    members, index = [], []
    for group in sorted(groups.values()):
        grid = np.stack([m.ravel() for m in np.indices([sizes[i] for i in group])], axis=1)
        grid.setflags(write=False)  # shared between models
        members.append(tuple(group))
        index.append(grid)
    return Blocks(tuple(members), tuple(index), len(sizes))


class Frontier:
    """The efficient packages for some actors (rows): none is beaten, for every row at once, by
    another package of the grid; of packages with equal utilities, one.

    ``U`` is ``(K, F)``, the rows' utilities of each package, sorted by the first row, then the
    next (ascending); ``choice`` ``(F, B)`` each one's value in every block; :attr:`index` ``(F, I)``
    their axis positions and :attr:`packages` ``(F, I)`` their values, built when first read (an
    offer needs one package: :meth:`package`). :attr:`least` is the package each row likes least.
    """

    def __init__(
        self,
        U: np.ndarray,
        choice: np.ndarray,
        tables: Sequence[np.ndarray],
        structure: Blocks,
        axes: Sequence[np.ndarray],
    ) -> None:
        self.U, self.choice = U, choice
        self._tables, self._structure, self._axes = tables, structure, axes

    def __len__(self) -> int:
        return int(self.U.shape[1])

    @cached_property
    def index(self) -> np.ndarray:
        return self._structure.package_index(self.choice)

    @cached_property
    def packages(self) -> np.ndarray:
        return np.stack([ax[self.index[:, i]] for i, ax in enumerate(self._axes)], axis=1)

    def package(self, at: int) -> np.ndarray:
        """Efficient package ``at``: one value per issue (a new array)."""
        return self._structure.packages(self.choice[at : at + 1], self._axes)[0]

    def rows(self, tables: Sequence[np.ndarray], at: np.ndarray | int | slice = slice(None)) -> np.ndarray:
        """The utilities other block tables (the same blocks) give the packages ``at``: ``(K', ...)``."""
        return np.sum([t[:, self.choice[at, b]] for b, t in enumerate(tables)], axis=0)

    @cached_property
    def least(self) -> tuple[np.ndarray, np.ndarray]:
        """The package each row likes least, ``(K, I)`` (a package the others can refuse, whatever
        they accept), and every row's utility of each, ``(K, K)`` (column ``k``: row ``k``'s)."""
        tables = self._tables
        worst = np.array([[int(np.argmin(t[r])) for t in tables] for r in range(len(self.U))])  # (K, B)
        utility = np.stack([sum(t[:, w] for t, w in zip(tables, row, strict=True)) for row in worst], axis=1)
        return self._structure.packages(worst, self._axes), utility


def efficient_packages(
    tables: Sequence[np.ndarray],
    structure: Blocks,
    axes: Sequence[np.ndarray],
    floor: np.ndarray | None = None,
    dims: int | None = None,
) -> Frontier:
    """The exact :class:`Frontier` of the grid for block tables ``tables`` (each ``(K, n_b)``); with
    ``floor`` ``(K,)``, of the packages worth at least ``floor`` to every row (a partial package
    that cannot reach it, even with every later block at its best, is dropped on the way). With
    ``dims``, efficient for the first ``dims`` rows only; the others are carried along (give them
    no floor: a package dropped as dominated on the first rows may be the only one reaching it)."""
    k = tables[0].shape[0]
    d = k if dims is None else dims
    # a value another value of its own block beats for every row is in no efficient package
    kept = [nondominated(t[:d].T) for t in tables]
    order = np.argsort([-len(c) for c in kept], kind="stable")  # large blocks first: fewer merges of big sets
    # the most the blocks after each position can still add, per row
    rest = np.zeros((len(order) + 1, k))
    for pos in range(len(order) - 1, -1, -1):
        rest[pos] = rest[pos + 1] + tables[order[pos]].max(axis=1)
    bounded = [] if floor is None else [j for j in range(k) if np.isfinite(floor[j])]
    sums = np.zeros((1, k))
    steps: list[tuple[np.ndarray, np.ndarray]] = []  # per merge: each state's parent and block value
    for pos, b in enumerate(order):
        values = tables[b][:, kept[b]].T  # (n, K)
        n = len(values)
        # value-major: each value's sums are one run, in the states' order
        merged = (values[:, None, :] + sums[None, :, :]).reshape(-1, k)
        reach = None
        if bounded:
            assert floor is not None
            ok = merged[:, bounded[0]] >= floor[bounded[0]] - rest[pos + 1, bounded[0]] - TIE
            for j in bounded[1:]:
                ok &= merged[:, j] >= floor[j] - rest[pos + 1, j] - TIE
            reach = np.flatnonzero(ok)
            if not len(reach):
                raise NoPackage("no package is worth the floor to every row")
        candidates = merged[:, :d] if reach is None else merged[reach, :d]
        if n == 1 or len(sums) == 1:  # nothing can dominate what the block's own filter kept
            front = np.arange(len(candidates))
        elif d == 2:
            front = _sweep(candidates)
        else:
            front = nondominated(candidates)
        front = front if reach is None else reach[front]
        sums = merged[front]
        m = len(merged) // n
        steps.append((front % m, kept[b][front // m]))
    # follow each efficient package back through the merges to its value in every block
    ranking = np.lexsort(sums.T[:d][::-1])  # by the first row, then the next
    at = ranking
    choice = np.empty((len(at), len(tables)), dtype=int)
    for pos in range(len(order) - 1, -1, -1):
        parent, value = steps[pos]
        choice[:, order[pos]] = value[at]
        at = parent[at]
    return Frontier(np.ascontiguousarray(sums[ranking].T), choice, tables, structure, axes)


def _sweep(points: np.ndarray) -> np.ndarray:
    """:func:`nondominated` for two columns, in order of the first (best first): a row stands if it
    beats every earlier second; of rows tied on the first column (to :data:`TIE`) the last, which has
    the best second, stands. Fastest when the rows come in runs sorted by the first column, as the
    merges of :func:`efficient_packages` give them (a stable sort merges runs)."""
    order = np.argsort(-points[:, 0], kind="stable")
    second = points[order, 1]
    best_before = np.maximum.accumulate(np.concatenate([[-np.inf], second[:-1]]))
    kept = order[second > best_before + TIE]
    first = points[kept, 0]
    beaten = np.zeros(len(kept), dtype=bool)
    beaten[:-1] = first[1:] >= first[:-1] - TIE  # the next one is as good on the first, better on the second
    return kept[~beaten]


def nondominated(points: np.ndarray) -> np.ndarray:
    """Indices (ascending) of the rows of ``points`` ``(N, K)`` that no other row dominates (at
    least as good in every column, better in one); of rows equal to within :data:`TIE` in every
    column, the one first in order of sum (then of position).

    Utilities summed in another order differ in their last bits; without the tolerance two
    packages of equal utilities would both stand, each a hair better for somebody.
    """
    n, k = points.shape
    if n <= 1:
        return np.arange(n)
    if k == 1:
        return np.array([int(np.argmax(points[:, 0]))])
    if k == 2:
        return np.sort(_sweep(points))
    # a dominating row has a larger sum, so it comes earlier in this order; a row can only be
    # removed by an earlier one
    order = np.argsort(-points.sum(axis=1), kind="stable")
    keep: list[np.ndarray] = []
    kept = np.empty((0, k))
    for start in range(0, len(order), CHUNK):
        rows = order[start : start + CHUNK]
        chunk = points[rows]
        beaten: np.ndarray = np.any(np.all(kept[None, :, :] >= chunk[:, None, :] - TIE, axis=2), axis=1)
        # [i, j]: row j at least as good as row i
        within = (chunk[None, :, :] >= chunk[:, None, :] - TIE).all(axis=2)
        beaten |= np.tril(within, k=-1).any(axis=1)  # by an earlier row of the chunk
        keep.append(rows[~beaten])
        kept = np.concatenate([kept, chunk[~beaten]])
    return np.sort(np.concatenate(keep))


def best_of(tables: Sequence[np.ndarray]) -> np.ndarray:
    """The most each row can get from any package: its best value in every block, summed: ``(K,)``."""
    return np.sum([t.max(axis=1) for t in tables], axis=0)


def others_score(U: np.ndarray, r: np.ndarray) -> np.ndarray:
    """How good each package is for the others: the product of their gains over their reservations
    (as a sum of logs, floored at 1e-6 so packages that give somebody nothing still compare), plus a
    sliver of their utilities, so that among packages that give nobody a gain offers still move
    toward acceptable ones. ``U`` ``(K, F)``, ``r`` ``(K,)`` -> ``(F,)``; increasing in every ``U``."""
    logs = U - r[:, None]
    np.log(np.maximum(logs, 1e-6, out=logs), out=logs)
    return logs.sum(axis=0) + 1e-6 * U.sum(axis=0)


def best_for_others(own: np.ndarray, score: np.ndarray, level: float) -> int:
    """Of packages sorted by ``own`` utility (ascending), the one with the best ``score`` among those
    worth at least ``level`` to their owner (on ties, the first); the owner's best if none is."""
    first = int(np.searchsorted(own, level - 1e-12))
    if first >= len(own):
        return len(own) - 1
    return first + int(np.argmax(score[first:]))


def combine(tables: Sequence[np.ndarray], weights: np.ndarray) -> list[np.ndarray]:
    """Row 0 of each block table as it is, and the other rows summed with ``weights``: ``(2, n_b)``
    per block (an owner, and the others as one weighted sum, so the frontier is two-dimensional)."""
    return [np.vstack([t[0], weights @ t[1:]]) for t in tables]


MULTIPLIER_STEPS = 8  # doublings of a weight before the offer stops trying to lift that principal


def balance(
    solve: Callable[[np.ndarray], np.ndarray], weights: np.ndarray, reservations: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The multiplier search for an offer to two or more other principals: ``solve(w)`` gives the
    others' utilities ``(K,)`` of the best package for the weighted sum ``w @ U`` (exactly); the
    weight of every principal it leaves below its reservation doubles, up to
    :data:`MULTIPLIER_STEPS` times, until none is. Returns the final weights and those utilities."""
    w = np.asarray(weights, dtype=float)
    u = solve(w)
    for _ in range(MULTIPLIER_STEPS):
        short = u < reservations - 1e-12
        if not short.any():
            break
        w = np.where(short, 2.0 * w, w)
        u = solve(w)
    return w, u
