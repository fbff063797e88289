"""Plug-ins: strategies and protocols are registered in one place each, and everything that names
them (the scenario schema, --help, the docs) takes the names from there. A strategy or a protocol
written outside the package plays like a built-in one, as docs/extending.md shows."""

import re
from typing import ClassVar, Literal

import pytest
from pydantic import Field
from typer.testing import CliRunner

from agents.negotiator import NegotiatorView, Offer
from agents.strategies import STRATEGIES, Strategy, StrategyParams, register
from wargame.episode import RoundRecord
from wargame.errors import WargameError
from wargame.model import NegotiationModel
from wargame.montecarlo import run_experiment
from wargame.protocols import PROTOCOLS, NegotiationProtocol
from wargame.protocols import register as register_protocol

from .conftest import ROOT, SMALL, exited


class Stubborn(Strategy):
    """Asks for everything until round ``patience``, then for no more than its fallback."""

    name = "toy_stubborn"
    built: ClassVar[int] = 0  # how many agents played it (one per episode here)

    class Params(StrategyParams):
        name: Literal["toy_stubborn"]
        patience: int = Field(default=4, ge=1)

    params: Params

    def __init__(self, params: StrategyParams) -> None:
        super().__init__(params)
        type(self).built += 1

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        return view.best_utility if round_ < self.params.patience else view.reservation


class TakeItOrLeaveIt(NegotiationProtocol):
    """The first principal makes one offer; the others take it or the talks fail."""

    name = "toy_take_it_or_leave_it"

    def play_round(self) -> None:
        table = self.table
        fired = table.react(0)
        proposer, *others = table.principals
        offer = proposer.propose(0)
        table.offers.append(Offer(0, proposer.actor, offer))
        # as in the last round: there is no later round to wait for
        responses = {a.actor: a.respond(offer, table.rounds - 1) for a in others}
        table.standing_offer, table.standing_utility = offer, table.utility_of(offer)
        deal = all(responses.values())
        table.record(
            RoundRecord(
                round=0,
                proposer=proposer.actor,
                offer=table.by_issue(offer),
                responses=responses,
                support={s.actor: s.supports(offer) for s in table.stakeholders},
                utility=table.by_actor(table.standing_utility),
                aspiration={},
                events=tuple(e.event for e in fired),
                deal=deal,
            )
        )
        table.finish(
            deal=deal, outcome=offer if deal else table.no_deal, proposer=proposer.actor if deal else None
        )


@pytest.fixture
def toy_strategy():
    register(Stubborn)
    Stubborn.built = 0
    yield Stubborn
    del STRATEGIES[Stubborn.name]


@pytest.fixture
def toy_protocol():
    register_protocol(TakeItOrLeaveIt)
    yield TakeItOrLeaveIt
    del PROTOCOLS[TakeItOrLeaveIt.name]


def test_a_toy_strategy_added_through_the_registry_plays_a_whole_batch(toy_strategy, tmp_path):
    patience = 6
    toy = {"name": "toy_stubborn", "patience": patience}
    result = run_experiment(
        SMALL, runs=20, executor="serial", out=tmp_path, trace=True, overrides={"actors.seoul.strategy": toy}
    )
    episodes, rounds = result.episodes, result.rounds
    assert len(episodes) == 20 and toy_strategy.built == 20  # Seoul played it in every episode
    assert result.plan.scenario["actors"]["seoul"]["strategy"] == toy  # and the run records it
    # before its patience runs out Seoul offers only its best package, and takes nothing less
    # than 98% of its best (its discount); so no deal comes before round patience - 1
    seoul_offers = rounds[(rounds["proposer"] == "seoul") & (rounds["round"] < patience)]
    assert len(seoul_offers) == 20 * patience // 2  # rounds 0, 2 and 4 of every episode
    assert (episodes.loc[episodes["deal"], "deal_round"] >= patience - 1).all()
    assert episodes["deal"].mean() > 0.5  # after that it takes anything above its fallback


