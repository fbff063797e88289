"""Scenario files: the shipped ones pass; each kind of bad file gets its clear error."""

import pytest

from wargame.errors import WargameError
from wargame.params import PathError, get_path, numeric_paths, parse_assignment, set_path
from wargame.scenario import load_scenario, validate_scenario

from .conftest import BAD, SCENARIOS

# file -> (dotted key path, line or None, words the message must contain)
BAD_FILES = {
    "unknown_key.yaml": ("actors.seoul.salinece", 37, "did you mean 'salience'"),
    "max_candidates.yaml": ("max_candidates", 12, "no longer a setting: offers are computed exactly"),
    "private_weights_mismatch.yaml": ("actors.seoul.private.weights", 41, "one weight per type (3 types, 2"),
    "private_types_out_of_range.yaml": ("actors.seoul.private.no_deal_cost.1", 41, "less than or equal to 1"),
    "ratification_unknown_issue.yaml": ("ratification.congress.ranges.tarif", 16, "did you mean 'tariff'"),
    "event_trigger_and_decision.yaml": ("events.beijing_coercion.decision", 177, "rolled (trigger) or"),
    "decision_cost_out_of_range.yaml": ("events.beijing_coercion.decision.cost", 176, "less than or equal"),
    "first_proposer_unknown.yaml": ("first_proposer", 12, "unknown principal 'soeul'; did you mean 'seoul'"),
    "ideal_out_of_range.yaml": ("actors.seoul.ideal.tariff", 36, "outside"),
    "status_quo_out_of_range.yaml": ("issues.tariff.status_quo", 27, "outside"),
    "lo_not_below_hi.yaml": ("issues.defense_spending.hi", 18, "greater than lo"),
    "negative_salience.yaml": ("actors.seoul.salience.defense_spending", 37, ">= 0"),
    "zero_salience.yaml": ("actors.seoul.salience", 37, "all saliences are zero"),
    "discount_out_of_range.yaml": ("actors.seoul.discount", 39, "less than or equal to 1"),
    "risk_out_of_range.yaml": ("actors.seoul.risk", 38, "risk must be between 0.25 and 10 (got 0.1"),
    "unknown_strategy.yaml": ("actors.seoul.strategy", 41, "'bouleware'"),
    "event_unknown_actor.yaml": ("events.tokyo_coordination.actor", 178, "did you mean 'tokyo'"),
    "event_unknown_path.yaml": ("events.beijing_coercion.effects.0.path", 175, "actors.seoul.no_deal_cost"),
    "nan_value.yaml": ("actors.seoul.no_deal_cost", 40, "finite"),
    "inf_value.yaml": ("actors.seoul.capability", 35, "finite"),
    "no_principal.yaml": ("actors", 31, "no actor has role: principal"),
    "empty.yaml": ("", None, "empty"),
    "not_yaml.yaml": ("", 2, "not valid YAML"),
    "not_a_mapping.yaml": ("", 1, "not a mapping"),
    "missing_issue_in_ideal.yaml": ("actors.seoul.ideal", 36, "missing issue 'tariff'"),
    "inject_unknown_event.yaml": ("injects.0.event", 193, "unknown event"),
    "string_for_number.yaml": ("rounds", 11, "valid integer"),
    "duplicate_key.yaml": ("", 12, "duplicate key 'rounds' (first at line 11)"),
    "alias.yaml": ("", 47, "aliases (*equal) are not supported"),
    "bad_name.yaml": ("issues.us tariff", 22, "must be letters, digits and underscores"),
    "step_too_fine.yaml": ("issues.tariff.step", 29, "use a coarser step"),
    "one_principal.yaml": ("actors", 31, "bargaining needs at least two"),
    "effect_on_strategy.yaml": ("events.beijing_coercion.effects.0.path", 175, "cannot be changed"),
    "bool_for_number.yaml": ("actors.seoul.capability", 35, "valid number (got True)"),
    "strategy_without_name.yaml": ("actors.seoul.strategy", 41, "needs a 'name' key"),
    "strategy_bad_parameter.yaml": ("actors.seoul.strategy", 41, "boulware needs e < 1 (got 2.0)"),
    # a strategy's own keys, not every strategy's: 'level' belongs to the hardliner
    "strategy_unknown_key.yaml": ("actors.seoul.strategy.levl", 43, "unknown key 'levl' (allowed: e, name)"),
    # the package's forms: options, tracks, a calendar, breakdowns, say and focal values per issue
    "option_not_an_option.yaml": (
        "issues.flexibility_statement.status_quo",
        125,
        "is not one of the options",
    ),
    "track_unknown_phase.yaml": ("tracks.economic.deadline", 50, "did you mean 'summit'?"),
    "issue_in_two_tracks.yaml": (
        "tracks.security.issues",
        53,
        "'troop_level' is in track 'economic' already",
    ),
    "breakdown_unknown_event.yaml": (
        "breakdown.escalation.per_fire.pyongyang_provocaton",
        68,
        "did you mean 'pyongyang_provocation'?",
    ),
    "negative_capability_on_issue.yaml": ("actors.seoul.capability", 169, "must be >= 0 on tariff"),
    "invalid_date.yaml": ("", 39, "'2025-02-30' is not a valid date"),
    "focal_weight_without_focal_values.yaml": (
        "actors.washington.focal_weight.energy_purchases",
        251,
        "has no focal values",
    ),
    "unknown_variant.yaml": (
        "variant",
        11,
        "unknown variant 'bdm2009' for expected_utility (known: scholz, textbook)",
    ),
    "unknown_protocol.yaml": (
        "protocol",
        10,
        "unknown protocol 'expected_utilty'; did you mean 'expected_utility'?",
    ),
}


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_shipped_scenarios_are_valid(name):
    assert load_scenario(SCENARIOS / name).name


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_its_error(name):
    path, line, words = BAD_FILES[name]
    with pytest.raises(WargameError) as info:
        load_scenario(BAD / name)
    problem = info.value.problems[0] if path == "" else next(p for p in info.value.problems if p.path == path)
    assert problem.file.endswith(name)
    assert problem.line == line
    assert words in problem.message
    assert str(BAD / name) in str(info.value)


