"""GovernmentAgent: one government at the table (principal) or around it (stakeholder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.human import Human, Seat
from agents.negotiator import Offer
from agents.strategies import Strategy, make_strategy
from agents.view import Table
from wargame import decisions
from wargame.beliefs import Belief, last_offer
from wargame.frontier import Frontier, NoPackage, balance, best_for_others, best_of, combine, others_score
from wargame.payoffs import Payoffs, perceived
from wargame.solutions import nash

if TYPE_CHECKING:
    from wargame.episode import RoundRecord
    from wargame.scenario import Scenario


class GovernmentAgent(mesa.Agent):
    """A government with payoffs, a strategy and a (possibly noisy) view of the others.

    Principals propose and respond; stakeholders state support and act through events. The agent
    sees its own payoffs exactly and everybody else's through perception noise drawn once per
    episode from the model's generator, so the same seed gives the same misperceptions. It reads
    the model only through :class:`agents.view.Table`, and is itself the
    :class:`agents.view.NegotiatorView` its strategy sees.
    """

    def __init__(self, model: Table, actor: str, seat: Seat | None = None):
        super().__init__(model)
        self.table = model  # the model, as the narrow interface agents may use
        spec = model.scenario.actors[actor]
        self.actor = actor
        self.role = spec.role
        self.index = model.payoffs.index(actor)
        self.seat = seat  # a person plays this government
        self.strategy: Strategy | None = None
        if self.role == "principal":
            self.strategy = Human(seat, self) if seat is not None else make_strategy(spec.strategy)
        self.noise = spec.perception_noise
        self.firmness = spec.firmness
        self._least: float | None = None  # its floor (:attr:`floor`), when computed
        shape = model.payoffs.ideal.shape
        # drawn even when noise is 0, so adding noise to one actor does not reshuffle the others;
        # drawn with the actors sorted by name, then put in the payoff rows' order, so an actor's
        # errors about another do not depend on where either stands in the file
        names = model.payoffs.actors
        rows = np.argsort(np.argsort(names))  # each payoff row's place among the sorted names
        self._z_ideal = model.rng.standard_normal(shape)[rows]
        self._z_salience = model.rng.standard_normal(shape)[rows]
        self.aspiration_now = float("nan")
        self._whole = False  # build even the efficient packages worth less than its reservation
        self._front: Frontier | None = None
        self.version = 0  # bumped whenever payoffs change, so strategies know to re-plan
        self.turn = -1  # its place in the proposing order: the model sets it for a principal
        # the other principals' rows
        self._other_names = [a for a in model.principal_names if a != actor]
        self._others = [model.payoffs.index(a) for a in self._other_names]
        # what it believes about the others whose no-deal cost is private (kept through events, which
        # move every type's cost by what they add to the other's: events are public)
        self._cost_at_start = model.payoffs.no_deal_cost[self._others].copy()
        self.beliefs: dict[int, Belief] = {}
        for k, other in enumerate(self._other_names):
            private = model.scenario.actors[other].private
            if private is not None and self.role == "principal":
                self.beliefs[k] = Belief(private.no_deal_cost, private.weights, private.bluff)
        self.refresh()

    # -- what it knows ------------------------------------------------------------------------

    def refresh(self, touched: set[int] | None = None) -> None:
        """Payoffs changed: at the start (``touched`` None) or when an event changed the payoffs of
        the actors in rows ``touched``. Its efficient packages are recomputed when next read if those
        rows include its own or another principal's (a view that changes twice before it is read
        is computed once); :attr:`version` moves only if something the agent knows did."""
        m = self.table
        mine = touched is None or self.index in touched
        if mine:
            self.reservation = float(m.reservations[self.index])
            self.discount = float(m.payoffs.discount[self.index])
            self._best: float | None = None
        if self.role != "principal":
            self.version += mine
            return
        stale = {k for k, row in enumerate(self._others) if touched is None or row in touched}
        for k in stale & set(self.beliefs):
            self.beliefs[k].shift = float(m.payoffs.no_deal_cost[self._others[k]] - self._cost_at_start[k])
        if mine or stale:
            self._front = None
            self._least = None
            self.version += 1

    def _see(self) -> Frontier:
        """The efficient packages for itself and the other principals as it perceives them,
        computed when first needed after its payoffs or its view of the others changed. Facing one
        other principal: exact, in two dimensions. Facing several: for itself against their
        weighted sum (one weight each, starting from each one's gain range: :meth:`best_package`
        moves the weights), so the frontier stays two-dimensional."""
        if self._front is None:
            m = self.table
            rows = [self.index, *self._others]
            z_ideal, z_salience = self._z_ideal, self._z_salience
            seen: Payoffs = perceived(m.payoffs, self.noise, z_ideal, z_salience, self.index, rows)
            tables = self._tables = m.tables(seen)
            self._seen = seen
            self._no_deal_utility = seen.utilities(m.no_deal[None, :])[1:, 0]
            self._share = m.cost_share
            self._known_reservation = seen.reservations(m.no_deal, m.cost_share)[1:]
            r = self._others_reservation = self._believed_reservation()
            self._others_discount = seen.discount[1:]
            # what it would never offer (worth less than its reservation to it) need not be built
            whole = self._whole or self.strategy is None or self.strategy.whole_frontier
            self._floor = -np.inf if whole else self.reservation
            if len(rows) == 2:
                front = self._frontier(tables)
                self._others_U = front.U[1:]
                self._others_score = others_score(self._others_U, r)
            else:
                best = best_of([t[1:] for t in tables])
                self._weights = 1.0 / np.maximum(best - r, 1e-6)
                self._fronts: dict[bytes, Frontier] = {}
                front = self._weighted(self._weights)
                self._others_U = front.rows(tables)[1:]
            self._front = front
        return self._front

    def _believed_reservation(self) -> np.ndarray:
        """The others' reservations as it sees them: the expected one under its belief for those
        whose no-deal cost is private, the one it sees otherwise."""
        r = self._known_reservation.copy()
        for k, belief in self.beliefs.items():
            r[k] = belief.mean_reservation(self._no_deal_utility[k], self._share)
        return r

    def _acceptance(self, others_U: np.ndarray) -> np.ndarray:
        """The chance, as it believes, that every other principal accepts each package in the last
        round (``others_U``: their utilities as it sees them, ``(P - 1, F)``)."""
        p = np.ones(others_U.shape[1])
        for k, U in enumerate(others_U):
            belief = self.beliefs.get(k)
            if belief is None:
                p *= U >= self._known_reservation[k] - 1e-12
            else:
                p *= belief.accept_probability(U, self._no_deal_utility[k], self._share)
        return p

    def observe(self, offer: np.ndarray, responses: dict[str, bool]) -> None:
        """Learn from the answers to ``offer``: each refusal by a principal whose no-deal cost is
        private moves its belief towards tougher types (:class:`wargame.beliefs.Belief`)."""
        refused = [k for k in self.beliefs if not responses.get(self._other_names[k], True)]
        if not refused:  # nothing to learn (its own refusal, or a known type's): build nothing
            return
        front = self._see()
        utility = self._seen.utilities(np.asarray(offer, dtype=float)[None, :])[1:, 0]
        changed = False
        for k in refused:
            changed |= self.beliefs[k].refused(float(utility[k]), self._no_deal_utility[k], self._share)
        if not changed:
            return
        self._least = None
        r = self._others_reservation = self._believed_reservation()
        if len(self._others) == 1:
            self._others_score = others_score(front.U[1:], r)
        else:  # the weights of its view follow the others' gains: build it again
            self._front = None
        self.version += 1

    def _view(self) -> tuple[Frontier, np.ndarray]:
        """Its efficient packages as it offers from them now, and everybody's utility of each
        (itself first, the others as it sees them): ``(P, F)``. Facing several others, the view of
        its current weights."""
        front = self._see()
        if len(self._others) == 1:
            return front, front.U
        view = self._weighted(self._weights)
        return view, np.vstack([view.U[0], view.rows(self._tables)[1:]])

    def _weighted(self, weights: np.ndarray) -> Frontier:
        """Its efficient packages against the others' utilities summed with ``weights`` (kept: the
        same weights come back round after round)."""
        key = weights.tobytes()
        if key not in self._fronts:
            self._fronts[key] = self._frontier(combine(self._tables, weights))
        return self._fronts[key]

    def _frontier(self, tables: list[np.ndarray]) -> Frontier:
        """The efficient packages worth at least :attr:`_floor` to itself (all if none is)."""
        floor = np.full(len(tables[0]), -np.inf)
        floor[0] = self._floor
        try:
            return self.table.frontier_of(tables, floor if np.isfinite(self._floor) else None)
        except NoPackage:  # nothing is worth its reservation to it
            self._floor = -np.inf
            return self.table.frontier_of(tables)

    @property
    def floor(self) -> float:
        """The least it will settle for: its reservation, raised by ``firmness`` times its gain at
        the Nash point of the packages as it sees them (the others' reservations as it believes
        them). Believing the others weaker than they are raises it; refusals bring it down."""
        if self._least is None:
            self._least = r = self.reservation
            if self.firmness > 0 and self.role == "principal":
                _, U = self._view()
                i = nash(U, np.concatenate([[r], self._others_reservation]))
                if i is not None:
                    self._least = float(r + self.firmness * (U[0, i] - r))
        return self._least

    @property
    def own(self) -> np.ndarray:
        """Its true utility of each efficient package."""
        return self._see().U[0]

    @property
    def best_utility(self) -> float:
        """The most it can get (a responder asks this without needing the efficient packages)."""
        if self._best is None:
            if self._front is not None:  # its view's tables are current; their first row is its own
                self._best = float(best_of([t[:1] for t in self._tables])[0])
            else:
                self._best = float(self.table.best_utilities(self.table.payoffs.select([self.index]))[0])
        return self._best

    @property
    def others_utility(self) -> np.ndarray:
        """What it believes the other principals' utilities of each efficient package are: ``(P - 1, F)``."""
        self._see()
        return self._others_U

    @property
    def others_reservation(self) -> np.ndarray:
        self._see()
        return self._others_reservation

    @property
    def others_discount(self) -> np.ndarray:
        self._see()
        return self._others_discount

    @property
    def packages(self) -> np.ndarray:
        return self._see().packages

    @property
    def least_liked(self) -> tuple[np.ndarray, np.ndarray]:
        return self._see().least

    @property
    def rounds(self) -> int:
        return self.table.rounds

    @property
    def round(self) -> int:
        return self.table.round

    @property
    def offers(self) -> Sequence[Offer]:
        return self.table.offers

    @property
    def scenario(self) -> Scenario:
        return self.table.scenario

    @property
    def ideal(self) -> np.ndarray:
        return self.table.payoffs.ideal[self.index]

    @property
    def standing_offer(self) -> np.ndarray:
        return self.table.standing_offer

    @property
    def history(self) -> Sequence[RoundRecord]:
        return self.table.history

    @property
    def settled(self) -> dict[str, float]:
        """Issues of tracks settled so far, with their values (its offers keep them)."""
        return self.table.settled_values()

    def utility(self, package: np.ndarray) -> float:
        """This actor's true utility of one package."""
        return float(self.table.utility_of(package)[self.index])

    # -- what it does -------------------------------------------------------------------------

    def best_package(self, level: float) -> np.ndarray:
        """Among packages worth at least ``level`` to itself, the one best for the others (as it
        sees them); if none is worth that much, its own best. Facing one other principal: the one it
        values most, exactly. Facing several: the best weighted sum of their utilities, exactly for
        the weights, whose weights double for anyone left below its reservation
        (:func:`wargame.frontier.balance`)."""
        front = self._see()
        if level < self._floor - 1e-12:  # asks for less than its reservation: build the rest, from now on
            self._whole = True
            self._front = None
            front = self._see()
        if len(self._others) == 1:
            return front.package(best_for_others(front.U[0], self._others_score, level))
        offer: list[np.ndarray] = []

        def solve(weights: np.ndarray) -> np.ndarray:
            f = self._weighted(weights)
            i = best_for_others(f.U[0], f.U[1], level)
            offer.append(f.package(i))
            return f.rows(self._tables, i)[1:]

        balance(solve, self._weights, self._others_reservation)
        return offer[-1]

    def last_offer(self, level: float) -> np.ndarray:
        """The package it offers when nobody can wait for a better one: among packages worth at
        least ``level`` to it, the one worth the most in expectation under its beliefs about the
        others' types (:func:`wargame.beliefs.last_offer`); knowing every other's type (no private
        block, or a belief left with one type), :meth:`best_package`."""
        if all(belief.known for belief in self.beliefs.values()):  # no private type left to screen
            return self.best_package(level)
        front, U = self._view()
        return front.package(last_offer(U[0], self._acceptance(U[1:]), self.reservation, level))

    def propose(self, round_: int) -> np.ndarray:
        assert self.strategy is not None, "only principals propose"
        self.aspiration_now = self.strategy.aspiration(self, round_)
        return self.strategy.propose(self, round_)

    def respond(self, offer: np.ndarray, round_: int) -> bool:
        assert self.strategy is not None, "only principals respond"
        self.aspiration_now = self.strategy.aspiration(self, round_ + 1)
        return self.strategy.respond(self, offer, round_)

    def act(self, round_: int, events: list[str]) -> str | None:
        """A person's government: which of its ``events`` to trigger now (None: pass)."""
        assert self.seat is not None, "only a government a person plays chooses its events"
        return self.seat.act(self, round_, events)

    def chance_to_act(self, event: str, cost: float, noise: float) -> float:
        """The chance it fires ``event`` (one it chooses) this round: a logit of what acting adds to
        its expected utility, the agreement the table predicts with and without the event's effects
        and the breakdown risk it adds weighed by its own payoffs (:mod:`wargame.decisions`)."""
        m = self.table
        failure = float(m.reservations[self.index])

        def worth(agreement: np.ndarray | None) -> float:
            return failure if agreement is None else self.utility(agreement)

        now, after = worth(m.outlook(None)), worth(m.outlook(event))
        return decisions.probability(decisions.gain(now, after, failure, m.action_risk(event), cost), noise)

    def supports(self, offer: np.ndarray) -> bool:
        """A stakeholder backs an offer it prefers to the talks failing."""
        return self.utility(offer) >= self.reservation
