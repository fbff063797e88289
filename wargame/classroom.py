"""Classroom exercises: role cards, games people play against the agents, transcripts, debriefs.

* :func:`brief` writes a government's role card from the scenario's ``classroom:`` block and
  its payoffs, in plain words.
* :func:`play` runs one game in which people play some governments (through seats: the
  keyboard, :class:`TerminalSeat`, or a moves file, :class:`ScriptedSeat`) and the agents play
  the rest. Classroom injects are announced at the start of their round. Ctrl-C or the end of
  input stops the game; whatever was played is saved.
* Every game writes ``<out>/classroom/<UTC time>-<actors>/`` with ``transcript.yaml``,
  ``transcript.md`` and (when the game finished) ``debrief.md``. The debrief compares the
  outcome with the status quo, the no-deal point and the Nash point, measures each player's
  concessions from its opening offer, and places its utility among agent-played Monte Carlo runs
  of the same scenario (cached under ``<out>/classroom/reference/``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agents.government import GovernmentAgent
from wargame import rundir
from wargame.errors import Problem, WargameError
from wargame.experiment import Experiment, Plan
from wargame.model import NegotiationModel
from wargame.montecarlo import load_run, run_experiment
from wargame.payoffs import Payoffs
from wargame.scenario import Announcement, Classroom, Inject, Scenario, line_index, locate, read_yaml

REFERENCE_RUNS = 300
REFERENCE_SEED = 20250825


class EndOfInput(Exception):  # noqa: N818 (an ending, not an error)
    """The player's input ran out (end of file, or the moves file has no more moves)."""


# --------------------------------------------------------------------------- the role card


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def brief(scenario: Scenario, actor: str, fmt: str = "text") -> str:
    """A government's role card: the public situation, its private goals, priorities and bottom
    line in plain words, and what the others are known to want. ``fmt`` is ``text`` or ``md``."""
    if actor not in scenario.actors:
        raise WargameError(
            Problem(
                "--as", "", f"no actor '{actor}' in {scenario.name} (actors: {', '.join(scenario.actors)})"
            )
        )
    if fmt not in ("text", "md"):
        raise WargameError(Problem("--format", "", f"unknown format '{fmt}' (known: text, md)"))
    spec = scenario.actors[actor]
    p = Payoffs.from_scenario(scenario)
    me = p.index(actor)
    no_deal = np.array([i.no_deal for i in scenario.issues.values()])
    reservation = p.reservations(no_deal)
    weights = p.salience[me] / p.salience[me].sum()
    classroom = scenario.classroom
    md = fmt == "md"
    h1, h2 = ("# ", "## ") if md else ("", "")
    bullet = "- "

    lines = [f"{h1}Role card: {spec.name or actor} ({scenario.name})", ""]
    if not md:
        lines[0] = lines[0].upper()
    lines += [f"{h2}The situation", "", classroom.situation if classroom else scenario.description, ""]
    if classroom and actor in classroom.briefings:
        lines += [f"{h2}Your briefing (private)", "", classroom.briefings[actor], ""]

    lines += [f"{h2}What you want", ""]
    role = (
        "You sit at the table: nothing is agreed unless you accept it."
        if spec.role == "principal"
        else "You do not sit at the table: you act on the talks through what you do (your events)."
    )
    lines += [role, ""]
    order = np.argsort(-weights, kind="stable")
    names = list(scenario.issues)
    for rank, i in enumerate(order):
        issue = scenario.issues[names[i]]
        label = issue.label or names[i]
        care = (
            "matters most to you" if rank == 0 else "comes next" if rank < len(order) - 1 else "matters least"
        )
        lines.append(
            f"{bullet}{label}: you want {spec.ideal[names[i]]:g} {issue.unit} "
            f"(now {issue.status_quo:g}; range {issue.lo:g}-{issue.hi:g}). It {care} "
            f"({_pct(weights[i])} of what you care about)."
        )
    lines.append("")

    lines += [f"{h2}Your bottom line", ""]
    failure = ", ".join(f"{scenario.issues[n].label or n} {v:g}" for n, v in zip(names, no_deal, strict=True))
    lines.append(
        f"If the talks fail: {failure}. That is worth {reservation[me]:.2f} to you on a 0-1 scale "
        f"(1 = everything you want), after the {spec.no_deal_cost:g} a failure costs you on top."
    )
    if spec.role == "principal":
        lines.append(
            f"Accept nothing worth less than {reservation[me]:.2f} to you: you would do better to walk away."
        )
    others = [a for a in scenario.principals if a != actor]
    for other in others:
        theirs = scenario.actors[other]
        who = theirs.name or other
        if spec.no_deal_cost > theirs.no_deal_cost:
            lines.append(
                f"You lose more from a no-deal than {who} does ({spec.no_deal_cost:g} against "
                f"{theirs.no_deal_cost:g} on top of the outcome): time is on their side."
            )
        elif spec.no_deal_cost < theirs.no_deal_cost:
            lines.append(
                f"{who} loses more from a no-deal than you do ({theirs.no_deal_cost:g} against "
                f"{spec.no_deal_cost:g}): you can afford to hold out."
            )
    if spec.discount < 1:
        lines.append(
            f"Delay costs you: every round a deal is worth {100 * (1 - spec.discount):.0f}% less to you."
        )
    lines.append("")

    lines += [f"{h2}What the others are known to want", ""]
    for other, theirs in scenario.actors.items():
        if other == actor:
            continue
        wants = ", ".join(f"{scenario.issues[n].label or n} {theirs.ideal[n]:g}" for n in names)
        seat = "at the table" if theirs.role == "principal" else "outside the room"
        top = names[int(np.argmax(p.salience[p.index(other)]))]
        lines.append(
            f"{bullet}{theirs.name or other} ({seat}): {wants}; "
            f"cares most about {scenario.issues[top].label or top}."
        )
    mine = [(n, e) for n, e in scenario.events.items() if e.actor == actor]
    if mine:
        lines += ["", f"{h2}What you can do", ""]
        for n, e in mine:
            lines.append(f"{bullet}{n} (at most {e.max_fires}x): {' '.join(e.description.split())}")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- seats


