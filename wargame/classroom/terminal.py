"""The game at the keyboard (``wargame play``): a seat that asks a person, and the loop that plays
the rounds, announces news, saves the game whatever happens and ends with the debrief."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from wargame import rundir
from wargame.classroom import REFERENCE_RUNS
from wargame.classroom.game import Game, check_players
from wargame.classroom.moves import EndOfInput, MovesRanOut, load_moves
from wargame.classroom.scoring import debrief
from wargame.classroom.transcript import breakdown_text, save, verdict_text
from wargame.errors import Problem, WargameError
from wargame.scenario import Scenario
from wargame.tables import Table, bold, echo, line, short

if TYPE_CHECKING:
    from agents.human import Seat
    from agents.view import SeatView


class TerminalSeat:
    """Asks a person at the keyboard; bad input is asked again with the reason."""

    def __init__(self, console: Console, players: int = 1, ask: Callable[[str], str] | None = None):
        self.console = console
        self.players = players  # with several at one keyboard, each turn says whose it is
        self.ask = ask or self.console.input

    def _input(self, prompt: str) -> str:
        try:
            return self.ask(escape(prompt)).strip()  # "[y/n]" is text, not rich markup
        except EOFError:
            raise EndOfInput("end of input") from None
        except RuntimeError as err:  # input() with standard input closed: "lost sys.stdin"
            raise EndOfInput(str(err)) from None

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        self.show_turn(view, "make an offer")
        values: dict[str, float] = {}
        settled = view.settled
        for i, (name, issue) in enumerate(view.scenario.issues.items()):
            default = float(view.standing_offer[i])
            if name in settled:  # its track is settled: the offer keeps the value
                values[name] = settled[name]
                self.console.print(f"  {issue.label or name}: settled at {issue.label_of(settled[name])}")
                continue
            while True:
                text = self._input(f"  {issue.label or name} [{issue.allowed()}] (Enter = {default:g}): ")
                try:
                    value = default if text == "" else float(text)
                except (ValueError, OverflowError):
                    self.console.print(line("  ", (f"'{echo(text)}' is not a number", "red"), "; try again"))
                    continue
                if not math.isfinite(value) or not issue.admits(value):
                    allowed = issue.allowed()
                    self.console.print(line("  ", (f"{echo(text)} is not allowed", "red"), f": {allowed}"))
                    continue
                values[name] = value
                break
        package = np.array(list(values.values()))
        self.console.print(
            line("  Your offer is worth ", (f"{view.utility(package):.2f}", "bold"), " to you.")
        )
        return package

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        self.show_turn(view, "answer the offer")
        text = ", ".join(f"{n} {v:g}" for n, v in zip(view.scenario.issues, offer, strict=True))
        self.console.print(
            line(f"  Offer: {text}: worth ", (f"{view.utility(offer):.2f}", "bold"), " to you.")
        )
        while True:
            text = self._input("  Accept this offer? [y/n]: ").lower()
            if text in ("y", "yes"):
                return True
            if text in ("n", "no"):
                return False
            self.console.print(line("  ", (f"'{echo(text)}'", "red"), ": answer y or n"))

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        self.show_turn(view, "act or wait")
        scenario = view.scenario
        self.console.print("  0: pass (do nothing this round)")
        for k, name in enumerate(events, start=1):
            self.console.print(line(f"  {k}: {name}: {' '.join(scenario.events[name].description.split())}"))
        while True:
            text = self._input(f"  Your choice [0-{len(events)}]: ")
            if text in ("", "0", "pass"):
                return None
            if text in events:
                return text
            if text.isdigit() and 1 <= int(text) <= len(events):
                return events[int(text) - 1]
            self.console.print(
                line("  ", (f"'{echo(text)}'", "red"), f": choose a number from 0 to {len(events)}")
            )

    def show_turn(self, view: SeatView, what: str) -> None:
        """The table as this government sees it: issues, its ideal, the offer on the table, history."""
        t = view.round
        scenario = view.scenario
        head = line(f"{scenario.actors[view.actor].name or view.actor}: {what}")
        if self.players > 1:
            head = line((f" {view.actor.upper()} ", "reverse"), " ", head, " (hand over the keyboard)")
        self.console.rule(head)
        left = view.rounds - 1 - t
        table = Table(
            f"Round {t} (the last is {view.rounds - 1}: {left} more after this)",
            ["issue", "range (step)", "no deal", "your ideal", "on the table"],
        )
        for i, (name, issue) in enumerate(scenario.issues.items()):
            table.add_row(
                issue.label or name,
                f"{issue.lo:g}-{issue.hi:g} ({issue.step:g})",
                short(issue.no_deal),
                f"{view.ideal[i]:.4g}",
                bold(short(view.standing_offer[i])),
            )
        table.caption = "; ".join(f"{issue.label or n}: {issue.unit}" for n, issue in scenario.issues.items())
        self.console.print(table.rich(self.console.width))
        standing = view.utility(view.standing_offer)
        self.console.print(
            line(
                "  What is on the table is worth ",
                (f"{standing:.2f}", "bold"),
                f" to you; walking away (no deal) {view.reservation:.2f}.",
            )
        )
        if view.history:
            self.console.print(history_table(view).rich(self.console.width))


def history_table(view: SeatView) -> Table:
    """The rounds so far: who offered what, who answered how, what fired."""
    issues = list(view.scenario.issues)
    table = Table(
        "So far", ["round", "proposer", *issues, "answers", "events"], "rl" + "r" * len(issues) + "ll"
    )
    for r in view.history:
        table.add_row(
            str(r.round),
            r.proposer,
            *[short(r.offer[n]) for n in issues],
            ", ".join(f"{a} {'yes' if ok else 'no'}" for a, ok in r.responses.items()),
            ", ".join(r.events),
        )
    return table


def announce_ending(console: Console, game: Game) -> None:
    """Say how the game ended, as it ends: a breakdown with its round and cause, then the verdict
    (``wargame run``'s line for the same episode: the deal, or why not, and each track)."""
    ending = game.ending()
    if ending is None:
        return
    why = breakdown_text(ending)
    if why is not None:
        console.print(
            Panel(
                Text(f"{why} No deal: every issue still open takes its no-deal value."),
                title=f"Round {ending['round']}: the talks broke down",
                border_style="red",
            )
        )
    console.print(line((verdict_text(ending), "bold green" if ending["deal"] else "bold red")))


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
    """Play one game; people play ``humans`` (from the keyboard, or ``moves``), agents the rest.

    The transcript is saved when the game starts and again after every decision and every round,
    each time atomically: however the game ends (a deal, Ctrl-C, the end of input, a crash, a
    killed process), the folder holds what was played.
    """
    console = console or Console()
    check_players(scenario, humans)
    if moves is None and (sys.stdin is None or sys.stdin.closed):
        raise WargameError(
            Problem("--as", "", "no keyboard: standard input is closed (play from --moves FILE)")
        )
    seats: dict[str, Seat] = (
        dict(load_moves(moves, scenario, humans))
        if moves is not None
        else {a: TerminalSeat(console, len(humans)) for a in humans}
    )
    folder = rundir.create(out, "classroom", label="+".join(humans))
    game = Game.start(scenario, humans, seats, seed, reference_runs=reference_runs)

    def save_so_far() -> None:
        save(folder, game, "playing", None)

    game.on_decision = save_so_far
    model = game.model
    assert model is not None
    save(folder, game, "playing", None)
    played = game.scenario
    console.print(
        Panel(
            Text(played.classroom.situation if played.classroom else played.description),
            title=Text(played.name),
        )
    )
    status = "complete"
    ran_out: MovesRanOut | None = None
    try:
        while model.running:
            t = model.steps  # the round about to be played (rounds count from 0, Mesa's steps from 1)
            for text in game.announcements(t):
                console.print(Panel(Text(text), title=f"Round {t}: news", border_style="yellow"))
            model.step()
            save(folder, game, "playing", None)
            record = model.history[-1]
            offered = ", ".join(f"{k} {v:g}" for k, v in record.offer.items())
            events = f"; events: {', '.join(record.events)}" if record.events else ""
            state: str | tuple[str, str] = "no deal yet"
            if record.deal:
                state = ("deal", "green")
            elif not model.running:  # the talks ended without an accepted offer (why: just below)
                state = (
                    ("the talks broke down", "red") if model.ended == "breakdown" else "the talks are over"
                )
            console.print(line(f"Round {record.round}: {record.proposer} offered {offered}; ", state, events))
        announce_ending(console, game)
    except KeyboardInterrupt:
        status = "interrupted"
    except MovesRanOut as err:
        status, ran_out = "ended", err
    except EndOfInput:
        status = "ended"
    except BaseException:
        save(folder, game, "failed", None)  # keep what was played, then let the error be reported
        raise
    transcript = save(folder, game, status, None)  # the game is safe before the debrief's runs
    if ran_out is not None:  # a script that stops short is a mistake to fix, not a game played to its end
        problem = ran_out.problem
        raise WargameError(
            Problem(
                problem.file,
                problem.path,
                f"{problem.message}. The game so far is saved in {folder} (add the missing moves "
                "and play again)",
            )
        )
    if status == "complete":
        console.print(f"Comparing with {reference_runs} agent-played runs (cached after the first time)...")
        try:
            transcript = save(folder, game, status, debrief(game, out, reference_runs, workers))
        except (KeyboardInterrupt, WargameError) as err:
            why = "interrupted" if isinstance(err, KeyboardInterrupt) else str(err)
            console.print(
                line(f"No debrief ({why}); the game is saved: `wargame debrief {folder}` computes it.")
            )
    return GameResult(folder, status, transcript)
