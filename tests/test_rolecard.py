"""Role cards (issue 21, items 7 and 9c): a government's card shows its own payoffs in full and
nothing of any other government's but what the scenario makes public (its name and role); a
failure's cost is put in words that make sense for a cost, for none and for a gain."""

from __future__ import annotations

import json

import numpy as np
import pytest

from wargame import classroom
from wargame.parameters import payoffs_of
from wargame.scenario import Scenario, validate_scenario

from .conftest import BILATERAL, PACKAGE, TEACHING

SCENARIOS = [TEACHING, PACKAGE, BILATERAL]


def _load(path) -> Scenario:
    from wargame.scenario import load_scenario

    return load_scenario(path)


def _disguised(scenario: Scenario, actor: str, k: int = 0) -> tuple[Scenario, list[str]]:
    """``scenario`` with ``actor``'s private payoffs changed to values found nowhere else (ideals,
    saliences, shapes, focal weights, linkages, discount, no-deal cost), and those values as the
    card would write them."""
    data = json.loads(json.dumps(scenario.data()))  # a deep copy
    spec = data["actors"][actor]
    written = []
    for n, (name, issue) in enumerate(scenario.issues.items()):
        if issue.options is not None:  # an option it did not want before
            values = [o.value for o in issue.options]
            spec["ideal"][name] = next(v for v in values if v != spec["ideal"][name])
            continue
        # an off-grid value inside the range, its digits distinct for every actor and issue
        value = round(issue.lo + (0.3137 + 0.0411 * n + 0.0053 * k) * (issue.hi - issue.lo), 4)
        spec["ideal"][name] = value
        written.append(f"{value:g}")
    spec["salience"] = {name: 0.0713 * (n + 1) for n, name in enumerate(scenario.issues)}
    spec["risk"] = 0.77
    spec["focal_weight"] = {name: 0.0271 for name in spec.get("focal_weight", {})}  # events may name them
    for link in spec.get("linkages", []):
        link["weight"] = 0.0389
    spec["discount"] = 0.913
    spec["no_deal_cost"] = round(0.0917 + 0.001 * k, 4)
    written.append(f"{spec['no_deal_cost']:g}")
    return validate_scenario(data, f"{scenario.name} (disguised {actor})"), written


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_card_says_nothing_of_another_governments_payoffs(path):
    """For every government and every other one: changing the other's private payoffs changes
    nothing on the card, and none of the other's values is on it (HEAD listed every other
    government's ideal on every issue, its top issue, and compared no-deal costs)."""
    scenario = _load(path)
    for k, me in enumerate(scenario.actors):
        card = classroom.brief(scenario, me)
        assert "cares most about" not in card and "loses more from a no-deal" not in card
        for other, theirs in scenario.actors.items():
            if other == me:
                continue
            disguised, written = _disguised(scenario, other, k)
            assert classroom.brief(disguised, me) == card, (me, other)
            shown = classroom.brief(disguised, me)
            for value in written:
                assert value not in shown, (me, other, value)
            if theirs.strategy is not None:
                assert theirs.strategy.name not in card, (me, other)


def test_seouls_card_keeps_washingtons_ideals_top_issue_and_no_deal_cost(package):
    """The reported case: Seoul's card of the package named Washington's ideal on every issue,
    its top issue and its no-deal cost (0.04)."""
    card = classroom.brief(package, "seoul")
    private = card.split("What you want", 1)[1]  # after the public situation and the own briefing
    washington = package.actors["washington"]
    assert f"{washington.no_deal_cost:g}" not in private
    assert "Defence spending 3.8" not in private and "US energy purchases 150" not in private
    assert "Washington (President Donald Trump) sits at the table" in card  # its name and role, public
    assert "The debrief reveals every government's payoffs when the game is over" in card


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_card_shows_its_own_payoffs_in_full(path):
    """Its ideal and share of every issue, the shape of its losses, its focal weights and
    linkages, what a failure leaves it (its no-deal cost) and its walk-away value."""
    from wargame.classroom.rolecard import _pct

    scenario = _load(path)
    p = payoffs_of(scenario)
    for me, spec in scenario.actors.items():
        card = " ".join(classroom.brief(scenario, me).split())
        a = p.index(me)
        total = p.salience[a].sum() + p.focal_weight[a].sum() + sum(link.weight for link in spec.linkages)
        for i, (name, issue) in enumerate(scenario.issues.items()):
            label = issue.label or name
            want = f'"{issue.label_of(spec.ideal[name])}"' if issue.options else f"{spec.ideal[name]:g}"
            assert f"{label}: you want {want}" in card, (me, name)
            assert f"({_pct(p.salience[a, i] / total)} of what you care about)" in card
            if p.focal_weight[a, i] > 0:
                assert f"Landing exactly on a value everyone knows for {label}" in card
        if (p.risk[a] > 1).any():
            assert "A small step away from it costs you little, a long way much." in card
        if (p.risk[a] == 1).all():
            assert "every step away from what you want costs you the same" in card
        for link in spec.linkages:
            assert f"({_pct(link.weight / total)} of what you care about)" in card
        reservation = p.reservations(np.array([i.no_deal for i in scenario.issues.values()]))[a]
        assert f"That is worth {reservation:.2f} to you" in card
        if spec.no_deal_cost:
            assert f"{abs(spec.no_deal_cost):g} that a failure itself" in card
        if spec.role == "principal":
            assert f"Accept nothing worth less than {reservation:.2f} to you" in card
        if spec.discount < 1:
            assert f"every round a deal is worth {100 * (1 - spec.discount):.0f}% less to you" in card


@pytest.mark.parametrize("cost", [0.0, 0.06, -0.05])
@pytest.mark.parametrize("actor", ["seoul", "beijing"])
def test_a_failures_cost_is_put_in_words_that_make_sense(teaching, actor, cost):
    """Issue 21, item 9c: HEAD wrote "after the 0 a failure costs you on top" on a stakeholder's
    card (no no-deal cost), and "after the -0.05 ..." for a gain."""
    data = teaching.data()
    data["actors"][actor]["no_deal_cost"] = cost
    card = " ".join(classroom.brief(validate_scenario(data, "test"), actor).split())
    assert "a failure costs you on top" not in card and "after the 0" not in card
    assert "-0" not in card
    if cost == 0:
        assert "a failure costs you nothing beyond those values." in card
    elif cost > 0:
        assert f"what those values are worth to you, less {cost:g} that a failure itself costs you." in card
    else:
        assert f"what those values are worth to you, plus {-cost:g} that a failure itself gains you." in card
    # a stakeholder has no veto: no "bottom line", no advice to walk away
    stakeholder = teaching.actors[actor].role == "stakeholder"
    assert ("Your bottom line" in card) != stakeholder
    assert ("Accept nothing worth less than" in card) != stakeholder
