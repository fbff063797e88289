"""Alternating offers among the principals; one :meth:`~AlternatingOffers.play_round` is one round.

1. scheduled injects fire, and the governments act through their events (rolled or chosen);
2. the proposer (principals in turn, in the order the model drew: never the file's order) offers a
   package from its strategy;
3. every other principal accepts or rejects; stakeholders state support or opposition; a refusal
   teaches the others about the refuser's private type (:mod:`wargame.beliefs`);
4. all principals accept, and no ratifier vetoes it -> deal and the episode ends; after the last
   round -> no deal, and every issue takes its ``no_deal`` value.
"""

from __future__ import annotations

from agents.negotiator import Offer
from wargame.episode import RoundRecord
from wargame.protocols.base import NegotiationProtocol


class AlternatingOffers(NegotiationProtocol):
    """The principals take turns proposing; all must accept."""

    name = "alternating_offers"
    playable = True

    def play_round(self) -> None:
        table = self.table
        t = table.round
        fired = table.react(t)

        principals = table.principals
        proposer = principals[t % len(principals)]
        offer = table.settle(proposer.propose(t))  # settled tracks keep their terms
        table.offers.append(Offer(t, proposer.actor, offer))
        responses = {a.actor: a.respond(offer, t) for a in principals if a is not proposer}
        support = {s.actor: s.supports(offer) for s in table.stakeholders}
        table.standing_offer = offer
        table.standing_utility = utility = table.utility_of(offer)
        deal = all(responses.values())
        vetoed = tuple(table.vetoes(offer)) if deal else ()  # a ratifier can still refuse it
        deal = deal and not vetoed
        if not deal:
            for principal in principals:  # refusals teach each side about the others' types
                principal.observe(offer, responses)

        table.record(
            RoundRecord(
                round=t,
                proposer=proposer.actor,
                offer=table.by_issue(offer),
                responses=responses,
                support=support,
                utility=table.by_actor(utility),
                aspiration={a.actor: float(a.aspiration_now) for a in principals},
                events=tuple(e.event for e in fired),
                deal=deal,
                vetoed_by=vetoed,
            )
        )
        if deal:
            table.finish(deal=True, outcome=offer, proposer=proposer.actor)
        elif t >= table.rounds - 1:
            table.finish(deal=False, outcome=table.no_deal, proposer=None)