def test_unknown_key_suggestions_come_from_that_place(bilateral):
    from wargame.scenario import validate_scenario

    data = bilateral.data()
    data["roundz"] = 3  # 'round' is a key of an inject, not of the scenario: never suggest it
    with pytest.raises(WargameError, match="did you mean 'rounds'"):
        validate_scenario(data)
    data = bilateral.data()
    data["actors"]["seoul"]["strategy"]["ee"] = 1
    with pytest.raises(WargameError, match=r"unknown key 'ee'; did you mean 'e'"):
        validate_scenario(data)


def test_every_bad_file_is_covered():
    assert {p.name for p in BAD.glob("*.yaml")} == set(BAD_FILES)


def test_all_problems_reported_at_once(tmp_path):
    text = (SCENARIOS / "bilateral.yaml").read_text()
    text = text.replace("    discount: 1.0", "    discount: 2.0").replace("risk: 2.0", "risk: 0.1")
    bad = tmp_path / "many.yaml"
    bad.write_text(text)
    with pytest.raises(WargameError) as info:
        load_scenario(bad)
    paths = {p.path for p in info.value.problems}
    assert {
        "actors.seoul.discount",
        "actors.washington.discount",
        "actors.seoul.risk",
        "actors.washington.risk",
    } <= paths


def test_strategy_parameter_checks(bilateral):
    with pytest.raises(WargameError, match="boulware needs e < 1"):
        bilateral.with_values({"actors.seoul.strategy": {"name": "boulware", "e": 2.0}})
    from wargame.scenario import validate_scenario

    data = bilateral.data()
    data["events"] = {"x": {"actor": "seoul", "effects": [{"path": "rounds", "op": "add", "value": 1}]}}
    with pytest.raises(WargameError, match="must name an actor's parameter"):
        validate_scenario(data)


def test_event_cannot_change_its_own_actor(teaching):
    from wargame.scenario import validate_scenario

    data = teaching.data()
    data["events"]["tokyo_coordination"]["effects"][0]["path"] = "actors.tokyo.ideal.tariff"
    with pytest.raises(WargameError, match="not its own actor"):
        validate_scenario(data)


