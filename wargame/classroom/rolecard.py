"""A government's role card (``wargame brief``): the situation, its goals, priorities and bottom
line in plain words, and what the others are known to want."""

from __future__ import annotations

import numpy as np

from wargame import timeline
from wargame.errors import Problem, WargameError
from wargame.payoffs import Payoffs
from wargame.scenario import Scenario


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _value(scenario: Scenario, issue: str, value: float) -> str:
    """A value as a player reads it: an option's label, or the number."""
    spec = scenario.issues[issue]
    return f'"{spec.label_of(value)}"' if spec.options is not None else f"{value:g}"


def _talks(scenario: Scenario, h2: str, bullet: str) -> list[str]:
    """The calendar, the tracks and their deadlines, and what can end the talks (public knowledge)."""
    if not (scenario.calendar or scenario.tracks or scenario.breakdown):
        return []
    plan = timeline.schedule(scenario)
    lines = [f"{h2}How the talks run", ""]
    for phase in timeline.phases_in(scenario):
        rounds = [r for r, p in enumerate(plan.phase) if p == phase]
        when = f", ending {plan.date(rounds[-1])}" if plan.start else ""
        span = f"round {rounds[0]}" if len(rounds) == 1 else f"rounds {rounds[0]}-{rounds[-1]}"
        lines.append(f"{bullet}{phase}: {span}{when}.")
    for name, track in scenario.tracks.items():
        issues = ", ".join(scenario.issues[i].label or i for i in track.issues)
        last = timeline.deadline(scenario, name)
        lines.append(
            f"{bullet}The {name} track ({issues}) must close by round {last}: then the terms on the "
            "table that both sides prefer to its failure are adopted, or its issues take their "
            "no-deal values."
        )
    for name, cause in scenario.breakdown.items():
        what = " ".join(cause.description.split()) or name
        lines.append(f"{bullet}The talks can break down at any round: {what}.")
    return [*lines, ""]


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
        if issue.options is not None:
            ideal, now = issue.label_of(spec.ideal[names[i]]), issue.label_of(issue.status_quo)
            want = f'"{ideal}" (now: "{now}"; options: {issue.allowed()})'
        else:
            want = (
                f"{spec.ideal[names[i]]:g} {issue.unit} "
                f"(now {issue.status_quo:g}; range {issue.lo:g}-{issue.hi:g})"
            )
        focal = ", ".join(f"{f.value:g}" + (f" ({f.note})" if f.note else "") for f in issue.focal)
        lines.append(
            f"{bullet}{label}: you want {want}. It {care} ({_pct(weights[i])} of what you care about)."
            + (f" Values everyone knows: {focal}." if focal else "")
        )
    lines.append("")
    lines += _talks(scenario, h2, bullet)

    lines += [f"{h2}Your bottom line", ""]
    failure = ", ".join(
        f"{scenario.issues[n].label or n} {_value(scenario, n, v)}"
        for n, v in zip(names, no_deal, strict=True)
    )
    lines.append(
        f"If the talks fail: {failure}. That is worth {reservation[me]:.2f} to you on a 0-1 scale "
        f"(1 = everything you want), after the {spec.no_deal_cost:g} a failure costs you on top."
    )
    if spec.role == "principal":
        lines.append(
            f"Accept nothing worth less than {reservation[me]:.2f} to you: you would do better to walk away."
        )
    # only a government at the table weighs its fallback against the others' (a stakeholder has no veto)
    others = [a for a in scenario.principals if a != actor] if spec.role == "principal" else []
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
        wants = ", ".join(
            f"{scenario.issues[n].label or n} {_value(scenario, n, theirs.ideal[n])}" for n in names
        )
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
