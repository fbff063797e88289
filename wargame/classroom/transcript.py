"""A game's transcript: what was played, as YAML (read back by ``wargame debrief``), and the
transcript and debrief as markdown."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wargame import rundir
from wargame.errors import Problem, WargameError
from wargame.tables import Table, bold, short, to_json

if TYPE_CHECKING:
    from wargame.classroom.game import Game


def save(folder: Path, game: Game, status: str, debrief_data: dict[str, Any] | None) -> dict[str, Any]:
    """Write ``transcript.yaml``, ``transcript.md`` and (with a debrief) ``debrief.md``; return the
    transcript as plain data. Every file is written atomically."""
    model = game.model
    assert model is not None
    played_rounds = len(model.history)
    transcript = {
        "scenario": game.scenario.name,
        "humans": game.humans,
        "seed": game.seed,
        "status": status,  # playing (saved as it goes), complete, interrupted, ended or failed
        "started": game.started,
        "finished": rundir.utc_now(),
        "reference_runs": game.reference_runs,
        "announcements": [
            {"round": t, "text": text} for t in range(played_rounds) for text in game.announcements(t)
        ],
        "decisions": [d.to_json() for d in game.decisions],
        "rounds": [r.__dict__ for r in model.history],
        "events": [e.to_dict() for e in model.fired],
        "episode": model.episode().to_dict() if not model.running else None,
        "ending": game.ending(),  # how it ended (a deal, the deadline, a breakdown and why); None yet
        "debrief": debrief_data,
        "scenario_data": game.scenario.data(),
    }
    transcript = json.loads(to_json(transcript))  # plain data for YAML (a person's aspiration, NaN: null)
    rundir.write_yaml(folder / "transcript.yaml", transcript)
    rundir.write_text(folder / "transcript.md", transcript_markdown(transcript))
    if debrief_data is not None:
        rundir.write_text(folder / "debrief.md", debrief_markdown(transcript))
    return transcript


def verdict_text(ending: Mapping[str, Any]) -> str:
    """How the game ended, as a sentence: ``wargame run``'s verdict line for the same episode."""
    text = str(ending["verdict"])
    return text[:1].upper() + text[1:] + "."


def breakdown_text(ending: Mapping[str, Any]) -> str | None:
    """Why the talks broke down (its cause, and the events that raised its chance), or None if
    they did not."""
    cause = ending.get("breakdown")
    if not cause:
        return None
    text = f"{cause['description'] or cause['name']} ({cause['name']})."
    fed = ", ".join(f"{e} (fired {n}x)" for e, n in (cause.get("events") or {}).items())
    if fed:
        text += f" Its chance each round grew with every firing of {fed}."
    return text[:1].upper() + text[1:]


def _ending_lines(ending: Mapping[str, Any] | None) -> list[str]:
    """The verdict, and why the talks broke down if they did (markdown lines)."""
    if not ending:
        return []
    why = breakdown_text(ending)
    return [verdict_text(ending)] + ([f"Why: {why}"] if why else [])


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
        episode = transcript.get("episode")
        if transcript["status"] == "complete" and episode:
            ended = f"in a deal in round {episode['deal_round']}" if episode["deal"] else "without a deal"
            lines.append(
                f"The game ended {ended}, but its debrief was not computed (it was interrupted): "
                "`wargame debrief` on this game's folder computes it."
            )
            lines += ["", *_ending_lines(transcript.get("ending"))]
        else:
            lines.append(
                f"The game stopped early ({transcript['status']}) after {len(transcript['rounds'])} "
                "round(s): no outcome to debrief. The transcript has what happened."
            )
        return "\n".join(lines) + "\n"
    ending = transcript.get("ending")
    # a transcript saved before games recorded how they ended says only whether there was a deal
    verdict = (
        " ".join(_ending_lines(ending))
        if ending
        else f"Deal in round {d['deal_round']}."
        if d["deal"]
        else "No deal: every issue fell to its no-deal value."
    )
    table = Table(
        "", ["issue", "unit", "status quo", "no deal", "Nash point", "outcome", "agents' median"], "llrrrrr"
    )
    for name, i in d["issues"].items():
        table.add_row(
            name,
            i["unit"],
            short(i["status_quo"]),
            short(i["no_deal"]),
            short(i["nash"]),
            bold(short(i["outcome"])),
            short(i["simulated_p50"]),
        )
    lines += [verdict, "", table.markdown(level=0).rstrip()]
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
    ]
    table = Table("", ["round", "proposer", "offer", "answers", "events"], "rllll")
    for r in transcript["rounds"]:
        table.add_row(
            str(r["round"]),
            r["proposer"],
            ", ".join(f"{k} {short(v)}" for k, v in r["offer"].items()),
            ", ".join(f"{a} {'yes' if ok else 'no'}" for a, ok in r["responses"].items()),
            ", ".join(r["events"]),
        )
    lines.append(table.markdown(level=0).rstrip())
    ended = _ending_lines(transcript.get("ending"))
    if ended:
        lines += ["", "## How it ended", "", *ended]
    if transcript["announcements"]:
        lines += ["", "## Announcements", ""]
        lines += [f"- round {a['round']}: {a['text']}" for a in transcript["announcements"]]
    lines += ["", "## The players' decisions", ""]
    for d in transcript["decisions"]:
        what = {k: v for k, v in d.items() if k not in ("round", "actor")}
        lines.append(f"- round {d['round']}, {d['actor']}: {json.dumps(what)}")
    return "\n".join(lines) + "\n"


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