def test_inject_after_last_round(teaching):
    with pytest.raises(WargameError, match="after the last round"):
        teaching.with_values({"rounds": 1})


def test_overrides_are_revalidated(teaching):
    with pytest.raises(WargameError, match="outside"):
        teaching.with_values({"actors.seoul.ideal.tariff": 99})
    with pytest.raises(WargameError, match=r"nearest valid paths: actors\.seoul\.salience\.tariff"):
        teaching.with_values({"actors.seoul.salince.tariff": 0.5})


def test_dotted_paths():
    data = {"a": {"b": [1, {"c": 2.5}]}, "s": "text", "flag": True}
    assert get_path(data, "a.b.1.c") == 2.5
    set_path(data, "a.b.0", 7)
    assert data["a"]["b"][0] == 7
    with pytest.raises(PathError):
        set_path(data, "a.x", 1)  # never creates keys
    with pytest.raises(PathError):
        get_path(data, "a..b")
    assert numeric_paths(data) == ["a.b.0", "a.b.1.c"]
    assert parse_assignment("x.y=0.6") == ("x.y", 0.6)
    assert parse_assignment("protocol=alternating_offers") == ("protocol", "alternating_offers")
    with pytest.raises(ValueError):
        parse_assignment("no_equals_sign")


def test_values_replace_copies_only_the_paths():
    """params.with_values copies the containers on the way to each value and shares the rest;
    the data it was given never changes (a scenario's cached dump is shared between episodes)."""
    from wargame.params import with_values

    data = {"a": {"b": [1, {"c": 2.5}], "d": {"e": 1}}, "f": {"g": 0}}
    out = with_values(data, {"a.b.1.c": 3.0, "a.b.0": 7})
    assert out == {"a": {"b": [7, {"c": 3.0}], "d": {"e": 1}}, "f": {"g": 0}}
    assert data == {"a": {"b": [1, {"c": 2.5}], "d": {"e": 1}}, "f": {"g": 0}}
    assert out["f"] is data["f"] and out["a"]["d"] is data["a"]["d"]  # untouched: shared
    strategy = {"name": "boulware", "e": 0.2}
    out = with_values(data, {"f.g": strategy, "f.g.e": 0.5})  # a mapping, then a path inside it
    assert out["f"]["g"] == {"name": "boulware", "e": 0.5} and strategy["e"] == 0.2
    with pytest.raises(PathError, match="nearest valid paths: a.d.e"):
        with_values(data, {"a.d.x": 1})  # never creates keys
    with pytest.raises(PathError):
        with_values(data, {"a.b.5": 1})


def test_a_copied_scenario_forgets_the_original_data(teaching):
    copied = teaching.model_copy(update={"rounds": 5})
    assert copied.with_values({"actors.seoul.risk": 2.0}).rounds == 5
    assert teaching.with_values({"actors.seoul.risk": 2.0}).rounds == teaching.rounds


def test_every_number_is_addressable(teaching):
    paths = numeric_paths(teaching.data())
    assert "actors.seoul.salience.tariff" in paths
    assert "actors.washington.linkages.0.weight" in paths
    assert "events.pyongyang_provocation.trigger.slope" in paths
    assert "issues.tariff.no_deal" in paths


def test_the_baseline_holds_the_articles_numbers(teaching):
    """The numbers the seed articles give, where the scenario puts them (each cited in its comments)."""
    issues, us, seoul = teaching.issues, teaching.actors["washington"], teaching.actors["seoul"]
    spending, troops, tariff = issues["defense_spending"], issues["troop_level"], issues["tariff"]
    assert spending.status_quo == 2.6 and us.ideal["defense_spending"] == 3.8  # 2.6% in 2024; 3.8% asked
    assert troops.status_quo == troops.hi == 28.5  # about 28,500 US troops
    assert troops.no_deal == us.ideal["troop_level"] == 28.5 - 4.5  # the reported 4,500-troop move
    assert tariff.status_quo == 15.0 and tariff.hi == tariff.no_deal == 25.0  # July's 15%, the threatened 25%
    assert tariff.lo == seoul.ideal["tariff"] == 0.0  # KORUS had brought tariffs to about zero
    assert us.ideal["tariff"] == 15.0


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_every_citation_names_a_source_and_every_source_is_cited(name):
    import re

    text = (SCENARIOS / name).read_text()
    scenario = load_scenario(SCENARIOS / name)
    cited = {key.strip() for group in re.findall(r"\[([a-z, ]+)\]", text) for key in group.split(",")}
    assert cited <= set(scenario.sources), f"cited but not under sources: {cited - set(scenario.sources)}"
    assert set(scenario.sources) <= cited, f"listed but never cited: {set(scenario.sources) - cited}"
    assert "DESIGN" not in text  # cite the articles; the project's design notes are not a source