def test_the_schema_takes_strategy_names_from_the_registry(toy_strategy, bilateral):
    s = bilateral.with_values({"actors.seoul.strategy": {"name": "toy_stubborn"}})
    assert s.actors["seoul"].strategy.patience == 4  # the toy's own default
    with pytest.raises(WargameError, match="patience: Input should be greater than or equal to 1"):
        bilateral.with_values({"actors.seoul.strategy": {"name": "toy_stubborn", "patience": 0}})
    with pytest.raises(WargameError, match=r"unknown key 'patiense'; did you mean 'patience'\?"):
        bilateral.with_values({"actors.seoul.strategy": {"name": "toy_stubborn", "patiense": 2}})
    with pytest.raises(WargameError, match="'toy_stubborn'"):  # the known names, the toy among them
        bilateral.with_values({"actors.seoul.strategy": {"name": "toy_stubbron"}})


def test_names_are_unknown_once_unregistered(bilateral):
    assert "toy_stubborn" not in STRATEGIES
    with pytest.raises(WargameError, match="does not match any of the expected tags"):
        bilateral.with_values({"actors.seoul.strategy": {"name": "toy_stubborn"}})


def test_registering_checks_the_class():
    class Misnamed(Strategy):
        name = "misnamed"

        class Params(StrategyParams):
            name: Literal["other"]

    with pytest.raises(TypeError, match="must be Literal"):
        register(Misnamed)
    with pytest.raises(ValueError, match="registered already"):
        register(type("Boulware2", (STRATEGIES["boulware"],), {}))


def test_a_toy_protocol_added_through_the_registry_plays(toy_protocol, bilateral, tmp_path):
    s = bilateral.with_values({"protocol": "toy_take_it_or_leave_it", "first_proposer": "seoul"})
    model = NegotiationModel(s, seed=0)
    episode = model.run()
    assert episode.protocol == "toy_take_it_or_leave_it" and episode.rounds_played == 1
    # Seoul (linear) opens with its ideal, worth less to Washington than its fallback: refused
    assert episode.rounds[0].offer == pytest.approx(dict(zip(s.issues, model.payoffs.ideal[0], strict=True)))
    assert episode.rounds[0].utility["washington"] < episode.reservation["washington"]
    assert not episode.deal and episode.outcome == {n: i.no_deal for n, i in s.issues.items()}
    # an opener who asks for no more than its fallback makes the offer best for Washington: taken
    humble = s.with_values({"actors.seoul.strategy": {"name": "hardliner", "level": 0.01}})
    episode = NegotiationModel(humble, seed=0).run()
    assert episode.deal and episode.gain["seoul"] >= 0 and episode.gain["washington"] > 0
    result = run_experiment(
        SMALL, runs=6, executor="serial", out=tmp_path, overrides={"protocol": toy_protocol.name}
    )
    assert (result.episodes["rounds_played"] == 1).all()


def test_help_lists_the_registered_names(toy_strategy, toy_protocol):
    from wargame.cli import build

    for args in (["run", "--help"], ["batch", "--help"]):
        result = CliRunner().invoke(build(), args, env={"COLUMNS": "300"})
        exited(result, 0)
        text = " ".join(result.output.split())
        assert f"Strategies (actors.ACTOR.strategy: {{name: ...}}): {', '.join(STRATEGIES)}." in text
        assert f"Protocols (protocol: ...): {', '.join(PROTOCOLS)}." in text
        assert "toy_stubborn" in text and "toy_take_it_or_leave_it" in text


def test_the_readme_and_models_doc_name_every_registered_strategy_and_protocol():
    for doc in ("README.md", "docs/models.md"):
        text = (ROOT / doc).read_text()
        missing = [name for name in [*STRATEGIES, *PROTOCOLS] if f"`{name}`" not in text]
        assert not missing, f"{doc} does not mention {missing}"


def test_the_docs_list_every_registered_strategy_and_protocol():
    """docs/extending.md's tables of strategies and protocols are the registries, with each class's
    own one-line summary (its docstring's first line)."""
    text = (ROOT / "docs" / "extending.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+?) \| (.+?) \|$", text, flags=re.M)
    listed = {name: summary for name, summary, _ in rows}
    expected = {
        name: cls.__doc__.strip().splitlines()[0] for name, cls in {**STRATEGIES, **PROTOCOLS}.items()
    }
    assert listed == expected
    for name, _, third in rows:  # parameters with their defaults, or a protocol's variants
        if name in STRATEGIES:
            fields = {k: f.default for k, f in STRATEGIES[name].Params.model_fields.items() if k != "name"}
            assert third == (", ".join(f"`{k}` {v:g}" for k, v in fields.items()) or "none"), name
        else:
            assert third == (", ".join(f"`{v}`" for v in PROTOCOLS[name].variants) or "none"), name
