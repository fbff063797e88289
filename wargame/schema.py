"""What every config schema shares: a strict base model, strict YAML reading, and problems that
point at the file, the dotted key path and the line.

Scenario files, experiment files, moves files and strategy parameters all use it. Nothing here
knows any particular schema: discriminator tags (a strategy's ``name``, a distribution's ``dist``)
are recognised because the file does not contain them, and a model that dispatches to variants
registered elsewhere (strategy parameters) lists them through a ``variants()`` classmethod.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Tag, ValidationError

from wargame.errors import Problem, WargameError

Loc = tuple[Any, ...]

# What the arithmetic holds: sums, products and powers of numbers up to 1e12 stay finite and far
# from underflow; a number nearer 0 than 1e-12 is noise (write 0).
MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-12


def check_magnitude(value: float) -> float:
    """``value`` if it is 0 or between 1e-12 and 1e12 in size, else ValueError."""
    if value != 0 and not MIN_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE:
        raise ValueError(f"must be 0 or between 1e-12 and 1e12 in size (got {value!r})")
    return value


# a float a config file may hold
Number = Annotated[float, AfterValidator(check_magnitude)]
# one number, or one per issue (issue -> number): a mapping is read as the latter
PerIssue = Annotated[
    Union[Annotated[Number, Tag("one")], Annotated[dict[str, Number], Tag("per_issue")]],  # noqa: UP007
    Discriminator(lambda v: "per_issue" if isinstance(v, Mapping) else "one"),
]


class Strict(BaseModel):
    """Unknown keys, NaN/infinity and silent conversions ("10" or true for a number) are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


# --------------------------------------------------------------------------- reading YAML


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys (the last would silently win) and aliases
    (``*name``: a handful can expand into billions of nodes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not supported in these files", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {seen[key]})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date-like value that is no date (2025-02-30) is a problem at its line, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as err:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a valid date ({err})", node.start_mark
            ) from None


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)

# YAML 1.1 reads 1e9 and 1e-9 (no decimal point) as text; read them as numbers, as YAML 1.2 does
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def parse_yaml(text: str) -> Any:
    """Safe-load YAML text with :class:`StrictLoader` (a fresh copy each time: the same text is
    parsed once, since the pure-Python loader our checks need takes ~30 ms on a scenario and an
    experiment's scenario is read again for every check, resume and what-if)."""
    return copy.deepcopy(_parsed(text))


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)


def read_yaml(path: str | Path) -> tuple[Any, str]:
    """Read a YAML file safely: ``(data, text)``; a missing, unreadable or malformed file is a
    :class:`WargameError` naming the file and, where YAML says, the line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WargameError(Problem(str(path), "", "file not found")) from None
    except IsADirectoryError:
        raise WargameError(Problem(str(path), "", "is a directory, not a file")) from None
    except (OSError, UnicodeDecodeError) as err:
        raise WargameError(Problem(str(path), "", f"cannot read: {err}")) from None
    return load_yaml_text(text, str(path)), text


FileKind = Literal["scenario", "experiment", "observed"]
_WHAT = {
    "scenario": "a scenario (play it with wargame run, or name it in an experiment's scenario: key)",
    "experiment": "an experiment (run it with wargame batch, sensitivity or sweep)",
    "observed": "an observed-outcome file (give it to wargame calibrate --observed)",
}


def file_kind(data: Any) -> FileKind | None:
    """Which of the project's YAML files ``data`` looks like, by its top-level keys (None: none)."""
    if not isinstance(data, Mapping):
        return None
    if isinstance(data.get("observed"), Mapping) and "actors" not in data:
        return "observed"
    if isinstance(data.get("scenario"), str) and "issues" not in data:
        return "experiment"
    if "actors" in data and "issues" in data:
        return "scenario"
    return None


def expect_kind(data: Any, wanted: FileKind, source: str) -> None:
    """Refuse, in one line, a file of another kind where a ``wanted`` one belongs (rather than
    listing every key the wrong schema does not know)."""
    kind = file_kind(data)
    if kind is not None and kind != wanted:
        article = "an" if wanted[0] in "aeo" else "a"
        raise WargameError(Problem(source, "", f"this is {_WHAT[kind]}, not {article} {wanted} file", 1))


def load_yaml_text(text: str, source: str) -> Any:
    """:func:`parse_yaml`, with malformed YAML a :class:`WargameError` naming ``source`` and, where
    YAML says, the line (a file's text, or text uploaded to the classroom server)."""
    try:
        return parse_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise WargameError(Problem(source, "", f"not valid YAML: {problem}", line)) from None
    except RecursionError:
        raise WargameError(Problem(source, "", "not valid here: the YAML is nested too deeply")) from None


def line_index(text: str) -> Mapping[Loc, int]:
    """Map each key path in a YAML document to its 1-based line (the key's line for mappings),
    found when first read: only a problem needs a line, and a valid file is not parsed twice."""
    return _Lines(text)


