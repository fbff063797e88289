"""NegotiationModel: one episode of the talks as a Mesa model; one ``step()`` is one round."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from agents.government import GovernmentAgent
from agents.human import Seat
from agents.negotiator import Offer
from wargame import decisions, events, measures, ratification, space, timeline
from wargame.axis import nearest
from wargame.breakdowns import Breakdowns
from wargame.collect import collector
from wargame.episode import Episode, FiredEvent, RoundRecord, replayable_seed, substream
from wargame.frontier import (
    Frontier,
    NoPackage,
    best_of,
    efficient_packages,
    group_issues,
)
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs, block_tables, failure_share
from wargame.protocols import PROTOCOLS
from wargame.scenario import Scenario, as_scenario
from wargame.solutions import Solutions
from wargame.tracks import Tracks

# the weights of the two-dimensional views of three or more principals (:meth:`_views`): a lattice
# of step 1/STEPS on the simplex (with 1/2 the views missed every rational package of the teaching
# scenario with three principals; with 1/4 they found the exact Nash point in 60 of 60 episodes)
STEPS = 4


def proposing_order(scenario: Scenario, seed: int) -> list[str]:
    """The order in which the principals propose: ``first_proposer`` first if the scenario names
    one, the rest by name; drawn from the seed otherwise (its own stream, over the names sorted, so
    the order of the actors in the file never decides who moves first)."""
    names = sorted(scenario.principals)
    if scenario.first_proposer != "drawn":
        return [scenario.first_proposer, *(n for n in names if n != scenario.first_proposer)]
    return [names[i] for i in substream(seed, 0x0DE5).permutation(len(names))]


class NegotiationModel(mesa.Model):
    """One negotiation episode.

    Args:
        scenario: a :class:`~wargame.scenario.Scenario`, a path to a scenario YAML file, or its data.
        seed / rng: Mesa's seeding (pass one; ``mesa.batch_run`` passes ``seed`` as a parameter).
        overrides: dotted path -> value, e.g. ``{"actors.seoul.salience.tariff": 0.6}``.
        rounds: shorthand for ``overrides={"rounds": N}``.
        collect: keep the DataCollector's per-round tables (Monte Carlo runs turn it off; the
            Episode records every round either way).
        humans: actor -> seat (:class:`agents.human.Seat`): governments people play. A human
            principal proposes and responds through its seat; a human government with events of
            its own picks which to trigger each round, instead of their chances or its agent's
            choices.

    ``running`` turns false at a deal or at the deadline; :meth:`episode` returns the result and
    :meth:`run` plays to the end and returns it. The model is the table: it holds what every
    protocol shares (payoffs, the issue space, offers, the standing offer, events) and shows agents and
    protocols only the narrow interfaces they need (:class:`agents.view.Table`,
    :class:`wargame.protocols.ProtocolTable`).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | Mapping[str, Any],
        seed: int | None = None,
        rng: np.random.Generator | np.random.SeedSequence | int | None = None,
        overrides: Mapping[str, Any] | None = None,
        rounds: int | None = None,
        collect: bool = True,
        humans: Mapping[str, Seat] | None = None,
    ) -> None:
        seed = replayable_seed(seed, rng)
        super().__init__(seed=seed)
        values = dict(overrides or {})
        if rounds is not None:
            values["rounds"] = rounds
        # the scenario as the episode starts; events then change the payoff arrays, and
        # :attr:`scenario` rebuilds the scenario as it stands only when somebody asks for it
        self.initial_scenario: Scenario = as_scenario(scenario).with_values(values)
        self._changed: dict[str, float] = {}  # dotted path -> value events left there
        self._scenario: Scenario | None = self.initial_scenario
        start = self.initial_scenario
        self.seed_value = seed  # NegotiationModel(scenario, seed=seed_value) replays the episode
        self.collect = collect
        self.humans: dict[str, Seat] = dict(humans or {})
        unknown = sorted(set(self.humans) - set(start.actors))
        if unknown:
            raise ValueError(f"no actor {', '.join(unknown)} in scenario {start.name}")
        self.rounds = start.rounds
        self.variant = start.variant
        self.issue_names = tuple(start.issues)
        self.actor_names = tuple(start.actors)
        layout = space.layout(start)
        columns = {name: k for k, name in enumerate(self.issue_names)}
        # ratifier -> issue column -> (low, high): public, so the table holds only what they approve
        self.ranges = {
            name: {columns[i]: (b.low, b.high) for i, b in body.ranges.items()}
            for name, body in start.ratification.items()
        }
        self.grid = layout.axes  # every admissible value, ratifiable or not (what a person may offer)
        self.axes = ratification.restrict(layout.axes, list(self.ranges.values()))
        self.status_quo = layout.status_quo.copy()

        self.payoffs = payoffs_of(start)
        self.initial_payoffs = self.payoffs  # events replace the arrays, never write them
        self._effects = events.compile_events(start)
        self.schedule = timeline.schedule(start)
        self._options = [i for i, issue in enumerate(start.issues.values()) if issue.options is not None]
        self.tracks = Tracks(start, layout.no_deal)  # issues agreed apart, each settled at its deadline
        self.breakdowns = Breakdowns(start, seed)
        # how the talks ended: agreement (an offer on everything still open was accepted),
        # deadline (the last deadline settled what was open) or breakdown
        self.ended = ""
        self.breakdown_cause: str | None = None
        # issues tied by a linkage (any actor's) are one block of the utilities' sum
        self._links = [(int(i), int(j)) for i, j in self.payoffs.link_issues]
        self._open_axes(self.axes)
        # by name, like every order the episode draws luck or views in: never the file's order
        self.principal_names = tuple(sorted(start.principals))
        self._principal_rows = [self.payoffs.index(a) for a in self.principal_names]
        # what separates each principal's true no-deal cost from the public one (its prior's mean)
        self._private_offset = np.zeros(len(self.actor_names))
        for name, spec in start.actors.items():
            if spec.private is not None:
                k = self.payoffs.index(name)
                mean = float(np.average(spec.private.no_deal_cost, weights=spec.private.weights))
                self._private_offset[k] = mean - float(self.payoffs.no_deal_cost[k])
        self._payoffs_changed()

        self.offers: list[Offer] = []
        self.history: list[RoundRecord] = []
        self.fired: list[FiredEvent] = []
        self.standing_offer = self.status_quo.copy()
        self.standing_utility = self.utility_of(self.standing_offer)
        self.outcome: np.ndarray | None = None
        self.deal = False
        self.deal_round: int | None = None
        self.deal_proposer: str | None = None

        for actor in sorted(self.actor_names):  # by name: the file's order never draws anybody's luck
            GovernmentAgent(self, actor, seat=self.humans.get(actor))
        by_name = self._agent_of = {a.actor: a for a in self.agents}
        self.principals = [by_name[a] for a in proposing_order(start, seed)]  # in proposing order
        for turn, agent in enumerate(self.principals):
            agent.turn = turn
        self.stakeholders = [by_name[a] for a in start.stakeholders]
        self.protocol = PROTOCOLS[start.protocol](self)

        if self.collect:
            self.datacollector = collector(self.issue_names)
            self.datacollector.collect(self)

    # -- state --------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario as it stands: the one the episode started from, with what events changed."""
        if self._scenario is None:
            self._scenario = self.initial_scenario.with_values(self._changed, source="events")
        return self._scenario

    @property
    def round(self) -> int:
        """The current round, from 0 (Mesa counts steps from 1)."""
        return max(self.steps - 1, 0)

    def _payoffs_changed(self) -> None:
        """Bring what the payoffs feed up to date: every actor's reservation now; the efficient
        packages and the bargaining solutions when next asked for."""
        self._solutions: Solutions | None = None
        self._public: Payoffs | None = None
        self._outlooks: dict[tuple[str | None, int], np.ndarray | None] = {}
        self._utility_memo: dict[bytes, np.ndarray] = {}
        self.reservations = self.payoffs.reservations(self.no_deal, self.cost_share)

    def tables(self, payoffs: Payoffs) -> list[np.ndarray]:
        """The block tables of ``payoffs`` (any subset of actors, as anybody sees them) on the table
        now: the issues of settled tracks at their terms."""
        return block_tables(payoffs, self.open_axes, self.blocks)

    def frontier_of(self, tables: list[np.ndarray], floor: np.ndarray | None = None) -> Frontier:
        """The efficient packages for the rows of ``tables`` (:meth:`tables`), of those worth at least
        ``floor`` to each row if given: exact, over the whole grid (:class:`NoPackage` if none is)."""
        return efficient_packages(tables, self.blocks, self.open_axes, floor)

    def frontier(self, payoffs: Payoffs) -> Frontier:
        """The efficient packages for the actors of ``payoffs``. Exact, and cheap for two rows; with
        three or more the efficient set is a surface that grows fast with the issues."""
        return self.frontier_of(self.tables(payoffs))

    def best_utilities(self, payoffs: Payoffs) -> np.ndarray:
        """The most each actor of ``payoffs`` can get from any package on the table now: ``(K,)``."""
        return best_of(block_tables(payoffs, self.open_axes, self.blocks))

    def _open_axes(self, axes: tuple[np.ndarray, ...]) -> None:
        """What may still be offered on each issue (a settled one: its terms), and the blocks."""
        self._efficient_memo: dict[bytes, Frontier] = {}  # what is on the table changed: all stale
        self.open_axes = axes
        self.blocks = group_issues([len(a) for a in axes], self._links)

    @property
    def efficient(self) -> Frontier:
        """The efficient packages for the principals under their true payoffs as they stand now
        (built whole: cheap for two principals, costly for more)."""
        return self.frontier(self.payoffs.select(self._principal_rows))

    @property
    def solutions(self) -> Solutions:
        """The Nash, Kalai-Smorodinsky and utilitarian packages under the payoffs as they stand now
        (computed when asked, once per change of payoffs): see :meth:`solve`."""
        if self._solutions is None:
            self._solutions = self.solve(self.payoffs)
        return self._solutions

    def solve(self, payoffs: Payoffs) -> Solutions:
        """The bargaining solutions of the principals under ``payoffs`` (as they stand, or as somebody
        supposes them), among the individually rational efficient packages on the table now: exact
        for two principals; for more, among the efficient packages of two-dimensional views
        (:meth:`_views`), which can miss the exact point (the whole efficient surface grows fast:
        9,000 packages and 10 s for the baseline with a third principal)."""
        rows = self._principal_rows
        r = payoffs.reservations(self.no_deal, self.cost_share)[rows]
        if len(rows) > 2:
            return Solutions(*self._views(self.tables(payoffs.select(rows)), r), r)
        front = self._efficient_for(payoffs.select(rows))
        return Solutions(front.packages, front.U, r)

    def _efficient_for(self, principals: Payoffs) -> Frontier:
        """The whole efficient set of ``principals`` (two) on the table now, memoized by what
        shapes it (their payoff arrays, not their no-deal costs: an event that only moves a cost of
        failure, or a prediction of the agreement it would bring, reuses the set); a change of what
        is on the table (:meth:`_open_axes`) empties the memo."""
        p = principals
        shape = (p.ideal, p.salience, p.risk, p.focal_weight, p.link_issues, p.link_targets, p.link_weight)
        key = b"".join(np.ascontiguousarray(a).tobytes() for a in shape)
        hit = self._efficient_memo.get(key)
        if hit is None:
            if len(self._efficient_memo) >= 64:  # the table's states are few; this bounds a long game
                self._efficient_memo.clear()
            hit = self._efficient_memo[key] = self.frontier_of(self.tables(p))
        return hit

    @property
    def public_payoffs(self) -> Payoffs:
        """The payoffs as everybody can know them: each private no-deal cost at its prior's mean,
        moved by what events did to it since (events are public)."""
        if self._public is None:
            public = self.payoffs.no_deal_cost + self._private_offset
            self._public = replace(self.payoffs, no_deal_cost=public)
        return self._public

    def outlook(self, event: str | None = None) -> np.ndarray | None:
        """The agreement the table predicts from the public payoffs (:meth:`public_payoffs`), as they
        stand or if ``event`` fired now (its effects applied): the protocol's prediction, None if
        it predicts failure. Memoized until the payoffs, the table or the protocol's own state (its
        :attr:`~wargame.protocols.base.NegotiationProtocol.version`) change."""
        key = (event, self.protocol.version)
        if key not in self._outlooks:
            payoffs = self.public_payoffs
            if event is not None:
                payoffs = events.apply_to_payoffs(payoffs, self.initial_scenario, self._effects[event])[0]
            self._outlooks[key] = self.protocol.predict(payoffs)
        return self._outlooks[key]

    def action_risk(self, event: str) -> float:
        """What ``event`` firing now adds to the chance that a breakdown ends the talks in the days
        left to their last (an upper bound: a deal may come sooner)."""
        fired = self.event_counts()
        return decisions.breakdown_risk(
            self.breakdowns.survival(fired),
            self.breakdowns.survival(fired, event),
            self.schedule.days_from(self.round),
        )

    def _views(self, tables: list[np.ndarray], r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The individually rational packages efficient in two-dimensional views of three or more
        principals: the first principal against weighted sums of the others (the weights a lattice
        of step 1/:data:`STEPS` on the simplex), each exact. A package efficient for every
        principal at once but in none of these views can be missed."""
        others = len(r) - 1
        lattice = [
            np.array(c) / STEPS for c in itertools.product(range(STEPS + 1), repeat=others) if sum(c) == STEPS
        ]
        choices, utility = [], []
        for w in lattice:
            view = [np.vstack([t[0], w @ t[1:], t]) for t in tables]
            # a package every principal accepts reaches both floors of the view (the floors must be
            # on the rows the view compares: a package it drops may be the only one that reaches a
            # floor elsewhere)
            floor = np.concatenate([[r[0], w @ r[1:]], np.full(len(r), -np.inf)])
            try:
                front = efficient_packages(view, self.blocks, self.open_axes, floor, dims=2)
            except NoPackage:  # no package gives every principal its reservation
                break
            choices.append(front.choice)
            utility.append(front.U[2:])
        if not choices:
            return self.status_quo[None, :], np.full((len(r), 1), -np.inf)
        choice, first = np.unique(np.concatenate(choices), axis=0, return_index=True)
        U = np.concatenate(utility, axis=1)[:, first]
        return self.blocks.packages(choice, self.open_axes), U

    def utility_of(self, package: np.ndarray) -> np.ndarray:
        """Every actor's current utility of one package: ``(A,)`` (memoized until payoffs change)."""
        x = np.asarray(package, dtype=float)
        key = x.tobytes()
        hit = self._utility_memo.get(key)
        if hit is None:
            hit = self._utility_memo[key] = self.payoffs.utilities(x[None, :])[:, 0]
            hit.setflags(write=False)
        return hit

    # -- the round ----------------------------------------------------------------------------

    def step(self) -> None:
        if not self.running:
            return
        self.protocol.play_round()
        if self.running and self.tracks:
            self._settle_due(self.round)
        if self.running and self.breakdowns:
            self._maybe_break()
        if self.collect:
            self.datacollector.collect(self)

    def react(self, round_: int) -> list[FiredEvent]:
        """Injects due this round fire; then every government with events of its own may act:
        each rolled (``trigger``) or chosen (``decision``) event by its chance, a person's when the
        person says so."""
        fired: list[FiredEvent] = []
        counts = self.event_counts()
        start = self.initial_scenario  # events change payoffs, never which events there are
        for inject in start.injects:
            if inject.round == round_:
                fired.append(self._fire(inject.event, "inject", None, inject.note))
                counts[inject.event] += 1
        if start.events:
            utility = self.utility_of(self.standing_offer)  # payoffs may have moved since it was made
            due: list[tuple[str, str, float]] = []
            # the governments move at once: every chance from the table as the round starts, in the
            # events' name order, then what fired applied in that order (the file's order decides
            # nothing, and no government sees another's move of the same round before its own)
            for name in sorted(start.events):
                event = start.events[name]
                if event.trigger is None and event.decision is None:
                    continue  # fired by injects only
                draw = self.rng.random()  # drawn every round, so one event never shifts another's
                if event.actor in self.humans or counts[name] >= event.max_fires:
                    continue  # a person decides when its government's events fire (same draws, same luck)
                if event.trigger is not None:
                    p = float(events.hazard(event.trigger, utility[self.payoffs.index(event.actor)]))
                    cause = "hazard"
                else:
                    assert event.decision is not None
                    agent = self._agent_of[event.actor]
                    p = agent.chance_to_act(name, event.decision.cost, event.decision.noise)
                    cause = "choice"
                if draw < p:
                    due.append((name, cause, p))
            for name, cause, p in due:
                fired.append(self._fire(name, cause, p))
                counts[name] += 1
        for agent in self.agents:  # by name; a principal with events of its own is asked too
            if agent.seat is None:
                continue
            mine = [
                n
                for n in sorted(start.events)
                if start.events[n].actor == agent.actor and counts[n] < start.events[n].max_fires
            ]
            choice = agent.act(round_, mine) if mine else None
            if choice is not None:
                if choice not in mine:
                    raise ValueError(
                        f"{agent.actor} cannot trigger '{choice}' now (it may: {', '.join(mine)})"
                    )
                fired.append(self._fire(choice, "player", None))
                counts[choice] += 1
        return fired

    def _fire(self, name: str, cause: str, p: float | None, note: str = "") -> FiredEvent:
        """Event ``name`` changes the payoffs; only what those changes feed is recomputed."""
        start = self.initial_scenario
        self.payoffs, changes, touched = events.apply_to_payoffs(self.payoffs, start, self._effects[name])
        record = FiredEvent(self.round, name, start.events[name].actor, cause, p, changes, note)
        self.fired.append(record)
        self._changed.update({c.path: c.new for c in changes})
        self._scenario = None
        self._payoffs_changed()
        for agent in self.agents:
            agent.refresh(touched)
        return record

    def record(self, entry: RoundRecord) -> None:
        self.history.append(entry)

    # -- tracks and breakdowns ----------------------------------------------------------------

    @property
    def no_deal(self) -> np.ndarray:
        """What the talks failing now leaves on every issue (settled tracks keep their terms)."""
        return self.tracks.no_deal

    @property
    def track_result(self) -> dict[str, tuple[bool, int]]:
        """Track -> (agreed, round settled), for the tracks settled so far."""
        return self.tracks.result

    def settle(self, package: np.ndarray) -> np.ndarray:
        """``package`` (or packages, ``(B, I)``) with every settled track's issues at their settled values."""
        return self.tracks.settle(package)

    def admissible(self, package: np.ndarray) -> np.ndarray:
        """``package`` with the value of every issue decided among options snapped to the nearest
        option (a forecast moves continuously; an agreement picks an option)."""
        if not self._options:
            return package
        out = np.array(package, dtype=float)
        for i in self._options:
            out[i] = self.grid[i][nearest(self.grid[i], out[i])]
        return out

    def vetoes(self, package: np.ndarray, columns: np.ndarray | None = None) -> list[str]:
        """The ratifiers that would veto ``package`` (only its ``columns``, when given)."""
        if not self.ranges:
            return []
        return ratification.vetoes(package, self.ranges, None if columns is None else list(columns))

    @property
    def cost_share(self) -> float:
        """The part of ``no_deal_cost`` the talks failing now would cost: the share of tracks still open."""
        return self.tracks.cost_share

    def settled_values(self) -> dict[str, float]:
        """Issue -> value, for the issues of every track settled so far (agreed or failed)."""
        return {self.issue_names[i]: v for i, v in self.tracks.settled_columns().items()}

    def _settle_due(self, round_: int, final: bool = False) -> None:
        """Settle every open track whose deadline is ``round_`` (all open ones when ``final``) by
        the rule of :mod:`wargame.tracks`. When every track is settled, the talks end."""
        due = self.tracks.due(round_, final)
        if not due:
            return
        rows = self._principal_rows

        def gains(offer: np.ndarray, failing: np.ndarray) -> np.ndarray:
            return self.utility_of(offer)[rows] - self.utility_of(failing)[rows]

        offer = self.settle(self.standing_offer)  # the round's offer (the forecast, without offers)
        self.tracks.decide(
            due,
            round_,
            offer,
            gains,
            self.payoffs.no_deal_cost[rows],
            final,
            lambda o, c: bool(self.vetoes(o, c)),
        )
        if final:
            return
        if self.tracks.all_settled:  # settled at deadlines, nothing left open
            self.finish(deal=False, outcome=self.no_deal, proposer=None)
            return
        if not any(name in self.tracks.result for name in due):
            return  # every due deadline slipped: the table is as it was
        # the table shrinks to packages with the settled terms
        settled = self.tracks.settled_columns()
        self._open_axes(tuple(np.array([settled[i]]) if i in settled else a for i, a in enumerate(self.axes)))
        self._payoffs_changed()
        for agent in self.agents:
            agent.refresh(None)

    def _maybe_break(self) -> None:
        """After a round that did not end the talks: does any breakdown cause end them now?"""
        cause = self.breakdowns.draw(self.event_counts(), self.schedule.days_of(self.round))
        if cause is not None:
            self.breakdown_cause = cause
            self.finish(deal=False, outcome=self.no_deal, proposer=None)

    def finish(self, deal: bool, outcome: np.ndarray, proposer: str | None) -> None:
        """The talks end: in a deal on ``outcome``, or without one (then every open track is
        settled: at the deadline by its rule, in a breakdown as failed)."""
        agreement = deal  # the principals agreed on everything still open
        if self.tracks:
            if deal:
                outcome = self.settle(outcome)
                self.tracks.close(True, self.round)
                deal = self.tracks.all_agreed  # a track may have failed before
            elif self.breakdown_cause is not None:
                self.tracks.close(False, self.round)
                outcome = self.no_deal  # the open tracks' no-deal values never changed
            else:
                self._settle_due(self.round, final=True)
                # a deal if every track was agreed, some at their deadlines: no offer was accepted
                deal = self.tracks.all_agreed
                outcome = self.no_deal
        if self.breakdown_cause is not None:
            self.ended = "breakdown"
        else:
            self.ended = "agreement" if agreement else "deadline"
        self.deal = deal
        self.outcome = np.array(outcome, dtype=float)
        self.deal_round = self.round if deal else None
        self.deal_proposer = proposer
        self.running = False
        # Mesa 3.3 keeps every model forever in Agent._ids (a class-level counter keyed by model);
        # the episode adds no more agents, so let it go, or thousands of episodes leak gigabytes
        mesa.Agent._ids.pop(self, None)

    def event_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.initial_scenario.events, 0)
        for e in self.fired:
            counts[e.event] += 1
        return counts

    # -- results ------------------------------------------------------------------------------

    def run(self) -> Episode:
        """Play to a deal or the deadline and return the :class:`Episode`."""
        while self.running:
            self.step()
        return self.episode()

    def episode(self) -> Episode:
        if self.running or self.outcome is None:
            raise RuntimeError("the episode has not ended yet; call run() or step() until running is False")
        utility = self.utility_of(self.outcome)
        if not self.deal:
            failed = self.tracks.failed if self.tracks else 1
            utility = utility - failure_share(failed, len(self.tracks.columns)) * self.payoffs.no_deal_cost
        # measured against the talks failing outright, whatever tracks settled on the way
        reservations = (
            self.payoffs.reservations(self.tracks.base_no_deal) if self.tracks else self.reservations
        )
        rounds_waited = self.deal_round if self.deal else 0
        nash = self.solutions.nash
        # measures use the payoffs the talks started with: what each actor came for (events move
        # ideals and saliences on the way, and would otherwise move the yardstick)
        start = self.initial_payoffs
        last = len(self.history) - 1
        forecast, forecast_mean = self.protocol.forecast()
        return Episode(
            scenario=self.initial_scenario.name,
            protocol=self.initial_scenario.protocol,
            seed=self.seed_value,
            deal=self.deal,
            deal_round=self.deal_round,
            proposer=self.deal_proposer,
            rounds_played=len(self.history),
            outcome=self.by_issue(self.outcome),
            utility=self.by_actor(utility),
            reservation=self.by_actor(reservations),
            gain=self.by_actor(utility - reservations),
            discounted=self.by_actor(self.payoffs.discount**rounds_waited * utility),
            events=tuple(self.fired),
            event_counts=self.event_counts(),
            nash=None if nash is None else self.by_issue(nash),
            nash_distance=None
            if nash is None
            else float(space.distance(self.outcome, nash, self.payoffs.lo, self.payoffs.hi)),
            rounds=tuple(self.history),
            forecast=self.by_issue(self.outcome if forecast is None else forecast),
            forecast_mean=None if forecast_mean is None else self.by_issue(forecast_mean),
            ended=self.ended,
            breakdown=self.breakdown_cause,
            deal_day=float(self.schedule.end_day[self.deal_round]) if self.deal_round is not None else None,
            end_day=float(self.schedule.end_day[last]) if last >= 0 else 0.0,
            end_phase=self.schedule.phase[last] if last >= 0 else "",
            tracks=dict(self.track_result),
            slips=dict(self.tracks.slips) if self.tracks else {},
            first_proposer=self.principals[0].actor,
            concession=self.by_actor(
                measures.concession(self.outcome, start.ideal, start.salience, start.lo, start.hi)
            ),
            movement=self.by_issue(measures.movement(self.outcome, self.status_quo, start.lo, start.hi)),
        )

    def by_issue(self, values: np.ndarray) -> dict[str, float]:
        """Issue name -> value."""
        return {k: float(v) for k, v in zip(self.issue_names, values, strict=True)}

    def by_actor(self, values: np.ndarray) -> dict[str, float]:
        """Actor name -> value."""
        return {k: float(v) for k, v in zip(self.actor_names, values, strict=True)}
