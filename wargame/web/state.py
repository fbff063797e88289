"""Where a classroom session stands: its game's status and its debrief's state, as enums.

Both travel as plain strings, in the API's JSON and in ``session.json``, exactly as before they
were enums: a status is its value (``"playing"``); a debrief that failed is ``"failed: why"``
(the debrief page shows the reason), which :func:`debrief_text` writes and :func:`read_debrief`
splits back into the state and the reason.
"""

from __future__ import annotations

from enum import Enum


class SessionStatus(Enum):
    """A session's game: in the lobby, being played, paused, over (``complete``: the game reached
    its end) or stopped by the facilitator (``ended``)."""

    LOBBY = "lobby"
    PLAYING = "playing"
    PAUSED = "paused"
    COMPLETE = "complete"
    ENDED = "ended"

    @property
    def is_open(self) -> bool:
        """Not over yet: it holds its seats (the server's limits count it) and takes moves."""
        return self in (SessionStatus.LOBBY, SessionStatus.PLAYING, SessionStatus.PAUSED)

    @property
    def is_over(self) -> bool:
        return self in (SessionStatus.COMPLETE, SessionStatus.ENDED)


class DebriefState(Enum):
    """A finished game's debrief: not started, being computed, ready, or failed (with a reason)."""

    NONE = "none"
    COMPUTING = "computing"
    READY = "ready"
    FAILED = "failed"


def debrief_text(state: DebriefState, reason: str | None = None) -> str:
    """The wire form of a debrief's state: its value, and for a failure ``"failed: why"``."""
    if state is DebriefState.FAILED and reason:
        return f"{state.value}: {reason}"
    return state.value


def read_debrief(text: str) -> tuple[DebriefState, str | None]:
    """A debrief's state and reason from its wire form (``"failed: why"`` included); ValueError for
    text that is no state."""
    word, colon, reason = text.partition(":")
    state = DebriefState(word)
    if colon and state is not DebriefState.FAILED:
        raise ValueError(f"'{text}' is not a debrief state")
    return state, (reason.strip() or None) if colon else None