def test_every_problem_is_reported_together(bilateral):
    """Checks that depend on other fields (the variant on the protocol) still report with the rest."""
    from wargame.scenario import validate_scenario

    data = {**bilateral.data(), "protocol": "expected_utility", "variant": "scholtz", "rounds": 0}
    with pytest.raises(WargameError) as info:
        validate_scenario(data, "x.yaml")
    assert {p.path for p in info.value.problems} == {"variant", "rounds"}
    assert "unknown variant 'scholtz' for expected_utility (known: scholz, textbook)" in str(info.value)


@pytest.mark.parametrize("value", [1e308, -1e13, 1e-300, 5e-324])
def test_numbers_the_arithmetic_cannot_hold_are_refused(bilateral, value):
    """Two saliences of 1e308 once validated and gave NaN utilities and a deal worth 0.0."""
    with pytest.raises(WargameError, match=r"must be 0 or between 1e-12 and 1e12 in size"):
        bilateral.with_values({"actors.seoul.salience.tariff": value})


@pytest.mark.parametrize(
    ("values", "path", "words"),
    [
        ({"tracks.economic.deadline": 12}, "tracks.economic.deadline", "round 12 is not in 0-11"),
        ({"tracks.economic.issues": ["tariff"]}, "tracks", "investment_terms, energy_purchases is in none"),
        ({"tracks": {"all": {"issues": ["tariff"], "deadline": 3}}}, "tracks", "at least two tracks"),
        ({"actors.seoul.risk": {"tariff": 2.0}}, "actors.seoul.risk", "missing issue 'defense_spending'"),
        (
            {"actors.seoul.risk.tarif": 2.0},
            "actors.seoul.risk.tarif",
            "nearest valid paths: actors.seoul.risk.tariff",
        ),
        ({"actors.seoul.capability": 0.0}, "actors.seoul.capability", "must be > 0"),
        ({"issues.tariff.focal": [{"value": 30.0}]}, "issues.tariff.focal.0.value", "outside [0, 25]"),
        (
            {
                "issues.investment_terms": {
                    "unit": "option",
                    "lo": -1.0,
                    "status_quo": 0,
                    "no_deal": 0,
                    "options": [{"value": 0, "label": "a"}, {"value": 2, "label": "b"}],
                }
            },
            "issues.investment_terms",
            "lo follows from the options (0); leave it out (got -1)",
        ),
        (
            {
                "issues.investment_terms.options": [
                    {"value": 0, "label": "a"},
                    {"value": 0, "label": "b"},
                    {"value": 2, "label": "c"},
                ]
            },
            "issues.investment_terms.options",
            "same value",
        ),
        (
            {"actors.washington.ideal.flexibility_statement": 2.5},
            "actors.washington.ideal.flexibility_statement",
            "not one of the options",
        ),
        ({"calendar.phases.1.name": "pre_summit"}, "calendar.phases", "same name"),
        ({"calendar.start": "tomorrow"}, "calendar.start", "valid date"),
        ({"actors.seoul.capability": [1, 2]}, "actors.seoul.capability", "valid"),
        (
            {f"actors.{a}.capability.tariff": 0.0 for a in ("seoul", "washington", "tokyo")},
            "actors",
            "nobody has a say on tariff",
        ),
    ],
)
def test_the_package_forms_refuse_what_makes_no_sense(package, values, path, words):
    with pytest.raises(WargameError) as info:
        package.with_values(values)
    problem = next((p for p in info.value.problems if p.path == path), None)
    assert problem is not None, info.value.problems
    assert words in problem.message


