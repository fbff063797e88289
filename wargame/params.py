"""Dotted parameter paths such as ``actors.seoul.salience.tariff``.

The one place that resolves a dotted path into nested mappings and lists (list items by index:
``actors.washington.linkages.0.weight``). Everything that varies a scenario -- ``--set``, events,
Monte Carlo sampling, sensitivity analysis -- goes through :func:`get_path` / :func:`set_path`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from wargame.schema import RETIRED, parse_yaml

Key = str | int


class PathError(KeyError):
    """A dotted path that does not exist; carries the nearest valid paths."""

    def __init__(self, path: str, reason: str, suggestions: list[str]):
        self.path = path
        self.reason = reason
        self.suggestions = suggestions
        super().__init__(path)

    def __str__(self) -> str:
        text = f"unknown parameter path '{self.path}' ({self.reason})"
        if self.suggestions:
            text += "; nearest valid paths: " + ", ".join(self.suggestions)
        return text


def split_path(path: str) -> list[Key]:
    """``"a.b.0.c"`` -> ``["a", "b", 0, "c"]``."""
    parts = path.split(".")
    if "" in parts:
        raise PathError(path, "empty path segment", [])
    return [int(p) if p.isdigit() else p for p in parts]


def leaf(path: str) -> str:
    """The last segment: ``"actors.seoul.salience.tariff"`` -> ``"tariff"``."""
    return path.rsplit(".", 1)[-1]


def family(column: str) -> tuple[str, str]:
    """An episodes-table column's family and the rest: ``"outcome.tariff"`` -> ``("outcome",
    "tariff")``, ``"param.actors.seoul.discount"`` -> ``("param", "actors.seoul.discount")``;
    ``("deal", "")`` for a column of no family."""
    head, _, rest = column.partition(".")
    return head, rest


def _step(node: Any, key: Key) -> Any:
    if type(node) is dict:  # the common case, without the ABC check
        return node[str(key)]
    if isinstance(node, Mapping):
        return node[str(key)]
    if isinstance(node, list) and isinstance(key, int):
        return node[key]
    raise KeyError(key)


def _walk(data: Any, path: str, keys: list[Key]) -> Any:
    node = data
    for depth, key in enumerate(keys):
        try:
            node = _step(node, key)
        except (KeyError, IndexError, TypeError):
            prefix = ".".join(str(k) for k in keys[:depth]) or "the top level"
            if depth == 0 and key in RETIRED:
                raise PathError(path, f"no longer a setting: {RETIRED[str(key)]}", []) from None
            raise PathError(path, f"no '{key}' under {prefix}", nearest_paths(data, path)) from None
    return node


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in nested mappings/lists; :class:`PathError` if there is none."""
    return _walk(data, path, split_path(path))


def set_path(data: Any, path: str, value: Any) -> None:
    """Replace the existing value at ``path`` in place. Never creates new keys (a typo must fail)."""
    keys = split_path(path)
    parent = _walk(data, path, keys[:-1])
    _assign(data, parent, path, keys, value)


def _assign(data: Any, parent: Any, path: str, keys: list[Key], value: Any) -> None:
    """Set ``parent[keys[-1]]`` (``parent`` is ``data`` at ``keys[:-1]``), which must exist."""
    key = keys[-1]
    try:
        _step(parent, key)
    except (KeyError, IndexError, TypeError):
        _walk(data, path, keys)  # raises the PathError, with the nearest paths of the whole tree
    if isinstance(parent, Mapping):
        parent[str(key)] = value  # type: ignore[index]
    else:
        parent[key] = value


def with_values(data: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with each dotted path in ``values`` replaced, leaving ``data`` untouched.

    Copy on write: only the mappings and lists on the way to a replaced value are copied; the rest
    is shared with ``data``, so treat the result as read-only outside those paths.
    """
    out = dict(data)
    owned = {id(out)}
    for path, value in values.items():
        keys = split_path(path)
        node: Any = out
        for key in keys[:-1]:
            try:
                child = _step(node, key)
            except (KeyError, IndexError, TypeError):
                _walk(out, path, keys)  # raises the PathError
                raise AssertionError("unreachable") from None
            if id(child) not in owned and isinstance(child, dict | list | Mapping):
                child = list(child) if isinstance(child, list) else dict(child)
                owned.add(id(child))
                if isinstance(node, list):
                    node[int(key)] = child
                else:
                    node[str(key)] = child
            node = child
        _assign(out, node, path, keys, value)
    return out


def with_key(data: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """:func:`with_values` for one path whose last key may be missing from its parent mapping (a
    key a dump leaves out because it is unset, such as a ratifier's open bound): the key is added.
    Only for paths something else has already named as valid; a missing parent still fails."""
    try:
        get_path(data, path)
    except PathError:
        keys = split_path(path)
        parent_path = path[: -len(str(keys[-1])) - 1]
        parent = get_path(data, parent_path) if len(keys) > 1 else None
        if not isinstance(parent, Mapping):
            raise
        return with_values(data, {parent_path: {**parent, str(keys[-1]): value}})
    return with_values(data, {path: value})


def iter_leaves(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted path, value) of a scalar leaf, depth first in document order."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from iter_leaves(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_leaves(value, f"{prefix}.{i}" if prefix else str(i))
    else:
        yield prefix, data


def numeric_paths(data: Any) -> list[str]:
    """The dotted paths of every number (payoff parameters and the like), booleans excluded."""
    return [
        p
        for p, v in iter_leaves(data)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]


def nearest_paths(data: Any, path: str, n: int = 3) -> list[str]:
    """Up to ``n`` existing leaf paths closest in spelling to ``path``."""
    leaves = [p for p, _ in iter_leaves(data)]
    return difflib.get_close_matches(path, leaves, n=n, cutoff=0.5)


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"actors.seoul.salience.tariff=0.6"`` -> ``("actors.seoul.salience.tariff", 0.6)``.

    The value is read as YAML (as a scenario file is), so numbers, ``1e-9`` included, become
    numbers, ``{name: hardliner}`` a mapping, and ``expected_utility`` stays a string.
    """
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ValueError(f"'{text}' is not PATH=VALUE")
    if not raw.strip():
        raise ValueError(f"'{text}' gives {path} no value")
    try:
        value = parse_yaml(raw)
    except yaml.YAMLError:
        value = raw
    return path, value