def _on_grid(value: float, lo: float, hi: float, step: float) -> bool:
    if not lo - 1e-9 <= value <= hi + 1e-9:
        return False
    k = (value - lo) / step
    return abs(k - round(k)) < 1e-6 or abs(value - hi) < 1e-9


def check_package(scenario: Scenario, values: Mapping[str, Any]) -> tuple[np.ndarray | None, list[str]]:
    """A proposal as a package, or the reasons it is not one (range, step, missing issue)."""
    problems = []
    out = []
    for name, issue in scenario.issues.items():
        if name not in values:
            problems.append(f"{name}: missing")
            continue
        v = values[name]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            problems.append(f"{name}: '{v}' is not a number")
            continue
        if not _on_grid(float(v), issue.lo, issue.hi, issue.step):
            problems.append(
                f"{name}: {v:g} is not an allowed value "
                f"({issue.lo:g} to {issue.hi:g} in steps of {issue.step:g})"
            )
            continue
        out.append(float(v))
    extra = sorted(set(values) - set(scenario.issues))
    problems += [f"{name}: not an issue (issues: {', '.join(scenario.issues)})" for name in extra]
    return (np.array(out) if not problems else None), problems


class ScriptedSeat:
    """Plays one government from a list of moves (``--moves FILE``): ``propose: {issue: value}``,
    ``accept``, ``reject`` for a principal; ``trigger: EVENT`` or ``pass`` for a stakeholder."""

    def __init__(self, actor: str, moves: list[Any], source: str = "moves"):
        self.actor = actor
        self.moves = list(moves)
        self.source = source
        self.used = 0

    def _next(self, wanted: tuple[str, ...], what: str) -> Any:
        if self.used >= len(self.moves):
            raise EndOfInput(f"the moves file has no more moves for {self.actor}")
        move = self.moves[self.used]
        kind = move if isinstance(move, str) else next(iter(move))
        if kind not in wanted:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used}",
                    f"'{kind}' does not fit here: the game asks {self.actor} to {what} "
                    f"({' or '.join(wanted)})",
                )
            )
        self.used += 1
        return move

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        move = self._next(("propose",), "make an offer")
        package, _ = check_package(agent.model.scenario, move["propose"])
        assert package is not None  # checked when the file was read
        return package

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        return self._next(("accept", "reject"), "answer the offer on the table") == "accept"

    def act(self, agent: GovernmentAgent, round_: int, events: list[str]) -> str | None:
        move = self._next(("trigger", "pass"), f"act or pass (it may trigger {', '.join(events)})")
        if move == "pass":
            return None
        if move["trigger"] not in events:
            raise WargameError(
                Problem(
                    self.source,
                    f"{self.actor}.{self.used - 1}.trigger",
                    f"'{move['trigger']}' cannot fire now (it may: {', '.join(events)})",
                )
            )
        return str(move["trigger"])


