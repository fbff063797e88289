"""The bad-input corpus: mutated config files, malformed CSVs and ``--set`` values, each run through
the tool and judged.

Every input ends one of three ways:
* refused: a WargameError (the CLI's exit status 2) naming what is wrong;
* accepted: validation passes, and then the work done with it must finish with finite numbers;
* a crash: any other exception, or accepted input whose work fails or yields NaN/infinity
  ("wrongly accepted"). The tests require none of the last.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from wargame.errors import WargameError

# what each leaf of a file is replaced by: wrong types, booleans, huge and tiny magnitudes, NaN,
# infinities, empty things, nesting
REPLACEMENTS: list[Any] = [
    True,
    False,
    None,
    "x",
    "",
    "1e9",
    1e308,
    -1e308,
    1e-308,
    5e-324,
    10**30,
    0,
    -1,
    0.5,
    math.nan,
    math.inf,
    -math.inf,
    [],
    {},
    [1, 2],
    {"a": 1},
]


@dataclass
class Tally:
    """What happened to a family of inputs."""

    tried: int = 0
    refused: int = 0
    accepted: int = 0
    crashes: list[str] = field(default_factory=list)
    wrongly_accepted: list[str] = field(default_factory=list)

    def line(self, family: str) -> str:
        return (
            f"{family}: {self.tried} tried, {self.refused} refused, {self.accepted} accepted and run; "
            f"crashes {len(self.crashes)}, wrongly accepted {len(self.wrongly_accepted)}"
        )


def leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every leaf's path (keys and list indices), depth first."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from leaves(v, (*path, i))
    else:
        yield path


def mutated(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = copy.deepcopy(value)
    return out


def mutants(data: Any, every: int = 1, seed: int = 0) -> Iterator[tuple[str, Any]]:
    """(label, mutated data): every leaf with every replacement; ``every`` > 1 takes a fixed,
    evenly spread share of them (the quick run), the rest are for the full corpus."""
    k = 0
    rng = random.Random(seed)
    offset = rng.randrange(every) if every > 1 else 0
    for path in leaves(data):
        for value in REPLACEMENTS:
            if k % every == offset:
                yield f"{'.'.join(map(str, path))}={value!r}", mutated(data, path, value)
            k += 1


def finite(data: Any) -> bool:
    """Whether plain data holds no NaN or infinity anywhere."""
    try:
        json.dumps(data, allow_nan=False, default=str)
    except ValueError:
        return False
    return True


def judge(tally: Tally, label: str, work: Any) -> None:
    """Run ``work()`` (validate, then use) and count the outcome. ``work`` returns None when the
    input was refused, or a description of a failure when accepted input went wrong."""
    tally.tried += 1
    try:
        problem = work()
    except WargameError:
        tally.refused += 1
        return
    except Exception as err:  # anything else is a crash: a traceback for a user
        tally.crashes.append(f"{label}: {type(err).__name__}: {err}")
        return
    tally.accepted += 1
    if problem:
        tally.wrongly_accepted.append(f"{label}: {problem}")


# --------------------------------------------------------------------------- scenarios


def scenario_work(data: Any, label: str) -> Any:
    """Validate mutated scenario data, then play one episode with it."""

    def work() -> str | None:
        from wargame.model import NegotiationModel
        from wargame.scenario import validate_scenario

        # the data as YAML gives it (reading the text itself is tested on files elsewhere, and
        # PyYAML takes twenty times as long as the validation)
        scenario = validate_scenario(data, label)
        episode = NegotiationModel(scenario, seed=0, collect=False).run()
        row = episode.to_row()
        values = [v for k, v in row.items() if k.startswith(("utility.", "gain.", "outcome."))]
        if not finite(values):
            return f"non-finite results {row}"
        utilities = [row[f"utility.{a}"] for a in scenario.actors]
        # a deal is worth [0, 1]; a failure that much minus no_deal_cost, which is in [-1, 1]
        if not all(-1 - 1e-9 <= u <= 2 + 1e-9 for u in utilities):
            return f"utility outside [-1, 2]: {utilities}"
        if episode.deal and not all(0 <= u <= 1 for u in utilities):
            return f"a deal's utility outside [0, 1]: {utilities}"
        return None

    return work


# --------------------------------------------------------------------------- experiments


def experiment_work(data: Any, label: str, folder: Path) -> Any:
    """Validate a mutated experiment file, then play its first episode (or build its design and
    play its first and last points)."""

    def work() -> str | None:
        from wargame.experiment import load_experiment
        from wargame.worker import design_of, play_episode

        path = folder / "experiment.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        plan = load_experiment(path)
        exp = plan.experiment
        base = plan.base_scenario()
        if exp.sensitivity is not None:
            from wargame.sensitivity import sensitivity_plan

            plan = sensitivity_plan(plan)
            design = design_of(plan.experiment, base)
            assert design is not None
            ks = [0, design.runs - 1]
        else:
            design, ks = None, [0]
        for k in ks:
            row, _ = play_episode(base, exp.uncertain, exp.seed, k, False, design)
            if not finite([v for c, v in row.items() if c.startswith(("utility.", "outcome."))]):
                return f"non-finite episode {k}"
        return None

    return work


# --------------------------------------------------------------------------- actor tables

GOOD_CSV = "actor,capability,position,salience\nA,1,0,50\nB,2,10,100\nC,0.5,4,80\n"


def csv_variants(seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """Malformed and awkward actor tables."""
    rng = np.random.default_rng(seed)
    good = GOOD_CSV.encode()
    yield "good", good
    yield "empty", b""
    yield "only a header", b"actor,capability,position,salience\n"
    yield "BOM", b"\xef\xbb\xbf" + good
    yield "latin-1", "actor,capability,position,salience\nJos\xe9,1,0,50\nB,1,5,50\n".encode("latin-1")
    yield "NUL in a name", b"actor,capability,position,salience\nA\x00B,1,0,50\nC,1,5,50\n"
    yield "escape in a name", b"actor,capability,position,salience\n\x1b[31mA,1,0,50\nC,1,5,50\n"
    yield "NUL bytes", b"\x00" * 1000
    yield "binary", bytes(rng.integers(0, 256, 2000, dtype=np.uint8))
    for cut in (5, 20, 40, 60):
        yield f"truncated at {cut}", good[:cut]
    for i in range(20):  # random single-byte damage
        damaged = bytearray(good)
        damaged[int(rng.integers(0, len(good)))] = int(rng.integers(0, 256))
        yield f"byte flip {i}", bytes(damaged)
    for column in ("capability", "position", "salience"):
        for value in ("1e308", "-1e308", "1e-308", "nan", "inf", "-inf", "", "x", "1e400", "0x10", "1_000"):
            table = {"capability": "1", "position": "0", "salience": "50"}
            table[column] = value
            yield (
                f"{column}={value}",
                f"actor,capability,position,salience\nA,{table['capability']},{table['position']},"
                f"{table['salience']}\nB,1,5,50\n".encode(),
            )
    yield "same positions", b"actor,capability,position,salience\nA,1,3,50\nB,1,3,50\n"
    yield "quotes", b'actor,capability,position,salience\n"A, the first",1,0,50\n"B ""q""",1,5,50\n'
    yield "unterminated quote", b'actor,capability,position,salience\n"A,1,0,50\nB,1,5,50\n'
    yield "extra column", b"actor,capability,position,salience,x\nA,1,0,50,1\nB,1,5,50,2\n"
    yield "semicolons", b"actor;capability;position;salience\nA;1;0;50\nB;1;5;50\n"
    yield "long name", f"actor,capability,position,salience\n{'A' * 100_000},1,0,50\nB,1,5,50\n".encode()
    many = "".join(f"a{i},1,{i},50\n" for i in range(1001))
    yield "1,001 actors", f"actor,capability,position,salience\n{many}".encode()
    yield "11 MB", b"actor,capability,position,salience\n" + b"A,1,0,50\n" * 1_300_000


