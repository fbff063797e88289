"""The one way the classroom server says no: :class:`Refused`, an HTTP status and a sentence for
the person whose request it was. Sessions, scenarios and routes raise it; the app turns it into a
JSON error (:mod:`wargame.web.guard`)."""

from __future__ import annotations


class Refused(Exception):  # noqa: N818 (an answer to a request, not a fault)
    """A request the server refuses: the HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
