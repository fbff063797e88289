"""Events: hazards, injects, effects, and the record of what fired."""

import numpy as np
import pytest

from wargame import events
from wargame.events import effect_value, hazard
from wargame.model import NegotiationModel
from wargame.parameters import payoff_cell, payoffs_of
from wargame.scenario import Effect, Trigger


def test_hazard_formula_and_clipping():
    t = Trigger(base=0.1, slope=0.5)
    assert hazard(t, 1.0) == pytest.approx(0.1)
    assert hazard(t, 0.0) == pytest.approx(0.6)
    np.testing.assert_allclose(hazard(Trigger(base=0.9, slope=1.0), np.array([0.0, 1.0])), [1.0, 0.9])
    assert hazard(Trigger(base=0.0, slope=-1.0), 0.0) == 0.0


def test_effect_ops():
    assert effect_value(Effect(path="x", op="add", value=0.1), 0.5) == pytest.approx(0.6)
    assert effect_value(Effect(path="x", op="multiply", value=2), 0.5) == 1.0
    assert effect_value(Effect(path="x", op="set", value=3), 0.5) == 3
    assert effect_value(Effect(path="x", op="toward", value=15, fraction=0.5), 25) == 20


def test_effects_are_clamped_to_valid_values(teaching):
    effects = [
        Effect(path="actors.seoul.ideal.tariff", op="add", value=-100),
        Effect(path="actors.seoul.salience.tariff", op="add", value=-5),
        Effect(path="actors.seoul.discount", op="multiply", value=3),
    ]
    before = payoffs_of(teaching)
    after, changes, touched = events.apply_to_payoffs(
        before, teaching, [(e, payoff_cell(teaching, e.path)) for e in effects]
    )
    seoul, tariff = before.index("seoul"), before.issues.index("tariff")
    assert after.ideal[seoul, tariff] == 0.0
    assert after.salience[seoul, tariff] == 0.0
    assert after.discount[seoul] == 1.0
    assert [c.old for c in changes] == [0.0, 0.30, 0.98]
    assert touched == {seoul}
    assert before.salience[seoul, tariff] == 0.30  # the payoffs it was given are untouched
    # the scenario as it stands after them is valid
    changed = teaching.with_values({c.path: c.new for c in changes})
    np.testing.assert_array_equal(payoffs_of(changed).salience, after.salience)


def test_inject_fires_on_schedule_and_takes_effect(teaching):
    quiet = {f"events.{e}.trigger.base": 0.0 for e in teaching.events} | {
        f"events.{e}.trigger.slope": 0.0 for e in teaching.events
    }
    m = NegotiationModel(teaching, seed=5, overrides=quiet)
    before = m.scenario.actors["seoul"].salience["troop_level"]
    m.step()  # round 0: nothing scheduled
    assert m.fired == []
    m.step()  # round 1: the Ulchi Freedom Shield inject
    assert [(e.round, e.event, e.cause) for e in m.fired] == [(1, "pyongyang_provocation", "inject")]
    assert m.scenario.actors["seoul"].salience["troop_level"] == pytest.approx(before + 0.10)
    # agents see the change: Seoul's own utilities of its efficient packages are those of the
    # payoffs as the inject left them, not those it started with
    seoul = next(a for a in m.agents if a.actor == "seoul")
    now = m.payoffs.utilities(seoul.packages)[seoul.index]
    np.testing.assert_allclose(seoul.own, now, atol=1e-12)
    assert not np.allclose(seoul.own, m.initial_payoffs.utilities(seoul.packages)[seoul.index])
    assert m.history[1].events == ("pyongyang_provocation",)


