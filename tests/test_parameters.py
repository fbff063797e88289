"""The parameter grammar (wargame.parameters): one parser of dotted paths, bounds from the schema,
and changes written without re-validating the scenario that agree with full validation."""

import ast
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame import parameters, params
from wargame.errors import WargameError
from wargame.experiment import load_experiment
from wargame.montecarlo import payload_of
from wargame.scenario import Scenario, load_scenario
from wargame.worker import run_chunk

from .conftest import ROOT

SCENARIOS = sorted((ROOT / "configs" / "scenarios").glob("*.yaml"))
EXPERIMENTS = sorted((ROOT / "configs" / "experiments").glob("*.yaml"))


def _named_paths(s: Scenario) -> list[str]:
    return [p for p in params.numeric_paths(s.data()) if parameters.parameter(s, p) is not None]


def _outcome(s: Scenario, change: dict, fast: bool):
    """The scenario's data after the change, or the error messages (fast: with_values; else full)."""
    try:
        out = s.with_values(change) if fast else s._revalidated(change, "--set")
    except WargameError as err:
        return ("error", tuple(str(p) for p in err.problems))
    return ("ok", out.data())


@pytest.fixture(scope="module")
def scenarios():
    return {path.stem: load_scenario(path) for path in SCENARIOS}


def test_every_payoff_number_of_the_bundled_scenarios_is_named(scenarios):
    """Every number an actor's payoffs, an issue, a trigger or a breakdown holds is a Parameter (the
    fast path covers what experiments vary)."""
    for s in scenarios.values():
        named = set(_named_paths(s))
        for path in params.numeric_paths(s.data()):
            head = params.split_path(path)
            payoff = head[0] == "actors" and head[2] not in ("strategy",)
            if (
                payoff
                or head[0] in ("breakdown",)
                or (head[0] == "issues" and head[2] in ("status_quo", "no_deal"))
            ):
                assert path in named, path


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_change_written_in_place_agrees_with_full_validation(scenarios, data):
    """For any named parameter and any value (inside or far outside its bounds), writing it in
    place gives exactly the scenario full validation gives, or the same errors."""
    s = scenarios[data.draw(st.sampled_from(sorted(scenarios)))]
    paths = data.draw(st.lists(st.sampled_from(_named_paths(s)), min_size=1, max_size=3, unique=True))
    change = {}
    for path in paths:
        p = parameters.parameter(s, path)
        assert p is not None
        around = params.get_path(s.data(), path)
        width = max(abs(p.hi - p.lo) if math.isfinite(p.hi - p.lo) and p.hi - p.lo < 1e6 else 10.0, 1.0)
        change[path] = data.draw(
            st.one_of(
                st.floats(around - width, around + width, allow_nan=False),
                st.sampled_from([p.lo, p.hi, 0.0, -1.0, 1e13, around]),
                st.integers(-3, 3),
            )
        )
    assert _outcome(s, change, fast=True) == _outcome(s, change, fast=False)


@pytest.mark.parametrize(
    "path, lo, hi, open_lo",
    [
        ("actors.seoul.discount", 0.0, 1.0, True),  # Field(gt=0, le=1)
        ("actors.seoul.no_deal_cost", -1.0, 1.0, False),
        ("actors.seoul.salience.tariff", 0.0, 1e12, False),  # json_schema_extra minimum
        ("events.pyongyang_provocation.decision.cost", 0.0, 1.0, False),
        ("events.pyongyang_provocation.decision.noise", 0.0, 1.0, True),
        ("events.pyongyang_provocation.max_fires", 0.0, 1000.0, False),
    ],
)
def test_bounds_come_from_the_schema(scenarios, path, lo, hi, open_lo):
    p = parameters.parameter(scenarios["summit_2025_package"], path)
    assert p is not None
    assert (p.lo, p.hi, p.open_lo) == (lo, hi, open_lo)


def test_risk_bounds_and_an_ideal_on_an_issue(scenarios):
    s = scenarios["summit_2025_package"]
    risk = next(p for p in _named_paths(s) if ".risk" in p)
    assert (parameters.parameter(s, risk).lo, parameters.parameter(s, risk).hi) == (0.25, 10.0)
    ideal = parameters.parameter(s, "actors.washington.ideal.defense_spending")
    issue = s.issues["defense_spending"]
    assert (ideal.lo, ideal.hi, ideal.issue) == (issue.lo, issue.hi, "defense_spending")


def test_clamp_keeps_values_where_the_schema_allows(scenarios):
    s = scenarios["summit_2025_package"]
    assert parameters.clamp(s, "actors.seoul.discount", 0.0) == pytest.approx(1e-9)
    assert parameters.clamp(s, "actors.seoul.discount", 2.0) == 1.0
    assert parameters.clamp(s, "actors.seoul.salience.tariff", -0.5) == 0.0
    assert parameters.clamp(s, "actors.seoul.salience.tariff", 1e-15) == 0.0  # what a file may hold
    issue = s.issues["defense_spending"]
    assert parameters.clamp(s, "actors.seoul.ideal.defense_spending", 1e6) == issue.hi


def test_unknown_and_structural_paths_are_not_parameters(scenarios):
    s = scenarios["summit_2025_package"]
    for path in (
        "rounds",
        "actors.seoul.salience.nope",
        "actors.nobody.discount",
        "issues.tariff.unit",
        "a..b",
    ):
        assert parameters.parameter(s, path) is None


def test_a_strategy_and_its_parameters_are_written_in_place(scenarios):
    s = scenarios["summit_2025_package"]
    out = s.with_values({"actors.washington.strategy": {"name": "hardliner", "level": 0.9}})
    assert out.actors["washington"].strategy.name == "hardliner"
    out = s.with_values({"actors.washington.strategy.e": 0.7})
    assert out.actors["washington"].strategy.e == 0.7
    assert s.actors["washington"].strategy.e != 0.7  # the original is untouched


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda p: p.stem)
def test_episodes_never_validate_a_scenario(monkeypatch, experiment):
    """The profile of an episode holds no scenario validation: sampled values are written in place."""
    payload = payload_of(load_experiment(experiment, runs=6))
    calls = []
    real = Scenario.model_validate.__func__

    def counting(cls, *args, **kwargs):
        calls.append(cls)
        return real(cls, *args, **kwargs)

    run_chunk(payload, 0, 1)  # the chunk's base scenario is validated once, when it is read
    monkeypatch.setattr(Scenario, "model_validate", classmethod(counting))
    run_chunk(payload, 1, 6)
    assert calls == []


def test_one_parser_of_dotted_paths():
    """Only wargame/params.py splits a dotted path on its dots; everything else asks it (or
    wargame.parameters, which asks it)."""
    splitting = re.compile(r"""\.(r?split|partition|rpartition)\(\s*["']\.["']""")
    offenders = []
    for path in sorted((ROOT / "wargame").rglob("*.py")) + sorted((ROOT / "agents").rglob("*.py")):
        if path.name == "params.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and splitting.search(ast.unparse(node)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not offenders, "\n".join(offenders)