def test_an_effect_may_change_one_issues_risk_focal_weight_or_say(package):
    events = {
        "tokyo_coordination.effects": [
            {"path": "actors.seoul.risk.tariff", "op": "add", "value": 0.5},
            {"path": "actors.seoul.capability.tariff", "op": "set", "value": 0.0},
            {"path": "actors.seoul.focal_weight.tariff", "op": "add", "value": 0.02},
        ]
    }
    changed = package.with_values({f"events.{k}": v for k, v in events.items()})
    assert len(changed.events["tokyo_coordination"].effects) == 3


def test_a_bad_option_is_reported_alone(package):
    """Options that are not numbers: that, not the bounds they would have given."""
    with pytest.raises(WargameError) as info:
        package.with_values({"issues.investment_terms.options.1.value": "one"})
    assert [p.path for p in info.value.problems] == ["issues.investment_terms.options.1.value"]


def test_a_calendar_start_may_be_a_date_or_iso_text(package):
    as_text = package.with_values({"calendar.start": "2025-08-13"})
    assert as_text.calendar.start.isoformat() == "2025-08-13"
    assert as_text.data()["calendar"]["start"] == "2025-08-13"  # and writes back as text


def test_a_chain_of_linkages_too_large_to_list_is_refused():
    """Issue 23: issues tied by linkages form one block the exact search lists whole; five issues of
    16 values chained by four actors' linkages make about a million joint values, and the scenario
    says so at the linkage that closes the chain (two of them, 256 values, are fine)."""
    issues = {
        f"i{k}": {"unit": "points", "lo": 0.0, "hi": 15.0, "step": 1.0, "status_quo": 0.0, "no_deal": 0.0}
        for k in range(5)
    }

    def actor(link: tuple[str, str] | None) -> dict:
        spec = {
            "role": "principal",
            "capability": 1.0,
            "ideal": dict.fromkeys(issues, 5.0),
            "salience": dict.fromkeys(issues, 1.0),
        }
        if link:
            spec["linkages"] = [{"targets": dict.fromkeys(link, 5.0), "weight": 0.1, "kind": "complement"}]
        return spec

    chain = [("i0", "i1"), ("i1", "i2"), ("i2", "i3"), ("i3", "i4")]
    data = {"name": "chained", "issues": issues, "actors": {f"a{k}": actor(chain[k]) for k in range(4)}}
    with pytest.raises(WargameError) as info:
        validate_scenario(data)
    problem = info.value.problems[0]
    assert problem.path == "actors.a3.linkages.0"
    assert "one block of about 1,048,576 joint values" in problem.message
    data["actors"] = {"a0": actor(chain[0]), "a1": actor(None)}
    validate_scenario(data)


def test_a_finer_grid_set_on_the_command_line_cannot_make_a_block_too_large():
    """Issue 23 review: ``--set`` (and a Monte Carlo draw) of an issue's step goes through the same
    linked-block check as a file."""
    s = load_scenario(SCENARIOS / "summit_2025_package.yaml")
    with pytest.raises(WargameError) as info:
        s.with_values({"issues.defense_spending.step": 0.001, "issues.usfk_contribution.step": 0.001})
    assert "one block of about 27,012,001 joint values" in str(info.value)


def test_the_retired_key_is_explained_at_the_top_level_only():
    """``max_candidates`` was a top-level setting; under an actor it is an unknown key like any other."""
    data = load_scenario(SCENARIOS / "bilateral.yaml").data()
    data["actors"]["seoul"]["max_candidates"] = 1
    with pytest.raises(WargameError) as info:
        validate_scenario(data)
    message = str(info.value)
    assert "unknown key 'max_candidates'" in message and "no longer a setting" not in message


def test_a_parsed_file_is_a_fresh_copy_each_time():
    """The same text is parsed once (schema.parse_yaml memoizes it); what a caller changes in
    its copy never reaches the next reader."""
    from wargame.schema import line_index, parse_yaml

    text = "x:\n  y: [1, 2]\n"
    first = parse_yaml(text)
    first["x"]["y"].append(3)
    assert parse_yaml(text) == {"x": {"y": [1, 2]}}
    assert line_index(text)[("x", "y")] == 2
