"""A government's role card (``wargame brief``, and the browser player page's briefing): the public
situation, its own briefing, goals, priorities, payoffs and bottom line in plain words, and who the
others are. The others' payoffs stay private until the debrief reveals them."""

from __future__ import annotations

import numpy as np

from wargame import timeline
from wargame.errors import Problem, WargameError
from wargame.parameters import payoffs_of
from wargame.scenario import Scenario


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _value(scenario: Scenario, issue: str, value: float) -> str:
    """A value as a player reads it: an option's label, or the number."""
    spec = scenario.issues[issue]
    return f'"{spec.label_of(value)}"' if spec.options is not None else f"{value:g}"


def _talks(scenario: Scenario, h2: str, bullet: str) -> list[str]:
    """The calendar, the tracks and their deadlines, and what can end the talks (public knowledge)."""
    if not (scenario.calendar or scenario.tracks or scenario.breakdown or scenario.ratification):
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
            f"{bullet}The {name} track ({issues}) is due by round {last}: then that round's offer "
            "is put to both sides for this track alone. Its terms are adopted if both prefer them "
            "to the track failing; if not, the deadline slips to the end of the next phase (at "
            "the last round the track fails and its issues take their no-deal values)."
        )
    for name, body in scenario.ratification.items():
        who = body.name or name
        principal = scenario.actors[body.principal].name or body.principal
        for issue, bound in body.ranges.items():
            label = scenario.issues[issue].label or issue
            span = " and ".join(
                f"{word} {_value(scenario, issue, v)}"
                for word, v in (("at least", bound.low), ("at most", bound.high))
                if v is not None
            )
            lines.append(
                f"{bullet}{who} must approve what {principal} agrees: {label} {span}. An agreement "
                "outside that is vetoed and the talks go on."
            )
    for name, cause in scenario.breakdown.items():
        what = " ".join(cause.description.split()) or name
        lines.append(f"{bullet}The talks can break down at any round: {what}.")
    return [*lines, ""]


def _shape(risk: float) -> str:
    """How losses grow away from the ideal, in words (``risk`` is the utility exponent)."""
    if risk > 1:
        return "a small step away from it costs you little, a long way much"
    if risk < 1:
        return "even a small step away from it costs you a lot; further steps cost less each"
    return "every step away from it costs you the same"


def _failure_cost(cost: float) -> str:
    """What a failure costs on top of its outcome, in words (a cost, nothing, or a gain): the end
    of the sentence that says what the talks failing is worth."""
    if cost > 0:
        return f": what those values are worth to you, less {cost:g} that a failure itself costs you."
    if cost < 0:
        return f": what those values are worth to you, plus {-cost:g} that a failure itself gains you."
    return "; a failure costs you nothing beyond those values."