def load_moves(path: str | Path, scenario: Scenario, humans: list[str]) -> dict[str, ScriptedSeat]:
    """Read and check a moves file: every actor a human one, every move well formed and legal."""
    source = str(path)
    data, text = read_yaml(path)
    lines = line_index(text)
    if not isinstance(data, Mapping):
        raise WargameError(Problem(source, "", "a moves file maps each human actor to a list of moves", 1))
    problems = []

    def bad(loc: tuple[Any, ...], message: str) -> None:
        where, line = locate(loc, lines)
        problems.append(Problem(source, where, message, line))

    for actor, moves in data.items():
        if actor not in humans:
            bad((actor,), f"'{actor}' is not played by a person here (--as {' --as '.join(humans)})")
            continue
        if not isinstance(moves, list):
            bad((actor,), "expected a list of moves")
            continue
        principal = scenario.actors[actor].role == "principal"
        allowed = ("propose", "accept", "reject") if principal else ("trigger", "pass")
        for i, move in enumerate(moves):
            kind = (
                move
                if isinstance(move, str)
                else (next(iter(move)) if isinstance(move, Mapping) and len(move) == 1 else None)
            )
            if kind not in allowed:
                bad((actor, i), f"expected one of {', '.join(allowed)} (a {scenario.actors[actor].role})")
            elif kind == "propose":
                if not isinstance(move["propose"], Mapping):
                    bad((actor, i, "propose"), "expected issue: value pairs")
                    continue
                _, reasons = check_package(scenario, move["propose"])
                for reason in reasons:
                    bad((actor, i, "propose"), reason)
            elif kind == "trigger":
                event = move["trigger"]
                if (
                    not isinstance(event, str)
                    or event not in scenario.events
                    or scenario.events[event].actor != actor
                ):
                    mine = [n for n, e in scenario.events.items() if e.actor == actor]
                    bad(
                        (actor, i, "trigger"),
                        f"'{event}' is not one of {actor}'s events ({', '.join(mine) or 'none'})",
                    )
            elif isinstance(move, Mapping) and kind in ("accept", "reject", "pass"):
                bad((actor, i), f"write '{kind}' on its own")
    if problems:
        raise WargameError(problems)
    return {actor: ScriptedSeat(actor, data.get(actor) or [], source) for actor in humans}