def csv_work(content: bytes, label: str, folder: Path) -> Any:
    def work() -> str | None:
        from wargame import bdm
        from wargame.actors_csv import load_actors_csv
        from wargame.tables import to_json

        path = folder / "actors.csv"
        path.write_bytes(content)
        table = load_actors_csv(path)
        trajectory = bdm.simulate(table.capability, table.position, table.salience, 3)
        json.loads(to_json(trajectory.as_dict(table.names)))
        if not finite(trajectory.positions.tolist()) or not finite(trajectory.median.tolist()):
            return "non-finite forecast"
        if any(c < " " and c not in "\n\t" for name in table.names for c in name):
            return f"control characters kept in {table.names!r}"
        return None

    return work


# --------------------------------------------------------------------------- --set values

SET_PATHS = [
    "actors.seoul.salience.tariff",
    "actors.seoul.ideal.tariff",
    "actors.washington.discount",
    "rounds",
    "protocol",
    "variant",
    "name",
    "actors.seoul.strategy",
    "actors.seoul.strategy.e",
    "issues.tariff.step",
    "issues.tariff.hi",
    "events.beijing_coercion.trigger.base",
    "events.beijing_coercion.effects.0.value",
    "actors.washington.linkages.0.weight",
    "actors.seoul.salince",
    "actors..seoul",
    "max_candidates",
]
SET_VALUES = [
    "",
    "x",
    "1e9",
    "1e-9",
    "-1e308",
    "1e400",
    ".nan",
    "nan",
    ".inf",
    "-.inf",
    "true",
    "null",
    "[1, 2]",
    "{name: hardliner}",
    "{name: spe}",
    "{a: {b: c}}",
    "0x10",
    "1_000",
    "'5'",
    "!!python/object/apply:os.system ['true']",
    "*alias",
    "&a b",
    "[",
    "expected_utility",
    "textbook",
    "0",
    "-1",
    "2000001",
]