def brief(scenario: Scenario, actor: str, fmt: str = "text") -> str:
    """A government's role card: the public situation, its own private briefing, goals,
    priorities, the shape of its payoffs and its bottom line in plain words, and who the others
    are. Of the others it says only what is public (their names and roles): their payoffs are
    theirs to keep until the debrief. ``fmt`` is ``text`` or ``md``."""
    if actor not in scenario.actors:
        raise WargameError(
            Problem(
                "--as", "", f"no actor '{actor}' in {scenario.name} (actors: {', '.join(scenario.actors)})"
            )
        )
    if fmt not in ("text", "md"):
        raise WargameError(Problem("--format", "", f"unknown format '{fmt}' (known: text, md)"))
    spec = scenario.actors[actor]
    p = payoffs_of(scenario)
    me = p.index(actor)
    no_deal = np.array([i.no_deal for i in scenario.issues.values()])
    reservation = p.reservations(no_deal)
    # shares of everything its utility weighs: the issues, landing on focal values, its linkages
    total = p.salience[me].sum() + p.focal_weight[me].sum() + sum(link.weight for link in spec.linkages)
    weights = p.salience[me] / total
    classroom = scenario.classroom
    md = fmt == "md"
    h1, h2 = ("# ", "## ") if md else ("", "")
    bullet = "- "
    principal = spec.role == "principal"

    lines = [f"{h1}Role card: {spec.name or actor} ({scenario.name})", ""]
    if not md:
        lines[0] = lines[0].upper()
    lines += [f"{h2}The situation", "", classroom.situation if classroom else scenario.description, ""]
    if classroom and actor in classroom.briefings:
        lines += [f"{h2}Your briefing (private)", "", classroom.briefings[actor], ""]

    lines += [f"{h2}What you want", ""]
    role = (
        "You sit at the table: nothing is agreed unless you accept it."
        if principal
        else "You do not sit at the table: you act on the talks through what you do (your events)."
    )
    lines += [role, ""]
    order = np.argsort(-weights, kind="stable")
    names = list(scenario.issues)
    linear = bool(np.all(p.risk[me] == 1))
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
        shape = "" if linear else f" {_shape(float(p.risk[me, i])).capitalize()}."
        lines.append(
            f"{bullet}{label}: you want {want}. It {care} ({_pct(weights[i])} of what you care about)."
            + shape
            + (f" Values everyone knows: {focal}." if focal else "")
        )
    if linear:
        lines.append(f"{bullet}On every issue, every step away from what you want costs you the same.")
    for i, name in enumerate(names):
        if p.focal_weight[me, i] > 0 and scenario.issues[name].focal:
            issue = scenario.issues[name]
            values = ", ".join(f"{f.value:g}" for f in issue.focal)
            lines.append(
                f"{bullet}Landing exactly on a value everyone knows for {issue.label or name} ({values}) is "
                f"worth something to you in itself ({_pct(p.focal_weight[me, i] / total)} of what you "
                "care about)."
            )
    for link in spec.linkages:
        (a, x), (b, y) = link.targets.items()
        both = (
            f"{scenario.issues[a].label or a} {_value(scenario, a, x)} and "
            f"{scenario.issues[b].label or b} {_value(scenario, b, y)}"
        )
        what = (
            f"landing near {both} together is worth extra to you"
            if link.kind == "complement"
            else f"you gain unless both {both} come about (either one is enough for you)"
        )
        about = " ".join(link.description.split())
        lines.append(
            f"{bullet}{about[:1].upper() + about[1:] + ': ' if about else ''}{what} "
            f"({_pct(link.weight / total)} of what you care about)."
        )
    lines.append("")
    lines += _talks(scenario, h2, bullet)

    lines += [f"{h2}Your bottom line" if principal else f"{h2}What a failure leaves you", ""]
    failure = ", ".join(
        f"{scenario.issues[n].label or n} {_value(scenario, n, v)}"
        for n, v in zip(names, no_deal, strict=True)
    )
    lines.append(
        f"If the talks fail: {failure}. That is worth {reservation[me]:.2f} to you on a 0-1 scale "
        f"(1 = everything you want){_failure_cost(spec.no_deal_cost)}"
    )
    if principal:
        lines.append(
            f"Accept nothing worth less than {reservation[me]:.2f} to you: you would do better to walk away."
        )
    if spec.discount < 1:
        lines.append(
            f"Delay costs you: every round a deal is worth {100 * (1 - spec.discount):.0f}% less to you."
        )
    if spec.private is not None:
        low, high = min(spec.private.no_deal_cost), max(spec.private.no_deal_cost)
        lines.append(
            f"What a failure costs you is private: the others only know it lies between {low:g} and "
            f"{high:g}, and read each offer you refuse as a sign that failing costs you little."
        )
    lines.append("")

    # of the others, only what the scenario makes public: who they are and where they sit
    lines += [f"{h2}The others", ""]
    for other, theirs in scenario.actors.items():
        if other == actor:
            continue
        seat = (
            "sits at the table: nothing is agreed unless it accepts"
            if theirs.role == "principal"
            else "is outside the room: it acts on the talks through what it does"
        )
        lines.append(f"{bullet}{theirs.name or other} {seat}.")
    lines += [
        "",
        "What the others want, how much each issue matters to them and what a failure costs them "
        "are theirs to know: read them from their moves. The debrief reveals every government's "
        "payoffs when the game is over.",
    ]
    mine = [(n, e) for n, e in scenario.events.items() if e.actor == actor]
    if mine:
        lines += ["", f"{h2}What you can do", ""]
        for n, e in mine:
            price = "" if e.decision is None else f"; it costs you {e.decision.cost:g} on the same scale"
            lines.append(f"{bullet}{n} (at most {e.max_fires}x{price}): {' '.join(e.description.split())}")
    return "\n".join(lines).rstrip() + "\n"
