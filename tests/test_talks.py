"""Talks that can fail for reasons: the calendar, tracks settled at their deadlines, breakdowns."""

import numpy as np
import pandas as pd
import pytest

from wargame import NegotiationModel, bdm, timeline


def _play(scenario, seeds, **kwargs) -> pd.DataFrame:
    return pd.DataFrame(
        [NegotiationModel(scenario, seed=k, collect=False, **kwargs).run().to_row() for k in seeds]
    )


def test_the_calendar_puts_the_summit_on_25_august(package):
    plan = timeline.schedule(package)
    assert plan.phase[:6] == ("pre_summit",) * 4 + ("summit", "follow_on")
    assert plan.date(4) == "2025-08-25"
    assert timeline.deadline(package, "economic") == 4
    assert timeline.deadline(package, "security") == package.rounds - 1
    # rounds beyond the listed phases go on in the last one; a phase cut off is not reached
    longer = timeline.schedule(package.with_values({"rounds": 14}))
    assert longer.phase[-1] == "follow_on" and longer.end_day[-1] - longer.end_day[-2] == 18
    short = package.with_values({"rounds": 3, "tracks": {}, "classroom": None})
    assert timeline.phases_in(short) == ["pre_summit"]


def test_the_economic_track_is_settled_by_the_summit_or_its_deadline_slips(package):
    rows = _play(package, range(40))
    slipped = rows["slips.economic"] > 0
    assert (rows.loc[~slipped, "settled_round.economic"] <= 4).all()
    later = rows.loc[slipped]
    assert ((later["settled_round.economic"] > 4) | (later["ended"] == "breakdown")).all()
    assert set(rows["ended"]) <= {"agreement", "deadline", "breakdown"}
    dealt = rows[rows["deal"]]
    assert dealt["agreed.economic"].all() and dealt["agreed.security"].all()
    # a deal's day is the end of its round in the calendar
    plan = timeline.schedule(package)
    np.testing.assert_array_equal(dealt["deal_day"], plan.end_day[dealt["deal_round"].to_numpy()])


def _deadlocked(package):
    """Two hardliners who never agree on the whole package, no events or breakdowns."""
    return package.with_values(
        {
            # firm enough never to agree the whole package, not so firm that no track vote passes
            "actors.seoul.strategy": {"name": "hardliner", "level": 0.93},
            "actors.washington.strategy": {"name": "hardliner", "level": 0.93},
            "breakdown": {},
            "injects": [],
            "events": {},
            "classroom": None,
            "ratification": {},  # the votes alone decide (tests/test_ratification.py: vetoes)
        }
    )


def _gains_over_failing(m, package, track):
    """Each principal's gain, by its true payoffs at the end, from ``track`` settled on ``package``'s
    terms rather than failing (the track's share of the no-deal cost spared)."""
    cols = [m.issue_names.index(i) for i in m.initial_scenario.tracks[track].issues]
    failing = np.array(package, dtype=float)
    failing[cols] = m.tracks.base_no_deal[cols]
    rows = m._principal_rows
    share = 1 / len(m.tracks.columns)
    return m.utility_of(package)[rows] - m.utility_of(failing)[rows] + share * m.payoffs.no_deal_cost[rows]


def test_a_deadline_settles_only_terms_every_principal_accepts_else_it_slips(package):
    """Hardliners never agree on the whole package. At the summit the round's offer is put to them
    for the economic track alone: agreed when both prefer its terms to the track failing; otherwise
    nothing is imposed and the deadline slips to the talks' last round, where the vote is held again."""
    scenario = _deadlocked(package)
    agreed_at_summit = slipped = 0
    for seed in range(12):
        m = NegotiationModel(scenario, seed=seed, collect=False)
        episode = m.run()
        assert episode.deal_round in (None, scenario.rounds - 1)  # never the whole package early
        agreed, at = episode.tracks["economic"]
        economic = scenario.tracks["economic"].issues
        voted = 4 if episode.slips["economic"] == 0 else scenario.rounds - 1
        assert at == voted
        offer = next(o.package for o in m.offers if o.round == voted)
        if agreed:
            columns = [m.issue_names.index(i) for i in economic]
            got = np.array([episode.outcome[i] for i in economic])
            np.testing.assert_allclose(offer[columns], got)  # the voted offer's terms, nobody else's
            assert (_gains_over_failing(m, offer, "economic") >= -1e-12).all()
        else:
            assert all(episode.outcome[i] == scenario.issues[i].no_deal for i in economic)
        if episode.slips["economic"]:
            slipped += 1
            assert (_gains_over_failing(m, m.offers[4].package, "economic") < -1e-12).any()
        else:
            agreed_at_summit += 1
        # after the track is settled every offer keeps its terms
        for o in m.offers:
            if o.round > at:
                assert all(o.package[m.issue_names.index(i)] == episode.outcome[i] for i in economic)
    assert agreed_at_summit and slipped  # both happen: the vote decides, not a rule