class _Lines(Mapping[Loc, int]):
    def __init__(self, text: str) -> None:
        self._text = text

    @functools.cached_property
    def _index(self) -> dict[Loc, int]:
        return _line_index(self._text)

    def __getitem__(self, loc: Loc) -> int:
        return self._index[loc]

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@functools.lru_cache(maxsize=32)
def _line_index(text: str) -> dict[Loc, int]:
    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    index: dict[Loc, int] = {}

    def walk(node: yaml.Node, path: Loc) -> None:
        index.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, key.value)
                index[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def locate(loc: Loc, lines: Mapping[Loc, int]) -> tuple[str, int | None]:
    """Dotted path and best line (the deepest part of the path the file has) for a location."""
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    return ".".join(str(k) for k in loc), line


# --------------------------------------------------------------------------- friendly problems


def unknown_name(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown actor 'x'; did you mean 'y'?`` (or the known names when none is close)."""
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(names)})"
    return f"unknown {kind} '{name}'{hint}"


def clean_loc(loc: Loc, data: Any) -> Loc:
    """A pydantic error location as a key path in the file.

    Pydantic puts a discriminated union's tag into the location (``strategy.boulware.e``), and a
    check of a whole tagged model ends its location with the tag; the file has no such key. A part
    absent from the data at that point is such a tag, and is dropped, unless it is the last part
    and not one of the mapping's values (then it is a missing key).
    """
    kept: list[Any] = []
    node = data
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
            elif not last or part in node.values():
                continue  # a tag
            else:
                node = None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, int | float | str | bool) or (isinstance(node, list) and isinstance(part, str)):
            continue  # a value has no keys, a list no named ones: a tag
        else:
            node = None
        kept.append(part)
    return tuple(kept)


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    """The non-None members of a union (or the type itself); registered variants of a model."""
    tp = _unwrap(tp)
    if get_origin(tp) in (Union, UnionType):
        return [m for t in get_args(tp) if t is not type(None) for m in _members(t)]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and hasattr(tp, "variants"):
        return [tp, *tp.variants()]
    return [tp]


def _fits(model: type[BaseModel], node: Any) -> bool:
    """Whether ``node`` could be this member of a union: no tag field (a Literal) says otherwise."""
    if not isinstance(node, Mapping):
        return True
    for name, field in model.model_fields.items():
        tp = _unwrap(field.annotation)
        if get_origin(tp) is Literal and name in node and node[name] not in get_args(tp):
            return False
    return True


def fields_at(model: type[BaseModel], loc: Loc, data: Any = None) -> set[str]:
    """The keys allowed where ``loc`` (a key path of the file) points; its last part is the key.

    With the file's ``data``, a union offers only the keys of the members its tag picks (a
    strategy's own parameters, not every strategy's).
    """
    options: list[Any] = [model]
    node = data
    for part in loc[:-1]:
        nxt: list[Any] = []
        for tp in options:
            for member in _members(tp):
                if isinstance(member, type) and issubclass(member, BaseModel):
                    field = member.model_fields.get(str(part))
                    if field is not None:
                        nxt.append(field.annotation)
                elif get_origin(member) is dict:
                    nxt.append(get_args(member)[1])
                elif get_origin(member) is list:
                    nxt.append(get_args(member)[0])
        options = nxt
        node = node.get(part) if isinstance(node, Mapping) else None
    out: set[str] = set()
    for tp in options:
        members = [m for m in _members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
        fitting = [m for m in members if _fits(m, node)] or members
        for member in fitting:
            out.update(member.model_fields)
    return out


# top-level keys scenario files once held that mean nothing now, with why (a plain "unknown key"
# would leave a user of an older file guessing)
RETIRED = {
    "max_candidates": (
        "offers are computed exactly over the whole grid of packages (the efficient ones, "
        "wargame/frontier.py), so there is no sample of packages and no sample size to set; remove it"
    ),
}


def pydantic_problems(err: ValidationError, model: type[BaseModel], data: Any) -> list[tuple[Loc, str]]:
    """(key path in the file, friendly message) per pydantic error; an unknown key gets a "did you
    mean" among the keys ``model`` allows at that place."""
    out = []
    for e in err.errors():
        loc = clean_loc(tuple(e["loc"]), data)
        msg = e["msg"]
        kind = e["type"]
        if loc and loc[-1] == "[key]":  # a mapping key (a name) failed, not a value
            loc = loc[:-1]
            msg = (
                f"the name {e.get('input')!r} must be letters, digits and underscores, "
                "not starting with a digit (names are parts of dotted paths)"
            )
        elif (
            kind == "extra_forbidden"
            and len(loc) == 1
            and str(loc[0]) in RETIRED
            and "issues" in model.model_fields
        ):
            msg = f"'{loc[-1]}' is no longer a setting: {RETIRED[str(loc[-1])]}"
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = sorted(fields_at(model, loc, data))
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else (f" (allowed: {', '.join(allowed)})" if allowed else "")
            )
            msg = f"unknown key '{key}'{hint}"
        elif kind == "missing":
            msg = f"required key '{loc[-1]}' is missing"
        elif kind == "union_tag_not_found":
            tag = e.get("ctx", {}).get("discriminator", "name").strip("'")
            msg = f"needs a '{tag}' key saying which kind it is"
        elif kind == "finite_number":
            msg = f"must be a finite number (got {e.get('input')!r})"
        elif (
            isinstance(e.get("input"), int | float | str | bool)
            and "got" not in msg
            and repr(e["input"]) not in msg
        ):
            msg = f"{msg} (got {e.get('input')!r})"
        out.append((loc, msg.removeprefix("Value error, ")))
    return out


def validation_problems(
    err: ValidationError, model: type[BaseModel], data: Any, source: str, lines: Mapping[Loc, int]
) -> list[Problem]:
    """:func:`pydantic_problems` as :class:`Problem` s with the file's lines."""
    problems = []
    for loc, msg in pydantic_problems(err, model, data):
        where, line = locate(loc, lines)
        problems.append(Problem(source, where, msg, line))
    return problems