class TerminalSeat:
    """Asks a person at the keyboard; bad input is asked again with the reason."""

    def __init__(self, game: Game, ask: Callable[[str], str] | None = None):
        self.game = game
        self.console = game.console
        self.ask = ask or self.console.input

    def _input(self, prompt: str) -> str:
        try:
            return self.ask(escape(prompt)).strip()  # "[y/n]" is text, not rich markup
        except EOFError:
            raise EndOfInput("end of input") from None

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        self.game.show_turn(agent, "make an offer")
        model = agent.model
        values: dict[str, float] = {}
        for i, (name, issue) in enumerate(model.scenario.issues.items()):
            default = float(model.standing_offer[i])
            while True:
                text = self._input(
                    f"  {issue.label or name} [{issue.lo:g}-{issue.hi:g}, step {issue.step:g}] "
                    f"(Enter = {default:g}): "
                )
                try:
                    value = default if text == "" else float(text)
                except ValueError:
                    self.console.print(f"  [red]'{text}' is not a number[/]; try again")
                    continue
                if not math.isfinite(value) or not _on_grid(value, issue.lo, issue.hi, issue.step):
                    self.console.print(
                        f"  [red]{text} is not allowed[/]: "
                        f"{issue.lo:g} to {issue.hi:g} in steps of {issue.step:g}"
                    )
                    continue
                values[name] = value
                break
        package = np.array(list(values.values()))
        self.console.print(f"  Your offer is worth [bold]{agent.utility(package):.2f}[/] to you.")
        return package

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        self.game.show_turn(agent, "answer the offer")
        self.game.show_offer(agent, offer)
        while True:
            text = self._input("  Accept this offer? [y/n]: ").lower()
            if text in ("y", "yes"):
                return True
            if text in ("n", "no"):
                return False
            self.console.print(f"  [red]'{text}'[/]: answer y or n")

    def act(self, agent: GovernmentAgent, round_: int, events: list[str]) -> str | None:
        self.game.show_turn(agent, "act or wait")
        scenario = agent.model.scenario
        self.console.print("  0: pass (do nothing this round)")
        for k, name in enumerate(events, start=1):
            self.console.print(f"  {k}: {name}: {' '.join(scenario.events[name].description.split())}")
        while True:
            text = self._input(f"  Your choice [0-{len(events)}]: ")
            if text in ("", "0", "pass"):
                return None
            if text in events:
                return text
            if text.isdigit() and 1 <= int(text) <= len(events):
                return events[int(text) - 1]
            self.console.print(f"  [red]'{text}'[/]: choose a number from 0 to {len(events)}")


# --------------------------------------------------------------------------- the game


def classroom_scenario(scenario: Scenario, humans: list[str] = ()) -> Scenario:
    """The scenario as played in class: the classroom injects that fire events join its injects.

    An inject of an event that belongs to a government a person plays is only announced, never
    fired for them: deciding when their government acts is theirs.
    """
    classroom = scenario.classroom
    items = list(classroom.injects) if classroom else []
    injects = []
    for inject in scenario.injects:
        if scenario.events[inject.event].actor in humans:
            items.append(Announcement(round=inject.round, text=inject.note or f"{inject.event} is expected."))
        else:
            injects.append(inject)
    for a in list(items):
        if a.event is None:
            continue
        items.remove(a)
        if scenario.events[a.event].actor in humans:
            items.append(Announcement(round=a.round, text=a.text))
        else:
            injects.append(Inject(round=a.round, event=a.event, note=a.text))
    room = (classroom or Classroom(situation=scenario.description or scenario.name)).model_copy(
        update={"injects": items}
    )
    return scenario.model_copy(update={"injects": injects, "classroom": room})


@dataclass
class Game:
    """One classroom game: the scenario as played, who plays what, and the terminal."""

    scenario: Scenario
    humans: list[str]
    seed: int
    console: Console
    model: NegotiationModel | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    started: str = field(default_factory=rundir.utc_now)

    def announcements(self, round_: int) -> list[str]:
        """What is read out at the start of ``round_``: classroom texts and scheduled injects."""
        texts = []
        if self.scenario.classroom is not None:
            texts += [a.text for a in self.scenario.classroom.injects if a.round == round_]
        texts += [i.note or f"{i.event} happens." for i in self.scenario.injects if i.round == round_]
        return texts

    def show_turn(self, agent: GovernmentAgent, what: str) -> None:
        model = agent.model
        t = model.round
        scenario = model.scenario
        head = f"{scenario.actors[agent.actor].name or agent.actor}: {what}"
        if len(self.humans) > 1:
            head = f"[reverse] {agent.actor.upper()} [/] " + head + " (hand over the keyboard)"
        self.console.rule(head)
        left = model.rounds - 1 - t
        table = Table(
            title=f"Round {t} (the last is {model.rounds - 1}: {left} more after this)", title_justify="left"
        )
        for col in ("issue", "range (step)", "no deal", "your ideal", "on the table"):
            table.add_column(col, justify="left" if col == "issue" else "right")
        ideal = model.payoffs.ideal[agent.index]
        for i, (name, issue) in enumerate(scenario.issues.items()):
            table.add_row(
                issue.label or name,
                f"{issue.lo:g}-{issue.hi:g} ({issue.step:g})",
                f"{issue.no_deal:g}",
                f"{ideal[i]:.4g}",
                f"[bold]{model.standing_offer[i]:g}[/]",
            )
        table.caption = "; ".join(f"{issue.label or n}: {issue.unit}" for n, issue in scenario.issues.items())
        self.console.print(table)
        standing = model.utility_of(model.standing_offer)[agent.index]
        self.console.print(
            f"  What is on the table is worth [bold]{standing:.2f}[/] to you; walking away (no deal) "
            f"{agent.reservation:.2f}."
        )
        if model.history:
            self.console.print(history_table(model))

    def show_offer(self, agent: GovernmentAgent, offer: np.ndarray) -> None:
        names = list(agent.model.scenario.issues)
        text = ", ".join(f"{n} {v:g}" for n, v in zip(names, offer, strict=True))
        self.console.print(f"  Offer: {text}: worth [bold]{agent.utility(offer):.2f}[/] to you.")


