"""Alternating offers among the principals; one call of :func:`play_round` is one round.

1. stakeholders react to the standing offer (hazard events) and scheduled injects fire;
2. the proposer (principals in the scenario's order, in turn) offers a package from its strategy;
3. every other principal accepts or rejects; stakeholders state support or opposition;
4. all principals accept -> deal and the episode ends; after the last round -> no deal, and
   every issue takes its ``no_deal`` value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.episode import RoundRecord

if TYPE_CHECKING:
    from wargame.model import NegotiationModel


def play_round(model: NegotiationModel) -> None:
    t = model.round
    fired = model.react(t)

    principals = model.principals
    proposer = principals[t % len(principals)]
    offer = proposer.propose(t)
    model.offers.append((t, proposer.actor, offer))
    responses = {a.actor: a.respond(offer, t) for a in principals if a is not proposer}
    support = {s.actor: s.supports(offer) for s in model.stakeholders}
    model.standing_offer = offer
    model.standing_utility = utility = model.utility_of(offer)
    deal = all(responses.values())

    model.record(
        RoundRecord(
            round=t,
            proposer=proposer.actor,
            offer=dict(zip(model.issue_names, map(float, offer), strict=True)),
            responses=responses,
            support=support,
            utility=dict(zip(model.actor_names, map(float, utility), strict=True)),
            aspiration={a.actor: float(a.aspiration_now) for a in principals},
            events=tuple(e.event for e in fired),
            deal=deal,
        )
    )
    if deal:
        model.finish(deal=True, outcome=offer, proposer=proposer.actor)
    elif t >= model.rounds - 1:
        model.finish(deal=False, outcome=model.no_deal, proposer=None)
