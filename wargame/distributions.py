"""Distributions over uncertain parameters, and the one place parameters are sampled.

Each distribution is a small pydantic model (``dist:`` picks which) with a vectorized ``draw(rng,
n)``. :func:`sample_parameters` draws one value per uncertain dotted path, in a fixed order, from a
generator it is given -- so an episode's parameters depend on its seed alone.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from wargame.schema import Number, Strict


class _Dist(Strict):
    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The values at cumulative probabilities ``u`` in [0, 1) (Latin hypercube sampling maps a
        stratified ``u`` through it)."""
        raise NotImplementedError

    def support(self) -> tuple[Any, Any]:
        """The smallest and largest value a draw can take (for checking against the scenario)."""
        raise NotImplementedError

    def draws_finite(self) -> bool:
        """Whether a sample of draws is finite and inside the support (parameters near the limits
        of floating point, or a truncation far out in a tail, could give NaN)."""
        x = np.asarray(self.draw(np.random.default_rng(0), 1000), dtype=float)
        lo, hi = self.support()
        return bool(np.all(np.isfinite(x)) and np.all((x >= lo) & (x <= hi)))


class _Bounded(_Dist):
    """A distribution on ``[low, high]`` (subclasses declare the two fields, after ``dist``,
    so a dumped config reads ``dist`` first)."""

    if TYPE_CHECKING:
        low: float
        high: float

    @model_validator(mode="after")
    def _order(self) -> _Bounded:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class Uniform(_Bounded):
    dist: Literal["uniform"]
    low: Number
    high: Number

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)


class Normal(_Dist):
    """Unbounded; prefer ``truncnormal`` for parameters with limits."""

    dist: Literal["normal"]
    mean: Number
    sd: Number = Field(gt=0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, n)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        # u = 0 would be minus infinity: the extreme stratum's value stays finite, 7 sd out
        return self.mean + self.sd * special.ndtri(np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12))

    def support(self) -> tuple[float, float]:
        # numpy never draws a normal beyond about 14 sd (its tail algorithm's limit): +-40 sd holds all
        return self.mean - 40 * self.sd, self.mean + 40 * self.sd


class TruncNormal(_Bounded):
    dist: Literal["truncnormal"]
    mean: Number
    sd: Number = Field(gt=0)
    low: Number
    high: Number

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # inverse-CDF sampling: exact, vectorized, and driven by our generator only
        u = rng.uniform(0.0, 1.0, n)
        return self.quantile(u)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        x = self.mean + self.sd * truncated_normal_ppf(np.asarray(u, dtype=float), a, b)
        return np.clip(x, self.low, self.high)


def truncated_normal_ppf(q: np.ndarray, a: float, b: float) -> np.ndarray:
    """The standard normal truncated to ``[a, b]``: its quantiles at ``q`` in [0, 1].

    ``Phi(x) = Phi(a) + q * (Phi(b) - Phi(a))``, solved in log space so that truncations deep in a
    tail (``a = 30``, say) keep full precision; an interval in the right tail is reflected into
    the left one. (scipy.stats.truncnorm gives the same numbers to 1e-12 but takes most of a
    second to import and a tenth of a millisecond a call; episodes draw one value each.)
    """
    from scipy import special  # Mesa imports it anyway; scipy.stats would cost most of a second

    q = np.asarray(q, dtype=float)
    if a >= 0:  # right tail: x = -ppf(1 - q) of the reflected interval [-b, -a]
        return -truncated_normal_ppf(1.0 - q, -b, -a)
    log_a, log_b = special.log_ndtr(a), special.log_ndtr(b)
    if b <= 0:  # both ends in the left tail: Phi(b) - Phi(a) without cancellation
        log_mass = log_b + np.log1p(-np.exp(log_a - log_b))
    else:
        log_mass = np.log1p(-special.ndtr(a) - special.ndtr(-b))
    with np.errstate(divide="ignore"):  # q = 0 gives log 0 = -inf, and x = a
        log_phi = np.logaddexp(log_a, np.log(q) + log_mass)
    # near q = 1 with b far in the right tail, log_phi rounds to 0 and ndtri_exp to infinity:
    # every quantile lies in [a, b]
    return np.clip(np.asarray(special.ndtri_exp(log_phi), dtype=float), a, b)


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"need low <= mode <= high and low < high (got {self.low}, {self.mode}, {self.high})"
            )
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        lo, mode, hi = self.low, self.mode, self.high
        split = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < split, left, right)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class Beta(_Bounded):
    """Beta(a, b) rescaled to [low, high]."""

    dist: Literal["beta"]
    a: Number = Field(gt=0)
    b: Number = Field(gt=0)
    low: Number = 0.0
    high: Number = 1.0

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        return self.low + (self.high - self.low) * special.betaincinv(
            self.a, self.b, np.asarray(u, dtype=float)
        )


