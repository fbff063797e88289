"""What a browser sends, read and checked: a request's JSON body, and the fields in it, each of the
type it must have, or a :class:`~wargame.web.refused.Refused` (400) that names it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import Request

from wargame.web.refused import Refused

T = TypeVar("T")


async def read_body(request: Request) -> dict[str, Any]:
    """The request's body: a JSON object of valid text, or a 400."""
    try:
        body = await request.json()
    except ValueError:
        raise Refused(400, "expected a JSON object") from None
    if not isinstance(body, dict):
        raise Refused(400, "expected a JSON object")
    try:  # a lone surrogate ("\ud800") is valid JSON but no text: refuse it here, not when echoed
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(400, "the request holds text that is not valid Unicode") from None
    return body


def read_choice(values: Mapping[str, Any], key: str, kind: type[T]) -> T:
    """One field of a request body, of the type it must have, or a 400 that names it."""
    if key not in values:
        raise Refused(400, f"{key}: missing")
    value = values[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise Refused(400, f"{key}: expected a whole number")  # JSON's true is no number here
    if not isinstance(value, kind):
        raise Refused(400, f"{key}: expected {kind.__name__}")
    return value


def read_seed(values: Mapping[str, Any], default: int) -> int:
    """The request's seed (0 to 2^31 - 1), or ``default`` when it gives none."""
    seed = read_choice(values, "seed", int) if "seed" in values else default
    if not 0 <= seed < 2**31:
        raise Refused(400, "seed: between 0 and 2^31 - 1")
    return int(seed)