def test_a_partial_agreement_costs_part_of_the_failure(package):
    """The economic track settles at the summit; a crisis in round 6 ends the talks before the
    security track does: one track agreed, one failed. Utility pays half of no_deal_cost, and
    gain is measured against the talks failing outright."""
    scenario = _deadlocked(package).with_values(
        {
            # Pyongyang's launch only as the inject: not its choice
            "events": {
                k: v.model_dump(
                    exclude_none=True, exclude={"decision"} if k == "pyongyang_provocation" else None
                )
                for k, v in package.events.items()
            },
            "injects": [{"round": 6, "event": "pyongyang_provocation"}],
            "breakdown": {"escalation": {"per_fire": {"pyongyang_provocation": 1.0}}},
        }
    )
    rows = _play(scenario, range(8))
    assert (rows["ended"] == "breakdown").all() and (rows["rounds_played"] == 7).all()
    partial = rows[rows["agreed.economic"]]
    assert len(partial) and not partial["agreed.security"].any()
    for seed in partial.index:
        m = NegotiationModel(scenario, seed=int(seed), collect=False)
        e = m.run()
        for i in scenario.tracks["security"].issues:
            assert e.outcome[i] == scenario.issues[i].no_deal
        x = np.array([e.outcome[i] for i in scenario.issues])
        u = m.payoffs.utilities(x[None, :])[:, 0] - 0.5 * m.payoffs.no_deal_cost
        r = m.payoffs.reservations(np.array([i.no_deal for i in scenario.issues.values()]))
        np.testing.assert_allclose([e.utility[a] for a in m.actor_names], u, atol=1e-12)
        np.testing.assert_allclose([e.gain[a] for a in m.actor_names], u - r, atol=1e-12)


def test_a_certain_breakdown_ends_the_talks_after_the_first_round(teaching):
    scenario = teaching.with_values({"breakdown": {"crisis": {"hazard": 1.0}}})
    e = NegotiationModel(scenario, seed=1).run()
    assert (e.ended, e.breakdown, e.rounds_played, e.deal) == ("breakdown", "crisis", 1, False)
    assert e.outcome == {n: i.no_deal for n, i in teaching.issues.items()}
    assert all(g == pytest.approx(0.0, abs=1e-12) for g in e.gain.values())


def test_a_breakdown_can_follow_an_event(teaching):
    """The round-1 inject makes the hazard 1 from then on: the talks end after round 1."""
    scenario = teaching.with_values(
        {
            "breakdown": {"escalation": {"per_fire": {"pyongyang_provocation": 1.0}}},
            "actors.washington.strategy": {"name": "hardliner", "level": 0.99},
        }
    )
    for seed in range(5):
        e = NegotiationModel(scenario, seed=seed).run()
        if e.deal and e.deal_round <= 1:
            continue  # a deal first
        assert e.breakdown == "escalation"
        fired = [f.round for f in e.events if f.event == "pyongyang_provocation"]
        assert e.rounds_played - 1 == min(fired)


def test_breakdowns_are_coupled_across_hazards(teaching):
    """Common random numbers: with the same seed a larger hazard breaks the talks no later."""
    low = _play(teaching.with_values({"breakdown": {"d": {"hazard": 0.05}}}), range(60))
    high = _play(teaching.with_values({"breakdown": {"d": {"hazard": 0.15}}}), range(60))
    broke_low, broke_high = low["ended"] == "breakdown", high["ended"] == "breakdown"
    assert (broke_high | ~broke_low).all()  # every breakdown at the low hazard happens at the high one
    both = broke_low & broke_high
    assert (high.loc[both, "rounds_played"] <= low.loc[both, "rounds_played"]).all()
    assert broke_high.sum() > broke_low.sum() > 0


def test_the_package_runs_under_expected_utility(package):
    rows = _play(package.with_values({"protocol": "expected_utility"}), range(6))
    at_summit = rows["slips.economic"] == 0
    assert (rows.loc[at_summit, "settled_round.economic"] <= 4).all()
    assert (rows.loc[~at_summit, "settled_round.economic"] > 4).all()
    for issue in ("flexibility_statement", "investment_terms"):  # an option, never a point between two
        assert rows[f"forecast.{issue}"].isin(package.issues[issue].values).all()
        assert rows[f"outcome.{issue}"].isin(package.issues[issue].values).all()


def test_an_actor_with_no_say_on_an_issue_draws_nobody_to_it():
    """Over many random tables: with capability 0 nobody gives way to the last actor; with a say,
    sometimes somebody does (the check is not vacuous)."""
    rng = np.random.default_rng(0)
    drawn_with_say = 0
    for _ in range(200):
        x = rng.uniform(0, 1, (1, 5))
        s = rng.uniform(0.2, 1, (1, 5))
        c = rng.uniform(0.2, 1, (1, 5))
        _, _, moves = bdm.step(x, c, s, 1.0)
        drawn_with_say += any(m.toward == 4 for m in moves[0])
        c[0, 4] = 0.0
        _, _, moves = bdm.step(x, c, s, 1.0)
        assert not any(m.toward == 4 for m in moves[0])
    assert drawn_with_say > 10


def test_without_its_hazards_the_baseline_always_agrees(package):
    """At the file's point values the zone of agreement is open and what each side learns brings
    their floors together: without hazards every seed agrees. Failures without hazards come from
    the true types a Monte Carlo draws (tests/test_beliefs.py)."""
    rows = _play(package.with_values({"breakdown": {}}), range(60))
    assert rows["deal"].all() and (rows["ended"] == "agreement").all()