class Choice(_Dist):
    """One of ``values`` (numbers, names, or whole mappings such as a strategy), optionally weighted."""

    dist: Literal["choice"]
    values: list[Any] = Field(min_length=1)
    weights: list[Number] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"{len(self.weights)} weights for {len(self.values)} values")
            if any(w < 0 for w in self.weights) or not sum(self.weights) > 0:
                raise ValueError("weights must be >= 0 and not all zero")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = None if self.weights is None else np.array(self.weights) / sum(self.weights)
        idx = rng.choice(len(self.values), size=n, p=p)
        out = np.empty(n, dtype=object)
        out[:] = [self.values[i] for i in idx]
        return out

    def quantile(self, u: np.ndarray) -> np.ndarray:
        weights = np.ones(len(self.values)) if self.weights is None else np.array(self.weights, dtype=float)
        edges = np.cumsum(weights) / weights.sum()
        idx = np.minimum(
            np.searchsorted(edges, np.asarray(u, dtype=float), side="right"), len(self.values) - 1
        )
        out = np.empty(len(idx), dtype=object)
        out[:] = [self.values[i] for i in idx]
        return out

    def draws_finite(self) -> bool:
        return True  # it draws the values given, which the schema checked

    def support(self) -> tuple[Any, Any]:
        numeric = [v for v in self.values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numeric) == len(self.values):
            return min(numeric), max(numeric)
        return self.values[0], self.values[-1]


Distribution = Annotated[
    Uniform | Normal | TruncNormal | Triangular | Beta | Choice, Field(discriminator="dist")
]


def _plain(value: Any) -> Any:
    # a copy: a drawn mapping (a strategy, say) may be edited by a later path, never the spec
    return value.item() if isinstance(value, np.generic) else copy.deepcopy(value)


def sample_parameters(
    uncertain: Mapping[str, Distribution], rng: np.random.Generator, u: np.ndarray | None = None
) -> dict[str, Any]:
    """One draw of every uncertain parameter, in the mapping's order: dotted path -> value. With
    ``u`` (one cumulative probability per parameter, a row of a Latin hypercube) each value is the
    distribution's quantile there instead of a draw from ``rng``."""
    if u is not None:
        return {path: _plain(dist.quantile(u[[j]])[0]) for j, (path, dist) in enumerate(uncertain.items())}
    return {path: _plain(dist.draw(rng, 1)[0]) for path, dist in uncertain.items()}


MAX_LHS_RUNS = 1_000_000  # a Latin hypercube is built whole: runs x parameters numbers per worker


def latin_hypercube(seed: int, runs: int, dims: int) -> np.ndarray:
    """A Latin hypercube of ``runs`` points in ``[0, 1) ** dims``: in every dimension each of the
    ``runs`` equal strata holds exactly one point (at a random place in it). Built from its own
    stream of ``seed``, so every worker builds the same one."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4C4853]))  # "LHS"
    u = np.empty((runs, dims))
    for j in range(dims):
        u[:, j] = (rng.permutation(runs) + rng.random(runs)) / runs
    return u


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
