"""Classroom exercises: role cards, games people play against the agents, transcripts, debriefs.

* :mod:`~wargame.classroom.rolecard`: a government's role card, from the scenario's
  ``classroom:`` block and its payoffs, in plain words (``wargame brief``).
* :mod:`~wargame.classroom.game`: one game, in which people play some governments through seats
  and the agents play the rest; :mod:`~wargame.classroom.moves`: a decision's one typed form
  (``Move``, ``Decision``) and its plain forms, and a moves file read into seats.
* :mod:`~wargame.classroom.terminal`: the game at the keyboard (``wargame play``): a seat that
  asks, and the loop that announces news, saves on Ctrl-C and ends with the debrief.
* :mod:`~wargame.classroom.transcript` and :mod:`~wargame.classroom.scoring`: what a game leaves
  in ``<out>/classroom/<UTC time>-<actors>/`` (``transcript.yaml``, ``transcript.md``,
  ``debrief.md``), and the debrief's comparison with agent-played runs of the same scenario.

The names below load on first use, so the CLI can name them without importing the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

REFERENCE_RUNS = 300  # agent-played runs a debrief compares a player with
REFERENCE_SEED = 20250825

_EXPORTS = {
    "brief": "rolecard",
    "play": "terminal",
    "GameResult": "terminal",
    "TerminalSeat": "terminal",
    "Game": "game",
    "classroom_scenario": "game",
    "Move": "moves",
    "Decision": "moves",
    "ScriptedSeat": "moves",
    "load_moves": "moves",
    "check_package": "moves",
    "EndOfInput": "moves",
    "debrief": "scoring",
    "debrief_markdown": "transcript",
    "percentile": "scoring",
    "load_transcript": "transcript",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wargame.classroom' has no attribute {name!r}")
    return getattr(import_module(f"wargame.classroom.{module}"), name)
