"""Bueno de Mesquita's expected utility model of collective decisions, on numpy arrays.

The specification follows Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group
decision model", Journal of Theoretical Politics 23(4) (also ICAART 2011), which reconstructs the
model from Bueno de Mesquita's publications (1985, 1994, 1997) and replicates his European
Community car-emissions example (BDM 1994, their Table 1). One issue at a time; actors have a
position ``x``, a capability ``c`` and a salience ``s`` in [0, 1]. A round:

1. Risk. Expected utilities are computed with every risk exponent at 1. An actor's *security*
   is the sum of what the others expect from challenging it,
   ``sec_i = sum_{j != i} E(U_ji)``; ``R_i = (2 sec_i - max sec - min sec) / (max sec - min sec)``
   and ``r_i = (1 - R_i / 3) / (1 + R_i / 3)`` in [0.5, 2] (eqs. 32-34; the 1985 conversion,
   as the paper argues, not the 1997 one).
2. Votes and probabilities. Actor ``k`` backs ``i`` against ``j`` with
   ``v_k(i, j) = c_k s_k (d_kj ** r_k - d_ki ** r_k)``, ``d`` the distance over the range; ``i``'s
   probability of prevailing is the positive votes for it over a normaliser (below).
3. Expected utility of ``i`` challenging ``j`` (eqs. 5-7, 15-16, 22-24)::

       E(U_ij) = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T) U_w)
       U_s = 2 - 4 (0.5 - 0.5 d_ij) ** r        U_f = 2 - 4 (0.5 + 0.5 d_ij) ** r
       U_b = 2 - 4 (0.5 - 0.25 (d_i,mu + d_ij)) ** r   U_w = 2 - 4 (0.5 + 0.25 (d_i,mu + d_ij)) ** r
       U_sq = 2 - 4 * 0.5 ** r        T = 1 if |x_i - mu| < |x_i - x_j| else 0

   ``s_j`` is the probability that ``j`` resists; ``mu`` the weighted median.
4. Offers. For actor ``i`` and each ``j`` at another position, with ``a = E(U_ij)`` and
   ``b = E(U_ji)`` as ``i`` sees them: ``b > a > 0`` confrontation, ``i`` loses and moves to
   ``x_j``; ``b > 0 > a`` and ``b > |a|`` compromise, ``i`` moves the fraction ``|a / b|`` of the
   way to ``x_j`` (eq. 35); ``b > 0 > a`` and ``|a| > b`` capitulation, ``i`` moves to ``x_j``.
   Every other octant asks nothing of ``i``. Each actor takes one offer and all move at once.
5. Forecast: the capability x salience weighted median of the new positions (the Condorcet
   winner under these linear votes), and the weighted mean.

Two variants, where the paper and the textbook account differ:

``scholz`` (default) is the reading that reproduces the paper's published EC results (its Table 2;
``tests/test_bdm.py`` checks every round). Where the printed equations leave room, we took the
reading the published numbers require, and say so:

* ``Q = 1``: the paper's replication says BDM gives no value and it chose 1; the better/worse
  term then drops out.
* The probability normaliser is the sum of ``|v|`` over *every* voter and *every* ordered pair
  of positions, not over one dyad. Eq. 31 as printed normalises per dyad (so
  ``P_i + P_j = 1``), but with that reading every EC actor is at 7.0 after one round (every
  salience-weighted challenge succeeds) and Table 2's 8.4 / 9.9 ... cannot appear. The table
  normaliser reproduces them; it is also what the open replication at
  github.com/jmckib/bdm-scholz-expected-utility-model uses, whose author reports following the
  authors' own code. Probabilities are then small, so resistance (``s_j``) does the work.
* Votes carry the voter's risk exponent ``r_k`` (eq. 26's utilities, which the paper writes
  with the actor's ``r``); distances are over the range of the starting positions.
* ``i`` judges both expected utilities of a dyad with its own ``r_i``: an actor sees the game
  through its own risk attitude. Judging ``j``'s side with ``r_j`` does not reproduce Table 2.
* Offer choice, after section 6.2: players move the least they can when offers are equally
  enforceable, prefer conflict to compromise to capitulation, and otherwise concede to the
  actor with the highest expected utility. So: the least move among confrontations; failing
  that, the compromise whose proposer expects most from challenging (largest ``b``); failing
  that, the least capitulation. The plain least move among compromises does not reproduce
  Table 2 from round 6 on; this rule does, and it does not depend on which way the scale runs
  (mirroring every position mirrors the forecast; a test checks it).

``textbook`` follows the equations as BDM (1994, 1997) and the paper print them: per-dyad
probabilities ``P_i + P_j = 1`` on linear votes, ``Q = 0.5`` with the better/worse term, each
side's expected utility with its own ``r``, and the least move among all offers.

Known limit: the paper prints one decimal, and its medians show it truncates (9.96 appears as
9.9). Truncated the same way, 13 of our 16 numbers match Table 2 exactly. The means after
rounds 3 and 8 come out 7.59 and 7.57 where the paper prints 7.6, 0.01 and 0.03 short (they
would match if it rounded its means). The one real miss is the median after round 2: 9.61
where the paper prints 9.9, and its text also says 9.9. ``tests/test_bdm.py`` pins all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

VARIANTS = ("scholz", "textbook")
KINDS = ("confrontation", "compromise", "capitulation")


@dataclass(frozen=True)
class Move:
    """One accepted offer: ``mover`` goes from ``before`` to ``after``, toward ``toward``."""

    mover: int
    toward: int
    kind: str  # one of KINDS
    before: float
    after: float

    def as_dict(self, names: tuple[str, ...]) -> dict[str, Any]:
        """Plain data with actor names: ``actor`` gave way to ``toward`` (``kind``), ``from`` -> ``to``."""
        return {
            "actor": names[self.mover],
            "toward": names[self.toward],
            "kind": self.kind,
            "from": self.before,
            "to": self.after,
        }


@dataclass(frozen=True)
class Trajectory:
    """A forecast run: round 0 is the start, round t the positions after t rounds."""

    positions: np.ndarray  # (T + 1, A)
    median: np.ndarray  # (T + 1,)
    mean: np.ndarray  # (T + 1,)
    risk: np.ndarray  # (T, A) risk exponents used in each round
    moves: tuple[tuple[Move, ...], ...]  # (T,) accepted offers per round

    def as_dict(self, names: tuple[str, ...]) -> dict[str, Any]:
        """Plain data, round by round (round 0 is the start: no risk, no moves)."""
        rounds = []
        for t, row in enumerate(self.positions):
            rounds.append(
                {
                    "round": t,
                    "positions": dict(zip(names, map(float, row), strict=True)),
                    "median": float(self.median[t]),
                    "mean": float(self.mean[t]),
                    "risk": dict(zip(names, map(float, self.risk[t - 1]), strict=True)) if t else None,
                    "moves": [m.as_dict(names) for m in self.moves[t - 1]] if t else [],
                }
            )
        return {"actors": list(names), "rounds": rounds}


def forecast_weights(capability: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Capability x salience, ``(..., A)``; plain capability where nobody cares (all saliences 0)."""
    w = capability * salience
    return np.where(np.any(w > 0, axis=-1, keepdims=True), w, np.broadcast_to(capability, w.shape))


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Where the cumulative weight, from the lowest position, first reaches half: ``(..., A) -> (...)``."""
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(np.broadcast_to(w, x.shape), order, axis=-1), axis=-1)
    first = np.sum(cum < cum[..., -1:] / 2 - 1e-12, axis=-1, keepdims=True)
    return np.take_along_axis(xs, first, axis=-1)[..., 0]


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``(..., A) -> (...)``."""
    return np.sum(w * x, axis=-1) / np.sum(w, axis=-1)