def test_certain_hazard_fires_every_round_up_to_max_fires(teaching):
    s = teaching.with_values(
        {
            "events.tokyo_coordination.trigger.base": 1.0,
            "events.tokyo_coordination.max_fires": 3,
            "actors.seoul.strategy": {"name": "hardliner", "level": 0.99},
        }
    )
    episode = NegotiationModel(s, seed=0).run()
    tokyo = [e for e in episode.events if e.event == "tokyo_coordination"]
    assert [e.round for e in tokyo] == [0, 1, 2]
    assert episode.event_counts["tokyo_coordination"] == 3
    assert all(e.probability == 1.0 for e in tokyo)
    # each firing moves Seoul's tariff ideal a third of the remaining way to 15: the effects compound
    seoul = [next(c for c in e.changes if c.path == "actors.seoul.ideal.tariff") for e in tokyo]
    assert [c.old for c in seoul] == pytest.approx([0.0, 4.95, 8.2665])
    assert [c.new for c in seoul] == pytest.approx([4.95, 8.2665, 10.488555])
    washington = [next(c for c in e.changes if c.path == "actors.washington.ideal.tariff") for e in tokyo]
    assert all(c.old == c.new == 15.0 for c in washington)  # already at parity: no change


def test_impossible_hazard_never_fires(teaching):
    s = teaching.with_values(
        {"events.beijing_coercion.trigger.base": 0.0, "events.beijing_coercion.trigger.slope": -1.0}
    )
    for seed in range(10):
        assert NegotiationModel(s, seed=seed).run().event_counts["beijing_coercion"] == 0


def test_beliefs_are_computed_when_read_and_only_what_an_event_changed(teaching, monkeypatch):
    """An agent computes its efficient packages (for itself and the other principal as it sees
    them) when it first reads them, to propose: a responder never builds them. An event that
    changes only a stakeholder's payoffs leaves the principals' packages, views and plans alone; one
    that changes a principal's makes both principals recompute theirs, once, when next read."""
    quiet = {f"events.{e}.trigger.base": 0.0 for e in teaching.events} | {
        f"events.{e}.trigger.slope": 0.0 for e in teaching.events
    }
    m = NegotiationModel(teaching, seed=5, overrides={**quiet, "injects": []})
    calls = []
    tables = m.tables  # where an agent's efficient packages start: the block tables of its view
    monkeypatch.setattr(m, "tables", lambda p: calls.append(p.actors) or tables(p))
    m.step()  # round 0: Seoul proposes, Washington responds
    assert calls == [("seoul", "washington")]  # Seoul's view; Washington, responding, built none
    seoul, washington = (next(a for a in m.agents if a.actor == name) for name in ("seoul", "washington"))
    versions = seoul.version, washington.version
    s = m.initial_scenario
    # an effect on a stakeholder (Beijing's tariff salience, from Tokyo)
    m._effects["tokyo_coordination"] = [
        (e, payoff_cell(s, "actors.beijing.salience.tariff"))
        for e in s.events["tokyo_coordination"].effects[:1]
    ]
    packages = seoul.packages
    m._fire("tokyo_coordination", "test", None)
    assert (seoul.version, washington.version) == versions
    calls.clear()
    assert seoul.packages is packages and calls == []  # read again: what it computed still stands
    m.step()  # round 1: Washington proposes; nothing of the principals' changed but its view
    assert calls == [("washington", "seoul")]
    # an effect on a principal (Washington's troop-level salience, from Tokyo), twice
    effect = s.events["tokyo_coordination"].effects[2]
    assert effect.path == "actors.washington.salience.troop_level"
    m._effects["tokyo_coordination"] = [(effect, payoff_cell(s, effect.path))]
    calls.clear()
    for _ in range(2):
        m._fire("tokyo_coordination", "test", None)
    assert calls == []  # nothing is computed until read
    assert seoul.version > versions[0] and washington.version > versions[1]  # both must re-plan
    for agent in (seoul, washington, seoul, washington):  # each read twice, under the payoffs as they stand
        now = m.payoffs.utilities(agent.packages)[agent.index]
        np.testing.assert_allclose(agent.own, now, atol=1e-12)
    assert calls == [("seoul", "washington"), ("washington", "seoul")]  # each once, for both changes
