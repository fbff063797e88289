"""A game played one decision at a time (what the browser classroom drives): the same engine as the
terminal game, replayed from its moves to the decision it waits for."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.classroom.game import classroom_scenario
from wargame.classroom.moves import Move
from wargame.classroom.turns import as_released, check_move, play_to_ask, scheduled_items, table_for, worth

HUMANS = ["seoul", "washington", "pyongyang"]


def policy(position, draw) -> object:
    """A legal move for the decision ``position`` waits for, chosen by ``draw(n)`` (an index below n)."""
    ask = position.ask
    if ask.kind == "propose":
        table = table_for(position, ask.actor)
        return {
            "propose": {
                i["name"]: i["settled"] if i["settled"] is not None else i["values"][draw(len(i["values"]))]
                for i in table["issues"]
            }
        }
    if ask.kind == "respond":
        return ["accept", "reject"][draw(2)]
    options = ["pass", *({"trigger": e} for e in ask.events)]
    return options[draw(len(options))]


def play_out(scenario, seed, draw, humans=HUMANS, limit=200):
    moves = {a: [] for a in humans}
    position = play_to_ask(scenario, humans, seed, moves)
    asks = []
    while position.ask is not None and len(asks) < limit:
        move = policy(position, draw)
        assert check_move(position, position.ask.actor, move) == []
        asks.append(position.ask)
        moves[position.ask.actor].append(Move.from_wire(move))
        position = play_to_ask(scenario, humans, seed, moves)
    return position, moves, asks


def test_the_browser_game_and_the_terminal_game_play_the_same_game(package, tmp_path):
    """The moves a browser game was played with, given to ``wargame play --moves``, give the same
    decisions, rounds and outcome: both drive one engine."""
    from wargame.classroom.terminal import play

    rng = np.random.default_rng(5)
    position, moves, asks = play_out(package, 11, lambda n: int(rng.integers(n)))
    assert position.ask is None and len(asks) >= 3
    moves_file = tmp_path / "moves.yaml"
    moves_file.write_text(yaml.safe_dump({a: [m.wire() for m in made] for a, made in moves.items()}))
    result = play(package, HUMANS, seed=11, moves=moves_file, out=tmp_path, reference_runs=20, workers=1)
    assert result.status == "complete"
    web = position.game
    terminal = result.transcript
    assert [d.to_json() for d in web.decisions] == terminal["decisions"]
    assert len(web.model.history) == len(terminal["rounds"])
    assert web.model.episode().to_dict()["outcome"] == terminal["episode"]["outcome"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), choices=st.lists(st.integers(0, 1_000), min_size=1, max_size=60))
def test_any_legal_play_replays_exactly_and_stays_on_the_grid(teaching, seed, choices):
    stream = iter(choices * 10)

    def draw(n):
        return next(stream, 0) % n

    position, moves, asks = play_out(teaching, seed, draw)
    # every decision asked for is numbered in order, and every offer to answer is a package on the grid
    assert [a.number for a in asks] == list(range(len(asks)))
    for ask in asks:
        if ask.offer is not None:
            for value, issue in zip(ask.offer, teaching.issues.values(), strict=True):
                assert issue.lo <= value <= issue.hi and issue.admits(value)
    # the same moves give the same game, decision for decision
    again = play_to_ask(teaching, HUMANS, seed, moves)
    assert again.game.decisions == position.game.decisions
    assert (again.ask is None) == (position.ask is None)
    assert len(position.game.decisions) == sum(len(m) for m in moves.values())


def test_a_move_for_the_wrong_seat_kind_or_event_is_refused(teaching):
    position = play_to_ask(teaching, HUMANS, 0, {})
    ask = position.ask  # stakeholders react first in a round: Pyongyang may act before Seoul offers
    assert ask.actor == "pyongyang" and ask.kind == "act" and ask.events
    assert check_move(position, "pyongyang", {"trigger": ask.events[0]}) == []
    assert "cannot fire now" in check_move(position, "pyongyang", {"trigger": "tokyo_coordination"})[0]
    assert check_move(position, "pyongyang", {"pass": True}) == ["send 'pass' on its own"]
    assert check_move(position, "seoul", "pass") == ["it is pyongyang's turn, not seoul's"]
    position = play_to_ask(teaching, HUMANS, 0, {"pyongyang": [Move("pass")]})
    assert (position.ask.actor, position.ask.kind) == ("seoul", "propose")
    assert check_move(position, "washington", "accept") == ["it is seoul's turn, not washington's"]
    assert check_move(position, "seoul", "accept") == ["the game asks seoul to propose (propose)"]
    assert check_move(position, "seoul", {"propose": {}, "x": 1}) == [
        "the game asks seoul to propose (propose)"
    ]


def stubborn(position) -> object:
    """Reject every offer and propose the status quo of every open issue; stakeholders pass."""
    kind = position.ask.kind
    if kind == "respond":
        return "reject"
    if kind == "act":
        return "pass"
    table = table_for(position, position.ask.actor)
    return {
        "propose": {
            i["name"]: i["settled"] if i["settled"] is not None else i["status_quo"] for i in table["issues"]
        }
    }


def settled_proposal(scenario, seeds=range(20)):
    """The first position (over ``seeds``) where a person proposes after a track was settled."""
    for seed in seeds:
        moves = {a: [] for a in HUMANS}
        position = play_to_ask(scenario, HUMANS, seed, moves)
        while position.ask is not None:
            table = table_for(position, position.ask.actor)
            settled = {i["name"]: i["settled"] for i in table["issues"] if i["settled"] is not None}
            if position.ask.kind == "propose" and settled:
                return position, table, settled
            moves[position.ask.actor].append(Move.from_wire(stubborn(position)))
            position = play_to_ask(scenario, HUMANS, seed, moves)
    pytest.fail("no track settled while the talks went on")


def test_a_proposal_keeps_the_settled_tracks_terms(package):
    """Once a track is settled, a proposal must carry its terms (the terminal seat fills them in)."""
    position, table, settled = settled_proposal(package)
    name, value = next(iter(settled.items()))
    issue = table["issues"][[i["name"] for i in table["issues"]].index(name)]
    other = next(v for v in issue["values"] if v != value)
    move = stubborn(position)
    move["propose"][name] = other
    assert check_move(position, position.ask.actor, move) == [f"{name}: its track is settled at {value:g}"]
    # the preview of what a package is worth keeps the settled terms too
    assert (
        worth(position, position.ask.actor, move["propose"])[0]
        == worth(position, position.ask.actor, {**move["propose"], name: value})[0]
    )


def test_news_fires_on_schedule_or_only_when_released(teaching):
    humans = ["seoul"]
    assert as_released(teaching, humans, None) == classroom_scenario(teaching, humans)
    silent = as_released(teaching, humans, {})
    assert silent.injects == [] and silent.classroom.injects == []
    items = scheduled_items(teaching, humans)
    k = next(i for i, item in enumerate(items) if item["event"] is not None)
    released = as_released(teaching, humans, {k: 4})
    assert [(i.round, i.event) for i in released.injects] == [(4, items[k]["event"])]
    # the scenario as released is a fixed point of the classroom's own rewriting (Game.start applies it)
    assert classroom_scenario(released, humans) == released