def _distances(x: np.ndarray, span: np.ndarray) -> np.ndarray:
    """``d[..., a, b] = |x_a - x_b| / span``."""
    return np.abs(x[..., :, None] - x[..., None, :]) / span[..., None, None]


VOTE_BLOCK = 4_000_000  # votes computed at once (32 MB): memory stays flat however many actors


def probabilities(
    x: np.ndarray, weight: np.ndarray, r: np.ndarray, span: np.ndarray, variant: str
) -> np.ndarray:
    """``P[..., i, j]``: ``i``'s probability of prevailing over ``j``.

    The votes ``v[..., k, i, j] = w_k (d_kj ** r_k - d_ki ** r_k)`` (how strongly voter ``k``
    prefers ``x_i`` to ``x_j``) are a table of actors cubed; they are summed over voters in blocks
    of at most :data:`VOTE_BLOCK` numbers (one block, as one array, for tables that fit).
    """
    dr = _distances(x, span) ** r[..., :, None]  # dr[..., k, a]: voter k's distance to position a
    n = x.shape[-1]
    block = max(1, VOTE_BLOCK // max(int(np.prod(x.shape[:-1], dtype=np.int64)) * n * n, 1))
    pro = np.zeros((*x.shape[:-1], n, n))
    size = np.zeros_like(pro)  # sum of |v| over voters
    for k in range(0, n, block):
        v = weight[..., k : k + block, None, None] * (
            dr[..., k : k + block, None, :] - dr[..., k : k + block, :, None]
        )
        if block >= n:  # the whole table: sums in the order they always had
            pro = np.clip(v, 0.0, None).sum(axis=-3)
            if variant == "scholz":
                total = np.abs(v).sum(axis=(-3, -2, -1))[..., None, None]
            else:
                total = np.abs(v).sum(axis=-3)
            return np.divide(pro, total, out=np.zeros_like(pro), where=total > 0)
        pro += np.clip(v, 0.0, None).sum(axis=-3)
        size += np.abs(v).sum(axis=-3)
    total = size.sum(axis=(-2, -1), keepdims=True) if variant == "scholz" else size
    return np.divide(pro, total, out=np.zeros_like(pro), where=total > 0)


def expected_utilities(
    x: np.ndarray,
    s: np.ndarray,
    P: np.ndarray,
    R: np.ndarray,
    span: np.ndarray,
    q: float,
    median: np.ndarray,
) -> np.ndarray:
    """``E[..., i, j]``: the expected utility of ``i`` challenging ``j``, with risk exponents ``R``."""
    d = _distances(x, span)
    success = 2 - 4 * (0.5 - 0.5 * d) ** R
    failure = 2 - 4 * (0.5 + 0.5 * d) ** R
    resist = s[..., None, :]
    E = resist * (P * success + (1 - P) * failure) + (1 - resist) * success - q * (2 - 4 * 0.5**R)
    if q < 1:
        dm = (np.abs(x - median[..., None]) / span[..., None])[..., :, None]
        better = 2 - 4 * np.clip(0.5 - 0.25 * (dm + d), 0.0, None) ** R
        worse = 2 - 4 * (0.5 + 0.25 * (dm + d)) ** R
        # T = 1 when the median is nearer i than j is; equal distances (a tie, common on gridded
        # data) count as "worse" whatever rounding says, so the model has no preferred direction
        E = E - (1 - q) * np.where(dm < d - 1e-12, better, worse)
    return E


def risk_exponents(E1: np.ndarray) -> np.ndarray:
    """``r[..., i]`` from security: what the others expect from challenging ``i`` (at ``r = 1``)."""
    n = E1.shape[-1]
    security = (E1 * (1 - np.eye(n))).sum(axis=-2)
    lo = security.min(axis=-1, keepdims=True)
    hi = security.max(axis=-1, keepdims=True)
    spread = hi - lo
    R = np.divide(2 * security - hi - lo, spread, out=np.zeros_like(security), where=spread > 1e-15)
    return (1 - R / 3) / (1 + R / 3)


def choose_offers(
    x: np.ndarray, a: np.ndarray, b: np.ndarray, variant: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The offer each actor takes: ``a[..., i, j] = E(U_ij)``, ``b[..., i, j] = E(U_ji)`` as ``i`` sees them.

    Returns ``(toward, kind, target)``, each ``(..., A)``: whom ``i`` gives way to, how (an index
    into :data:`KINDS`; 3 = it does not move) and where it ends up.
    """
    xi, xj = x[..., :, None], x[..., None, :]
    other = xi != xj
    confront = other & (b > a) & (a > 0)
    yielding = other & (b > 0) & (a < 0)
    compromise = yielding & (b > np.abs(a))
    capitulate = yielding & (np.abs(a) > b)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(compromise, xi + (xj - xi) * np.abs(a / b), np.broadcast_to(xj, a.shape))
    kind = np.select([confront, compromise, capitulate], [0, 1, 2], default=3)
    move = np.abs(target - xi)
    if variant == "scholz":
        first = kind.min(axis=-1, keepdims=True)  # confrontation before compromise before capitulation
        # among compromises the most enforceable offer: the proposer who expects most from
        # challenging (largest b); among confrontations and capitulations the least move
        key = np.where((kind == first) & (kind < 3), np.where(first == 1, -b, move), np.inf)
    else:
        key = np.where(kind < 3, move, np.inf)
    # equal keys (equidistant targets) must tie exactly, so that the lower index wins in either
    # direction of the scale rather than whichever side rounding favours
    toward = np.argmin(np.round(key, 9), axis=-1)[..., None]
    chosen_kind = np.take_along_axis(kind, toward, axis=-1)[..., 0]
    chosen_target = np.take_along_axis(target, toward, axis=-1)[..., 0]
    return toward[..., 0], chosen_kind, np.where(chosen_kind < 3, chosen_target, x)


def step(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray | float, variant: str = "scholz"
) -> tuple[np.ndarray, np.ndarray, tuple[tuple[Move, ...], ...]]:
    """One round on several issues at once.

    ``x`` and ``s``: ``(I, A)`` positions and saliences (0-1) per issue; ``c``: ``(A,)``
    capabilities, or ``(I, A)`` per issue (0: no say on that issue, so no challenges there);
    ``span``: ``(I,)`` (or one number) the length distances are measured over.
    Returns ``(new positions (I, A), risk exponents used (I, A), accepted offers per issue)``.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant '{variant}' (known: {', '.join(VARIANTS)})")
    x = np.atleast_2d(np.asarray(x, dtype=float))
    s = np.broadcast_to(np.asarray(s, dtype=float), x.shape)
    span = np.broadcast_to(np.asarray(span, dtype=float), x.shape[:1])
    n = x.shape[-1]
    weight = c * s
    median = weighted_median(x, weight)
    q = 1.0 if variant == "scholz" else 0.5
    ones = np.ones_like(x)
    first_pass = np.ones((*x.shape, n))
    E1 = expected_utilities(x, s, probabilities(x, weight, ones, span, variant), first_pass, span, q, median)
    r = risk_exponents(E1)
    P = probabilities(x, weight, r if variant == "scholz" else ones, span, variant)
    own = np.broadcast_to(r[..., :, None], (*x.shape, n))  # own[..., i, j] = r_i
    E_mine = expected_utilities(x, s, P, own, span, q, median)  # E(U_ij) with r_i
    # E_theirs[i, j]: j challenging i as i sees it; scholz judges it with i's own risk exponent,
    # the textbook with j's
    if variant == "scholz":
        E_theirs = np.swapaxes(expected_utilities(x, s, P, np.swapaxes(own, -1, -2), span, q, median), -1, -2)
    else:
        E_theirs = np.swapaxes(E_mine, -1, -2)
    silent = np.broadcast_to(np.asarray(c, dtype=float), x.shape) <= 0
    if silent.any():
        # an actor with no say on an issue (capability 0 there) challenges nobody: nobody gives
        # way to it, though it may give way itself
        E_theirs = np.where(silent[..., None, :], -1.0, E_theirs)
    toward, kind, new = choose_offers(x, E_mine, E_theirs, variant)
    moves = tuple(
        tuple(
            Move(int(i), int(toward[k, i]), KINDS[kind[k, i]], float(x[k, i]), float(new[k, i]))
            for i in np.flatnonzero(kind[k] < 3)
        )
        for k in range(x.shape[0])
    )
    return new, r, moves


def simulate(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    rounds: int,
    variant: str = "scholz",
    span: float | None = None,
) -> Trajectory:
    """Play ``rounds`` rounds from the starting positions; ``span`` defaults to their range."""
    c = np.asarray(capability, dtype=float)
    s = np.asarray(salience, dtype=float)
    x = np.asarray(position, dtype=float)
    span = float(np.ptp(x)) if span is None else float(span)
    if span <= 0:
        raise ValueError("the positions span no range: nothing to decide")
    weight = forecast_weights(c, s)
    positions, risks, moves = [x], [], []
    for _ in range(rounds):
        new, r, accepted = step(x[None, :], c, s[None, :], span, variant)
        x = new[0]
        positions.append(x)
        risks.append(r[0])
        moves.append(accepted[0])
    P = np.array(positions)
    return Trajectory(
        positions=P,
        median=weighted_median(P, weight),
        mean=weighted_mean(P, weight),
        risk=np.array(risks).reshape(rounds, len(c)),
        moves=tuple(moves),
    )