def history_table(model: NegotiationModel) -> Table:
    table = Table(title="So far", title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("proposer")
    for name in model.issue_names:
        table.add_column(name, justify="right")
    table.add_column("answers")
    table.add_column("events")
    for r in model.history:
        table.add_row(
            str(r.round),
            r.proposer,
            *[f"{r.offer[n]:g}" for n in model.issue_names],
            ", ".join(f"{a} {'yes' if ok else 'no'}" for a, ok in r.responses.items()),
            ", ".join(r.events),
        )
    return table


class _Recording:
    """Wraps a seat to record each decision in the transcript."""

    def __init__(self, seat: Any, actor: str, game: Game):
        self.seat, self.actor, self.game = seat, actor, game

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        package = self.seat.propose(agent, round_)
        values = dict(zip(agent.model.issue_names, map(float, package), strict=True))
        self.game.decisions.append({"round": round_, "actor": self.actor, "propose": values})
        return package

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        ok = bool(self.seat.respond(agent, offer, round_))
        self.game.decisions.append({"round": round_, "actor": self.actor, "accept" if ok else "reject": True})
        return ok

    def act(self, agent: GovernmentAgent, round_: int, events: list[str]) -> str | None:
        choice = self.seat.act(agent, round_, events)
        self.game.decisions.append({"round": round_, "actor": self.actor, "trigger": choice})
        return choice


@dataclass
class GameResult:
    """Where the game was saved, and how it ended."""

    folder: Path
    status: str  # complete, interrupted (Ctrl-C) or ended (end of input)
    transcript: dict[str, Any]


def play(
    scenario: Scenario,
    humans: list[str],
    *,
    seed: int = 0,
    moves: str | Path | None = None,
    console: Console | None = None,
    out: str | Path = "runs",
    reference_runs: int = REFERENCE_RUNS,
    workers: int | None = None,
) -> GameResult:
    """Play one game; people play ``humans`` (from the keyboard, or ``moves``), agents the rest."""
    console = console or Console()
    problems = [
        Problem("--as", "", f"no actor '{a}' in {scenario.name} (actors: {', '.join(scenario.actors)})")
        for a in humans
        if a not in scenario.actors
    ]
    if len(set(humans)) != len(humans):
        problems.append(Problem("--as", "", "an actor is named twice"))
    if not humans:
        problems.append(Problem("--as", "", "name the government(s) people play: --as ACTOR"))
    if scenario.protocol != "alternating_offers":
        problems.append(
            Problem("protocol", "", f"people play alternating offers; this scenario uses {scenario.protocol}")
        )
    for a in humans:
        spec = scenario.actors.get(a)
        if (
            spec is not None
            and spec.role == "stakeholder"
            and not any(e.actor == a for e in scenario.events.values())
        ):
            problems.append(
                Problem("--as", "", f"{a} has no events to trigger: a person would have nothing to do")
            )
    if problems:
        raise WargameError(problems)
    played = classroom_scenario(scenario, humans)
    game = Game(played, humans, seed, console)
    seats: dict[str, Any] = (
        dict(load_moves(moves, played, humans))
        if moves is not None
        else {a: TerminalSeat(game) for a in humans}
    )
    folder = rundir.create(out, "classroom", label="+".join(humans))
    game.model = model = NegotiationModel(
        played, seed=seed, humans={a: _Recording(seat, a, game) for a, seat in seats.items()}
    )
    console.print(
        Panel(Text(played.classroom.situation if played.classroom else played.description), title=played.name)
    )
    status = "complete"
    try:
        while model.running:
            t = model.steps  # the round about to be played (rounds count from 0, Mesa's steps from 1)
            for text in game.announcements(t):
                console.print(Panel(Text(text), title=f"Round {t}: news", border_style="yellow"))
            model.step()
            record = model.history[-1]
            verdict = "[green]deal[/]" if record.deal else "no deal yet"
            console.print(
                f"Round {record.round}: {record.proposer} offered "
                + ", ".join(f"{k} {v:g}" for k, v in record.offer.items())
                + f"; {verdict}"
                + (f"; events: {', '.join(record.events)}" if record.events else "")
            )
    except KeyboardInterrupt:
        status = "interrupted"
    except EndOfInput:
        status = "ended"
    except WargameError:
        _save(folder, game, "failed", None)
        raise
    transcript = _save(folder, game, status, None)  # the game is safe before the debrief's runs
    if status == "complete":
        console.print(f"Comparing with {reference_runs} agent-played runs (cached after the first time)...")
        try:
            transcript = _save(folder, game, status, debrief(game, out, reference_runs, workers))
        except (KeyboardInterrupt, WargameError) as err:
            console.print(
                Text(
                    f"no debrief ({'interrupted' if isinstance(err, KeyboardInterrupt) else err}); "
                    f"the game is saved: run `wargame debrief {folder}` later"
                )
            )
    return GameResult(folder, status, transcript)


# --------------------------------------------------------------------------- the debrief


def percentile(values: np.ndarray, x: float) -> float:
    """Where ``x`` stands among ``values``, 0-100: the share below it, counting ties as half."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return math.nan
    below = np.sum(values < x - 1e-12)
    ties = np.sum(np.abs(values - x) <= 1e-12)
    return float(100.0 * (below + 0.5 * ties) / len(values))


def reference_utilities(
    scenario: Scenario, out: str | Path, runs: int = REFERENCE_RUNS, workers: int | None = None
) -> tuple[Any, Path]:
    """Agent-played Monte Carlo runs of the scenario as played: a cached run, or one made now."""
    data = scenario.data()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]
    name = f"{scenario.name}-{digest}"
    folder = Path(out) / "classroom" / "reference"
    for run_dir in sorted((folder / name).glob("*"), reverse=True):
        try:
            run = load_run(run_dir)
        except WargameError:
            continue
        if run.manifest.get("status") == "complete" and run.plan.experiment.runs == runs:
            return run.episodes, run.run_dir
    experiment = Experiment(
        name=name, scenario=f"(classroom: {scenario.name})", runs=runs, seed=REFERENCE_SEED
    )
    run = run_experiment(
        Plan(experiment=experiment, scenario=data),
        executor="process" if (workers or 2) > 1 else "serial",
        workers=workers,
        out=folder,
    )
    return run.episodes, run.run_dir


def debrief(
    game: Game, out: str | Path, runs: int = REFERENCE_RUNS, workers: int | None = None
) -> dict[str, Any]:
    """The numbers of the debrief (see :func:`debrief_markdown`): plain data, stored in the transcript."""
    model = game.model
    assert model is not None
    episode = model.episode()
    scenario = model.scenario
    episodes, run_dir = reference_utilities(game.scenario, out, runs, workers)
    issues = {}
    for name, issue in scenario.issues.items():
        issues[name] = {
            "unit": issue.unit,
            "status_quo": issue.status_quo,
            "no_deal": issue.no_deal,
            "nash": None if episode.nash is None else episode.nash[name],
            "outcome": episode.outcome[name],
            "simulated_p50": float(np.median(episodes[f"outcome.{name}"])),
        }
    # one yardstick for the player and every simulated run: the payoffs at the start of the game
    # as played (events move payoffs during play, and would otherwise decide the ranking)
    yardstick = Payoffs.from_scenario(game.scenario)
    names = list(scenario.issues)
    simulated_outcomes = episodes[[f"outcome.{n}" for n in names]].to_numpy(dtype=float)
    simulated_deal = episodes["deal"].to_numpy(dtype=bool)
    played_outcome = np.array([[episode.outcome[n] for n in names]])
    players = {}
    for actor in game.humans:
        a = yardstick.index(actor)
        cost = yardstick.no_deal_cost[a]
        simulated = yardstick.utilities(simulated_outcomes)[a] - cost * ~simulated_deal
        score = float(yardstick.utilities(played_outcome)[a, 0] - (0.0 if episode.deal else cost))
        entry: dict[str, Any] = {
            "utility": episode.utility[actor],
            "reservation": episode.reservation[actor],
            "gain": episode.gain[actor],
            "score": score,
            "percentile": percentile(simulated, score),
            "simulated_score_p50": float(np.median(simulated)),
            "simulated_deal_rate": float(simulated_deal.mean()),
        }
        opening = next((d["propose"] for d in game.decisions if d["actor"] == actor and "propose" in d), None)
        if opening is not None:
            package = np.array([opening[n] for n in scenario.issues])
            entry["opening"] = opening
            entry["opening_utility"] = float(model.utility_of(package)[model.payoffs.index(actor)])
            entry["conceded"] = entry["opening_utility"] - episode.utility[actor]
        entry["events_triggered"] = [
            d["trigger"] for d in game.decisions if d["actor"] == actor and d.get("trigger")
        ]
        players[actor] = entry
    return {
        "deal": episode.deal,
        "deal_round": episode.deal_round,
        "issues": issues,
        "players": players,
        "nash_distance": episode.nash_distance,
        "reference": {"runs": len(episodes), "seed": REFERENCE_SEED, "run_dir": str(run_dir)},
    }


def debrief_markdown(transcript: Mapping[str, Any]) -> str:
    """The debrief as markdown (``debrief.md``, and what ``wargame debrief`` prints)."""
    try:
        return _debrief_markdown(transcript)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise WargameError(Problem("transcript.yaml", "debrief", f"damaged transcript ({err!r})")) from None


def _debrief_markdown(transcript: Mapping[str, Any]) -> str:
    d = transcript.get("debrief")
    humans = transcript["humans"]
    lines = [f"# Debrief: {transcript['scenario']}, played as {', '.join(humans)}", ""]
    if d is None:
        lines.append(
            f"The game stopped early ({transcript['status']}) after {len(transcript['rounds'])} round(s): "
            "no outcome to debrief. The transcript has what happened."
        )
        return "\n".join(lines) + "\n"
    verdict = (
        f"Deal in round {d['deal_round']}."
        if d["deal"]
        else "No deal: every issue fell to its no-deal value."
    )
    lines += [
        verdict,
        "",
        "| issue | unit | status quo | no deal | Nash point | outcome | agents' median |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, i in d["issues"].items():
        nash = "-" if i["nash"] is None else f"{i['nash']:g}"
        lines.append(
            f"| {name} | {i['unit']} | {i['status_quo']:g} | {i['no_deal']:g} | {nash} | "
            f"**{i['outcome']:g}** | "
            f"{i['simulated_p50']:g} |"
        )
    ref = d["reference"]
    for actor, p in d["players"].items():
        lines += [
            "",
            f"## {actor}",
            "",
            f"- Your utility: **{p['utility']:.3f}** (walking away was worth {p['reservation']:.3f}: "
            f"gain {p['gain']:+.3f}).",
            f"- Scored with everybody's payoffs as they stood when the game began (events change "
            f"them during play), your outcome is worth {p['score']:.3f} to {actor}: better than "
            f"**{p['percentile']:.0f}%** of {ref['runs']} runs in which the agents played {actor} "
            f"(ties count half; their median {p['simulated_score_p50']:.3f}; they reached a deal in "
            f"{100 * p['simulated_deal_rate']:.0f}% of runs).",
        ]
        if "opening" in p:
            opening = ", ".join(f"{k} {v:g}" for k, v in p["opening"].items())
            lines.append(
                f"- You opened with {opening} (worth {p['opening_utility']:.3f} to you) and conceded "
                f"{p['conceded']:.3f} of utility from it."
            )
        if p["events_triggered"]:
            lines.append(f"- You triggered: {', '.join(p['events_triggered'])}.")
    if d["nash_distance"] is not None:
        lines += [
            "",
            f"Distance from the Nash point: {d['nash_distance']:.3f} "
            "(0 = the same package, 1 = opposite corners).",
        ]
    lines += ["", f"Reference: {ref['runs']} agent-played runs, seed {ref['seed']} ({ref['run_dir']})."]
    return "\n".join(lines) + "\n"


def transcript_markdown(transcript: Mapping[str, Any]) -> str:
    lines = [
        f"# {transcript['scenario']}: classroom game",
        "",
        f"Played as {', '.join(transcript['humans'])} (the agents played the rest); "
        f"seed {transcript['seed']}; "
        f"status {transcript['status']}; {transcript['started']} to {transcript['finished']}.",
        "",
        "| round | proposer | offer | answers | events |",
        "|---|---|---|---|---|",
    ]
    for r in transcript["rounds"]:
        offer = ", ".join(f"{k} {v:g}" for k, v in r["offer"].items())
        answers = ", ".join(f"{a} {'yes' if ok else 'no'}" for a, ok in r["responses"].items())
        lines.append(f"| {r['round']} | {r['proposer']} | {offer} | {answers} | {', '.join(r['events'])} |")
    if transcript["announcements"]:
        lines += ["", "## Announcements", ""]
        lines += [f"- round {a['round']}: {a['text']}" for a in transcript["announcements"]]
    lines += ["", "## The players' decisions", ""]
    for d in transcript["decisions"]:
        what = {k: v for k, v in d.items() if k not in ("round", "actor")}
        lines.append(f"- round {d['round']}, {d['actor']}: {json.dumps(what)}")
    return "\n".join(lines) + "\n"


def _save(folder: Path, game: Game, status: str, debrief_data: dict[str, Any] | None) -> dict[str, Any]:
    model = game.model
    assert model is not None
    played_rounds = len(model.history)
    transcript = {
        "scenario": game.scenario.name,
        "humans": game.humans,
        "seed": game.seed,
        "status": status,
        "started": game.started,
        "finished": rundir.utc_now(),
        "announcements": [
            {"round": t, "text": text} for t in range(played_rounds) for text in game.announcements(t)
        ],
        "decisions": game.decisions,
        "rounds": [json.loads(json.dumps(r.__dict__, default=list)) for r in model.history],
        "events": [e.to_dict() for e in model.fired],
        "episode": model.episode().to_dict() if not model.running else None,
        "debrief": debrief_data,
        "scenario_data": game.scenario.data(),
    }
    transcript = json.loads(json.dumps(transcript, default=list))  # plain data for YAML
    rundir.write_yaml(folder / "transcript.yaml", transcript)
    rundir.write_text(folder / "transcript.md", transcript_markdown(transcript))
    if debrief_data is not None:
        rundir.write_text(folder / "debrief.md", debrief_markdown(transcript))
    return transcript


def load_transcript(path: str | Path) -> dict[str, Any]:
    """A saved game's transcript (``transcript.yaml``, or the game's folder)."""
    p = Path(path)
    if p.is_dir():
        p = p / "transcript.yaml"
    data = rundir.read_yaml_mapping(p, "transcript.yaml")
    missing = [k for k in ("scenario", "humans", "status", "rounds", "debrief") if k not in data]
    if missing:
        raise WargameError(Problem(str(p), "", f"not a classroom transcript (no {', '.join(missing)})"))
    return data
