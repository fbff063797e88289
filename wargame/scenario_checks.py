"""The checks across a scenario's fields: what pydantic cannot check one field at a time.

An ideal inside its issue's range, saliences not all zero, tracks that split the issues, events
that change other actors' payoff parameters, injects inside the talks. :func:`problems` runs them
all (loading a file); :func:`touched_problems` only those a change of some parameters can break
(``--set`` and sampled values, which :mod:`wargame.scenario` writes without re-validating).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from agents.strategies import STRATEGIES
from wargame import parameters, params, timeline
from wargame.axis import axis
from wargame.parameters import Parameter
from wargame.ratification import inside
from wargame.scenario_schema import MAX_LEVELS, Issue, ScenarioSpec
from wargame.schema import unknown_name


def problems(s: ScenarioSpec, validated_from: Any = None) -> list[tuple[str, str]]:
    """Cross-field checks pydantic cannot express per field: (dotted path, message) pairs.
    ``validated_from``: the data ``s`` was validated from, where effect paths are looked up first (a
    scenario's full dump is built only for a path the data leaves to a default)."""
    out: list[tuple[str, str]] = []
    for name in s.issues:
        out += _issue_range_problems(s, name)
    if not s.principals:
        out.append(("actors", "no actor has role: principal (somebody must be able to agree)"))
    elif len(s.principals) < 2:
        out.append(("actors", f"only one principal ({s.principals[0]}): bargaining needs at least two"))

    for aid in s.actors:
        out += actor_problems(s, aid)
    if s.first_proposer != "drawn" and s.first_proposer not in s.principals:
        known = {"drawn", *s.principals}
        out.append(("first_proposer", unknown_name("principal", s.first_proposer, known)))

    for name in s.issues:
        out += issue_value_problems(s, name)
    out += _talks_problems(s)
    out += _linked_block_problems(s)
    out += ratification_problems(s)

    for ename, event in s.events.items():
        at = f"events.{ename}"
        if event.actor not in s.actors:
            out.append((f"{at}.actor", unknown_name("actor", event.actor, set(s.actors))))
        if event.trigger is not None and event.decision is not None:
            out.append((f"{at}.decision", "an event is rolled (trigger) or chosen (decision), not both"))
        for i, effect in enumerate(event.effects):
            eat = f"{at}.effects.{i}.path"
            try:
                parts = params.split_path(effect.path)
            except params.PathError:
                parts = []
            if len(parts) < 3 or parts[0] != "actors":
                out.append((eat, f"'{effect.path}' must name an actor's parameter (actors.ACTOR.KEY...)"))
                continue
            if parts[1] not in s.actors:
                out.append((eat, unknown_name("actor", str(parts[1]), set(s.actors))))
                continue
            if parts[1] == event.actor:
                out.append((eat, "an event changes other actors' payoffs, not its own actor's"))
            private = s.actors[str(parts[1])].private
            if parts[2:] == ["no_deal_cost"] and private is not None and effect.op != "add":
                out.append(
                    (
                        f"{at}.effects.{i}.op",
                        f"{parts[1]}'s no-deal cost is private: an event may only add to it (everybody "
                        f"sees the change, never the cost; '{effect.op}' would tell them the cost)",
                    )
                )
            if not parameters.event_may_change(s, effect.path):
                out.append(
                    (
                        eat,
                        f"'{effect.path}' cannot be changed by an event; effects change payoff parameters: "
                        "ideal.ISSUE, salience.ISSUE, focal_weight.ISSUE, risk[.ISSUE], discount, "
                        "no_deal_cost, capability[.ISSUE], linkages.N.weight",
                    )
                )
                continue
            try:
                value = params.get_path(validated_from, effect.path)
            except params.PathError:
                try:
                    value = params.get_path(s.plain(), effect.path)
                except params.PathError as err:
                    out.append((eat, str(err)))
                    continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                out.append((eat, f"'{effect.path}' is not a number"))
    for i, inject in enumerate(s.injects):
        at = f"injects.{i}"
        if inject.event not in s.events:
            out.append((f"{at}.event", unknown_name("event", inject.event, set(s.events))))
        if inject.round >= s.rounds:
            out.append((f"{at}.round", f"round {inject.round} is after the last round ({s.rounds - 1})"))
    if s.classroom is not None:
        for briefed in s.classroom.briefings:
            if briefed not in s.actors:
                out.append((f"classroom.briefings.{briefed}", unknown_name("actor", briefed, set(s.actors))))
        for i, item in enumerate(s.classroom.injects):
            at = f"classroom.injects.{i}"
            if item.event is not None and item.event not in s.events:
                out.append((f"{at}.event", unknown_name("event", item.event, set(s.events))))
            if item.round >= s.rounds:
                out.append((f"{at}.round", f"round {item.round} is after the last round ({s.rounds - 1})"))
    return out


def _issue_range_problems(s: ScenarioSpec, name: str) -> list[tuple[str, str]]:
    """An issue's bounds, status quo, no-deal value and step agree."""
    issue, at, out = s.issues[name], f"issues.{name}", []
    if not issue.lo < issue.hi:
        return [(f"{at}.hi", f"hi ({issue.hi}) must be greater than lo ({issue.lo})")]
    for key in ("status_quo", "no_deal"):
        v = getattr(issue, key)
        if not issue.lo <= v <= issue.hi:
            out.append((f"{at}.{key}", f"{v} is outside the range [{issue.lo}, {issue.hi}]"))
    if issue.step > issue.span:
        out.append((f"{at}.step", f"step {issue.step} is larger than the range {issue.span}"))
    elif issue.span / issue.step + 1 > MAX_LEVELS:
        out.append(
            (
                f"{at}.step",
                f"step {issue.step} gives more than {MAX_LEVELS:,} values over the range; use a coarser step",
            )
        )
    return out


def actor_problems(s: ScenarioSpec, aid: str) -> list[tuple[str, str]]:
    """One actor's checks: an ideal and a salience per issue, ideals inside the ranges, saliences
    not all 0, a strategy for this many principals, linkages on two known issues inside their ranges."""
    actor, names, out = s.actors[aid], set(s.issues), []
    at = f"actors.{aid}"
    for field in ("ideal", "salience"):
        given = getattr(actor, field)
        for missing in sorted(names - set(given)):
            out.append((f"{at}.{field}", f"missing issue '{missing}'"))
        for extra in sorted(set(given) - names):
            out.append((f"{at}.{field}.{extra}", unknown_name("issue", extra, names)))
    for issue_name, v in actor.ideal.items():
        bounds = s.issues.get(issue_name)
        if bounds is not None and bounds.lo < bounds.hi and not bounds.lo <= v <= bounds.hi:
            out.append(
                (
                    f"{at}.ideal.{issue_name}",
                    f"{v} is outside the issue's range [{bounds.lo}, {bounds.hi}]",
                )
            )
    for issue_name, w in actor.salience.items():
        if w < 0:
            out.append((f"{at}.salience.{issue_name}", f"salience must be >= 0 (got {w})"))
    out += _per_issue_problems(s, aid)
    if actor.salience and all(w == 0 for w in actor.salience.values()) and not actor.linkages:
        out.append((f"{at}.salience", "all saliences are zero: the actor would care about nothing"))
    if actor.firmness and actor.role != "principal":
        out.append(
            (f"{at}.firmness", "only a principal can be firm (it bargains); a stakeholder's is unused")
        )
    if actor.private is not None:
        private = actor.private
        if actor.role != "principal":
            out.append((f"{at}.private", "only a principal's no-deal cost can be private (it bargains)"))
        low, high = min(private.no_deal_cost), max(private.no_deal_cost)
        if not low - 1e-12 <= actor.no_deal_cost <= high + 1e-12:
            out.append(
                (
                    f"{at}.no_deal_cost",
                    f"{actor.no_deal_cost:g} is outside the types the others consider ({low:g} to "
                    f"{high:g}, private.no_deal_cost): a truth the prior rules out can never be learned",
                )
            )
        if private.weights is not None:
            if len(private.weights) != len(private.no_deal_cost):
                out.append(
                    (
                        f"{at}.private.weights",
                        f"give one weight per type ({len(private.no_deal_cost)} types, "
                        f"{len(private.weights)} weights)",
                    )
                )
            elif sum(private.weights) <= 0:
                out.append((f"{at}.private.weights", "the weights are all 0: some type must be possible"))
    if actor.role == "principal" and actor.strategy is not None:
        wanted = STRATEGIES[actor.strategy.name].principals
        if wanted is not None and len(s.principals) != wanted:
            out.append(
                (
                    f"{at}.strategy",
                    f"{actor.strategy.name} bargains among exactly {wanted} principals; "
                    f"this scenario has {len(s.principals)}",
                )
            )
    for i, link in enumerate(actor.linkages):
        lat = f"{at}.linkages.{i}.targets"
        if len(link.targets) != 2:
            out.append((lat, f"a linkage joins exactly two issues (got {len(link.targets)})"))
        for issue_name, target in link.targets.items():
            linked = s.issues.get(issue_name)
            if linked is None:
                out.append((f"{lat}.{issue_name}", unknown_name("issue", issue_name, names)))
            elif not linked.lo <= target <= linked.hi:
                out.append((f"{lat}.{issue_name}", f"target {target} is outside [{linked.lo}, {linked.hi}]"))
    return out


def issue_value_problems(s: ScenarioSpec, name: str) -> list[tuple[str, str]]:
    """The values placed on issue ``name`` (options, focal values) and that somebody has a say on it."""
    issue = s.issues[name]
    out = _issue_value_problems(s, name, issue)
    says = [
        a.capability.get(name, 0.0) if isinstance(a.capability, dict) else a.capability
        for a in s.actors.values()
    ]
    if not any(c > 0 for c in says):
        out.append(("actors", f"nobody has a say on {name}: every actor's capability on it is 0"))
    return out


def touched_problems(s: ScenarioSpec, changed: Iterable[Parameter]) -> list[tuple[str, str]]:
    """The checks across fields that parameters ``changed`` can break, and only those: what
    :func:`problems` would find after a change of these parameters alone (the rest passed before)."""
    issues: set[str] = set()
    actors: set[str] = set()
    for p in changed:
        if p.section == "issue":
            issues.add(p.owner)
            actors.update(s.actors)  # every ideal and target on the issue must stay inside it
        elif p.section in ("actor", "private", "strategy", "linkage"):
            actors.add(p.owner)
            if p.key == "capability":
                issues.update(s.issues)  # somebody must keep a say on every issue
            elif p.issue is not None and p.placed_on_issue:
                issues.add(p.issue)  # an ideal on an options issue must be an option
    out: list[tuple[str, str]] = []
    for name in issues:
        out += _issue_range_problems(s, name)
    for aid in actors:
        out += actor_problems(s, aid)
    for name in issues:
        out += issue_value_problems(s, name)
    if any(p.section == "issue" and p.key in ("lo", "hi", "step") for p in changed):
        out += _linked_block_problems(s)  # a finer grid can make a linked block too large to list
    if s.ratification and any(p.section in ("issue", "ratification") for p in changed):
        out += ratification_problems(s)  # a range, or the grid it must hold a value of
    return out


def _per_issue_problems(s: ScenarioSpec, aid: str) -> list[tuple[str, str]]:
    """An actor's per-issue capability, risk and focal weights: known issues, allowed values."""
    actor, names, out = s.actors[aid], set(s.issues), []
    at = f"actors.{aid}"
    for field in ("risk", "capability"):
        given = getattr(actor, field)
        if isinstance(given, dict):
            out += [(f"{at}.{field}", f"missing issue '{m}'") for m in sorted(names - set(given))]
    for k, v in actor.focal_weight.items():
        if k in s.issues and not s.issues[k].focal:
            out.append((f"{at}.focal_weight.{k}", f"issue '{k}' has no focal values"))
        if v < 0:
            out.append((f"{at}.focal_weight.{k}", f"focal weight must be >= 0 (got {v:g})"))
    for field in ("risk", "capability", "focal_weight"):
        given = getattr(actor, field)
        if isinstance(given, dict):
            out += [
                (f"{at}.{field}.{k}", unknown_name("issue", k, names)) for k in sorted(set(given) - names)
            ]
    return out


def _issue_value_problems(s: ScenarioSpec, name: str, issue: Issue) -> list[tuple[str, str]]:
    """On an options issue, every value a file puts there must be an option; focal values lie in range."""
    at, out = f"issues.{name}", []
    for i, focal in enumerate(issue.focal):
        if not issue.lo <= focal.value <= issue.hi:
            out.append((f"{at}.focal.{i}.value", f"{focal.value:g} is outside [{issue.lo:g}, {issue.hi:g}]"))
    if issue.options is None:
        return out
    values = [o.value for o in issue.options]
    if len(set(values)) < len(values):
        out.append((f"{at}.options", "two options have the same value"))
    placed = {f"{at}.status_quo": issue.status_quo, f"{at}.no_deal": issue.no_deal}
    placed.update({f"{at}.focal.{i}.value": f.value for i, f in enumerate(issue.focal)})
    placed.update(
        {f"actors.{a}.ideal.{name}": spec.ideal[name] for a, spec in s.actors.items() if name in spec.ideal}
    )
    for path, v in placed.items():
        if not issue.admits(v):
            out.append((path, f"{v:g} is not one of the options of {name} ({issue.allowed()})"))
    return out


def ratification_problems(s: ScenarioSpec) -> list[tuple[str, str]]:
    """Ratifiers approve a principal's agreements on known issues, each range holding at least one
    of the issue's values, and all ratifiers together leaving one on every issue."""
    out: list[tuple[str, str]] = []
    kept: dict[str, Any] = {}
    for rname, spec in s.ratification.items():
        at = f"ratification.{rname}"
        if spec.principal not in s.principals:
            out.append((f"{at}.principal", unknown_name("principal", spec.principal, set(s.principals))))
        for name, bound in spec.ranges.items():
            where = f"{at}.ranges.{name}"
            issue = s.issues.get(name)
            if issue is None:
                out.append((where, unknown_name("issue", name, set(s.issues))))
                continue
            if bound.low is None and bound.high is None:
                out.append((where, "give low, high or both (the values it approves)"))
                continue
            if bound.low is not None and bound.high is not None and bound.low > bound.high:
                out.append((where, f"low {bound.low:g} is above high {bound.high:g}"))
                continue
            values = kept.get(name)
            if values is None:
                values = _grid(issue)
                if values is None:
                    continue  # the issue's own grid is reported elsewhere
            ok = inside(values, bound.low, bound.high)
            if not ok.any():
                shown = f"[{'' if bound.low is None else f'{bound.low:g}'}, "
                shown += f"{'' if bound.high is None else f'{bound.high:g}'}]"
                out.append((where, f"none of {name}'s values lies in {shown}: nothing could be ratified"))
                continue
            kept[name] = values[ok]
    return out


LARGEST_BLOCK = 1_000_000  # joint values of linked issues the exact search lists whole


def _grid(issue: Issue) -> Any:
    """The issue's admissible values (:func:`wargame.axis.axis`), or None where its range or step
    is wrong (:func:`_issue_range_problems` reports that): the one test of a usable grid here."""
    if issue.options is None and not (
        0 < issue.step <= issue.span and issue.span / issue.step + 1 <= MAX_LEVELS
    ):
        return None
    return axis(issue.lo, issue.hi, issue.step, tuple(issue.values or ()))


def _linked_block_problems(s: ScenarioSpec) -> list[tuple[str, str]]:
    """Issues tied by linkages (any actor's, directly or through others) form one block whose joint
    values the exact search lists (wargame/frontier.py): refuse a block too large to list."""
    # (an issue whose range or step is wrong on its own is reported elsewhere)
    grids = {name: _grid(issue) for name, issue in s.issues.items()}
    size = {name: len(grid) for name, grid in grids.items() if grid is not None}
    group = {name: {name} for name in size}
    for aid, actor in s.actors.items():
        for i, link in enumerate(actor.linkages):
            names = [n for n in link.targets if n in group]
            if len(names) != 2 or group[names[0]] is group[names[1]]:
                continue
            joined = group[names[0]] | group[names[1]]
            for n in joined:
                group[n] = joined
            packages = math.prod(size[n] for n in joined)
            if packages > LARGEST_BLOCK:
                return [
                    (
                        f"actors.{aid}.linkages.{i}",
                        f"linkages tie {', '.join(sorted(joined))} into one block of about {packages:,} "
                        f"joint values, more than the {LARGEST_BLOCK:,} the exact search lists: link "
                        "fewer issues together, or give them coarser steps",
                    )
                ]
    return []


def _talks_problems(s: ScenarioSpec) -> list[tuple[str, str]]:
    """Breakdown causes name events; calendar phases have distinct names; tracks split the issues
    and their deadlines fall inside the talks."""
    out: list[tuple[str, str]] = []
    for cause, spec in s.breakdown.items():
        for event in spec.per_fire:
            if event not in s.events:
                out.append(
                    (f"breakdown.{cause}.per_fire.{event}", unknown_name("event", event, set(s.events)))
                )
    phases = [p.name for p in s.calendar.phases] if s.calendar else []
    if len(set(phases)) < len(phases):
        out.append(("calendar.phases", "two phases have the same name"))
    if not s.tracks:
        return out
    reached = timeline.phases_in(s) if s.calendar else []
    if len(s.tracks) < 2:
        out.append(("tracks", "give at least two tracks (one track is the whole package)"))
    seen: dict[str, str] = {}
    for tname, track in s.tracks.items():
        for issue in track.issues:
            if issue not in s.issues:
                out.append((f"tracks.{tname}.issues", unknown_name("issue", issue, set(s.issues))))
            elif issue in seen:
                out.append((f"tracks.{tname}.issues", f"'{issue}' is in track '{seen[issue]}' already"))
            seen.setdefault(issue, tname)
        if isinstance(track.deadline, str):
            if track.deadline not in reached:
                known = set(reached) or {"(no calendar: give a round number)"}
                out.append(
                    (f"tracks.{tname}.deadline", unknown_name("calendar phase", track.deadline, known))
                )
        elif not 0 <= track.deadline < s.rounds:
            out.append((f"tracks.{tname}.deadline", f"round {track.deadline} is not in 0-{s.rounds - 1}"))
    loose = [i for i in s.issues if i not in seen]
    if loose:
        out.append(("tracks", f"every issue must be in a track ({', '.join(loose)} is in none)"))
    return out
