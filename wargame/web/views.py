"""What each side is shown of a session, as the JSON its page reads: a seat sees the public
situation, its own government's briefing and table, and the decision asked of it; the facilitator
sees every seat, the news to release and the game's folder. Nothing here changes a session."""

from __future__ import annotations

from typing import Any

from wargame.classroom.rolecard import brief
from wargame.classroom.transcript import breakdown_text, verdict_text
from wargame.classroom.turns import Position, table_for
from wargame.web.sessions import Session


def seat_state(session: Session, actor: str) -> dict[str, Any]:
    """All a seat's page shows: the public situation, this government's briefing only, the table as
    it sees it, the decision asked of it (if any), the news and the history."""
    with session.lock:
        position = session.current()
        ask = position.ask if position.ask is not None and position.ask.actor == actor else None
        spec = session.scenario.actors[actor]
        return {
            **_common(session, position),
            "actor": actor,
            "name": spec.name or actor,
            "role": spec.role,
            "briefing": brief(session.scenario, actor, "md"),
            "table": table_for(position, actor),
            "ask": None if ask is None else ask.to_dict(),
            "event_notes": {
                e: " ".join(session.scenario.events[e].description.split()) for e in (ask.events or ())
            }
            if ask is not None
            else {},
        }


def facilitator_state(session: Session) -> dict[str, Any]:
    """The facilitator's view of a session: the public situation, who joined, the agents' seats,
    the news (released or not), the folder and the seed."""
    with session.lock:
        position = session.current()
        return {
            **_common(session, position),
            "seats": {a: {"joined": session.joined.get(a)} for a in session.humans},
            "agents": [a for a in session.scenario.actors if a not in session.humans],
            "schedule": session.schedule,
            "news_items": [
                {**item, "index": k, "released": session.released.get(k)}
                for k, item in enumerate(session.news_items)
            ],
            "folder": str(session.folder),
            "seed": session.seed,
        }


def _common(session: Session, position: Position) -> dict[str, Any]:
    """What every page of a session shows: where the game stands, the news, the events, the
    rounds played and, once it is over, how it ended."""
    game = position.game
    model = game.model
    assert model is not None
    played = game.scenario
    now = position.ask.round if position.ask is not None else len(model.history)
    ending = game.ending()
    return {
        "session": session.id,
        "scenario": session.scenario.name,
        "source": session.source,
        "status": session.status.value,
        "debrief": session.debrief_shown,
        "humans": session.humans,
        "situation": played.classroom.situation if played.classroom else played.description,
        "round": now,
        "rounds": model.rounds,
        "waiting_for": None if position.ask is None else position.ask.actor,
        # the news of every round begun (the round under way included; after the end, none more)
        "news": [
            {"round": t, "text": text}
            for t in range(now + (position.ask is not None))
            for text in game.announcements(t)
        ],
        "events": [
            {"round": e.round, "event": e.event, "actor": e.actor, "cause": e.cause} for e in model.fired
        ],
        "history": [
            {
                "round": r.round,
                "proposer": r.proposer,
                "offer": r.offer,
                "responses": r.responses,
                "events": r.events,
                "deal": r.deal,
            }
            for r in model.history
        ],
        # how the game ended: the deal or why not (a breakdown: its round, cause and why), as the
        # terminal game and `wargame run` say it
        "outcome": None
        if ending is None
        else {
            "deal": ending["deal"],
            "outcome": ending["outcome"],
            "ended": ending["ended"],
            "round": ending["round"],
            "breakdown": None if ending["breakdown"] is None else ending["breakdown"]["name"],
            "verdict": verdict_text(ending),
            "why": breakdown_text(ending),
        },
    }
